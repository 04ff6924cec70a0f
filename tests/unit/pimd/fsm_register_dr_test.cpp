// Every cell of the RFC 7761 4.4.1 Register state machine table (fsm_register_dr.cpp), one test per row.
#include <gtest/gtest.h>

#include "common/core/manual_timer.hpp"
#include "pimd/core/fsm_register_dr.hpp"
#include "tests/unit/pimd/register_test_support.hpp"

namespace fanout::pim {
namespace {

using register_test::ip;
using register_test::ScriptedRandom;
using namespace std::chrono_literals;

struct Hooks final : RegisterDrMachine::Hooks {
    std::vector<SGKey> expired, nulls, tunnels;
    void register_stop_timer_expired(const SGKey& sg) override { expired.push_back(sg); }
    void send_null_register(const SGKey& sg) override { nulls.push_back(sg); }
    void tunnel_changed(const SGKey& sg) override { tunnels.push_back(sg); }
};

class FsmRegisterDr : public ::testing::Test {
  protected:
    ManualTimerService t;
    ScriptedRandom rng;
    Hooks hooks;
    RegisterDrMachine m{t, rng, hooks};
    SGKey sg{ip("198.18.1.10"), ip("239.1.1.1")};
    RegisterDrVariant st{RegNoInfo{}};

    bool ev(RegisterDrEvent e) { return m.handle(sg, st, e); }
    RegisterDrState s() const { return state_of(st); }
    void to_join() { ASSERT_TRUE(ev(RegisterDrEvent::kCouldRegisterTrue)); }
    void to_prune() {
        to_join();
        ASSERT_TRUE(ev(RegisterDrEvent::kRegisterStopReceived));
    }
    void to_join_pending() {
        to_prune();
        ASSERT_TRUE(ev(RegisterDrEvent::kRegisterStopTimerExpires));
    }
    Duration rst_left() const {
        if (auto* p = std::get_if<RegPrune>(&st)) return p->register_stop.remaining();
        if (auto* jp = std::get_if<RegJoinPending>(&st)) return jp->register_stop.remaining();
        return Duration::zero();
    }
};

// ---- NoInfo row ----
TEST_F(FsmRegisterDr, NoInfoCouldRegisterTrueJoinsAndAddsTunnel) {
    EXPECT_TRUE(ev(RegisterDrEvent::kCouldRegisterTrue));
    EXPECT_EQ(s(), RegisterDrState::kJoin);
    EXPECT_EQ(hooks.tunnels.size(), 1u);
}
TEST_F(FsmRegisterDr, NoInfoOtherEventsDoNothing) {
    for (auto e : {RegisterDrEvent::kCouldRegisterFalse, RegisterDrEvent::kRegisterStopReceived,
                   RegisterDrEvent::kRpChanged, RegisterDrEvent::kRegisterStopTimerExpires}) {
        EXPECT_FALSE(ev(e)) << to_string(e);
        EXPECT_EQ(s(), RegisterDrState::kNoInfo);
    }
    EXPECT_TRUE(hooks.tunnels.empty());
    EXPECT_EQ(m.counters().unexpected, 3u);  // Register-Stop, RP changed, RST expiry
    EXPECT_EQ(m.counters().ignored, 1u);     // CouldRegister->False
}

// ---- Join row ----
TEST_F(FsmRegisterDr, JoinCouldRegisterFalseRemovesTunnel) {
    to_join();
    EXPECT_TRUE(ev(RegisterDrEvent::kCouldRegisterFalse));
    EXPECT_EQ(s(), RegisterDrState::kNoInfo);
    EXPECT_EQ(hooks.tunnels.size(), 2u);
}
TEST_F(FsmRegisterDr, JoinRegisterStopPrunesWithRandomisedTimer) {
    rng.value = 0;  // lower end: 0.5 x 60 s - 5 s
    to_join();
    EXPECT_TRUE(ev(RegisterDrEvent::kRegisterStopReceived));
    EXPECT_EQ(s(), RegisterDrState::kPrune);
    EXPECT_EQ(hooks.tunnels.size(), 2u);  // removed
    EXPECT_EQ(rst_left(), 25s);
}
TEST_F(FsmRegisterDr, RegisterStopDelayRangeIsHalfToOneAndAHalfSuppressionMinusProbe) {
    rng.value = 0;
    EXPECT_EQ(m.register_stop_delay(), 25s);
    rng.value = 0xffffffffu;  // the top of the range (r % (span+1) with r = 2^64-1)
    Duration hi = m.register_stop_delay();
    EXPECT_GT(hi, 25s);
    EXPECT_LE(hi, 85s);
    m.set_timers(RegisterTimers{4s, 5s});  // 0.5 x 4 - 5 < 0: clamped
    rng.value = 0;
    EXPECT_EQ(m.register_stop_delay(), Duration::zero());
}
TEST_F(FsmRegisterDr, JoinRpChangedStaysJoinAndUpdatesTunnel) {
    to_join();
    EXPECT_TRUE(ev(RegisterDrEvent::kRpChanged));
    EXPECT_EQ(s(), RegisterDrState::kJoin);
    EXPECT_EQ(hooks.tunnels.size(), 2u);
}
TEST_F(FsmRegisterDr, JoinCouldRegisterTrueIsIgnored) {
    to_join();
    EXPECT_FALSE(ev(RegisterDrEvent::kCouldRegisterTrue));
    EXPECT_EQ(s(), RegisterDrState::kJoin);
    EXPECT_EQ(m.counters().ignored, 1u);
}

// ---- Prune row ----
TEST_F(FsmRegisterDr, PruneTimerExpiryGoesJoinPendingWithProbeTimerAndNullRegister) {
    to_prune();
    t.advance(25s);  // the RST fires through the hook; the owner feeds the event back
    ASSERT_EQ(hooks.expired.size(), 1u);
    EXPECT_TRUE(ev(RegisterDrEvent::kRegisterStopTimerExpires));
    EXPECT_EQ(s(), RegisterDrState::kJoinPending);
    EXPECT_EQ(hooks.nulls.size(), 1u);
    EXPECT_EQ(rst_left(), 5s);
    EXPECT_EQ(hooks.tunnels.size(), 2u);  // still pruned
}
TEST_F(FsmRegisterDr, PruneRegisterStopIsIgnoredAndTimerKeepsRunning) {
    to_prune();
    t.advance(10s);
    EXPECT_FALSE(ev(RegisterDrEvent::kRegisterStopReceived));
    EXPECT_EQ(s(), RegisterDrState::kPrune);
    EXPECT_EQ(rst_left(), 15s);
}
TEST_F(FsmRegisterDr, PruneCouldRegisterFalseGoesNoInfoAndCancelsTimer) {
    to_prune();
    EXPECT_TRUE(ev(RegisterDrEvent::kCouldRegisterFalse));
    EXPECT_EQ(s(), RegisterDrState::kNoInfo);
    EXPECT_EQ(t.pending_count(), 0u);
    EXPECT_EQ(hooks.tunnels.size(), 2u);  // the tunnel was already removed
}
TEST_F(FsmRegisterDr, PruneRpChangedJoinsAndCancelsTimer) {
    to_prune();
    EXPECT_TRUE(ev(RegisterDrEvent::kRpChanged));
    EXPECT_EQ(s(), RegisterDrState::kJoin);
    EXPECT_EQ(t.pending_count(), 0u);
    EXPECT_EQ(hooks.tunnels.size(), 3u);
}

// ---- Join-Pending row ----
TEST_F(FsmRegisterDr, JoinPendingTimerExpiryJoinsAndAddsTunnel) {
    to_join_pending();
    EXPECT_TRUE(ev(RegisterDrEvent::kRegisterStopTimerExpires));
    EXPECT_EQ(s(), RegisterDrState::kJoin);
    EXPECT_EQ(hooks.tunnels.size(), 3u);
}
TEST_F(FsmRegisterDr, JoinPendingRegisterStopPrunesAgain) {
    rng.value = 0;
    to_join_pending();
    EXPECT_TRUE(ev(RegisterDrEvent::kRegisterStopReceived));
    EXPECT_EQ(s(), RegisterDrState::kPrune);
    EXPECT_EQ(rst_left(), 25s);
    EXPECT_EQ(hooks.tunnels.size(), 2u);  // no tunnel change: it was pruned in JP
}
TEST_F(FsmRegisterDr, JoinPendingCouldRegisterFalseGoesNoInfo) {
    to_join_pending();
    EXPECT_TRUE(ev(RegisterDrEvent::kCouldRegisterFalse));
    EXPECT_EQ(s(), RegisterDrState::kNoInfo);
    EXPECT_EQ(t.pending_count(), 0u);
}
TEST_F(FsmRegisterDr, JoinPendingRpChangedJoinsAndCancelsTimer) {
    to_join_pending();
    EXPECT_TRUE(ev(RegisterDrEvent::kRpChanged));
    EXPECT_EQ(s(), RegisterDrState::kJoin);
    EXPECT_EQ(t.pending_count(), 0u);
    EXPECT_EQ(hooks.tunnels.size(), 3u);
}

TEST_F(FsmRegisterDr, TransitionsAreCounted) {
    to_join_pending();
    EXPECT_EQ(m.counters().transitions, 3u);
    EXPECT_EQ(m.counters().unexpected, 0u);
}

}  // namespace
}  // namespace fanout::pim
