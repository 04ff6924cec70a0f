// Assert metrics (RFC 7761 4.6.3 "Assert Metrics", 4.6.4 "AssertCancel Messages", 4.9.6 Assert format).
//
//   assert_metric { rpt_bit_flag; metric_preference; route_metric; ip_address }
//   "To compare two assert_metrics M1 and M2, the following rules are applied in order: M1 is better (more
//    preferred) if its rpt_bit_flag is lower (0 beats 1); else if its metric_preference is lower; else if its
//    route_metric is lower; else if its ip_address is higher" (a tie on everything is "equal").
//   spt_assert_metric(S,I)  = { 0, MRIB.pref(S),     MRIB.metric(S),     my_ip_address(I) }
//   rpt_assert_metric(G,I)  = { 1, MRIB.pref(RP(G)), MRIB.metric(RP(G)), my_ip_address(I) }
//   infinite_assert_metric() = { 1, infinity, infinity, 0 }   (what an AssertCancel carries)
//   my_assert_metric(S,G,I) = CouldAssert(S,G,I) ? spt_assert_metric(S,I)
//                           : CouldAssert(*,G,I) ? rpt_assert_metric(G,I) : infinite_assert_metric()
// An unreachable S (or RP) has no MRIB entry: its spt/rpt metric is infinite preference and metric with the
// flag and address kept (it still loses against any reachable one).
// (The RFC text was not available in the local corpus; quoted from RFC 7761 as known.)
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/core/ip.hpp"
#include "common/packet/pim_assert.hpp"
#include "pimd/core/rib_view.hpp"

namespace fanout::pim {

struct AssertMetric {
    bool rpt_bit = true;
    uint32_t preference = packet::kAssertMaxPreference;
    uint32_t metric = packet::kAssertInfiniteMetric;
    Ipv4Address address;

    bool is_infinite() const {
        return rpt_bit && preference == packet::kAssertMaxPreference &&
               metric == packet::kAssertInfiniteMetric;
    }
    std::string to_string() const;  // "{rpt 0, pref 110, metric 20, 10.0.0.1}"
    bool operator==(const AssertMetric&) const = default;
};

// True when a is better (preferred) than b (RFC 7761 4.6.3 comparison).
bool assert_metric_better(const AssertMetric& a, const AssertMetric& b);

AssertMetric infinite_assert_metric();
// route: RpfTracker's answer for S (nullopt: unreachable); my_address: my_ip_address(I).
AssertMetric spt_assert_metric(const std::optional<RpfRoute>& route_to_source, Ipv4Address my_address);
// route: the answer for RP(G) (nullopt: no RP or unreachable).
AssertMetric rpt_assert_metric(const std::optional<RpfRoute>& route_to_rp, Ipv4Address my_address);
// The metric a received Assert advertises, from its sender `sender`.
AssertMetric assert_metric_of(const packet::Assert& a, Ipv4Address sender);

}  // namespace fanout::pim
