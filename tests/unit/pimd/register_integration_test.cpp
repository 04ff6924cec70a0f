// The register path integrated into PimCore / SparseMode (RFC 7761 4.4.1 at the DR, 4.4.2 at the RP), with
// a ManualTimerService and a recording PimActions: the register VIF, the (S,G) olist with and without it,
// WHOLEPKT -> Register, Register-Stop -> Prune -> Null-Register at probe time, and at the RP: Register with
// (*,G) receivers -> (S,G) Join toward S and forwarding from the register VIF, native traffic (WRONGVIF on
// RPF_interface(S)) -> SPTbit -> Register-Stop; no receivers -> immediate Register-Stop.
//
// Topology (the e2e line: src - r1(DR) - r2(RP) - r3):
//   DR  r1: eth0 ifindex 2 10.0.12.1/24 toward r2 (neighbor 10.0.12.2); eth1 ifindex 3 10.0.1.1/24, the
//           source LAN (S = 10.0.1.10, we are its DR). RP(G) = 10.0.0.2 via 10.0.12.2.
//   RP  r2: lo ifindex 1 10.0.0.2/32 (the RP address); eth0 ifindex 2 10.0.12.2/24 toward r1 (S via
//           10.0.12.1); eth1 ifindex 3 10.0.23.2/24 toward r3 (neighbor 10.0.23.3, the receiver side).
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "common/core/manual_timer.hpp"
#include "common/core/random.hpp"
#include "common/packet/pim_header.hpp"
#include "common/packet/pim_hello.hpp"
#include "common/packet/pim_join_prune.hpp"
#include "common/packet/pim_register.hpp"
#include "pimd/core/pim_core.hpp"
#include "pimd/core/sparse_mode.hpp"
#include "tests/testlib/pim_inputs.hpp"

namespace fanout::pim {
namespace {

using namespace std::chrono_literals;

const Ipv4Address kS(10, 0, 1, 10);
const Ipv4Address kG(239, 1, 1, 1);
const Ipv4Address kRp(10, 0, 0, 2);
const Ipv4Address kR1(10, 0, 12, 1);
const Ipv4Address kR2(10, 0, 12, 2);
const Ipv4Address kR2b(10, 0, 23, 2);
const Ipv4Address kR3(10, 0, 23, 3);
const SGKey kSG{kS, kG};

struct Sent {
    int ifindex;
    Ipv4Address src;
    Ipv4Address dst;
    std::vector<uint8_t> bytes;
    packet::PimType type() const { return static_cast<packet::PimType>(bytes.at(0) & 0x0f); }
};

class Recorder final : public PimActions {
  public:
    void send_pim(int ifindex, Ipv4Address src, Ipv4Address dst, std::span<const uint8_t> m) override {
        sent.push_back({ifindex, src, dst, std::vector<uint8_t>(m.begin(), m.end())});
    }
    void vif_add(const VifAdd& v) override { vif_adds.push_back(v); }
    void vif_del(const VifDel&) override {}
    void mfc_set(const MfcEntry& e) override { mfc[SGKey{e.source, e.group}] = e; }
    void mfc_del(const MfcDel& e) override { mfc.erase(SGKey{e.source, e.group}); }
    std::vector<Sent> take(packet::PimType t) {
        std::vector<Sent> out, rest;
        for (auto& s : sent)
            (s.type() == t ? out : rest).push_back(std::move(s));
        sent = std::move(rest);
        return out;
    }
    std::vector<Sent> sent;
    std::vector<VifAdd> vif_adds;
    std::map<SGKey, MfcEntry> mfc;
};

// Routes: the two /24 links connected; 10.0.1.0/24 connected on the DR (ifindex 3) or via 10.0.12.1 on the
// RP (ifindex 2); the RP address via 10.0.12.2 on the DR, local (lo) on the RP; 10.0.23.0/24 on the RP.
class Rib final : public RibView {
  public:
    explicit Rib(bool rp_side) : rp_side_(rp_side) {}
    std::optional<RpfRoute> lookup(Ipv4Address a) override {
        RpfRoute r;
        r.protocol = rtprot::kStatic;
        auto connected = [&](Ipv4Prefix p, int ifindex) {
            r.prefix = p;
            r.ifindex = ifindex;
            r.connected = true;
            return r;
        };
        const Ipv4Prefix link12(Ipv4Address(10, 0, 12, 0), 24), link23(Ipv4Address(10, 0, 23, 0), 24),
            src(Ipv4Address(10, 0, 1, 0), 24);
        if (link12.contains(a)) return connected(link12, 2);
        if (rp_side_ && link23.contains(a)) return connected(link23, 3);
        if (!rp_side_ && src.contains(a)) return connected(src, 3);
        if (rp_side_ && a == kRp) return connected(Ipv4Prefix(kRp, 32), 1);
        r.prefix = Ipv4Prefix(Ipv4Address(10, 0, 0, 0), 8);
        r.ifindex = 2;
        r.gateway = rp_side_ ? kR1 : kR2;
        return r;
    }

  private:
    bool rp_side_;
};

PimConfig config() {
    PimConfig c;
    c.interfaces["eth0"] = {};
    c.interfaces["eth1"] = {};
    StaticRp rp;
    rp.rp = kRp;
    c.rp_set.static_rps.push_back(rp);
    return c;
}

class RegisterIntegration : public ::testing::Test {
  protected:
    explicit RegisterIntegration(bool rp_side) : rib(rp_side), core(config(), timers, rng, actions) {
        core.sparse().set_rib(&rib);
    }
    void link(int ifindex, const char* name, Ipv4Address a, uint8_t len, bool loopback = false) {
        core.handle(testlib::interface_up(ifindex, name, a, len, loopback));
    }
    void hello(int ifindex, Ipv4Address src) {
        packet::Hello h;
        h.holdtime_s = 105;
        h.generation_id = 7;
        h.dr_priority = 0;  // we stay DR on every link
        core.handle(RxPim{ifindex, src, addr::kAllPimRouters, packet::encode_hello(h)});
    }
    void join(int ifindex, Ipv4Address from, Ipv4Address upstream, bool star_g) {
        packet::JoinPrune m;
        m.upstream_neighbor = upstream;
        m.holdtime_s = 210;
        packet::JoinPruneGroup g;
        g.group.group = kG;
        packet::EncodedSource e;
        e.source = star_g ? kRp : kS;
        e.wildcard = star_g;
        e.rpt = star_g;
        g.joins.push_back(e);
        m.groups.push_back(g);
        core.handle(RxPim{ifindex, from, addr::kAllPimRouters, packet::encode_join_prune(m)});
    }
    void upcall(KernelUpcallType t, int vif, std::vector<uint8_t> pkt = {}) {
        KernelUpcall u;
        u.type = t;
        u.vif = vif;
        u.source = kS;
        u.group = kG;
        u.packet = std::move(pkt);
        core.handle(u);
    }
    // A 28-byte UDP-in-IPv4 data packet S -> G with TTL 64 (checksum not needed by the core).
    static std::vector<uint8_t> data_packet() {
        std::vector<uint8_t> p = {0x45, 0,  0,   28, 0, 1, 0,    0,    64,   17,   0, 0, 10, 0,
                                  1,    10, 239, 1,  1, 1, 0x13, 0x88, 0x13, 0x88, 0, 8, 0,  0};
        return p;
    }
    int vif(int ifindex) const { return *core.vifs().vif_of(ifindex); }
    int register_vif() const { return *core.vifs().register_vif(); }
    const MfcEntry* mfc() const {
        auto it = actions.mfc.find(kSG);
        return it == actions.mfc.end() ? nullptr : &it->second;
    }
    bool joined_sg_toward(const std::vector<Sent>& jps, Ipv4Address upstream) const {
        for (const auto& s : jps) {
            auto jp = packet::decode_join_prune(s.bytes);
            if (!jp || jp->upstream_neighbor != upstream) continue;
            for (const auto& g : jp->groups)
                for (const auto& e : g.joins)
                    if (g.group.group == kG && e.source == kS && !e.rpt && !e.wildcard) return true;
        }
        return false;
    }

    ManualTimerService timers;
    SeededRandom rng{1};
    Recorder actions;
    Rib rib;
    PimCore core;
};

class RegisterAtDr : public RegisterIntegration {
  protected:
    RegisterAtDr() : RegisterIntegration(false) {
        link(2, "eth0", kR1, 24);
        link(3, "eth1", Ipv4Address(10, 0, 1, 1), 24);
        hello(2, kR2);
    }
    RegisterDrState state() const {
        const auto* st = core.sparse().register_dr().find(kSG);
        return st ? st->state() : RegisterDrState::kNoInfo;
    }
    // First packet from S: NOCACHE on the source LAN, then the kernel's WHOLEPKT of the replayed packet.
    void first_packet() {
        upcall(KernelUpcallType::kNoCache, vif(3));
        upcall(KernelUpcallType::kWholePacket, register_vif(), data_packet());
    }
    void register_stop(Ipv4Address source) {
        packet::RegisterStop rs{packet::EncodedGroup{kG}, source};
        core.handle(RxPim{2, kRp, kR1, packet::encode_register_stop(rs)});
    }
};

TEST_F(RegisterAtDr, RegisterVifAddedWhenPimRuns) {
    ASSERT_TRUE(core.vifs().register_vif());
    bool announced = false;
    for (const auto& v : actions.vif_adds)
        announced |= v.kind == VifKind::kRegister;
    EXPECT_TRUE(announced);
}

TEST_F(RegisterAtDr, SourcePacketStartsKatJoinAndRegisterVifInOlist) {
    upcall(KernelUpcallType::kNoCache, vif(3));
    const SGEntry* e = core.sparse().tib().find(kSG);
    ASSERT_TRUE(e);
    EXPECT_TRUE(e->keepalive_running());
    EXPECT_EQ(state(), RegisterDrState::kJoin);
    ASSERT_TRUE(mfc());
    EXPECT_EQ(mfc()->iif_vif, vif(3));
    EXPECT_TRUE(mfc()->oifs.test(size_t(register_vif())));
    EXPECT_EQ(mfc()->oifs.count(), 1u);
}

TEST_F(RegisterAtDr, WholePacketIsEncapsulatedToTheRp) {
    first_packet();
    auto regs = actions.take(packet::PimType::kRegister);
    ASSERT_EQ(regs.size(), 1u);
    EXPECT_EQ(regs[0].dst, kRp);
    EXPECT_EQ(regs[0].src, kR1);  // primary address of the interface toward the RP
    EXPECT_EQ(regs[0].ifindex, 2);
    auto r = packet::decode_register(regs[0].bytes);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->null_register);
    EXPECT_FALSE(r->border);
    EXPECT_EQ(r->inner_sg, kSG);
    EXPECT_EQ(r->inner[8], 63);  // TTL decremented before encapsulation
    EXPECT_EQ(core.sparse().register_dr().counters().registers_sent, 1u);
}

TEST_F(RegisterAtDr, RegisterStopPrunesTheTunnelAndProbesWithNullRegister) {
    first_packet();
    actions.sent.clear();
    register_stop(kS);
    EXPECT_EQ(state(), RegisterDrState::kPrune);
    ASSERT_TRUE(mfc());
    EXPECT_FALSE(mfc()->oifs.test(size_t(register_vif())));
    // In flight after the prune: dropped, not encapsulated.
    upcall(KernelUpcallType::kWholePacket, register_vif(), data_packet());
    EXPECT_TRUE(actions.take(packet::PimType::kRegister).empty());
    // RST = rand(0.5, 1.5) x 60 s - 5 s: at most 85 s, then a Null-Register and Join-Pending.
    std::vector<Sent> nulls;
    for (int i = 0; i < 86 && nulls.empty(); ++i) {
        timers.advance(1s);
        nulls = actions.take(packet::PimType::kRegister);
    }
    ASSERT_EQ(nulls.size(), 1u);
    auto r = packet::decode_register(nulls[0].bytes);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->null_register);
    EXPECT_EQ(r->inner_sg, kSG);
    EXPECT_EQ(nulls[0].dst, kRp);
    EXPECT_EQ(state(), RegisterDrState::kJoinPending);
    EXPECT_FALSE(mfc()->oifs.test(size_t(register_vif())));
    // No answer within Register_Probe_Time: back to Join, the tunnel is in the olist again.
    timers.advance(5s);
    EXPECT_EQ(state(), RegisterDrState::kJoin);
    EXPECT_TRUE(mfc()->oifs.test(size_t(register_vif())));
}

TEST_F(RegisterAtDr, WildcardRegisterStopAlsoPrunes) {
    first_packet();
    register_stop(Ipv4Address{});
    EXPECT_EQ(state(), RegisterDrState::kPrune);
}

TEST_F(RegisterAtDr, RpJoinAddsTheLinkBesideTheTunnel) {
    first_packet();
    join(2, kR2, kR1, false);
    ASSERT_TRUE(mfc());
    EXPECT_TRUE(mfc()->oifs.test(size_t(vif(2))));
    EXPECT_TRUE(mfc()->oifs.test(size_t(register_vif())));
    register_stop(kS);
    EXPECT_TRUE(mfc()->oifs.test(size_t(vif(2))));
    EXPECT_FALSE(mfc()->oifs.test(size_t(register_vif())));
}

TEST_F(RegisterAtDr, KeepaliveExpiryEndsRegistering) {
    first_packet();
    timers.advance(211s);
    EXPECT_EQ(state(), RegisterDrState::kNoInfo);
    EXPECT_EQ(core.sparse().register_dr().find(kSG), nullptr);
}

TEST_F(RegisterAtDr, ConfigChangeAppliesRegisterSettings) {
    PimConfig c = config();
    c.register_suppression_time = 10s;
    c.register_probe_time = 2s;
    c.register_source = Ipv4Address(10, 0, 1, 1);  // ours (eth1)
    c.register_rate_limit_pps = 1;
    c.register_rate_limit_burst = 1;
    c.accept_register_groups = {Ipv4Prefix(Ipv4Address(239, 0, 0, 0), 8)};
    core.handle(ConfigChanged{c});
    EXPECT_EQ(core.sparse().register_dr().config().timers.suppression_time, 10s);
    EXPECT_EQ(core.sparse().register_rp().config().accept_groups.size(), 1u);
    first_packet();
    upcall(KernelUpcallType::kWholePacket, register_vif(), data_packet());  // over the 1-packet burst
    auto regs = actions.take(packet::PimType::kRegister);
    ASSERT_EQ(regs.size(), 1u);
    EXPECT_EQ(regs[0].src, Ipv4Address(10, 0, 1, 1));
    EXPECT_EQ(core.sparse().register_dr().counters().drops[size_t(RegisterDrDrop::kRateLimited)], 1u);
    // RST after a Register-Stop is now rand(5, 15) - 2 s: the Null-Register comes within 13 s.
    register_stop(kS);
    timers.advance(13s);
    EXPECT_EQ(state(), RegisterDrState::kJoinPending);
}

class RegisterAtRp : public RegisterIntegration {
  protected:
    RegisterAtRp() : RegisterIntegration(true) {
        link(1, "lo", kRp, 32, true);
        link(2, "eth0", kR2, 24);
        link(3, "eth1", kR2b, 24);
        hello(2, kR1);
        hello(3, kR3);
    }
    void receive_register(bool null_register = false) {
        auto inner = data_packet();
        auto msg = null_register ? packet::encode_null_register(kSG) : packet::encode_register(inner);
        core.handle(RxPim{2, kR1, kRp, msg});
    }
    std::vector<packet::RegisterStop> register_stops() {
        std::vector<packet::RegisterStop> out;
        for (const auto& s : actions.take(packet::PimType::kRegisterStop)) {
            EXPECT_EQ(s.dst, kR1);
            EXPECT_EQ(s.src, kRp);
            if (auto rs = packet::decode_register_stop(s.bytes)) out.push_back(*rs);
        }
        return out;
    }
};

TEST_F(RegisterAtRp, RegisterWithReceiversJoinsTowardSourceAndForwardsFromRegisterVif) {
    join(3, kR3, kR2b, true);  // (*,G) from r3
    actions.sent.clear();
    receive_register();
    EXPECT_TRUE(register_stops().empty());
    const SGEntry* e = core.sparse().tib().find(kSG);
    ASSERT_TRUE(e);
    EXPECT_TRUE(e->flags.register_learned);
    EXPECT_TRUE(e->flags.msdp_notify);
    EXPECT_TRUE(e->keepalive_running());
    EXPECT_TRUE(joined_sg_toward(actions.take(packet::PimType::kJoinPrune), kR1));
    ASSERT_TRUE(mfc());
    EXPECT_EQ(mfc()->iif_vif, register_vif());
    EXPECT_TRUE(mfc()->oifs.test(size_t(vif(3))));
    EXPECT_EQ(core.sparse().register_rp().counters().forwarded, 1u);
}

TEST_F(RegisterAtRp, NativeTrafficSetsSptBitThenRegisterStop) {
    join(3, kR3, kR2b, true);
    receive_register();
    upcall(KernelUpcallType::kWrongVif, vif(2));  // native (S,G) data on RPF_interface(S)
    const SGEntry* e = core.sparse().tib().find(kSG);
    ASSERT_TRUE(e);
    EXPECT_TRUE(e->spt_bit);
    ASSERT_TRUE(mfc());
    EXPECT_EQ(mfc()->iif_vif, vif(2));
    EXPECT_TRUE(mfc()->oifs.test(size_t(vif(3))));
    actions.sent.clear();
    receive_register();
    auto rs = register_stops();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].source, kS);
    EXPECT_EQ(rs[0].group.group, kG);
    EXPECT_EQ(core.sparse().register_rp().counters().forwarded, 1u);  // the second one is not forwarded
}

TEST_F(RegisterAtRp, NoReceiversMeansImmediateRegisterStop) {
    receive_register();
    auto rs = register_stops();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].source, kS);
    const SGEntry* e = core.sparse().tib().find(kSG);
    ASSERT_TRUE(e);
    EXPECT_TRUE(e->flags.register_learned);
    EXPECT_FALSE(joined_sg_toward(actions.take(packet::PimType::kJoinPrune), kR1));
}

TEST_F(RegisterAtRp, LateReceiverIsServedThroughTheSpt) {
    receive_register();
    (void)register_stops();
    actions.sent.clear();
    join(3, kR3, kR2b, true);  // the (S,G) KeepaliveTimer still runs: JoinDesired(S,G) now true
    EXPECT_TRUE(joined_sg_toward(actions.take(packet::PimType::kJoinPrune), kR1));
}

TEST_F(RegisterAtRp, NullRegisterIsAnsweredWhenNoReceivers) {
    receive_register(true);
    EXPECT_EQ(register_stops().size(), 1u);
    EXPECT_EQ(core.sparse().register_rp().counters().forwarded, 0u);
}

TEST_F(RegisterAtRp, RegisterForAnotherRpIsRefused) {
    core.handle(RxPim{2, kR1, kR2, packet::encode_register(data_packet())});  // ours, but not RP(G)
    auto rs = actions.take(packet::PimType::kRegisterStop);
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].src, kR2);
    EXPECT_EQ(rs[0].dst, kR1);
    EXPECT_EQ(core.sparse().tib().find(kSG), nullptr);
    EXPECT_EQ(core.sparse().register_rp().counters().register_stops_sent[size_t(RegisterStopReason::kNotRp)],
              1u);
}

}  // namespace
}  // namespace fanout::pim
