// Metrics built from a daemon's own status commands, so that every value equals what `show ... json`
// reports at the same instant (no second collection path). A daemon lists rules; each rule names a status
// command, a JSON pointer into its reply and how to turn that JSON into Prometheus families:
//
//   {{"show","ip","pim","statistics"}, "/pim/drops", MetricRuleKind::keyed,
//    "fanout_pim_drops_total", "PIM packets dropped, by reason", MetricType::counter, "reason"}
//
// Extending the metrics to a new table is one more rule. A rule whose command is not registered (a feature
// that is not wired in this build) is skipped; one whose command fails (e.g. "not running") yields
// fanout_metrics_source_errors{command="..."} = 1 instead of its families. Every set also carries
// fanout_info{daemon,version} and the status server's own counters.
//
//   show metrics     -> text: the Prometheus exposition; json: {"families": [{name, help, type, samples}]}
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/core/metrics.hpp"
#include "common/sys/status_server.hpp"

namespace fanout::sys {

enum class MetricRuleKind {
    leaves,    // object: each numeric leaf becomes its own family `name_<key path>` (+ "_total" for counters)
    keyed,     // object {key: number}: one family, one sample per key, labelled `label`=key
    count,     // array: its size (gauge)
    count_by,  // array of objects: one sample per distinct value of field `label`, the number of elements
    value,     // a number (or bool as 0/1)
    sum_by,    // array of objects: field `field` summed per distinct value of field `label`
};

struct MetricRule {
    MetricRule(std::vector<std::string> command_, std::string pointer_, MetricRuleKind kind_,
               std::string name_, std::string help_, MetricType type_ = MetricType::counter,
               std::string label_ = {}, std::string field_ = {})
        : command(std::move(command_)),
          pointer(std::move(pointer_)),
          kind(kind_),
          name(std::move(name_)),
          help(std::move(help_)),
          type(type_),
          label(std::move(label_)),
          field(std::move(field_)) {}

    std::vector<std::string> command;  // status command argv
    std::string pointer;               // JSON pointer into the reply's data ("" = the whole of it)
    MetricRuleKind kind = MetricRuleKind::value;
    std::string name;  // family name (prefix for `leaves`)
    std::string help;
    MetricType type = MetricType::counter;
    std::string label;  // keyed / count_by / sum_by: the label name (and, for count_by/sum_by, the field)
    std::string field;  // sum_by: the numeric field summed
};

// Where a rule's command data comes from when it must not be what `show` displays: a daemon whose `clear ...
// statistics` subtracts a display baseline hands the metrics its running totals here, so the counters stay
// monotonic as Prometheus requires. nullopt: ask the status server as usual.
using MetricsDataSource =
    std::function<std::optional<nlohmann::json>(const std::vector<std::string>& command)>;

// Runs every rule's command through server.dispatch (JSON), or through `totals` where it answers, and builds
// the set.
MetricSet metrics_from_status(StatusServer& server, const std::vector<MetricRule>& rules,
                              const std::string& daemon, const MetricsDataSource& totals = {});
// JSON form of a set (what `show metrics` answers in JSON).
nlohmann::json metrics_to_json(const MetricSet& set);
// Registers `show metrics` on server with these rules.
void register_metrics_command(StatusServer& server, std::vector<MetricRule> rules, std::string daemon,
                              MetricsDataSource totals = {});

}  // namespace fanout::sys
