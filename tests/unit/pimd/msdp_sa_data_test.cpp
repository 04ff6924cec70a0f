// The data packet of an MSDP SA (RFC 3618 section 14, 12.2.1) down the shared tree
// (pimd/core/msdp/sa_data.hpp): each check with its drop reason, and the Register to ourselves that the
// kernel decapsulates onto the register VIF (the RP's path for a Register's inner packet, RFC 7761 4.4.2).
#include <gtest/gtest.h>

#include "common/packet/pim_register.hpp"
#include "pimd/core/msdp/sa_data.hpp"
#include "tests/unit/pimd/register_test_support.hpp"

namespace fanout::msdp {
namespace {

using pim::register_test::data_packet;
using pim::register_test::FakeRouter;
using pim::register_test::ip;

class SaData : public ::testing::Test {
  protected:
    SaData() {
        router.local = {RP};
        router.rp_of[G] = RP;
        router.rp_of[G_REMOTE] = ip("198.18.250.1");
    }
    const Ipv4Address RP = ip("198.18.255.1");
    const Ipv4Address S = ip("198.18.1.2");
    const Ipv4Address G = ip("239.1.1.1");
    const Ipv4Address G_REMOTE = ip("239.2.2.2");
    const SGKey sg{S, G};
    FakeRouter router;

    SaDataDrop drop(std::span<const uint8_t> pkt, SGKey key, bool receivers = true) {
        auto v = sa_data_register(key, pkt, router, receivers);
        EXPECT_TRUE(std::holds_alternative<SaDataDrop>(v));
        return std::holds_alternative<SaDataDrop>(v) ? std::get<SaDataDrop>(v) : SaDataDrop::kCount;
    }
};

TEST_F(SaData, ValidPacketBecomesARegisterFromAndToTheRpAroundTheExactPacket) {
    auto pkt = data_packet(S, G, 16, 40);
    auto padded = pkt;
    padded.insert(padded.end(), {0, 0, 0, 0});  // octets past Total Length are not forwarded
    auto v = sa_data_register(sg, padded, router, true);
    ASSERT_TRUE(std::holds_alternative<SaDataRegister>(v));
    const auto& r = std::get<SaDataRegister>(v);
    EXPECT_EQ(r.rp, RP);
    auto reg = packet::decode_register(r.message);
    ASSERT_TRUE(reg);
    EXPECT_FALSE(reg->null_register);
    EXPECT_FALSE(reg->border);
    EXPECT_EQ(reg->inner, pkt);
    EXPECT_EQ(reg->inner_sg, sg);
    EXPECT_EQ(r.message, packet::encode_register(pkt));  // the same bytes a DR would send (checksum included)
}

TEST_F(SaData, EachCheckHasItsDropReason) {
    auto good = data_packet(S, G);
    auto bad_version = good;
    bad_version[0] = 0x65;
    EXPECT_EQ(drop(bad_version, sg), SaDataDrop::kMalformed);
    auto bad_checksum = good;
    bad_checksum[10] ^= 0xff;
    EXPECT_EQ(drop(bad_checksum, sg), SaDataDrop::kMalformed);
    EXPECT_EQ(drop(std::span<const uint8_t>(good).first(19), sg), SaDataDrop::kMalformed);  // cut header
    EXPECT_EQ(drop(std::span<const uint8_t>(good).first(25), sg), SaDataDrop::kMalformed);  // cut payload
    EXPECT_EQ(drop(std::span<const uint8_t>{}, sg), SaDataDrop::kMalformed);
    EXPECT_EQ(drop(good, SGKey{ip("198.18.1.3"), G}), SaDataDrop::kSgMismatch);
    EXPECT_EQ(drop(good, SGKey{S, ip("239.1.1.2")}), SaDataDrop::kSgMismatch);
    EXPECT_EQ(drop(data_packet(S, G, 1), sg), SaDataDrop::kTtlExpired);
    EXPECT_EQ(drop(data_packet(S, G, 0), sg), SaDataDrop::kTtlExpired);
    EXPECT_EQ(drop(data_packet(S, G_REMOTE), SGKey{S, G_REMOTE}), SaDataDrop::kNotRp);
    EXPECT_EQ(drop(data_packet(S, ip("239.3.3.3")), SGKey{S, ip("239.3.3.3")}), SaDataDrop::kNotRp);  // no RP
    EXPECT_EQ(drop(good, sg, false), SaDataDrop::kNoReceivers);
    EXPECT_TRUE(
        std::holds_alternative<SaDataRegister>(sa_data_register(sg, data_packet(S, G, 2), router, true)));
}

TEST_F(SaData, FragmentIsMalformed) {
    auto frag = data_packet(S, G);
    frag[6] = 0x20;  // more fragments
    frag[10] = frag[11] = 0;
    uint16_t c = internet_checksum(std::span<const uint8_t>(frag.data(), 20));
    frag[10] = static_cast<uint8_t>(c >> 8);
    frag[11] = static_cast<uint8_t>(c & 0xff);
    EXPECT_EQ(drop(frag, sg), SaDataDrop::kMalformed);
}

}  // namespace
}  // namespace fanout::msdp
