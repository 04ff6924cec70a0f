// A receiver waits for the data its Join asks for, and that data comes back one round trip after the Join
// leaves. So at a last-hop router a membership change sends its Join/Prune before anything else it causes:
// the new (S,G)'s kernel entry, which is only needed once the data arrives, follows it (SparseMode::handle
// (MembershipChanged) and recompute_group_once, sparse_mode.cpp). The same holds for a leave: the Prune goes
// first, the kernel entry's removal after it.
//
// Topology: eth0 (ifindex 2, 198.19.12.1/24) with PIM neighbor 198.19.12.2, the RPF neighbor toward every
// source; eth1 (ifindex 3, 198.19.13.1/24) with IGMP and the receivers.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/core/manual_timer.hpp"
#include "common/core/random.hpp"
#include "common/packet/pim_hello.hpp"
#include "common/packet/pim_join_prune.hpp"
#include "pimd/core/pim_core.hpp"
#include "pimd/core/sparse_mode.hpp"
#include "tests/testlib/pim_inputs.hpp"
#include "tests/testlib/two_port_rib.hpp"

namespace fanout::pim {
namespace {

const Ipv4Address kS(198, 18, 1, 10);
const Ipv4Address kG(232, 1, 1, 1);  // SSM: the (S,G) is installed at the join, before any packet
const Ipv4Address kUp(198, 19, 12, 2);
const Ipv4Address kMe0(198, 19, 12, 1);
const Ipv4Address kMe1(198, 19, 13, 1);

// Every action in the order the core emits it: "join S", "prune S" (one per source of a J/P), "mfc set S",
// "mfc del S".
class Sequence final : public PimActions {
  public:
    void send_pim(int, Ipv4Address, Ipv4Address, std::span<const uint8_t> m) override {
        auto jp = packet::decode_join_prune(m);
        if (!jp) return;
        for (const auto& g : jp->groups) {
            for (const auto& s : g.joins)
                steps.push_back("join " + s.source.to_string());
            for (const auto& s : g.prunes)
                steps.push_back("prune " + s.source.to_string());
        }
    }
    void vif_add(const VifAdd&) override {}
    void vif_del(const VifDel&) override {}
    void mfc_set(const MfcEntry& e) override { steps.push_back("mfc set " + e.source.to_string()); }
    void mfc_del(const MfcDel& d) override { steps.push_back("mfc del " + d.source.to_string()); }
    std::vector<std::string> steps;
};

class MembershipOrderTest : public ::testing::Test {
  protected:
    MembershipOrderTest() : core(testlib::two_port_config(), timers, rng, actions) {
        core.sparse().set_rib(&rib);
        core.handle(testlib::interface_up(2, "eth0", kMe0));
        core.handle(testlib::interface_up(3, "eth1", kMe1));
        packet::Hello h;
        h.holdtime_s = 105;
        h.generation_id = 7;
        h.dr_priority = 1;
        core.handle(RxPim{2, kUp, addr::kAllPimRouters, packet::encode_hello(h)});
        actions.steps.clear();
    }
    void membership(std::vector<Ipv4Address> sources) {
        core.handle(testlib::membership(3, kG, FilterMode::kInclude, std::move(sources)));
    }
    // Whatever the core still holds for later loop turns (kernel entries past its per-turn budget).
    void settle() { core.sparse().flush_mfc(100); }

    ManualTimerService timers;
    SeededRandom rng{1};
    Sequence actions;
    testlib::TwoPortRib rib{kUp};
    PimCore core;
};

TEST_F(MembershipOrderTest, ANewReceiversJoinLeavesBeforeTheKernelEntry) {
    membership({kS});
    settle();
    const std::vector<std::string> want{"join " + kS.to_string(), "mfc set " + kS.to_string()};
    EXPECT_EQ(actions.steps, want);
}

TEST_F(MembershipOrderTest, ALastReceiversPruneLeavesBeforeTheKernelEntryGoes) {
    membership({kS});
    settle();
    actions.steps.clear();
    membership({});
    settle();
    ASSERT_FALSE(actions.steps.empty());
    EXPECT_EQ(actions.steps.front(), "prune " + kS.to_string()) << ::testing::PrintToString(actions.steps);
    bool kernel_changed = false;
    for (const auto& s : actions.steps)
        kernel_changed |= s == "mfc del " + kS.to_string() || s == "mfc set " + kS.to_string();
    EXPECT_TRUE(kernel_changed) << "the (S,G) entry is removed (or its olist emptied) after the Prune: "
                                << ::testing::PrintToString(actions.steps);
}

}  // namespace
}  // namespace fanout::pim
