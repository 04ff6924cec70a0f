// `fanout show metrics`: one Prometheus text document (exposition format 0.0.4) for every daemon the shell
// talks to, built from each daemon's `show metrics` JSON ({"families": [{name, help, type, samples}]},
// common/sys/metrics_status.hpp). Every sample gets a `daemon` label (unless it has one: fanout_info), and a
// family that both daemons export (fanout_status_replies_total...) is one family with one HELP and one TYPE
// line and the samples of both: a scraper or promtool sees no duplicate family and no colliding series.
// A daemon that could not be asked is one comment line ("# igmpd is not running (...)"); see Shell.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/core/metrics.hpp"

namespace fanout::shell {

struct DaemonMetrics {
    std::string daemon;   // "pimd"
    nlohmann::json data;  // its `show metrics` JSON reply data
};

// {"families": [...]}: the families of every daemon in first-seen order, each sample labelled with its
// daemon. A family a later daemon exports with another type keeps the first type (the names are the
// daemons' own, one meaning each: a clash is a bug, not something to render twice).
nlohmann::json merge_metrics(const std::vector<DaemonMetrics>& daemons);

// The set a {"families": [...]} document describes (for render_prometheus). Malformed families and samples
// are skipped; a null value (NaN or an infinity in JSON) is NaN.
MetricSet metric_set_from_json(const nlohmann::json& doc);

}  // namespace fanout::shell
