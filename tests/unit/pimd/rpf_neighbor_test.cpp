// RPF'(*,G) = NBR(RPF_interface(RP(G)), MRIB.next_hop(RP(G))) and RPF'(S,G) = NBR(RPF_interface(S),
// MRIB.next_hop(S)) (RFC 7761 4.1.6), with NBR(I, A) also matching a neighbor's secondary addresses (4.3.4).
// MRIB.next_hop(X) of a directly connected X is X itself: when the RP is a neighbor's own link address (the
// usual set-up with troglobit pimd, which cannot use a loopback as its RP address), that neighbor is
// RPF'(*,G) and the (*,G) Join goes to it. Found by tests/e2e/pimd_sm_troglobit_interop.py: Fanout listed the
// (*,G) upstream as Joined with no RPF neighbor and never sent the Join, so nothing reached its receiver.
//
// Topology: eth0 (ifindex 2, 198.19.12.1/24, connected) with PIM neighbor 198.19.12.2; eth1 (ifindex 3,
// 198.19.13.1/24) with a local (*,G) receiver; everything else via 198.19.12.2.
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "common/core/manual_timer.hpp"
#include "common/core/random.hpp"
#include "common/packet/pim_hello.hpp"
#include "common/packet/pim_join_prune.hpp"
#include "pimd/core/pim_core.hpp"
#include "pimd/core/pim_sm_status.hpp"
#include "pimd/core/sparse_mode.hpp"
#include "tests/testlib/pim_inputs.hpp"
#include "tests/testlib/two_port_rib.hpp"

namespace fanout::pim {
namespace {

const Ipv4Address kG(239, 1, 1, 1);
const Ipv4Address kSsmG(232, 1, 1, 1);
const Ipv4Address kNbr(198, 19, 12, 2);
const Ipv4Address kNbrSecondary(198, 19, 12, 7);
const Ipv4Address kHost(198, 19, 12, 50);  // a directly connected source that is not a PIM router
const Ipv4Address kMe0(198, 19, 12, 1);
const Ipv4Address kMe1(198, 19, 13, 1);

struct SentJp {
    int ifindex;
    packet::JoinPrune jp;
};

class Recorder final : public PimActions {
  public:
    void send_pim(int ifindex, Ipv4Address, Ipv4Address, std::span<const uint8_t> m) override {
        if (auto jp = packet::decode_join_prune(m)) jps.push_back({ifindex, *jp});
    }
    void vif_add(const VifAdd&) override {}
    void vif_del(const VifDel&) override {}
    void mfc_set(const MfcEntry&) override {}
    void mfc_del(const MfcDel&) override {}
    std::vector<SentJp> jps;
};

class RpfNeighborTest : public ::testing::Test {
  protected:
    void start(Ipv4Address rp) {
        PimConfig c = testlib::two_port_config();
        c.interfaces["eth1"].dr_priority = 10;  // DR on eth1: the local receiver counts
        StaticRp s;
        s.rp = rp;
        c.rp_set.static_rps.push_back(s);
        c.spt_threshold.mode = SptThresholdMode::kNever;
        core.emplace(c, timers, rng, actions);
        rib.connected.emplace_back(Ipv4Prefix(Ipv4Address(198, 19, 12, 0), 24), 2);
        core->sparse().set_rib(&rib);
        up(2, "eth0", kMe0);
        up(3, "eth1", kMe1);
    }
    void up(int ifindex, const char* name, Ipv4Address a) {
        core->handle(testlib::interface_up(ifindex, name, a));
    }
    // troglobit pimd's Hello: options 1, 19, 20 (no LAN Prune Delay, no Address List), unless a test adds
    // one.
    void hello(std::vector<Ipv4Address> secondaries = {}) {
        packet::Hello h;
        h.holdtime_s = 105;
        h.generation_id = 11;
        h.dr_priority = 1;
        h.address_list = std::move(secondaries);
        core->handle(RxPim{2, kNbr, addr::kAllPimRouters, packet::encode_hello(h)});
    }
    void member(FilterMode mode, std::vector<Ipv4Address> sources = {}, Ipv4Address group = kG) {
        core->handle(testlib::membership(3, group, mode, std::move(sources)));
    }
    std::optional<UpstreamStatus> upstream(const char* kind) const {
        for (auto& u : upstream_status(*core))
            if (u.kind == kind) return u;
        return std::nullopt;
    }
    // The (*,G) Joins sent on eth0, as (upstream neighbor field, RP in the encoded source).
    std::vector<std::pair<Ipv4Address, Ipv4Address>> star_g_joins() const {
        std::vector<std::pair<Ipv4Address, Ipv4Address>> out;
        for (const auto& s : actions.jps)
            for (const auto& g : s.jp.groups)
                for (const auto& j : g.joins)
                    if (s.ifindex == 2 && g.group.group == kG && j.wildcard && j.rpt)
                        out.emplace_back(s.jp.upstream_neighbor, j.source);
        return out;
    }

    ManualTimerService timers;
    SeededRandom rng{1};
    Recorder actions;
    testlib::TwoPortRib rib{kNbr};
    std::optional<PimCore> core;
};

TEST_F(RpfNeighborTest, RpOnTheNeighborsLinkAddressIsReachedThroughThatNeighbor) {
    start(kNbr);
    hello();
    member(FilterMode::kExclude);
    auto u = upstream("(*,G)");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->state, "Joined");
    EXPECT_EQ(u->rpf_interface, "eth0");
    EXPECT_EQ(u->rpf_neighbor, "198.19.12.2")
        << "4.1.6: RPF'(*,G) = NBR(eth0, MRIB.next_hop(RP)) = the RP itself";
    auto joins = star_g_joins();
    ASSERT_FALSE(joins.empty()) << "4.5.4 NotJoined -> Joined: Send Join(*,G) to RPF'(*,G)";
    EXPECT_EQ(joins.front().first, kNbr);
    EXPECT_EQ(joins.front().second, kNbr);
}

TEST_F(RpfNeighborTest, NeighborThatIsTheRpAppearingLaterGetsTheJoin) {
    start(kNbr);
    member(FilterMode::kExclude);
    auto u = upstream("(*,G)");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->rpf_neighbor, "") << "no Hello yet: the RP is not a PIM neighbor";
    EXPECT_TRUE(star_g_joins().empty());
    hello();
    u = upstream("(*,G)");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->rpf_neighbor, "198.19.12.2");
    auto joins = star_g_joins();
    ASSERT_FALSE(joins.empty()) << "4.5.4: RPF'(*,G) changed to the new neighbor: Join(*,G) to it";
    EXPECT_EQ(joins.back().first, kNbr);
}

TEST_F(RpfNeighborTest, RpOnANeighborsSecondaryAddressMapsToItsPrimary) {
    start(kNbrSecondary);
    hello({kNbrSecondary});
    member(FilterMode::kExclude);
    auto u = upstream("(*,G)");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->rpf_neighbor, "198.19.12.2") << "4.3.4: NBR(I, A) finds the neighbor that lists A";
    auto joins = star_g_joins();
    ASSERT_FALSE(joins.empty());
    EXPECT_EQ(joins.front().first, kNbr) << "the J/P names the neighbor's primary address";
    EXPECT_EQ(joins.front().second, kNbrSecondary) << "the encoded source is RP(G)";
}

TEST_F(RpfNeighborTest, DirectlyConnectedHostSourceHasNoRpfNeighbor) {
    start(Ipv4Address(198, 18, 9, 9));
    hello();
    member(FilterMode::kInclude, {kHost}, kSsmG);  // an SSM (S,G) join for a source on eth0's subnet
    auto u = upstream("(S,G)");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->rpf_interface, "eth0");
    EXPECT_EQ(u->rpf_neighbor, "") << "MRIB.next_hop(S) = S, which is no PIM neighbor: we are the first hop";
    for (const auto& s : actions.jps)
        for (const auto& g : s.jp.groups)
            EXPECT_TRUE(g.joins.empty()) << "no Join toward a directly connected source";
}

}  // namespace
}  // namespace fanout::pim
