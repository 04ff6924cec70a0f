// MSDP core: SA origination with the originator (RP) address (RFC 3618 3, 5.1), peer-RPF acceptance
// (10.1.3), mesh groups (10.2; RFC 3446/4611 anycast RP), forwarding, the SA cache (5.2), filters and limits,
// and the PIM interaction including receivers that appear after the SA (INTEROP.md item 4).
#include "pimd/core/msdp/msdp_status.hpp"
#include "tests/unit/pimd/msdp_test_util.hpp"

#include <nlohmann/json.hpp>

namespace fanout::msdp::test {
namespace {

using Kind = RecordedMsdpAction::Kind;

class MsdpCoreTest : public MsdpFixture {
  protected:
    std::vector<SGKey> sgs_in(const std::vector<packet::MsdpMessage>& msgs, Ipv4Address* rp = nullptr) {
        std::vector<SGKey> out;
        for (const auto& m : msgs)
            if (auto* sa = as_sa(m)) {
                if (rp) *rp = sa->rp;
                for (const auto& e : sa->entries)
                    out.push_back(SGKey{e.source, e.group});
            }
        return out;
    }
};

TEST_F(MsdpCoreTest, OriginatedSaCarriesTheOriginatorAddressNotThePeeringAddress) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9")};
    make(c);
    establish("198.18.0.9");
    clear();
    core->sa_origin_add(SG("198.18.1.1", "239.1.1.1"));
    auto msgs = sent_to("198.18.0.9");
    ASSERT_EQ(msgs.size(), 1u);
    ASSERT_NE(as_sa(msgs[0]), nullptr);
    EXPECT_EQ(as_sa(msgs[0])->rp, A("198.18.255.1"));
    EXPECT_NE(as_sa(msgs[0])->rp, A("198.18.0.5"));
    ASSERT_EQ(as_sa(msgs[0])->entries.size(), 1u);
    EXPECT_EQ(as_sa(msgs[0])->entries[0].source, A("198.18.1.1"));
    EXPECT_EQ(peer("198.18.0.9").counters().sa_out, 1u);
}

TEST_F(MsdpCoreTest, NoOriginatorMeansNothingIsOriginated) {
    auto c = base_config();
    c.originator_address = Ipv4Address();
    c.peers = {peer_config("198.18.0.9")};
    make(c);
    establish("198.18.0.9");
    clear();
    core->sa_origin_add(SG("198.18.1.1", "239.1.1.1"));
    timers.advance(60s);
    for (const auto& m : sent_to("198.18.0.9"))
        EXPECT_EQ(as_sa(m), nullptr);
    EXPECT_GE(core->counters().no_originator, 2u);
}

TEST_F(MsdpCoreTest, FirstDataPacketRidesInTheFirstSa) {
    auto c = base_config();
    c.encapsulate_data = true;  // off by default
    c.peers = {peer_config("198.18.0.9")};
    make(c);
    establish("198.18.0.9");
    clear();
    std::vector<uint8_t> pkt(28, 0x45);
    core->sa_origin_add(SG("198.18.1.1", "239.1.1.1"), pkt);
    auto msgs = sent_to("198.18.0.9");
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(as_sa(msgs[0])->data, pkt);
    timers.advance(60s);  // periodic re-advertisement: no data
    msgs = sent_to("198.18.0.9");
    ASSERT_FALSE(msgs.empty());
    EXPECT_TRUE(as_sa(msgs[0])->data.empty());
}

TEST_F(MsdpCoreTest, PeriodicReadvertisementEvery60sPackedInto255EntryTlvs) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9")};
    make(c);
    for (uint32_t i = 0; i < 300; ++i)
        core->sa_origin_add(SGKey{Ipv4Address(0xc6120100u + i), A("239.1.1.1")});
    establish("198.18.0.9");  // a new peer gets the originated SAs at once
    auto at_up = sent_to("198.18.0.9");
    ASSERT_EQ(at_up.size(), 3u);  // keepalive + 255 + 45
    EXPECT_TRUE(is_keepalive(at_up[0]));
    EXPECT_EQ(as_sa(at_up[1])->entries.size(), 255u);
    EXPECT_EQ(as_sa(at_up[2])->entries.size(), 45u);
    rx_keepalive("198.18.0.9");
    timers.advance(59s);
    EXPECT_TRUE(sent_to("198.18.0.9").empty());
    timers.advance(1s);
    EXPECT_EQ(sgs_in(sent_to("198.18.0.9")).size(), 300u);
    core->sa_origin_remove(SGKey{Ipv4Address(0xc6120100u), A("239.1.1.1")});
    rx_keepalive("198.18.0.9");
    timers.advance(60s);
    EXPECT_EQ(sgs_in(sent_to("198.18.0.9")).size(), 299u);
}

TEST_F(MsdpCoreTest, MeshGroupMembersAreNotRpfCheckedAndNeverReflected) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9", "anycast"), peer_config("198.18.0.10", "anycast"),
               peer_config("198.18.0.11")};
    make(c);
    establish("198.18.0.9");
    establish("198.18.0.10");
    establish("198.18.0.11");
    clear();
    // No route at all to the RP: a mesh-group member is accepted anyway.
    rx_sa("198.18.0.9", "198.18.77.1", {SG("198.18.1.1", "239.1.1.1")});
    EXPECT_EQ(core->sa_cache().size(), 1u);
    EXPECT_TRUE(sent_to("198.18.0.10").empty());  // same mesh group: not forwarded
    EXPECT_TRUE(sent_to("198.18.0.9").empty());   // never back to the sender
    Ipv4Address rp;
    EXPECT_EQ(sgs_in(sent_to("198.18.0.11"), &rp).size(), 1u);  // outside the mesh group: forwarded
    EXPECT_EQ(rp, A("198.18.77.1"));                            // with the originating RP unchanged
    EXPECT_EQ(core->counters().forwarded_entries, 1u);
}

TEST_F(MsdpCoreTest, NonMeshPeerMustBeTheRpfPeer) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9"), peer_config("198.18.0.10"), peer_config("198.18.0.11")};
    make(c);
    establish("198.18.0.9");
    establish("198.18.0.10");
    establish("198.18.0.11");
    clear();
    rpf.routes[A("198.18.77.1")] = A("198.18.0.9");
    rx_sa("198.18.0.10", "198.18.77.1", {SG("198.18.1.1", "239.1.1.1")});
    EXPECT_EQ(core->sa_cache().size(), 0u);
    EXPECT_EQ(peer("198.18.0.10").counters().drop(MsdpDrop::kRpfFail), 1u);
    EXPECT_TRUE(sent_to("198.18.0.9").empty());
    EXPECT_TRUE(sent_to("198.18.0.11").empty());
    rx_sa("198.18.0.9", "198.18.77.1", {SG("198.18.1.1", "239.1.1.1")});
    EXPECT_EQ(core->sa_cache().size(), 1u);
    // Forwarded to both other peers (non-mesh: RPF prevents loops).
    EXPECT_EQ(sgs_in(sent_to("198.18.0.10")).size(), 1u);
    EXPECT_EQ(sgs_in(sent_to("198.18.0.11")).size(), 1u);
    // No route to the RP at all: rejected.
    rx_sa("198.18.0.9", "198.18.88.1", {SG("198.18.2.1", "239.1.1.2")});
    EXPECT_EQ(peer("198.18.0.9").counters().drop(MsdpDrop::kRpfFail), 1u);
}

TEST_F(MsdpCoreTest, LoopbackPeerReachedThroughTheRpfNeighbourIsAccepted) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9"), peer_config("198.18.0.10")};
    make(c);
    establish("198.18.0.9");
    establish("198.18.0.10");
    rpf.routes[A("198.18.77.1")] = A("198.18.50.1");
    rpf.routes[A("198.18.0.9")] = A("198.18.50.1");  // the peer's loopback is behind the same neighbour
    rpf.routes[A("198.18.0.10")] = A("198.18.60.1");
    rx_sa("198.18.0.10", "198.18.77.1", {SG("198.18.1.1", "239.1.1.1")});
    EXPECT_EQ(core->sa_cache().size(), 0u);
    rx_sa("198.18.0.9", "198.18.77.1", {SG("198.18.1.1", "239.1.1.1")});
    EXPECT_EQ(core->sa_cache().size(), 1u);
}

TEST_F(MsdpCoreTest, OnlyPeerAndOriginatingRpAreAcceptedWithoutRoute) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9")};
    make(c);
    establish("198.18.0.9");
    rx_sa("198.18.0.9", "198.18.77.1", {SG("198.18.1.1", "239.1.1.1")});  // the only peer
    EXPECT_EQ(core->sa_cache().size(), 1u);

    MsdpFixture::core.reset();
    auto c2 = base_config();
    c2.peers = {peer_config("198.18.0.9"), peer_config("198.18.0.10")};
    make(c2);
    establish("198.18.0.9");
    rx_sa("198.18.0.9", "198.18.0.9", {SG("198.18.1.1", "239.1.1.1")});  // the peer is the RP
    EXPECT_EQ(core->sa_cache().size(), 1u);
}

TEST_F(MsdpCoreTest, CacheEntryExpiresAfterSaStateTimerUnlessRefreshed) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9")};
    make(c);
    establish("198.18.0.9");
    pim.receivers.insert(A("239.1.1.1"));
    rx_sa("198.18.0.9", "198.18.77.1", {SG("198.18.1.1", "239.1.1.1")});
    for (int i = 0; i < 4; ++i) {
        timers.advance(60s);
        rx_keepalive("198.18.0.9");
        rx_sa("198.18.0.9", "198.18.77.1", {SG("198.18.1.1", "239.1.1.1")});
    }
    EXPECT_EQ(core->sa_cache().size(), 1u);
    auto st = sa_status(*core);
    ASSERT_EQ(st.size(), 1u);
    EXPECT_EQ(st[0].uptime_s, 240);
    EXPECT_EQ(st[0].expires_s, 150);
    pim.take();
    timers.advance(60s);
    rx_keepalive("198.18.0.9");
    timers.advance(60s);
    rx_keepalive("198.18.0.9");
    timers.advance(29s);
    EXPECT_EQ(core->sa_cache().size(), 1u);
    timers.advance(1s);
    EXPECT_EQ(core->sa_cache().size(), 0u);
    auto ev = pim.take();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].what, "expired");
    EXPECT_EQ(core->counters().expired, 1u);
}

TEST_F(MsdpCoreTest, LateStarGReceiversStillJoinCachedSources) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9")};
    make(c);
    establish("198.18.0.9");
    rx_sa("198.18.0.9", "198.18.77.1",
          {SG("198.18.1.1", "239.1.1.1"), SG("198.18.1.2", "239.1.1.1"), SG("198.18.1.3", "239.1.1.2")});
    EXPECT_TRUE(pim.take().empty());  // no receivers yet: nothing to join
    pim.receivers.insert(A("239.1.1.1"));
    core->on_star_g_receivers_appeared(A("239.1.1.1"));
    auto ev = pim.take();
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(ev[0].what, "learned");
    EXPECT_EQ(ev[0].sg, SG("198.18.1.1", "239.1.1.1"));
    EXPECT_EQ(ev[0].rp, A("198.18.77.1"));
    EXPECT_EQ(ev[1].sg, SG("198.18.1.2", "239.1.1.1"));
    // A refresh does not announce twice; receivers leaving and coming back announce again.
    rx_sa("198.18.0.9", "198.18.77.1", {SG("198.18.1.1", "239.1.1.1")});
    EXPECT_TRUE(pim.take().empty());
    core->on_star_g_receivers_gone(A("239.1.1.1"));
    core->on_star_g_receivers_appeared(A("239.1.1.1"));
    EXPECT_EQ(pim.take().size(), 2u);
}

TEST_F(MsdpCoreTest, ReceiversPresentOnArrivalJoinAtOnceAndGetTheData) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9"), peer_config("198.18.0.10")};
    make(c);
    establish("198.18.0.9");
    establish("198.18.0.10");
    clear();
    pim.receivers.insert(A("239.1.1.1"));
    std::vector<uint8_t> pkt(40, 0x45);
    rx_sa("198.18.0.9", "198.18.0.9", {SG("198.18.1.1", "239.1.1.1")}, pkt);
    auto ev = pim.take();
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(ev[0].what, "learned");
    EXPECT_EQ(ev[1].what, "data");
    EXPECT_EQ(ev[1].data_len, 40u);
    auto fwd = sent_to("198.18.0.10");
    ASSERT_EQ(fwd.size(), 1u);
    EXPECT_EQ(as_sa(fwd[0])->data, pkt);  // forwarded with its data
}

TEST_F(MsdpCoreTest, FiltersLimitsAndInvalidEntriesAreCounted) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9"), peer_config("198.18.0.10")};
    c.peers[0].sa_limit = 2;
    c.peers[0].sa_filter_in.rules = {
        {false, *Ipv4Prefix::parse("198.18.9.0/24"), *Ipv4Prefix::parse("0.0.0.0/0")},
        {true, *Ipv4Prefix::parse("0.0.0.0/0"), *Ipv4Prefix::parse("0.0.0.0/0")}};
    c.peers[1].sa_filter_out.rules = {
        {true, *Ipv4Prefix::parse("0.0.0.0/0"), *Ipv4Prefix::parse("239.1.1.1/32")}};
    make(c);
    establish("198.18.0.9");
    establish("198.18.0.10");
    core->sa_origin_add(SG("198.18.1.9", "239.1.1.9"));
    clear();
    rx_sa("198.18.0.9", "198.18.0.9",
          {SG("198.18.9.1", "239.1.1.1"),  // filtered in
           SG("198.18.1.1", "10.1.1.1"),   // not a group
           SG("198.18.1.9", "239.1.1.9"),  // our own source
           SG("198.18.1.1", "239.1.1.1"), SG("198.18.1.2", "239.1.1.2"),
           SG("198.18.1.3", "239.1.1.3")});  // third one over the limit
    const auto& k = peer("198.18.0.9").counters();
    EXPECT_EQ(k.drop(MsdpDrop::kFilterIn), 1u);
    EXPECT_EQ(k.drop(MsdpDrop::kInvalidEntry), 1u);
    EXPECT_EQ(k.drop(MsdpDrop::kLocalOrigin), 1u);
    EXPECT_EQ(k.drop(MsdpDrop::kSaLimit), 1u);
    EXPECT_EQ(core->sa_cache().size(), 2u);
    auto fwd = sgs_in(sent_to("198.18.0.10"));
    ASSERT_EQ(fwd.size(), 1u);  // the outbound filter lets only 239.1.1.1 through
    EXPECT_EQ(fwd[0], SG("198.18.1.1", "239.1.1.1"));
    EXPECT_EQ(core->counters().filtered_out, 2u);  // this entry and our own 239.1.1.9 SA earlier
}

TEST_F(MsdpCoreTest, CacheBoundIsEnforced) {
    auto c = base_config();
    c.max_sa_cache = 3;
    c.peers = {peer_config("198.18.0.9")};
    make(c);
    establish("198.18.0.9");
    std::vector<SGKey> sgs;
    for (uint32_t i = 0; i < 10; ++i)
        sgs.push_back(SGKey{Ipv4Address(0xc6120100u + i), A("239.1.1.1")});
    rx_sa("198.18.0.9", "198.18.0.9", sgs);
    EXPECT_EQ(core->sa_cache().size(), 3u);
    EXPECT_EQ(peer("198.18.0.9").counters().drop(MsdpDrop::kCacheFull), 7u);
}

TEST_F(MsdpCoreTest, StatusSnapshotsAndJson) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9", "mg1"), peer_config("198.18.0.2", "mg1"),
               peer_config("198.18.0.10")};
    make(c);
    establish("198.18.0.9");
    core->sa_origin_add(SG("198.18.1.9", "239.1.1.9"));
    rx_sa("198.18.0.9", "198.18.0.9", {SG("198.18.1.1", "239.1.1.1")});
    timers.advance(10s);
    nlohmann::json peers = peer_status(*core);
    ASSERT_EQ(peers.size(), 3u);
    EXPECT_EQ(peers[0]["peer"], "198.18.0.2");
    EXPECT_EQ(peers[0]["state"], "listen");
    EXPECT_EQ(peers[0]["role"], "passive");
    EXPECT_EQ(peers[1]["peer"], "198.18.0.9");
    EXPECT_EQ(peers[1]["state"], "established");
    EXPECT_EQ(peers[1]["uptime_s"], 10);
    EXPECT_EQ(peers[1]["sa_count"], 1);
    EXPECT_EQ(peers[1]["mesh_group"], "mg1");
    EXPECT_EQ(peers[1]["counters"]["sa_in"], 1);
    EXPECT_EQ(peers[2]["mesh_group"], nullptr);
    nlohmann::json sa = sa_status(*core);
    ASSERT_EQ(sa.size(), 2u);
    EXPECT_EQ(sa[0]["local"], true);
    EXPECT_EQ(sa[0]["rp"], "198.18.255.1");
    EXPECT_EQ(sa[1]["peer"], "198.18.0.9");
    EXPECT_EQ(sa[1]["expires_s"], 140);
    nlohmann::json mg = mesh_group_status(*core);
    ASSERT_EQ(mg.size(), 1u);
    EXPECT_EQ(mg[0]["name"], "mg1");
    EXPECT_EQ(mg[0]["members"].size(), 2u);
}

TEST(MsdpSaCache, PerPeerCountsFollowRefreshesFromAnotherPeer) {
    ManualTimerService t;
    size_t expired = 0;
    SaCache cache(t, 10, [&](const SaCacheEntry&) { ++expired; });
    const SGKey sg{A("198.18.1.1"), A("239.1.1.1")};
    EXPECT_EQ(cache.learn(sg, A("198.18.77.1"), A("198.18.0.9"), 100s, 1), SaLearnResult::kNew);
    EXPECT_EQ(cache.learn(sg, A("198.18.77.1"), A("198.18.0.9"), 100s, 1), SaLearnResult::kRefreshed);
    EXPECT_EQ(cache.count_from(A("198.18.0.9")), 1u);
    EXPECT_EQ(cache.learn(sg, A("198.18.77.1"), A("198.18.0.10"), 100s, 0), SaLearnResult::kRefreshed);
    EXPECT_EQ(cache.count_from(A("198.18.0.9")), 0u);
    EXPECT_EQ(cache.count_from(A("198.18.0.10")), 1u);
    t.advance(100s);
    EXPECT_EQ(expired, 1u);
    EXPECT_EQ(cache.size(), 0u);
    EXPECT_EQ(cache.count_from(A("198.18.0.10")), 0u);
}

}  // namespace
}  // namespace fanout::msdp::test
