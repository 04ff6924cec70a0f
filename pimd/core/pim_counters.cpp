#include "pimd/core/pim_counters.hpp"

namespace fanout::pim {

namespace {
constexpr std::array<std::string_view, static_cast<size_t>(PimDropReason::kCount)> kPimDropReasonNames = {
    "decode-error",     "unknown-interface", "not-pim-interface", "interface-down",
    "own-address",      "bad-source",        "bad-destination",   "not-neighbor",
    "unsupported-type", "neighbor-filtered", "neighbor-limit",
};
}  // namespace

std::string_view to_string(PimDropReason r) {
    auto i = static_cast<size_t>(r);
    return i < kPimDropReasonNames.size() ? kPimDropReasonNames[i] : "unknown";
}

}  // namespace fanout::pim
