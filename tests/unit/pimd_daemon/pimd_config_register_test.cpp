// The register: section of pimd.yaml (pimd/pimd_config_register.hpp): every key, defaults, refusals with
// file:line:col, and the running-config form parsing back to the same settings.
#include <gtest/gtest.h>

#include "pimd/pimd_config.hpp"

namespace fanout::pimd {
namespace {

const char* kFull = R"(register-suppression-time: 20s
register-probe-time: 3s
register:
  source: 192.0.2.1
  rate-limit: {pps: 50, burst: 10}
  accept:
    sources: [10.0.0.0/8, 192.0.2.0/24]
    groups: [239.0.0.0/8]
  rp-rate-limit: {pps: 200, burst: 40}
)";

TEST(RegisterConfigYaml, EveryKeyIsRead) {
    auto r = parse_pimd_config(kFull, "t.yaml");
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    const auto& p = r.value().pim;
    EXPECT_EQ(p.register_suppression_time, std::chrono::seconds(20));
    EXPECT_EQ(p.register_probe_time, std::chrono::seconds(3));
    ASSERT_TRUE(p.register_source);
    EXPECT_EQ(p.register_source->to_string(), "192.0.2.1");
    EXPECT_EQ(p.register_rate_limit_pps, 50u);
    EXPECT_EQ(p.register_rate_limit_burst, 10u);
    ASSERT_EQ(p.accept_register_sources.size(), 2u);
    EXPECT_EQ(p.accept_register_sources[1].to_string(), "192.0.2.0/24");
    ASSERT_EQ(p.accept_register_groups.size(), 1u);
    EXPECT_EQ(p.register_rp_rate_limit_pps, 200u);
    EXPECT_EQ(p.register_rp_rate_limit_burst, 40u);
}

TEST(RegisterConfigYaml, DefaultsWithoutTheSection) {
    auto r = parse_pimd_config("{}\n", "t.yaml");
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    const auto& p = r.value().pim;
    EXPECT_FALSE(p.register_source);
    EXPECT_EQ(p.register_rate_limit_pps, 1000u);
    EXPECT_EQ(p.register_rate_limit_burst, 200u);
    EXPECT_TRUE(p.accept_register_sources.empty());
    EXPECT_EQ(p.register_rp_rate_limit_pps, 0u);
}

void refused(const char* text, int line, int column, const std::string& key) {
    auto r = parse_pimd_config(text, "t.yaml");
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().line, line) << r.error().to_string();
    EXPECT_EQ(r.error().column, column) << r.error().to_string();
    EXPECT_EQ(r.error().key, key) << r.error().to_string();
}

TEST(RegisterConfigYaml, BadValuesAreRefusedWithPosition) {
    refused("register:\n  source: 239.1.1.1\n", 2, 11, "register.source");
    refused("register:\n  rate-limit: {pps: 5, burst: 0}\n", 2, 31, "register.rate-limit.burst");
    refused("register:\n  accept:\n    groups: [10.0.0.0/8]\n", 3, 14, "register.accept.groups[0]");
    refused("register:\n  accept:\n    sources: [1.2.3.4/40]\n", 3, 15, "register.accept.sources[0]");
    refused("register:\n  bogus: 1\n", 2, 3, "register.bogus");
}

TEST(RegisterConfigYaml, RunningConfigParsesBack) {
    auto r = parse_pimd_config(kFull, "t.yaml");
    ASSERT_TRUE(r.ok());
    auto again = parse_pimd_config(render_running_config(r.value()), "running.yaml");
    ASSERT_TRUE(again.ok()) << again.error().to_string();
    EXPECT_EQ(again.value().pim, r.value().pim);
}

}  // namespace
}  // namespace fanout::pimd
