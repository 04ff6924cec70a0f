// One metrics document out of several daemons' (see metrics_merge.hpp).
#include "common/shell/metrics_merge.hpp"

#include <limits>
#include <map>

namespace fanout::shell {

using nlohmann::json;

namespace {

json labelled(const json& sample, const std::string& daemon) {
    json s = sample;
    if (!s.contains("labels") || !s["labels"].is_object()) s["labels"] = json::object();
    if (!s["labels"].contains("daemon")) s["labels"]["daemon"] = daemon;
    return s;
}

bool is_family(const json& f) {
    return f.is_object() && f.contains("name") && f["name"].is_string();
}

}  // namespace

json merge_metrics(const std::vector<DaemonMetrics>& daemons) {
    json families = json::array();
    std::map<std::string, size_t> index;  // family name -> position in families
    for (const auto& d : daemons) {
        if (!d.data.is_object() || !d.data.contains("families") || !d.data["families"].is_array()) continue;
        for (const auto& f : d.data["families"]) {
            if (!is_family(f)) continue;
            const std::string name = f["name"].get<std::string>();
            auto [it, fresh] = index.emplace(name, families.size());
            if (fresh)
                families.push_back({{"name", name},
                                    {"help", f.value("help", "")},
                                    {"type", f.value("type", "gauge")},
                                    {"samples", json::array()}});
            json& samples = families[it->second]["samples"];
            for (const auto& s : f.value("samples", json::array()))
                if (s.is_object()) samples.push_back(labelled(s, d.daemon));
        }
    }
    return {{"families", families}};
}

MetricSet metric_set_from_json(const json& doc) {
    MetricSet set;
    if (!doc.is_object() || !doc.contains("families") || !doc["families"].is_array()) return set;
    for (const auto& f : doc["families"]) {
        if (!is_family(f)) continue;
        const auto type = f.value("type", "gauge") == "counter" ? MetricType::counter : MetricType::gauge;
        MetricFamily& fam = set.family(f["name"].get<std::string>(), f.value("help", ""), type);
        for (const auto& s : f.value("samples", json::array())) {
            if (!s.is_object()) continue;
            MetricSample out;
            const json v = s.value("value", json());
            out.value = v.is_number() ? v.get<double>() : std::numeric_limits<double>::quiet_NaN();
            const json labels = s.value("labels", json::object());
            for (const auto& [k, l] : labels.items())
                out.labels.push_back({k, l.is_string() ? l.get<std::string>() : l.dump()});
            fam.samples.push_back(std::move(out));
        }
    }
    return set;
}

}  // namespace fanout::shell
