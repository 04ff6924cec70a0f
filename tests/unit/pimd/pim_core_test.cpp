// PimCore extension points and receive path: handlers registered per type, observers, ensure_hello_sent,
// secondary-address neighbor lookup, register VIF, interface removal and unconfiguration.
#include <gtest/gtest.h>

#include <vector>

#include "common/core/manual_timer.hpp"
#include "common/packet/pim_hello.hpp"
#include "pimd/core/pim_core.hpp"
#include "pimd/core/pim_status.hpp"

namespace fanout::pim {
namespace {

Ipv4Address ip(uint8_t d) {
    return Ipv4Address(198, 19, 12, d);
}

struct Sent {
    int ifindex;
    Ipv4Address src, dst;
    std::vector<uint8_t> bytes;
};

class RecordingActions final : public PimActions {
  public:
    void send_pim(int ifindex, Ipv4Address src, Ipv4Address dst, std::span<const uint8_t> m) override {
        sent.push_back({ifindex, src, dst, {m.begin(), m.end()}});
    }
    void vif_add(const VifAdd& v) override { added.push_back(v); }
    void vif_del(const VifDel& v) override { deleted.push_back(v); }
    void mfc_set(const MfcEntry& e) override { mfc_sets.push_back(e); }
    void mfc_del(const MfcDel& e) override { mfc_dels.push_back(e); }
    std::vector<Sent> sent;
    std::vector<MfcEntry> mfc_sets;
    std::vector<MfcDel> mfc_dels;
    std::vector<VifAdd> added;
    std::vector<VifDel> deleted;
};

class CountingObserver final : public PimObserver {
  public:
    void on_neighbor_up(const PimInterface&, const Neighbor& n) override { up.push_back(n.primary_address); }
    void on_neighbor_down(const PimInterface&, Ipv4Address a, NeighborDownReason r) override {
        down.push_back(a);
        reasons.push_back(r);
    }
    void on_dr_changed(const PimInterface&, Ipv4Address, Ipv4Address n) override { drs.push_back(n); }
    std::vector<Ipv4Address> up, down, drs;
    std::vector<NeighborDownReason> reasons;
};

class PimCoreTest : public ::testing::Test {
  protected:
    PimCoreTest() : core(make_config(), timers, rng, actions) { core.add_observer(&obs); }
    static PimConfig make_config() {
        PimConfig c;
        c.interfaces["eth0"] = {};
        return c;
    }
    void link_up(std::vector<IfAddress> addrs = {{ip(1), 24}}) {
        InterfaceChanged ev;
        ev.ifindex = 2;
        ev.name = "eth0";
        ev.up = true;
        ev.addresses = std::move(addrs);
        core.handle(ev);
    }
    void rx(Ipv4Address src, const std::vector<uint8_t>& bytes, Ipv4Address dst = addr::kAllPimRouters) {
        core.handle(RxPim{2, src, dst, bytes});
    }
    static std::vector<uint8_t> hello_bytes(uint16_t holdtime, std::vector<Ipv4Address> sec = {}) {
        packet::Hello h;
        h.holdtime_s = holdtime;
        h.dr_priority = 1;
        h.generation_id = 42;
        h.address_list = std::move(sec);
        return packet::encode_hello(h);
    }
    static std::vector<uint8_t> message_of_type(packet::PimType t) {
        ByteWriter w;
        size_t start = packet::begin_pim_message(w, t);
        w.u32(0);
        packet::finish_pim_message(w, start);
        return w.take();
    }

    ManualTimerService timers;
    SeededRandom rng{1};
    RecordingActions actions;
    CountingObserver obs;
    PimCore core;
};

TEST_F(PimCoreTest, RegisteredHandlerGetsMessagesFromNeighborsOnly) {
    link_up();
    int calls = 0;
    const Neighbor* seen = nullptr;
    core.handlers().set(packet::PimType::kJoinPrune, [&](const PimRxContext& c) {
        ++calls;
        seen = c.neighbor;
        EXPECT_EQ(c.iface->ifindex(), 2);
        EXPECT_EQ(c.body.size(), 4u);
        return RxOutcome::accepted();
    });
    rx(ip(2), message_of_type(packet::PimType::kJoinPrune));
    EXPECT_EQ(calls, 0);
    EXPECT_EQ(core.counters().dropped(PimDropReason::kNotNeighbor), 1u);
    rx(ip(2), hello_bytes(105));
    rx(ip(2), message_of_type(packet::PimType::kJoinPrune));
    EXPECT_EQ(calls, 1);
    ASSERT_NE(seen, nullptr);
    EXPECT_EQ(seen->primary_address, ip(2));
    EXPECT_EQ(core.counters().rx_by_type[3], 1u);
    // Bootstrap has no handler (Assert has one since it was wired into sparse mode): a real, displayable drop
    // reason.
    rx(ip(2), message_of_type(packet::PimType::kBootstrap));
    EXPECT_EQ(core.counters().dropped(PimDropReason::kUnsupportedType), 1u);
    EXPECT_EQ(core.find_interface(2)->counters().drops, 2u);
}

TEST_F(PimCoreTest, HandlerVerdictIsCounted) {
    link_up();
    core.handlers().set(packet::PimType::kRegister, [](const PimRxContext&) {
        return RxOutcome::decode_error({packet::DecodeErrorKind::kBadLength, "test"});
    });
    rx(ip(7), message_of_type(packet::PimType::kRegister), ip(1));
    auto s = statistics_status(core);
    EXPECT_EQ(s.decode_errors["bad-length"], 1u);
    EXPECT_EQ(s.drops["decode-error"], 1u);
    EXPECT_EQ(s.rx["register"], 0u);
}

TEST_F(PimCoreTest, EnsureHelloSentBeforeJoinToNewNeighbor) {
    link_up();
    ASSERT_TRUE(actions.sent.empty());  // the first periodic hello is still in its random delay
    PimInterface* pif = core.find_interface(2);
    pif->ensure_hello_sent();
    ASSERT_EQ(actions.sent.size(), 1u);
    pif->ensure_hello_sent();  // nothing pending any more
    EXPECT_EQ(actions.sent.size(), 1u);
    rx(ip(2), hello_bytes(105));  // new neighbor: a triggered hello is pending ...
    EXPECT_TRUE(pif->hello_sender()->triggered_pending());
    pif->ensure_hello_sent();  // ... and goes out now, replacing the triggered one
    EXPECT_EQ(actions.sent.size(), 2u);
    EXPECT_FALSE(pif->hello_sender()->triggered_pending());
    EXPECT_EQ(obs.up, std::vector<Ipv4Address>{ip(2)});
}

TEST_F(PimCoreTest, NeighborFoundBySecondaryAddress) {
    link_up();
    rx(ip(2), hello_bytes(105, {Ipv4Address(10, 1, 1, 1)}));
    const Neighbor* n = core.find_interface(2)->find_neighbor(Ipv4Address(10, 1, 1, 1));
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n->primary_address, ip(2));
}

// The register path (sparse_mode_register.cpp) adds the register VIF once PIM runs on an interface.
TEST_F(PimCoreTest, RegisterVifAllocatedAfterInterfaces) {
    link_up();
    ASSERT_EQ(actions.added.size(), 2u);
    EXPECT_EQ(actions.added[1].kind, VifKind::kRegister);
    EXPECT_EQ(actions.added[1].vif_index, 1);
    auto again = core.add_register_vif();
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error(), VifError::kAlreadyExists);
    core.remove_register_vif();
    ASSERT_EQ(actions.deleted.size(), 1u);
    EXPECT_EQ(actions.deleted[0].vif_index, 1);
}

TEST_F(PimCoreTest, UnconfiguringSendsGoodbyeAndRemovesVif) {
    link_up();
    rx(ip(2), hello_bytes(105));
    core.handle(ConfigChanged{PimConfig{}});
    ASSERT_FALSE(actions.sent.empty());
    auto last = packet::decode_hello(actions.sent.back().bytes);
    ASSERT_TRUE(last);
    EXPECT_EQ(last->holdtime_s, 0);
    EXPECT_EQ(core.find_interface(2), nullptr);
    ASSERT_EQ(actions.deleted.size(), 1u);
    EXPECT_EQ(obs.reasons, std::vector<NeighborDownReason>{NeighborDownReason::kInterfaceDown});
}

TEST_F(PimCoreTest, RemovedInterfaceSendsNothing) {
    link_up();
    size_t before = actions.sent.size();
    core.handle(InterfaceRemoved{2});
    EXPECT_EQ(actions.sent.size(), before);
    EXPECT_EQ(core.find_interface(2), nullptr);
    EXPECT_EQ(actions.deleted.size(), 1u);
    timers.advance(std::chrono::minutes(5));
    EXPECT_EQ(actions.sent.size(), before);  // its timers died with it
    EXPECT_EQ(timers.pending_count(), 0u);
}

TEST_F(PimCoreTest, NoAddressMeansDownWithReason) {
    link_up({});
    const PimInterface* pif = core.find_interface(2);
    ASSERT_NE(pif, nullptr);
    EXPECT_FALSE(pif->is_up());
    EXPECT_EQ(pif->down_reason(), "no-address");
    rx(ip(2), hello_bytes(105));
    EXPECT_EQ(core.counters().dropped(PimDropReason::kInterfaceDown), 1u);
    link_up();
    EXPECT_TRUE(core.find_interface(2)->is_up());
}

}  // namespace
}  // namespace fanout::pim
