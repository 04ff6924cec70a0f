// RFC 7761 4.2 (KeepaliveTimer restarted by data from S on RPF_interface(S)) and 4.2.2 (Update_SPTbit on data
// arrival): with kernel forwarding, data on an (S,G) entry installed before its first packet (an SSM join, or
// a Join that arrived before the data) never reaches pimd as a NOCACHE upcall; only the kernel's per-(S,G)
// counters show it. The counter sample must cover those entries, or SPTbit(S,G) stays FALSE,
// CouldAssert(S,G,I) stays FALSE and two forwarders on a LAN never Assert (found by
// tests/e2e/pimd_sm_lan_assert.py).
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <vector>

#include "common/core/manual_timer.hpp"
#include "common/core/random.hpp"
#include "common/packet/pim_hello.hpp"
#include "pimd/core/keepalive.hpp"
#include "pimd/core/pim_core.hpp"
#include "pimd/core/pim_sm_status.hpp"
#include "pimd/core/sparse_mode.hpp"
#include "tests/testlib/pim_inputs.hpp"
#include "tests/testlib/two_port_rib.hpp"

namespace fanout::pim {
namespace {

using namespace std::chrono_literals;

const Ipv4Address kS(198, 18, 1, 10);
const Ipv4Address kG(232, 1, 1, 1);  // SSM (the default 232/8 range): no RP, no NOCACHE needed
const Ipv4Address kUp(198, 19, 12, 2);
const Ipv4Address kMe0(198, 19, 12, 1);
const Ipv4Address kMe1(198, 19, 13, 1);

class Recorder final : public PimActions {
  public:
    void send_pim(int, Ipv4Address, Ipv4Address, std::span<const uint8_t>) override {}
    void vif_add(const VifAdd&) override {}
    void vif_del(const VifDel&) override {}
    void mfc_set(const MfcEntry& e) override { mfc_sets.push_back(e); }
    void mfc_del(const MfcDel&) override {}
    std::vector<MfcEntry> mfc_sets;
};

class Counters final : public CounterSource {
  public:
    std::optional<SgCounterSample> sg_counters(const SGKey& k) override {
        auto it = values.find(k);
        if (it == values.end()) return std::nullopt;
        return it->second;
    }
    std::map<SGKey, SgCounterSample> values;
};

class SparseTrafficTest : public ::testing::Test {
  protected:
    SparseTrafficTest() : core(testlib::two_port_config(), timers, rng, actions) {
        core.sparse().set_rib(&rib);
        up(2, "eth0", kMe0);
        up(3, "eth1", kMe1);
        packet::Hello h;
        h.holdtime_s = 105;
        h.generation_id = 7;
        h.dr_priority = 1;
        core.handle(RxPim{2, kUp, addr::kAllPimRouters, packet::encode_hello(h)});
    }
    void up(int ifindex, const char* name, Ipv4Address a) {
        core.handle(testlib::interface_up(ifindex, name, a));
    }
    std::optional<UpstreamStatus> upstream() const {
        for (auto& u : upstream_status(core))
            if (u.kind == "(S,G)") return u;
        return std::nullopt;
    }

    ManualTimerService timers;
    SeededRandom rng{1};
    Recorder actions;
    testlib::TwoPortRib rib{kUp};
    Counters counters;
    PimCore core;
};

TEST_F(SparseTrafficTest, CountersOfAnEntryInstalledBeforeItsFirstPacketSetTheSptBit) {
    core.handle(testlib::membership(3, kG, FilterMode::kInclude, {kS}));
    core.sparse().flush_mfc(100);
    auto u = upstream();
    ASSERT_TRUE(u);
    EXPECT_EQ(u->state, "Joined");
    EXPECT_FALSE(u->spt_bit);
    ASSERT_FALSE(actions.mfc_sets.empty()) << "the SSM (S,G) is installed before any packet (no NOCACHE)";
    EXPECT_EQ(actions.mfc_sets.back().source, kS);

    core.sparse().set_counter_source(&counters);
    counters.values[SGKey{kS, kG}] = {10, 1000};  // the kernel forwarded 10 packets that arrived on eth0
    core.sparse().sample_traffic();
    u = upstream();
    ASSERT_TRUE(u);
    EXPECT_TRUE(u->spt_bit) << "4.2.2 Update_SPTbit: data arrived on RPF_interface(S) with JoinDesired(S,G)";
    EXPECT_TRUE(u->keepalive_ms.has_value()) << "4.2: data on the SPT restarts the KeepaliveTimer";
}

TEST_F(SparseTrafficTest, NoCountersNoSptBit) {
    core.handle(testlib::membership(3, kG, FilterMode::kInclude, {kS}));
    core.sparse().flush_mfc(100);
    core.sparse().set_counter_source(&counters);
    core.sparse().sample_traffic();
    auto u = upstream();
    ASSERT_TRUE(u);
    EXPECT_FALSE(u->spt_bit) << "no packets counted: no data arrived, SPTbit stays FALSE";
}

}  // namespace
}  // namespace fanout::pim

namespace fanout::pim {
namespace {

// Every long-lived table has a bound: kernel flows and (S,G) entries stop at PimConfig::max_sg_entries; a new
// source beyond it is refused and counted (sg_limit_drops), an existing one is never refused.
TEST_F(SparseTrafficTest, NewStateBeyondMaxSgEntriesIsRefusedAndCounted) {
    PimConfig c = testlib::two_port_config();
    c.max_sg_entries = 3;
    core.handle(ConfigChanged{c});
    const int vif = core.vifs().vif_of(2).value();
    const Ipv4Address g(239, 9, 9, 9);
    auto source = [](uint32_t i) { return Ipv4Address(198, 19, 12, static_cast<uint8_t>(100 + i)); };
    for (uint32_t i = 0; i < 5; ++i)  // directly connected sources on eth0: (S,G) with a KeepaliveTimer each
        core.handle(KernelUpcall{KernelUpcallType::kNoCache, vif, source(i), g, {}});
    EXPECT_EQ(core.sparse().flows().size(), 3u);
    EXPECT_EQ(core.sparse().tib().sg().size(), 3u);
    EXPECT_EQ(core.sparse().counters().sg_limit_drops, 2u);
    EXPECT_FALSE(core.sparse().tib().find(SGKey{source(4), g}));

    core.handle(KernelUpcall{KernelUpcallType::kNoCache, vif, source(0), g, {}});
    EXPECT_EQ(core.sparse().counters().sg_limit_drops, 2u) << "an existing flow is not refused";
    EXPECT_TRUE(core.sparse().tib().find(SGKey{source(0), g}));
}

// 4.2.2 at an RP that is also the DR of a directly connected source: when the first receiver appears the
// SPTbit is set at once and the (S,G) entry keeps RPF_interface(S) as its iif. It must never move to the
// register VIF: the kernel would drop the native packets until a WRONGVIF upcall set the SPTbit.
TEST_F(SparseTrafficTest, RpThatIsTheFirstHopKeepsTheSourceInterfaceWhenTheFirstReceiverJoins) {
    PimConfig c = testlib::two_port_config();
    StaticRp rp;
    rp.rp = kMe0;  // this router
    c.rp_set.static_rps.push_back(rp);
    core.handle(ConfigChanged{c});
    const int vif0 = core.vifs().vif_of(2).value();
    const int vif1 = core.vifs().vif_of(3).value();
    const SGKey sg{Ipv4Address(198, 19, 12, 100), Ipv4Address(239, 1, 2, 3)};
    core.handle(KernelUpcall{KernelUpcallType::kNoCache, vif0, sg.source, sg.group, {}});
    core.sparse().flush_mfc(100);
    ASSERT_TRUE(core.sparse().tib().find(sg));
    EXPECT_FALSE(core.sparse().tib().find(sg)->spt_bit) << "no receiver yet: JoinDesired(S,G) is FALSE";

    actions.mfc_sets.clear();
    core.handle(testlib::membership(3, sg.group, FilterMode::kExclude));
    core.sparse().flush_mfc(100);
    EXPECT_TRUE(core.sparse().tib().find(sg)->spt_bit);
    bool installed = false;
    for (const auto& e : actions.mfc_sets) {
        if (e.key() != sg) continue;
        installed = true;
        EXPECT_EQ(e.iif_vif, vif0) << "the (S,G) entry left RPF_interface(S)";
        EXPECT_TRUE(e.oifs.test(static_cast<size_t>(vif1)));
    }
    EXPECT_TRUE(installed);
}

}  // namespace
}  // namespace fanout::pim
