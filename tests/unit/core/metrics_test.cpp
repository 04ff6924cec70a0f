// Prometheus text renderer (common/core/metrics.hpp): HELP/TYPE lines, label and help escaping, value
// formatting, name sanitising, family order and merging.
#include "common/core/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace fanout {
namespace {

TEST(Metrics, RendersHelpTypeAndSamplesInInsertionOrder) {
    MetricSet m;
    m.add("fanout_pim_drops_total", "PIM packets dropped, by reason", MetricType::counter, 3,
          {{"reason", "bad_checksum"}});
    m.add("fanout_pim_neighbors", "PIM neighbors", MetricType::gauge, 2);
    m.add("fanout_pim_drops_total", "ignored second help", MetricType::counter, 1,
          {{"reason", "no_interface"}});
    EXPECT_EQ(render_prometheus(m),
              "# HELP fanout_pim_drops_total PIM packets dropped, by reason\n"
              "# TYPE fanout_pim_drops_total counter\n"
              "fanout_pim_drops_total{reason=\"bad_checksum\"} 3\n"
              "fanout_pim_drops_total{reason=\"no_interface\"} 1\n"
              "# HELP fanout_pim_neighbors PIM neighbors\n"
              "# TYPE fanout_pim_neighbors gauge\n"
              "fanout_pim_neighbors 2\n");
    EXPECT_EQ(m.families().size(), 2u);
    EXPECT_EQ(m.sample_count(), 3u);
}

TEST(Metrics, EscapesLabelValuesAndHelp) {
    EXPECT_EQ(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
    EXPECT_EQ(escape_help("line1\nback\\slash \"quotes stay\""), "line1\\nback\\\\slash \"quotes stay\"");
    MetricSet m;
    m.add("x", "help with\nnewline", MetricType::gauge, 1, {{"if", "eth\"0\\"}, {"g", "239.1.1.1"}});
    EXPECT_EQ(render_prometheus(m),
              "# HELP x help with\\nnewline\n# TYPE x gauge\nx{if=\"eth\\\"0\\\\\",g=\"239.1.1.1\"} 1\n");
}

TEST(Metrics, SanitisesNames) {
    EXPECT_EQ(sanitize_metric_name("fanout_pim_rx-bad.name"), "fanout_pim_rx_bad_name");
    EXPECT_EQ(sanitize_metric_name("9lives"), "_9lives");
    EXPECT_EQ(sanitize_metric_name(""), "_");
    EXPECT_EQ(sanitize_metric_name("ns:sub_name0"), "ns:sub_name0");
    MetricSet m;
    m.add("a-b", "h", MetricType::gauge, 1, {{"bad label", "v"}});
    EXPECT_EQ(render_prometheus(m), "# HELP a_b h\n# TYPE a_b gauge\na_b{bad_label=\"v\"} 1\n");
    EXPECT_NE(m.find("a_b"), nullptr);
}

TEST(Metrics, FormatsValues) {
    EXPECT_EQ(format_metric_value(0), "0");
    EXPECT_EQ(format_metric_value(18446744073709.0), "18446744073709");
    EXPECT_EQ(format_metric_value(-5), "-5");
    EXPECT_EQ(format_metric_value(0.25), "0.25");
    EXPECT_EQ(format_metric_value(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(format_metric_value(-std::numeric_limits<double>::infinity()), "-Inf");
    EXPECT_EQ(format_metric_value(std::nan("")), "NaN");
}

TEST(Metrics, EmptyFamilyKeepsHelpAndType) {
    MetricSet m;
    m.family("fanout_igmp_groups_by_mode", "IGMP groups, by filter mode", MetricType::gauge);
    EXPECT_EQ(render_prometheus(m),
              "# HELP fanout_igmp_groups_by_mode IGMP groups, by filter mode\n"
              "# TYPE fanout_igmp_groups_by_mode gauge\n");
    EXPECT_EQ(render_prometheus(MetricSet{}), "");
}

}  // namespace
}  // namespace fanout
