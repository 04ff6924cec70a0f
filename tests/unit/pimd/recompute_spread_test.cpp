// A change that re-evaluates every group (here: this router stops being the DR of its receivers' link, so
// pim_include(*,G) empties, RFC 7761 4.1.6 / 4.3.2) is spread across loop turns: kRecomputeBudget per turn,
// the rest from a zero-delay timer, so the loop keeps serving hellos, Join/Prunes and upcalls in between
// (ARCHITECTURE.md, issue #5 "Large changes are spread across loop turns").
//
// Topology: eth0 (ifindex 2, 198.19.12.1/24) with PIM neighbor 198.19.12.2, the next hop to the RP; eth1
// (ifindex 3, 198.19.13.1/24) with local (*,G) receivers of kGroups groups, DR by priority 10 until a
// router with priority 100 says hello there.
#include <gtest/gtest.h>

#include <optional>

#include "common/core/manual_timer.hpp"
#include "common/core/random.hpp"
#include "common/packet/pim_hello.hpp"
#include "pimd/core/pim_core.hpp"
#include "pimd/core/pim_sm_status.hpp"
#include "pimd/core/sparse_mode.hpp"
#include "tests/testlib/pim_inputs.hpp"
#include "tests/testlib/two_port_rib.hpp"

namespace fanout::pim {
namespace {

const Ipv4Address kRp(198, 18, 9, 9);
const Ipv4Address kNbr(198, 19, 12, 2);
const Ipv4Address kRival(198, 19, 13, 2);
constexpr uint32_t kGroups = 5000;  // 2.5 x kRecomputeBudget: three turns

class NullActions final : public PimActions {
  public:
    void send_pim(int, Ipv4Address, Ipv4Address, std::span<const uint8_t>) override {}
    void vif_add(const VifAdd&) override {}
    void vif_del(const VifDel&) override {}
    void mfc_set(const MfcEntry&) override {}
    void mfc_del(const MfcDel&) override {}
};

class RecomputeSpreadTest : public ::testing::Test {
  protected:
    void SetUp() override {
        PimConfig c = testlib::two_port_config();
        c.interfaces["eth1"].dr_priority = 10;
        StaticRp s;
        s.rp = kRp;
        c.rp_set.static_rps.push_back(s);
        core.emplace(c, timers, rng, actions);
        core->sparse().set_rib(&rib);
        up(2, "eth0", Ipv4Address(198, 19, 12, 1));
        up(3, "eth1", Ipv4Address(198, 19, 13, 1));
        hello(2, kNbr, 1);
        for (uint32_t i = 0; i < kGroups; ++i) {
            core->handle(testlib::membership(3, Ipv4Address(0xef030000u + i),
                                             FilterMode::kExclude));  // 239.3.0.0 upward
        }
    }
    void up(int ifindex, const char* name, Ipv4Address a) {
        core->handle(testlib::interface_up(ifindex, name, a));
    }
    void hello(int ifindex, Ipv4Address from, uint32_t priority) {
        packet::Hello h;
        h.holdtime_s = 105;
        h.generation_id = 7;
        h.dr_priority = priority;
        core->handle(RxPim{ifindex, from, addr::kAllPimRouters, packet::encode_hello(h)});
    }
    size_t joined_star_g() const {
        size_t n = 0;
        for (const auto& u : upstream_status(*core))
            n += u.kind == "(*,G)" && u.state == "Joined" ? 1 : 0;
        return n;
    }

    ManualTimerService timers;
    SeededRandom rng{3};
    NullActions actions;
    testlib::TwoPortRib rib{kNbr};
    std::optional<PimCore> core;
};

TEST_F(RecomputeSpreadTest, LosingTheDrRoleIsAppliedOverSeveralTurns) {
    ASSERT_EQ(joined_star_g(), kGroups) << "every group joined toward the RP through eth0";
    hello(3, kRival, 100);  // a new neighbor (one sweep) that is DR of eth1 now (4.3.2: another one)
    const size_t after_first_turn = joined_star_g();
    EXPECT_GE(after_first_turn, kGroups - 2 * kRecomputeBudget) << "at most two budgets in this input";
    EXPECT_GT(after_first_turn, 0u) << "the rest is left for later turns";
    size_t turns = 1;
    while (joined_star_g() > 0 && turns < 10) {
        timers.run_turn();  // the zero-delay continuation: what the event loop runs on its next turn
        ++turns;
    }
    EXPECT_EQ(joined_star_g(), 0u) << "4.5.6: JoinDesired(*,G) FALSE everywhere in the end";
    EXPECT_GE(turns, 2u);
    EXPECT_LE(turns, 4u) << "5000 groups, at most two budgets in the first turn";
}

TEST_F(RecomputeSpreadTest, ChangesComingFasterThanTheSweepDoNotStarveTheHigherGroups) {
    hello(3, kRival, 100);
    // Two more sweeps requested per loop turn (new neighbors on eth0): each continues from where the last
    // one stopped. Starting over at the lowest group each time, groups above 2 x kRecomputeBudget would
    // never be reached.
    uint32_t next = 10;
    for (int turn = 0; turn < 4; ++turn) {
        hello(2, Ipv4Address(198, 19, 12, next++), 1);
        hello(2, Ipv4Address(198, 19, 12, next++), 1);
        timers.run_turn();
    }
    EXPECT_EQ(joined_star_g(), 0u);
}

}  // namespace
}  // namespace fanout::pim
