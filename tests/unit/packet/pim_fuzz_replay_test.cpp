// Replays the PIM fuzz seeds (tests/fuzz/corpus/pim_*) and any committed crashers
// (tests/fuzz/regressions/pim_*) through the fuzz targets' round-trip checks, so the normal build keeps them
// fixed. Plus a few hand-made inputs that must keep holding.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_pim_roundtrip.hpp"

namespace fanout::packet {
namespace {

using Check = std::function<bool(std::span<const uint8_t>)>;

size_t replay(const std::string& name, const Check& check) {
    size_t n = 0;
    for (const char* kind : {"corpus", "regressions"}) {
        const auto dir = std::filesystem::path(FANOUT_SOURCE_DIR) / "tests/fuzz" / kind / name;
        if (!std::filesystem::exists(dir)) continue;
        for (const auto& e : std::filesystem::directory_iterator(dir)) {
            if (!e.is_regular_file()) continue;
            std::ifstream in(e.path(), std::ios::binary);
            const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                             std::istreambuf_iterator<char>());
            EXPECT_TRUE(check(bytes)) << e.path();
            ++n;
        }
    }
    return n;
}

TEST(PimFuzzReplay, Hello) {
    EXPECT_GT(replay("pim_hello", fuzz::hello_round_trip), 0u);
}
TEST(PimFuzzReplay, Register) {
    EXPECT_GT(replay("pim_register", fuzz::register_round_trip), 0u);
}
TEST(PimFuzzReplay, Assert) {
    EXPECT_GT(replay("pim_assert", fuzz::assert_round_trip), 0u);
}
TEST(PimFuzzReplay, JoinPrune) {
    EXPECT_GT(replay("pim_join_prune", fuzz::join_prune_round_trip), 0u);
}

TEST(PimFuzzReplay, HandMadeEdgeCases) {
    // Hello: duplicate holdtime, empty address list, zero-length unknown option.
    const std::vector<uint8_t> hello = {0, 1, 0, 2, 0, 30, 0, 1, 0, 2, 0, 90, 0, 24, 0, 0, 0, 77, 0, 0};
    EXPECT_TRUE(fuzz::hello_round_trip(hello));
    // J/P: one group, 3 joins, 2 prunes, packed into 34-byte messages with one source per list.
    const std::vector<uint8_t> jp = {1, 0,  10, 0, 0, 1, 0, 0, 0, 1,  0,  0, 0, 32, 239, 1,
                                     1, 1,  0,  3, 0, 2, 1, 0, 4, 32, 10, 0, 0, 1,  1,   0,
                                     4, 32, 10, 0, 0, 2, 1, 0, 4, 32, 10, 0, 0, 3,  1,   0,
                                     5, 32, 10, 0, 0, 4, 1, 0, 5, 32, 10, 0, 0, 5};
    ASSERT_TRUE(decode_join_prune_body(jp).ok());
    EXPECT_TRUE(fuzz::join_prune_round_trip(jp));
    // Assert with trailing bytes; Register-Stop with trailing bytes.
    const std::vector<uint8_t> as = {1, 0, 0,    32, 239, 1, 1, 1, 1, 0, 10, 0,
                                     0, 1, 0x80, 0,  0,   1, 0, 0, 0, 2, 9,  9};
    ASSERT_TRUE(decode_assert_body(as).ok());
    EXPECT_TRUE(fuzz::assert_round_trip(as));
    EXPECT_TRUE(fuzz::register_round_trip(std::span<const uint8_t>(as).first(14)));
}

}  // namespace
}  // namespace fanout::packet
