// Prometheus text exposition renderer (see metrics.hpp).
#include "common/core/metrics.hpp"

#include <cmath>
#include <cstdio>

namespace fanout {

MetricFamily& MetricSet::family(std::string_view name, std::string_view help, MetricType type) {
    std::string n = sanitize_metric_name(name);
    for (auto& f : families_)
        if (f.name == n) return f;
    families_.push_back(MetricFamily{n, std::string(help), type, {}});
    return families_.back();
}

void MetricSet::add(std::string_view name, std::string_view help, MetricType type, double value,
                    std::vector<MetricLabel> labels) {
    family(name, help, type).samples.push_back(MetricSample{std::move(labels), value});
}

const MetricFamily* MetricSet::find(std::string_view name) const {
    for (const auto& f : families_)
        if (f.name == name) return &f;
    return nullptr;
}

size_t MetricSet::sample_count() const {
    size_t n = 0;
    for (const auto& f : families_)
        n += f.samples.size();
    return n;
}

std::string escape_label_value(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (char c : v) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string escape_help(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (char c : v) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string sanitize_metric_name(std::string_view name) {
    std::string out;
    out.reserve(name.size() + 1);
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                  c == ':';
        out += ok ? c : '_';
    }
    if (out.empty() || (out[0] >= '0' && out[0] <= '9')) out.insert(out.begin(), '_');
    return out;
}

std::string format_metric_value(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    if (std::trunc(v) == v && std::fabs(v) < 9.2e18) return std::to_string(static_cast<long long>(v));
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

namespace {
void render_sample(std::string& out, const std::string& name, const MetricSample& s) {
    out += name;
    if (!s.labels.empty()) {
        out += '{';
        for (size_t i = 0; i < s.labels.size(); ++i) {
            if (i) out += ',';
            out += sanitize_metric_name(s.labels[i].name);
            out += "=\"";
            out += escape_label_value(s.labels[i].value);
            out += '"';
        }
        out += '}';
    }
    out += ' ';
    out += format_metric_value(s.value);
    out += '\n';
}
}  // namespace

std::string render_prometheus(const MetricSet& set) {
    std::string out;
    for (const auto& f : set.families()) {
        out += "# HELP " + f.name + " " + escape_help(f.help) + "\n";
        out += "# TYPE " + f.name + (f.type == MetricType::counter ? " counter\n" : " gauge\n");
        for (const auto& s : f.samples)
            render_sample(out, f.name, s);
    }
    return out;
}

}  // namespace fanout
