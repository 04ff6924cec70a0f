// Metrics from status command replies (see metrics_status.hpp).
#include "common/sys/metrics_status.hpp"

#include <map>
#include <set>

#include "common/sys/daemon_main.hpp"

namespace fanout::sys {

using nlohmann::json;

namespace {

constexpr const char* kSourceErrors = "fanout_metrics_source_errors";

std::string join_argv(const std::vector<std::string>& argv) {
    std::string s;
    for (const auto& a : argv)
        s += (s.empty() ? "" : " ") + a;
    return s;
}

std::optional<double> number_of(const json& j) {
    if (j.is_number()) return j.get<double>();
    if (j.is_boolean()) return j.get<bool>() ? 1.0 : 0.0;
    return std::nullopt;
}

std::string label_text(const json& j) {
    if (j.is_string()) return j.get<std::string>();
    if (j.is_null()) return "";
    return j.dump();
}

void add_leaves(MetricSet& m, const MetricRule& r, const std::string& prefix, const json& obj) {
    for (const auto& [k, v] : obj.items()) {
        std::string name = prefix + "_" + k;
        if (v.is_object()) {
            add_leaves(m, r, name, v);
            continue;
        }
        auto n = v.is_boolean() ? std::nullopt : number_of(v);
        if (!n) continue;
        std::string fam = r.type == MetricType::counter ? name + "_total" : name;
        m.add(fam, r.help + " (" + k + ")", r.type, *n);
    }
}

void apply_rule(MetricSet& m, const MetricRule& r, const json& data) {
    switch (r.kind) {
        case MetricRuleKind::leaves:
            if (data.is_object()) add_leaves(m, r, r.name, data);
            return;
        case MetricRuleKind::keyed: {
            MetricFamily& f = m.family(r.name, r.help, r.type);
            if (!data.is_object()) return;
            for (const auto& [k, v] : data.items())
                if (auto n = number_of(v)) f.samples.push_back({{{r.label, k}}, *n});
            return;
        }
        case MetricRuleKind::count:
            m.add(r.name, r.help, r.type, data.is_array() ? static_cast<double>(data.size()) : 0.0);
            return;
        case MetricRuleKind::count_by:
        case MetricRuleKind::sum_by: {
            MetricFamily& f = m.family(r.name, r.help, r.type);
            if (!data.is_array()) return;
            std::map<std::string, double> by;
            for (const auto& e : data) {
                if (!e.is_object()) continue;
                std::string key = e.contains(r.label) ? label_text(e[r.label]) : "";
                double add = 1;
                if (r.kind == MetricRuleKind::sum_by)
                    add = e.contains(r.field) ? number_of(e[r.field]).value_or(0) : 0;
                by[key] += add;
            }
            for (const auto& [k, n] : by)
                f.samples.push_back({{{r.label, k}}, n});
            return;
        }
        case MetricRuleKind::value:
            if (auto n = number_of(data)) m.add(r.name, r.help, r.type, *n);
            return;
    }
}

std::set<std::vector<std::string>> registered_paths(StatusServer& server) {
    std::set<std::vector<std::string>> paths;
    json reply = server.dispatch({"__commands"}, "json");
    if (!reply.value("ok", false)) return paths;
    for (const auto& c : reply["data"].value("commands", json::array()))
        paths.insert(c.value("path", std::vector<std::string>{}));
    return paths;
}

void add_server_counters(MetricSet& m, const StatusServer& server, const std::string& daemon) {
    m.add("fanout_info", "daemon name and version (always 1)", MetricType::gauge, 1,
          {{"daemon", daemon}, {"version", std::string(fanout_version())}});
    const auto& c = server.counters();
    m.add("fanout_status_connections_total", "status socket connections accepted", MetricType::counter,
          static_cast<double>(c.accepted));
    m.add("fanout_status_replies_total", "status socket replies fully written", MetricType::counter,
          static_cast<double>(c.served));
    m.add("fanout_status_errors_total", "status requests answered with an error", MetricType::counter,
          static_cast<double>(c.errors));
    m.add("fanout_status_drops_total", "status connections closed without a reply (cap, timeout, size, I/O)",
          MetricType::counter, static_cast<double>(c.drops));
}

}  // namespace

MetricSet metrics_from_status(StatusServer& server, const std::vector<MetricRule>& rules,
                              const std::string& daemon, const MetricsDataSource& totals) {
    MetricSet m;
    add_server_counters(m, server, daemon);
    m.family(kSourceErrors, "status commands that failed while building this scrape (1 each)",
             MetricType::gauge);
    std::set<std::string> failed;  // added at the end: families_ grows while rules run (no references held)
    auto paths = registered_paths(server);
    std::map<std::vector<std::string>, json> replies;  // each command runs once per scrape
    for (const MetricRule& r : rules) {
        if (!paths.count(r.command)) continue;
        auto it = replies.find(r.command);
        if (it == replies.end()) {
            std::optional<json> data = totals ? totals(r.command) : std::nullopt;
            json reply =
                data ? json{{"ok", true}, {"data", std::move(*data)}} : server.dispatch(r.command, "json");
            it = replies.emplace(r.command, std::move(reply)).first;
        }
        const json& reply = it->second;
        if (!reply.value("ok", false)) {
            failed.insert(join_argv(r.command));
            continue;
        }
        json::json_pointer ptr(r.pointer);
        const json& data = reply["data"];
        if (!data.contains(ptr)) continue;
        apply_rule(m, r, data.at(ptr));
    }
    for (const std::string& c : failed)
        m.add(kSourceErrors, "", MetricType::gauge, 1, {{"command", c}});
    return m;
}

json metrics_to_json(const MetricSet& set) {
    json fams = json::array();
    for (const auto& f : set.families()) {
        json samples = json::array();
        for (const auto& s : f.samples) {
            json labels = json::object();
            for (const auto& l : s.labels)
                labels[l.name] = l.value;
            samples.push_back({{"labels", labels}, {"value", s.value}});
        }
        fams.push_back({{"name", f.name},
                        {"help", f.help},
                        {"type", f.type == MetricType::counter ? "counter" : "gauge"},
                        {"samples", samples}});
    }
    return {{"families", fams}};
}

void register_metrics_command(StatusServer& server, std::vector<MetricRule> rules, std::string daemon,
                              MetricsDataSource totals) {
    server.add({{"show", "metrics"},
                "counters and gauges of every table and drop reason (Prometheus text format; same values as "
                "the show commands)",
                {}},
               [&server, rules = std::move(rules), daemon = std::move(daemon), totals = std::move(totals)](
                   const std::vector<std::string>&) -> Result<ShowOutput, std::string> {
                   MetricSet m = metrics_from_status(server, rules, daemon, totals);
                   return ShowOutput{metrics_to_json(m), render_prometheus(m)};
               });
}

}  // namespace fanout::sys
