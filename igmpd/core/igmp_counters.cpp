#include "igmpd/core/igmp_counters.hpp"

namespace fanout::igmp {

namespace {
constexpr std::array<std::string_view, static_cast<size_t>(IgmpDropReason::kCount)> kDropNames = {
    "unknown-interface",    "interface-disabled", "interface-down",      "own-address",
    "foreign-subnet",       "no-router-alert",    "query-bad-source",    "upstream-report",
    "older-router-version", "leave-in-v1-mode",   "block-in-older-mode", "ssm-asm-request",
    "link-local-group",     "bad-group",          "group-limit",         "source-limit",
    "unknown-record-type"};
constexpr std::array<std::string_view, kIgmpMessageKinds> kKindNames = {
    "v1_query", "v2_query", "v3_query", "v1_report", "v2_report", "v2_leave", "v3_report"};
}  // namespace

std::string_view to_string(IgmpDropReason r) {
    auto i = static_cast<size_t>(r);
    return i < kDropNames.size() ? kDropNames[i] : std::string_view("?");
}

std::string_view igmp_message_kind_name(size_t index) {
    return index < kKindNames.size() ? kKindNames[index] : std::string_view("?");
}

}  // namespace fanout::igmp
