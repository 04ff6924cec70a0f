// IgmpCore end to end through a recording IgmpActions: querier election, membership export, proxy upstream.
#include <gtest/gtest.h>

#include "common/core/manual_timer.hpp"
#include "igmpd/core/igmp_core.hpp"

namespace fanout::igmp {
namespace {

using namespace std::chrono_literals;

const Ipv4Address g{239, 1, 1, 1}, host{198, 19, 2, 10};

struct Rec final : IgmpActions {
    std::vector<std::pair<int, packet::IgmpMessage>> sent;
    std::vector<MembershipRecord> members;
    void send_igmp(int ifindex, Ipv4Address, Ipv4Address, std::span<const uint8_t> m) override {
        auto d = packet::decode_igmp(m);
        ASSERT_TRUE(d.ok());
        sent.emplace_back(ifindex, *d);
    }
    void membership_changed(const MembershipRecord& r) override { members.push_back(r); }
};

InterfaceChanged link(int ifindex, const char* name, Ipv4Address a) {
    return InterfaceChanged{ifindex, name, true, true, 1500, {IfAddress{a, 24}}};
}

TEST(IgmpCore, NonQuerierNeverSendsGeneralQueries) {
    ManualTimerService t;
    SeededRandom rng(1);
    Rec rec;
    IgmpConfig c;
    c.interfaces["eth0"] = {};
    IgmpCore core(c, t, rng, rec);
    core.handle(link(2, "eth0", Ipv4Address(198, 19, 2, 5)));
    ASSERT_EQ(rec.sent.size(), 1u);  // startup query
    for (int i = 0; i < 10; ++i) {
        core.handle(RxIgmp{2, Ipv4Address(198, 19, 2, 2), addr::kAllSystems, packet::IgmpQueryV3{}, true});
        t.advance(125s);
    }
    EXPECT_EQ(rec.sent.size(), 1u);
    EXPECT_FALSE(core.find_interface(2)->is_querier());
    t.advance(129s);  // last query at 1125 s, now 1379 s: the OQP timer (255 s) runs until 1380 s
    EXPECT_EQ(rec.sent.size(), 1u);
    t.advance(1s);  // the querier went silent: OQPI after its last query we take over
    EXPECT_TRUE(core.find_interface(2)->is_querier());
    EXPECT_EQ(rec.sent.size(), 2u);
}

TEST(IgmpCore, ExcludeSourceBlocksOnlyThatSource) {
    ManualTimerService t;
    SeededRandom rng(1);
    Rec rec;
    IgmpConfig c;
    c.interfaces["eth0"] = {};
    IgmpCore core(c, t, rng, rec);
    core.handle(link(2, "eth0", Ipv4Address(198, 19, 2, 1)));
    packet::IgmpReportV3 r;
    r.records.push_back({packet::IgmpRecordType::kChangeToExcludeMode, g, {Ipv4Address(198, 18, 0, 1)}});
    core.handle(RxIgmp{2, host, addr::kIgmpV3Reports, r, true});
    ASSERT_EQ(rec.members.size(), 1u);
    EXPECT_EQ(rec.members[0].mode, FilterMode::kExclude);
    EXPECT_EQ(rec.members[0].sources, (SourceSet{Ipv4Address(198, 18, 0, 1)}));
    t.advance(259s);
    EXPECT_EQ(rec.members.size(), 1u);  // still a member
    t.advance(1s);
    ASSERT_EQ(rec.members.size(), 2u);
    EXPECT_TRUE(rec.members[1].empty());
}

TEST(IgmpCore, ProxyReportsMergedMembershipUpstream) {
    ManualTimerService t;
    SeededRandom rng(1);
    Rec rec;
    IgmpConfig c;
    c.interfaces["up0"].proxy_role = ProxyRole::kUpstream;
    c.interfaces["eth0"].proxy_role = ProxyRole::kDownstream;
    IgmpCore core(c, t, rng, rec);
    core.handle(link(3, "up0", Ipv4Address(198, 19, 1, 2)));
    core.handle(link(2, "eth0", Ipv4Address(198, 19, 2, 1)));
    core.handle(RxIgmp{2, host, g, packet::IgmpReportV2{g}, true});
    t.advance(2s);
    int upstream_reports = 0;
    for (const auto& [ifindex, m] : rec.sent) {
        EXPECT_FALSE(ifindex == 3 && m.index() <= 2) << "no queries on the upstream";
        if (ifindex == 3 && std::holds_alternative<packet::IgmpReportV3>(m)) ++upstream_reports;
    }
    EXPECT_EQ(upstream_reports, 2);  // robustness
    EXPECT_EQ(core.merged_membership(g), (FilterState{FilterMode::kExclude, {}}));
}

}  // namespace
}  // namespace fanout::igmp
