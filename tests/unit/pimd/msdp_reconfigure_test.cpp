// MsdpCore::reconfigure (reload): only added, removed or changed peers are reset; global changes reset all.
#include "tests/unit/pimd/msdp_test_util.hpp"

namespace fanout::msdp::test {
namespace {

using Kind = RecordedMsdpAction::Kind;

class MsdpReconfigureTest : public MsdpFixture {};

TEST_F(MsdpReconfigureTest, ChangedPeerIsResetAloneAndItsSasFlushed) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9"), peer_config("198.18.0.10")};
    make(c);
    establish("198.18.0.9");
    establish("198.18.0.10");
    rx_sa("198.18.0.9", "198.18.0.9", {SG("198.18.7.1", "239.1.1.1")});
    rx_sa("198.18.0.10", "198.18.0.10", {SG("198.18.8.1", "239.1.1.2")});
    ASSERT_EQ(core->sa_cache().size(), 2u);
    clear();
    auto next = c;
    next.peers[1].mesh_group = "anycast";
    auto reset = core->reconfigure(next);
    EXPECT_EQ(reset, (std::vector<Ipv4Address>{A("198.18.0.10")}));
    EXPECT_EQ(peer("198.18.0.9").state(), MsdpPeerState::kEstablished);
    EXPECT_NE(peer("198.18.0.10").state(), MsdpPeerState::kEstablished);
    EXPECT_EQ(peer("198.18.0.10").config().mesh_group, std::optional<std::string>("anycast"));
    EXPECT_EQ(count(Kind::kClose, "198.18.0.10"), 1u);
    EXPECT_EQ(count(Kind::kClose, "198.18.0.9"), 0u);
    EXPECT_TRUE(core->sa_cache().find(SG("198.18.7.1", "239.1.1.1")));
    EXPECT_FALSE(core->sa_cache().find(SG("198.18.8.1", "239.1.1.2")));
    // The reset peer comes back.
    establish("198.18.0.10");
}

TEST_F(MsdpReconfigureTest, UnchangedConfigResetsNothingAndOriginatorAppliesAtOnce) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9")};
    make(c);
    establish("198.18.0.9");
    core->sa_origin_add(SG("198.18.1.1", "239.1.1.1"));
    clear();
    EXPECT_TRUE(core->reconfigure(c).empty());
    auto next = c;
    next.originator_address = A("10.0.0.0");
    EXPECT_TRUE(core->reconfigure(next).empty());
    EXPECT_EQ(peer("198.18.0.9").state(), MsdpPeerState::kEstablished);
    timers.advance(60s);
    bool seen = false;
    for (const auto& m : sent_to("198.18.0.9"))
        if (auto* sa = as_sa(m)) {
            EXPECT_EQ(sa->rp, A("10.0.0.0"));
            seen = true;
        }
    EXPECT_TRUE(seen);
}

TEST_F(MsdpReconfigureTest, AddedAndRemovedPeersAndGlobalChanges) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9")};
    make(c);
    establish("198.18.0.9");
    clear();
    auto next = c;
    next.peers = {peer_config("198.18.0.11")};
    auto reset = core->reconfigure(next);
    EXPECT_EQ(reset, (std::vector<Ipv4Address>{A("198.18.0.9"), A("198.18.0.11")}));
    EXPECT_EQ(core->find_peer(A("198.18.0.9")), nullptr);
    ASSERT_NE(core->find_peer(A("198.18.0.11")), nullptr);
    EXPECT_EQ(count(Kind::kConnect, "198.18.0.11"), 1u);
    establish("198.18.0.11");
    clear();
    auto timers_changed = next;
    timers_changed.timers.keepalive = 30s;
    EXPECT_EQ(core->reconfigure(timers_changed).size(), 1u);
    EXPECT_EQ(count(Kind::kClose, "198.18.0.11"), 1u);
    EXPECT_EQ(core->config().timers.keepalive, 30s);
}

}  // namespace
}  // namespace fanout::msdp::test
