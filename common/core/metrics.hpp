// Metrics in the Prometheus text exposition format (version 0.0.4), rendered by a pure function:
//
//   # HELP fanout_pim_drops_total PIM packets dropped, by reason
//   # TYPE fanout_pim_drops_total counter
//   fanout_pim_drops_total{reason="bad_checksum"} 3
//
// A MetricSet holds families in insertion order; each family has a name, a help line, a type (counter or
// gauge) and samples with labels. Rendering escapes label values (\\, \", \n) and help text (\\, \n), as the
// format requires. Names are checked against [a-zA-Z_:][a-zA-Z0-9_:]*; a family or label name that does not
// match is replaced by a sanitised one (other characters become '_') so a status key can never break a
// scrape. The daemons build their sets from their status snapshots (common/sys/metrics_status.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fanout {

enum class MetricType { counter, gauge };

struct MetricLabel {
    std::string name;
    std::string value;
};

struct MetricSample {
    std::vector<MetricLabel> labels;
    double value = 0;
};

struct MetricFamily {
    std::string name;  // counters should end in _total
    std::string help;
    MetricType type = MetricType::gauge;
    std::vector<MetricSample> samples;
};

class MetricSet {
  public:
    // The family called name (created with help and type on first use; later calls return the same one).
    MetricFamily& family(std::string_view name, std::string_view help, MetricType type);
    // Adds one sample to the family (created as above).
    void add(std::string_view name, std::string_view help, MetricType type, double value,
             std::vector<MetricLabel> labels = {});

    const std::vector<MetricFamily>& families() const { return families_; }
    const MetricFamily* find(std::string_view name) const;
    size_t sample_count() const;

  private:
    std::vector<MetricFamily> families_;
};

// Prometheus text format of every family (HELP, TYPE, then its samples); families without samples are kept
// (a HELP and TYPE line only) so a scraper sees every known metric even when a table is empty.
std::string render_prometheus(const MetricSet& set);

// Label value escaping: backslash, double quote and line feed.
std::string escape_label_value(std::string_view v);
// HELP text escaping: backslash and line feed.
std::string escape_help(std::string_view v);
// A valid metric (or label) name: invalid characters become '_', a leading digit gets a '_' prefix.
std::string sanitize_metric_name(std::string_view name);
// Sample value: integers exactly (up to 2^63), other values with 17 significant digits, +Inf/-Inf/NaN.
std::string format_metric_value(double v);

}  // namespace fanout
