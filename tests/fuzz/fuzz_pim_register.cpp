// libFuzzer target: PIM Register and Register-Stop decoder round trip (checks in fuzz_pim_roundtrip.hpp).
// Aborts when a decoded message does not re-encode to bytes that decode to the same value.
#include <cstdlib>

#include "tests/fuzz/fuzz_pim_roundtrip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (!fanout::packet::fuzz::register_round_trip(std::span<const uint8_t>(data, size))) std::abort();
    return 0;
}
