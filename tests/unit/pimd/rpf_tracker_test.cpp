// RFC 7761 4.5 RPF, 4.6 assert metric preference: RpfTracker caching, refcounts, targeted re-resolution.
#include "pimd/core/rpf_tracker.hpp"

#include <gtest/gtest.h>

#include <map>

namespace fanout::pim {
namespace {

Ipv4Address ip(const char* s) {
    return *Ipv4Address::parse(s);
}
Ipv4Prefix pfx(const char* s) {
    return *Ipv4Prefix::parse(s);
}

// A longest-match RIB over a map of routes.
class MapRib final : public RibView {
  public:
    std::optional<RpfRoute> lookup(Ipv4Address a) override {
        ++lookups;
        std::optional<RpfRoute> best;
        for (const auto& [p, r] : routes)
            if (p.contains(a) && (!best || p.length() > best->prefix.length())) best = r;
        return best;
    }
    void add(const char* prefix, int ifindex, const char* gw, uint8_t proto = rtprot::kStatic,
             uint32_t metric = 0) {
        RpfRoute r;
        r.prefix = pfx(prefix);
        r.ifindex = ifindex;
        r.gateway = ip(gw);
        r.protocol = proto;
        r.connected = r.gateway.is_unspecified();
        r.metric = metric;
        routes[r.prefix] = r;
    }
    std::map<Ipv4Prefix, RpfRoute> routes;
    int lookups = 0;
};

TEST(PreferenceTable, Defaults) {
    auto t = PreferenceTable::defaults();
    RpfRoute r;
    r.connected = true;
    EXPECT_EQ(t.preference_for(r), 0u);
    r.connected = false;
    r.protocol = rtprot::kStatic;
    EXPECT_EQ(t.preference_for(r), 1u);
    r.protocol = rtprot::kOspf;
    EXPECT_EQ(t.preference_for(r), 110u);
    r.protocol = rtprot::kBgp;
    EXPECT_EQ(t.preference_for(r), 20u);
    r.protocol = rtprot::kIsis;
    EXPECT_EQ(t.preference_for(r), 115u);
    r.protocol = rtprot::kRip;
    EXPECT_EQ(t.preference_for(r), 120u);
    r.protocol = 77;
    EXPECT_EQ(t.preference_for(r), 255u);
}

TEST(RpfTracker, TrackCachesAndRefcounts) {
    MapRib rib;
    rib.add("10.0.0.0/8", 2, "192.0.2.1", rtprot::kOspf, 20);
    RpfTracker t(rib);
    const auto& r = t.track(ip("10.1.1.1"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->ifindex, 2);
    EXPECT_EQ(r->preference, 110u);
    EXPECT_EQ(r->metric, 20u);
    t.track(ip("10.1.1.1"));
    EXPECT_EQ(rib.lookups, 1);
    EXPECT_EQ(t.refcount(ip("10.1.1.1")), 2u);
    EXPECT_EQ(t.rpf_neighbor(ip("10.1.1.1")), ip("192.0.2.1"));
    EXPECT_EQ(t.rpf_ifindex(ip("10.1.1.1")), 2);
    t.untrack(ip("10.1.1.1"));
    EXPECT_EQ(t.size(), 1u);
    t.untrack(ip("10.1.1.1"));
    EXPECT_EQ(t.size(), 0u);
    EXPECT_EQ(t.find(ip("10.1.1.1")), nullptr);
    t.untrack(ip("10.1.1.1"));  // no-op
}

// A dropped address stays idle (invisible) with its answer, so tracking it again needs no RIB lookup: a
// receiver joining the same group again, a source starting again (the IGMP report to first data path).
TEST(RpfTracker, AnAddressTrackedAgainIsAnsweredWithoutALookup) {
    MapRib rib;
    rib.add("10.0.0.0/8", 2, "192.0.2.1");
    RpfTracker t(rib);
    t.track(ip("10.1.1.1"));
    t.untrack(ip("10.1.1.1"));
    EXPECT_EQ(t.size(), 0u);
    EXPECT_EQ(t.idle_size(), 1u);
    EXPECT_EQ(t.find(ip("10.1.1.1")), nullptr) << "idle addresses are not tracked ones";
    EXPECT_FALSE(t.rpf_ifindex(ip("10.1.1.1")));
    EXPECT_EQ(t.refcount(ip("10.1.1.1")), 0u);
    const auto& r = t.track(ip("10.1.1.1"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->ifindex, 2);
    EXPECT_EQ(rib.lookups, 1);
    EXPECT_EQ(t.counters().idle_reused, 1u);
    EXPECT_EQ(t.size(), 1u);
    EXPECT_EQ(t.idle_size(), 0u);
}

TEST(RpfTracker, IdleAddressesFollowRouteChangesSilently) {
    MapRib rib;
    rib.add("10.0.0.0/8", 2, "192.0.2.1");
    RpfTracker t(rib);
    t.track(ip("10.1.1.1"));
    t.untrack(ip("10.1.1.1"));
    rib.add("10.1.1.0/24", 4, "192.0.2.9");
    EXPECT_TRUE(t.route_changed(pfx("10.1.1.0/24")).empty()) << "nobody depends on an idle address";
    EXPECT_EQ(t.track(ip("10.1.1.1"))->ifindex, 4) << "but its answer is current";
    EXPECT_EQ(rib.lookups, 2);
}

TEST(RpfTracker, IdleAddressesAreBounded) {
    MapRib rib;
    rib.add("0.0.0.0/0", 2, "192.0.2.1");
    RpfTracker t(rib);
    const uint32_t n = RpfTracker::kMaxIdle + 10;
    for (uint32_t i = 0; i < n; ++i) {
        t.track(Ipv4Address(0x0a000000u + i));
        t.untrack(Ipv4Address(0x0a000000u + i));
    }
    EXPECT_EQ(t.idle_size(), RpfTracker::kMaxIdle);
    t.track(Ipv4Address(0x0a000000u));  // among the oldest: forgotten, looked up again
    EXPECT_EQ(rib.lookups, static_cast<int>(n) + 1);
    t.track(Ipv4Address(0x0a000000u + n - 1));  // the newest: still idle
    EXPECT_EQ(rib.lookups, static_cast<int>(n) + 1);
    // One address dropped and taken again many times stays one idle entry.
    for (int i = 0; i < 10000; ++i) {
        t.untrack(Ipv4Address(0x0a000000u));
        t.track(Ipv4Address(0x0a000000u));
    }
    EXPECT_EQ(t.size(), 2u);
    EXPECT_LE(t.idle_size(), RpfTracker::kMaxIdle);
}

TEST(RpfTracker, ConnectedNextHopIsTheAddress) {
    MapRib rib;
    rib.add("198.18.0.0/24", 3, "0.0.0.0", rtprot::kKernel);
    RpfTracker t(rib);
    t.track(ip("198.18.0.2"));
    EXPECT_EQ(t.rpf_neighbor(ip("198.18.0.2")), ip("198.18.0.2"));
    EXPECT_EQ(t.route(ip("198.18.0.2"))->preference, 0u);
}

TEST(RpfTracker, UnreachableIsCachedToo) {
    MapRib rib;
    RpfTracker t(rib);
    EXPECT_FALSE(t.track(ip("10.1.1.1")));
    ASSERT_NE(t.find(ip("10.1.1.1")), nullptr);
    EXPECT_FALSE(t.rpf_neighbor(ip("10.1.1.1")));
}

TEST(RpfTracker, RouteChangedReResolvesOnlyCoveredAddresses) {
    MapRib rib;
    rib.add("0.0.0.0/0", 2, "192.0.2.1");
    RpfTracker t(rib);
    t.track(ip("10.1.1.1"));
    t.track(ip("10.1.1.2"));
    t.track(ip("20.1.1.1"));
    rib.lookups = 0;
    rib.add("10.1.1.0/24", 4, "192.0.2.9");
    auto ch = t.route_changed(pfx("10.1.1.0/24"));
    EXPECT_EQ(rib.lookups, 2);
    ASSERT_EQ(ch.size(), 2u);
    EXPECT_EQ(ch[0].address, ip("10.1.1.1"));
    EXPECT_TRUE(ch[0].next_hop_changed);
    EXPECT_EQ(ch[0].old_route->ifindex, 2);
    EXPECT_EQ(ch[0].new_route->ifindex, 4);
    EXPECT_EQ(t.rpf_ifindex(ip("10.1.1.2")), 4);
    // A change that does not alter the answer reports nothing.
    EXPECT_TRUE(t.route_changed(pfx("10.1.1.0/24")).empty());
    EXPECT_EQ(t.counters().re_resolutions, 4u);
}

TEST(RpfTracker, ReachabilityAndMetricChanges) {
    MapRib rib;
    rib.add("10.0.0.0/8", 2, "192.0.2.1", rtprot::kOspf, 10);
    RpfTracker t(rib);
    t.track(ip("10.1.1.1"));
    rib.add("10.0.0.0/8", 2, "192.0.2.1", rtprot::kOspf, 30);
    auto ch = t.refresh_all();
    ASSERT_EQ(ch.size(), 1u);
    EXPECT_FALSE(ch[0].next_hop_changed);
    EXPECT_TRUE(ch[0].metric_changed);
    rib.routes.clear();
    ch = t.route_changed(pfx("10.0.0.0/8"));
    ASSERT_EQ(ch.size(), 1u);
    EXPECT_TRUE(ch[0].next_hop_changed);
    EXPECT_FALSE(ch[0].new_route);
}

TEST(RpfTracker, PreferenceTableChangeIsAMetricChange) {
    MapRib rib;
    rib.add("10.0.0.0/8", 2, "192.0.2.1", rtprot::kBgp);
    RpfTracker t(rib);
    t.track(ip("10.1.1.1"));
    auto prefs = PreferenceTable::defaults();
    prefs.by_protocol[rtprot::kBgp] = 200;
    auto ch = t.set_preferences(prefs);
    ASSERT_EQ(ch.size(), 1u);
    EXPECT_TRUE(ch[0].metric_changed);
    EXPECT_EQ(t.route(ip("10.1.1.1"))->preference, 200u);
}

TEST(RpfTracker, InterfaceLostReResolvesOnlyTheAddressesRoutedThroughIt) {
    MapRib rib;
    rib.add("198.18.1.0/24", 2, "10.0.24.2", rtprot::kStatic, 10);
    rib.add("198.18.9.0/24", 3, "10.0.34.3", rtprot::kStatic, 10);
    RpfTracker t(rib);
    t.track(ip("198.18.1.5"));
    t.track(ip("198.18.1.6"));
    t.track(ip("198.18.9.1"));
    t.untrack(ip("198.18.1.6"));  // idle: kept up to date, never reported
    const int before = rib.lookups;
    // Interface 2 goes down: the kernel removes its routes silently; a worse route through 3 is left.
    rib.add("198.18.1.0/24", 3, "10.0.34.3", rtprot::kStatic, 30);
    auto changes = t.interface_lost(2);
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_EQ(changes[0].address, ip("198.18.1.5"));
    EXPECT_TRUE(changes[0].next_hop_changed);
    EXPECT_EQ(t.rpf_ifindex(ip("198.18.1.5")), 3);
    EXPECT_EQ(t.rpf_neighbor(ip("198.18.1.5")), ip("10.0.34.3"));
    EXPECT_EQ(rib.lookups - before, 2) << "198.18.1.5 and the idle 198.18.1.6; not 198.18.9.1 (through 3)";
    EXPECT_TRUE(t.interface_lost(2).empty()) << "nothing is routed through 2 any more";
    EXPECT_EQ(t.counters().interfaces_lost, 2u);
}

}  // namespace
}  // namespace fanout::pim
