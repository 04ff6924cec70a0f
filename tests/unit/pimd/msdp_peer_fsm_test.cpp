// MSDP peer connection state machine (RFC 3618 section 11; timers 5.3-5.5): roles by address order,
// keepalives, hold expiry, connect retry, accept policy, framing and decode errors, bounded receive buffer.
#include "tests/unit/pimd/msdp_test_util.hpp"

namespace fanout::msdp::test {
namespace {

using Kind = RecordedMsdpAction::Kind;

class MsdpPeerFsm : public MsdpFixture {};

TEST_F(MsdpPeerFsm, LowerAddressConnectsHigherListens) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9"), peer_config("198.18.0.2")};
    c.peers[0].md5_password = "s3cret";
    make(c);
    EXPECT_EQ(peer("198.18.0.9").state(), MsdpPeerState::kConnecting);
    EXPECT_EQ(peer("198.18.0.2").state(), MsdpPeerState::kListen);
    ASSERT_FALSE(actions.log.empty());
    EXPECT_EQ(actions.log[0].kind, Kind::kListen);
    EXPECT_EQ(actions.log[0].peer, A("198.18.0.5"));
    EXPECT_EQ(count(Kind::kListen, "198.18.0.5"), 1u);
    EXPECT_EQ(count(Kind::kSetListenMd5, "198.18.0.9"), 1u);
    EXPECT_EQ(count(Kind::kConnect, "198.18.0.9"), 1u);
    EXPECT_EQ(count(Kind::kConnect, "198.18.0.2"), 0u);
    for (const auto& a : actions.log)
        if (a.kind == Kind::kConnect) {
            EXPECT_EQ(a.local, A("198.18.0.5"));
            EXPECT_EQ(a.md5, "s3cret");
        }
}

TEST_F(MsdpPeerFsm, ConnectRetryEvery30SecondsUntilConnected) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9")};
    make(c);
    clear();
    timers.advance(29s);
    EXPECT_EQ(count(Kind::kConnect, "198.18.0.9"), 0u);
    timers.advance(1s);
    EXPECT_EQ(count(Kind::kClose, "198.18.0.9"), 1u);  // the stale attempt is abandoned
    EXPECT_EQ(count(Kind::kConnect, "198.18.0.9"), 1u);
    EXPECT_EQ(peer("198.18.0.9").state(), MsdpPeerState::kConnecting);
    core->tcp_closed(A("198.18.0.9"), MsdpCloseCause::kConnectFailed);
    EXPECT_EQ(peer("198.18.0.9").state(), MsdpPeerState::kInactive);
    EXPECT_EQ(peer("198.18.0.9").counters().down(MsdpDownReason::kConnectFailed), 1u);
    clear();
    timers.advance(29s);
    EXPECT_EQ(count(Kind::kConnect, "198.18.0.9"), 0u);
    timers.advance(1s);
    EXPECT_EQ(count(Kind::kConnect, "198.18.0.9"), 1u);
    core->tcp_connected(A("198.18.0.9"));
    EXPECT_EQ(peer("198.18.0.9").state(), MsdpPeerState::kEstablished);
}

TEST_F(MsdpPeerFsm, EstablishedSendsKeepaliveAtOnceAndEvery60sWhenIdle) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9")};
    make(c);
    clear();
    establish("198.18.0.9");
    auto first = sent_to("198.18.0.9");
    ASSERT_EQ(first.size(), 1u);
    EXPECT_TRUE(is_keepalive(first[0]));
    for (int i = 0; i < 3; ++i) {
        rx_keepalive("198.18.0.9");  // keep the hold timer from expiring
        timers.advance(59s);
        EXPECT_TRUE(sent_to("198.18.0.9").empty());
        timers.advance(1s);
        auto ka = sent_to("198.18.0.9");
        ASSERT_EQ(ka.size(), 1u);
        EXPECT_TRUE(is_keepalive(ka[0]));
    }
    EXPECT_EQ(peer("198.18.0.9").counters().keepalives_out, 4u);
    EXPECT_EQ(peer("198.18.0.9").counters().keepalives_in, 3u);
}

TEST_F(MsdpPeerFsm, SendingAnSaPostponesTheKeepalive) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9")};
    make(c);
    establish("198.18.0.9");
    clear();
    timers.advance(30s);
    core->sa_origin_add(SG("198.18.1.1", "239.1.1.1"));
    core->sa_origin_remove(SG("198.18.1.1", "239.1.1.1"));  // nothing left for the periodic advertisement
    auto sa = sent_to("198.18.0.9");
    ASSERT_EQ(sa.size(), 1u);
    ASSERT_NE(as_sa(sa[0]), nullptr);
    timers.advance(30s);  // t = 60 s: the keepalive due now was postponed by the SA
    rx_keepalive("198.18.0.9");
    EXPECT_TRUE(sent_to("198.18.0.9").empty());
    timers.advance(29s);
    EXPECT_TRUE(sent_to("198.18.0.9").empty());
    timers.advance(1s);  // t = 90 s: 60 s after the SA
    auto ka = sent_to("198.18.0.9");
    ASSERT_EQ(ka.size(), 1u);
    EXPECT_TRUE(is_keepalive(ka[0]));
}

TEST_F(MsdpPeerFsm, HoldExpiryAt75sClosesAndReconnectsAfterRetry) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9"), peer_config("198.18.0.2")};
    make(c);
    establish("198.18.0.9");
    establish("198.18.0.2");
    clear();
    timers.advance(74s);
    EXPECT_TRUE(peer("198.18.0.9").established());
    timers.advance(1s);
    EXPECT_EQ(peer("198.18.0.9").state(), MsdpPeerState::kInactive);
    EXPECT_EQ(peer("198.18.0.2").state(), MsdpPeerState::kListen);
    EXPECT_EQ(count(Kind::kClose, "198.18.0.9"), 1u);
    EXPECT_EQ(count(Kind::kClose, "198.18.0.2"), 1u);
    EXPECT_EQ(peer("198.18.0.9").counters().down(MsdpDownReason::kHoldExpired), 1u);
    EXPECT_EQ(peer("198.18.0.9").last_down_reason(), "hold-expired");
    clear();
    timers.advance(30s);
    EXPECT_EQ(count(Kind::kConnect, "198.18.0.9"), 1u);
    EXPECT_EQ(count(Kind::kConnect, "198.18.0.2"), 0u);
}

TEST_F(MsdpPeerFsm, AnyReceivedMessageRestartsHold) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9")};
    make(c);
    establish("198.18.0.9");
    timers.advance(70s);
    rx_sa("198.18.0.9", "198.18.0.9", {SG("198.18.1.1", "239.1.1.1")});
    timers.advance(70s);
    EXPECT_TRUE(peer("198.18.0.9").established());
    timers.advance(5s);
    EXPECT_FALSE(peer("198.18.0.9").established());
}

TEST_F(MsdpPeerFsm, AcceptOnlyFromConfiguredPeersAndOnlyOnce) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.2")};
    make(c);
    EXPECT_FALSE(core->tcp_accepted(A("198.18.0.77")));
    EXPECT_EQ(core->counters().unknown_peer_connections, 1u);
    EXPECT_TRUE(core->tcp_accepted(A("198.18.0.2")));
    EXPECT_FALSE(core->tcp_accepted(A("198.18.0.2")));
    EXPECT_EQ(core->counters().rejected_connections, 1u);
    EXPECT_TRUE(peer("198.18.0.2").established());
}

TEST_F(MsdpPeerFsm, ActiveSideAlsoAcceptsAPeerThatConnectsFirst) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9")};
    make(c);
    EXPECT_TRUE(core->tcp_accepted(A("198.18.0.9")));
    EXPECT_TRUE(peer("198.18.0.9").established());
}

TEST_F(MsdpPeerFsm, RemoteCloseFlushesAndReturnsToListen) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.2"), peer_config("198.18.0.3")};
    make(c);
    establish("198.18.0.2");
    rpf.routes[A("198.18.0.2")] = A("198.18.0.2");
    rx_sa("198.18.0.2", "198.18.0.2", {SG("198.18.1.1", "239.1.1.1")});
    EXPECT_EQ(core->sa_cache().size(), 1u);
    clear();
    core->tcp_closed(A("198.18.0.2"), MsdpCloseCause::kRemoteClosed);
    EXPECT_EQ(peer("198.18.0.2").state(), MsdpPeerState::kListen);
    EXPECT_EQ(count(Kind::kClose, "198.18.0.2"), 0u);  // the wiring closed it already
    EXPECT_EQ(core->sa_cache().size(), 0u);
    EXPECT_EQ(peer("198.18.0.2").counters().down(MsdpDownReason::kRemoteClosed), 1u);
}

TEST_F(MsdpPeerFsm, UnframeableStreamClosesTheSession) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9")};
    make(c);
    establish("198.18.0.9");
    clear();
    // A KeepAlive, then a TLV with Length 2 (below the 3-octet header): the stream cannot be framed.
    const std::vector<uint8_t> bytes{4, 0, 3, 4, 0, 2, 0xde, 0xad};
    core->tcp_received(A("198.18.0.9"), bytes);
    EXPECT_EQ(peer("198.18.0.9").counters().keepalives_in, 1u);
    EXPECT_EQ(peer("198.18.0.9").state(), MsdpPeerState::kInactive);
    EXPECT_EQ(peer("198.18.0.9").counters().down(MsdpDownReason::kFramingError), 1u);
    EXPECT_EQ(count(Kind::kClose, "198.18.0.9"), 1u);
    EXPECT_EQ(peer("198.18.0.9").rx_buffered(), 0u);
}

TEST_F(MsdpPeerFsm, OversizeLengthClosesTheSession) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9")};
    make(c);
    establish("198.18.0.9");
    const std::vector<uint8_t> bytes{1, 0x24, 0x00};  // Length 9216 > 9192
    core->tcp_received(A("198.18.0.9"), bytes);
    EXPECT_EQ(peer("198.18.0.9").counters().down(MsdpDownReason::kFramingError), 1u);
}

TEST_F(MsdpPeerFsm, UndecodableSaClosesTheSession) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9")};
    make(c);
    establish("198.18.0.9");
    // SA claiming 5 entries in a 20-octet TLV.
    const std::vector<uint8_t> bytes{1, 0, 20, 5, 198, 18, 0, 9, 0, 0, 0, 32, 239, 1, 1, 1, 198, 18, 1, 1};
    core->tcp_received(A("198.18.0.9"), bytes);
    EXPECT_EQ(peer("198.18.0.9").counters().down(MsdpDownReason::kDecodeError), 1u);
    EXPECT_FALSE(peer("198.18.0.9").established());
    EXPECT_EQ(core->sa_cache().size(), 0u);
}

TEST_F(MsdpPeerFsm, UnknownTlvIsSkippedAndCounted) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9")};
    make(c);
    establish("198.18.0.9");
    const std::vector<uint8_t> bytes{200, 0, 6, 1, 2, 3, 4, 0, 3};
    core->tcp_received(A("198.18.0.9"), bytes);
    EXPECT_TRUE(peer("198.18.0.9").established());
    EXPECT_EQ(peer("198.18.0.9").counters().drop(MsdpDrop::kUnknownTlv), 1u);
    EXPECT_EQ(peer("198.18.0.9").counters().keepalives_in, 1u);
}

TEST_F(MsdpPeerFsm, PartialTlvsAreReassembledAndTheBufferStaysBounded) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9")};
    make(c);
    establish("198.18.0.9");
    auto tlvs = packet::encode_msdp_source_active(
        A("198.18.0.9"), std::vector<packet::MsdpSaEntry>{{A("239.1.1.1"), A("198.18.1.1")}});
    ASSERT_EQ(tlvs.size(), 1u);
    for (uint8_t b : tlvs[0])
        core->tcp_received(A("198.18.0.9"), std::span<const uint8_t>(&b, 1));
    EXPECT_EQ(core->sa_cache().size(), 1u);
    // A peer announcing a maximal TLV and then trickling bytes never makes us buffer more than one TLV.
    std::vector<uint8_t> junk{1, 0x23, 0xe8};  // Length 9192
    junk.resize(9000, 0);
    core->tcp_received(A("198.18.0.9"), junk);
    EXPECT_EQ(peer("198.18.0.9").rx_buffered(), 9000u);
    EXPECT_LE(peer("198.18.0.9").rx_buffered(), packet::kMsdpMaxTlvLen);
}

TEST_F(MsdpPeerFsm, BytesForAPeerThatIsNotEstablishedAreCountedAndDropped) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9")};
    make(c);
    rx_keepalive("198.18.0.9");
    EXPECT_EQ(peer("198.18.0.9").counters().drop(MsdpDrop::kNotEstablished), 1u);
    EXPECT_EQ(peer("198.18.0.9").counters().unexpected_events, 1u);
    core->tcp_received(A("198.18.0.99"), packet::encode_msdp_keepalive());
    EXPECT_EQ(core->counters().events_for_unknown_peer, 1u);
}

TEST_F(MsdpPeerFsm, OutputOverflowReportedByTheWiringTakesTheSessionDown) {
    auto c = base_config();
    c.peers = {peer_config("198.18.0.9")};
    make(c);
    establish("198.18.0.9");
    core->tcp_closed(A("198.18.0.9"), MsdpCloseCause::kOutputOverflow);
    EXPECT_EQ(peer("198.18.0.9").counters().down(MsdpDownReason::kOutputOverflow), 1u);
    EXPECT_EQ(peer("198.18.0.9").state(), MsdpPeerState::kInactive);
}

TEST(MsdpConfigValidate, RejectsBadTimersAndPeers) {
    MsdpConfig c;
    c.local_address = *Ipv4Address::parse("198.18.0.5");
    EXPECT_TRUE(validate(c).empty());
    c.timers.sa_state = std::chrono::seconds(60);
    c.timers.keepalive = std::chrono::seconds(80);
    MsdpPeerConfig p;
    p.address = c.local_address;
    c.peers = {p, p};
    EXPECT_EQ(validate(c).size(), 5u);  // sa-state, keepalive, local address (twice), duplicate
}

}  // namespace
}  // namespace fanout::msdp::test
