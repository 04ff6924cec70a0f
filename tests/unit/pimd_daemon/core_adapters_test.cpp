// Conversions from the system layer to the PIM-SM core inputs.
#include <gtest/gtest.h>

#include <linux/rtnetlink.h>

#include "common/sys/fake_kernel_mrt.hpp"
#include "pimd/core_adapters.hpp"

namespace fanout::pimd {
namespace {

Ipv4Address A(const char* s) {
    return *Ipv4Address::parse(s);
}

TEST(CoreAdapters, Upcalls) {
    sys::Upcall u{sys::UpcallType::kWholePacket, 3, A("198.18.1.2"), A("239.1.1.1"), {0x45, 0, 0, 20}};
    pim::KernelUpcall k = to_core_upcall(u);
    EXPECT_EQ(k.type, pim::KernelUpcallType::kWholePacket);
    EXPECT_EQ(k.vif, 3);
    EXPECT_EQ(k.key(), (SGKey{A("198.18.1.2"), A("239.1.1.1")}));
    EXPECT_EQ(k.packet.size(), 4u);
    u.type = sys::UpcallType::kNoCache;
    EXPECT_EQ(to_core_upcall(u).type, pim::KernelUpcallType::kNoCache);
    u.type = sys::UpcallType::kWrongVif;
    EXPECT_EQ(to_core_upcall(u).type, pim::KernelUpcallType::kWrongVif);
    u.type = sys::UpcallType::kWrongVifWhole;
    EXPECT_EQ(to_core_upcall(u).type, pim::KernelUpcallType::kWrongVifWhole);
}

TEST(CoreAdapters, Membership) {
    sys::MembershipEntry e;
    e.ifname = "eth1";
    e.ifindex = 7;
    e.group = A("232.1.1.1");
    e.mode = sys::ipc::FilterMode::kInclude;
    e.sources = {A("198.18.1.2")};
    auto m = to_membership_changed(sys::MembershipChange::kAdded, e);
    EXPECT_EQ(m.ifindex, 7);
    EXPECT_EQ(m.mode, pim::FilterMode::kInclude);
    EXPECT_EQ(m.sources, std::vector<Ipv4Address>{A("198.18.1.2")});
    e.mode = sys::ipc::FilterMode::kExclude;
    e.sources.clear();
    EXPECT_EQ(to_membership_changed(sys::MembershipChange::kUpdated, e).mode, pim::FilterMode::kExclude);
    auto gone = to_membership_changed(sys::MembershipChange::kRemoved, e);
    EXPECT_EQ(gone.mode, pim::FilterMode::kInclude);
    EXPECT_TRUE(gone.sources.empty());
}

TEST(CoreAdapters, Routes) {
    sys::RpfRoute r;
    r.prefix = *Ipv4Prefix::parse("198.18.1.0/24");
    r.oif = 4;
    r.gateway = A("198.18.2.1");
    r.type = RTN_UNICAST;
    r.protocol = RTPROT_STATIC;
    r.metric = 20;
    pim::RpfRoute c = to_core_route(r);
    EXPECT_EQ(c.ifindex, 4);
    EXPECT_EQ(c.next_hop(A("198.18.1.2")), A("198.18.2.1"));
    EXPECT_EQ(c.protocol, pim::rtprot::kStatic);
    EXPECT_FALSE(c.connected);
    EXPECT_EQ(c.metric, 20u);
}

TEST(CoreAdapters, RpSetAndSpt) {
    auto cfg = parse_pimd_config(
        "rp:\n  - address: 198.18.255.2\n    groups: [239.0.0.0/8]\n    override: true\n"
        "ssm-range: [232.0.0.0/8]\nspt-switchover: 256\n",
        "t.yaml");
    ASSERT_TRUE(cfg.ok());
    pim::RpSetConfig r = to_rp_set_config(cfg.value());
    ASSERT_EQ(r.static_rps.size(), 1u);
    EXPECT_TRUE(r.static_rps[0].override_dynamic);
    pim::RpSet set(r);
    EXPECT_EQ(set.rp_for(A("239.1.1.1")), std::optional<Ipv4Address>(A("198.18.255.2")));
    EXPECT_FALSE(set.rp_for(A("232.1.1.1")).has_value());
    pim::SptThreshold t = to_spt_threshold(cfg.value().spt);
    EXPECT_EQ(t.mode, pim::SptThresholdMode::kRate);
    EXPECT_EQ(t.kbps, 256u);
    EXPECT_EQ(to_spt_threshold({SptSwitchover::Mode::kNever, 0}).mode, pim::SptThresholdMode::kNever);
}

TEST(CoreAdapters, KernelCounters) {
    sys::FakeKernelMrt mrt;
    ASSERT_TRUE(mrt.init({}).ok());
    ASSERT_TRUE(mrt.add_vif(0, 10).ok());
    ASSERT_TRUE(mrt.add_vif(1, 11).ok());
    sys::MfcEntry e{A("198.18.1.2"), A("239.1.1.1"), 0, {{1, 1}}};
    KernelCounterSource src(mrt);
    EXPECT_FALSE(src.sg_counters(e.key()).has_value());
    ASSERT_TRUE(mrt.add_mfc(e).ok());
    mrt.set_sg_counters(e.source, e.group, {10, 1000, 0});
    auto s = src.sg_counters(e.key());
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->packets, 10u);
    EXPECT_EQ(s->bytes, 1000u);
}

}  // namespace
}  // namespace fanout::pimd
