// Garbage on an MSDP connection (RFC 3618 12, 13 "MSDP Error Handling": a bad TLV closes the connection):
// random and mutated byte streams never crash the core, never grow its receive buffer past one TLV, never
// leave an Established session behind a stream that cannot be framed, and the peer keeps reconnecting.
#include <random>

#include "tests/unit/pimd/msdp_test_util.hpp"

namespace fanout::msdp::test {
namespace {

class MsdpGarbage : public MsdpFixture {
  protected:
    void SetUp() override {
        auto c = base_config();
        c.peers = {peer_config("198.18.0.9"), peer_config("198.18.0.10")};
        make(c);
        establish("198.18.0.9");
        establish("198.18.0.10");
    }
    // Feeds bytes in random chunks; reconnects the peer whenever the core closed it.
    void feed(std::mt19937& rng, const std::vector<uint8_t>& bytes) {
        size_t at = 0;
        while (at < bytes.size()) {
            const size_t n = std::min<size_t>(bytes.size() - at, 1 + rng() % 700);
            core->tcp_received(A("198.18.0.9"), std::span(bytes.data() + at, n));
            at += n;
            const auto& p = peer("198.18.0.9");
            ASSERT_LE(p.rx_buffered(), packet::kMsdpMaxTlvLen);
            if (!p.established()) {
                ++closes;
                timers.advance(30s);
                rx_keepalive("198.18.0.10");  // keeps the bystander session's hold timer fresh
                core->tcp_connected(A("198.18.0.9"));
                ASSERT_TRUE(p.established());
            }
            actions.log.clear();
        }
    }
    size_t closes = 0;
};

TEST_F(MsdpGarbage, RandomBytesCloseWithoutCrashOrUnboundedBuffer) {
    std::mt19937 rng(7);
    std::vector<uint8_t> junk(1 << 20);
    for (auto& b : junk)
        b = static_cast<uint8_t>(rng());
    feed(rng, junk);
    EXPECT_GT(closes, 0u);
    const auto& k = peer("198.18.0.9").counters();
    EXPECT_EQ(k.down(MsdpDownReason::kFramingError) + k.down(MsdpDownReason::kDecodeError), closes);
    EXPECT_LE(core->sa_cache().size(), core->config().max_sa_cache);
    EXPECT_TRUE(peer("198.18.0.10").established());  // the other session is untouched
}

TEST_F(MsdpGarbage, MutatedValidStreamsAreHandledOrClosed) {
    std::mt19937 rng(11);
    std::vector<packet::MsdpSaEntry> entries;
    for (uint32_t i = 0; i < 40; ++i)
        entries.push_back(packet::MsdpSaEntry{Ipv4Address(0xef010100u + i), Ipv4Address(0xc6120100u + i)});
    for (int round = 0; round < 300; ++round) {
        std::vector<uint8_t> stream;
        for (const auto& tlv : packet::encode_msdp_source_active(A("198.18.0.9"), entries))
            stream.insert(stream.end(), tlv.begin(), tlv.end());
        const auto ka = packet::encode_msdp_keepalive();
        stream.insert(stream.end(), ka.begin(), ka.end());
        for (int flips = 0; flips < 1 + round % 4; ++flips)
            stream[rng() % stream.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
        feed(rng, stream);
    }
    EXPECT_LE(core->sa_cache().size(), core->config().max_sa_cache);
    EXPECT_TRUE(peer("198.18.0.10").established());
}

}  // namespace
}  // namespace fanout::msdp::test
