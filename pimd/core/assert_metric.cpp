// RFC 7761 4.6.3 assert metrics. See assert_metric.hpp.
#include "pimd/core/assert_metric.hpp"

namespace fanout::pim {

bool assert_metric_better(const AssertMetric& a, const AssertMetric& b) {
    if (a.rpt_bit != b.rpt_bit) return !a.rpt_bit;
    if (a.preference != b.preference) return a.preference < b.preference;
    if (a.metric != b.metric) return a.metric < b.metric;
    return a.address > b.address;
}

std::string AssertMetric::to_string() const {
    return "{rpt " + std::to_string(rpt_bit ? 1 : 0) + ", pref " + std::to_string(preference) + ", metric " +
           std::to_string(metric) + ", " + address.to_string() + "}";
}

AssertMetric infinite_assert_metric() {
    return AssertMetric{};
}

namespace {
AssertMetric route_metric(bool rpt, const std::optional<RpfRoute>& route, Ipv4Address me) {
    AssertMetric m;
    m.rpt_bit = rpt;
    m.address = me;
    if (route) {
        // The preference is a 31-bit field on the wire.
        m.preference = route->preference & packet::kAssertMaxPreference;
        m.metric = route->metric;
    }
    return m;
}
}  // namespace

AssertMetric spt_assert_metric(const std::optional<RpfRoute>& route_to_source, Ipv4Address my_address) {
    return route_metric(false, route_to_source, my_address);
}

AssertMetric rpt_assert_metric(const std::optional<RpfRoute>& route_to_rp, Ipv4Address my_address) {
    return route_metric(true, route_to_rp, my_address);
}

AssertMetric assert_metric_of(const packet::Assert& a, Ipv4Address sender) {
    return AssertMetric{a.rpt, a.metric_preference & packet::kAssertMaxPreference, a.metric, sender};
}

}  // namespace fanout::pim
