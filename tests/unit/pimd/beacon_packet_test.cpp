// Register-beacon packet bytes (pimd/core/beacon/beacon_packet.hpp) against a golden byte string computed
// independently (by hand with RFC 1071 sums) for frame 242 of the design (shared/reference/
// 000_c004819f65b97456.txt): 169.254.0.1 -> RP 10.0.0.0, inner 148.51.120.0 -> 233.84.178.0, UDP 5765,
// payload 445a0001. Then field by field through the project's decoders.
#include <gtest/gtest.h>

#include <vector>

#include "common/core/checksum.hpp"
#include "common/packet/ipv4.hpp"
#include "common/packet/pim_header.hpp"
#include "common/packet/pim_register.hpp"
#include "pimd/core/beacon/beacon_packet.hpp"

namespace fanout::pim {
namespace {

const Ipv4Address kLocal{169, 254, 0, 1};
const Ipv4Address kRp{10, 0, 0, 0};
const SGKey kSg{Ipv4Address{148, 51, 120, 0}, Ipv4Address{233, 84, 178, 0}};

// clang-format off
const std::vector<uint8_t> kGolden = {
    // outer IPv4: v4 IHL5, TOS 0xc0, len 60, id 0, DF, TTL 64, proto 103, checksum, 169.254.0.1 -> 10.0.0.0
    0x45, 0xc0, 0x00, 0x3c,  0x00, 0x00, 0x40, 0x00,  0x40, 0x67, 0x85, 0x9c,
    0xa9, 0xfe, 0x00, 0x01,  0x0a, 0x00, 0x00, 0x00,
    // PIM: ver 2 type 1 (Register), reserved 0, checksum over these 8 bytes, B=0 N=0
    0x21, 0x00, 0xde, 0xff,  0x00, 0x00, 0x00, 0x00,
    // inner IPv4: len 32, id 0, DF, TTL 64, proto 17, checksum, 148.51.120.0 -> 233.84.178.0
    0x45, 0x00, 0x00, 0x20,  0x00, 0x00, 0x40, 0x00,  0x40, 0x11, 0x93, 0x44,
    0x94, 0x33, 0x78, 0x00,  0xe9, 0x54, 0xb2, 0x00,
    // UDP 5765 -> 5765, length 12, checksum
    0x16, 0x85, 0x16, 0x85,  0x00, 0x0c, 0xe6, 0xe7,
    // payload "DZ" 0 1
    0x44, 0x5a, 0x00, 0x01,
};
// clang-format on

TEST(BeaconPacket, WholePacketEqualsGolden) {
    EXPECT_EQ(build_beacon_ip_packet(kLocal, kRp, kSg, BeaconHeartbeat{}), kGolden);
}

TEST(BeaconPacket, RegisterIsTheGoldenWithoutOuterHeader) {
    const std::vector<uint8_t> pim(kGolden.begin() + 20, kGolden.end());
    EXPECT_EQ(build_beacon_register(kSg, BeaconHeartbeat{}), pim);
    EXPECT_EQ(pim.size(), 40u);
}

TEST(BeaconPacket, OuterHeaderFields) {
    auto d = packet::decode_ipv4(kGolden);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->header.src, kLocal);
    EXPECT_EQ(d->header.dst, kRp);
    EXPECT_EQ(d->header.protocol, packet::kIpProtoPim);
    EXPECT_EQ(d->header.ttl, 64);
    EXPECT_EQ(d->header.tos, 0xc0);
    EXPECT_TRUE(d->header.dont_fragment);
    EXPECT_EQ(d->header.total_length, 60);
}

TEST(BeaconPacket, PimRegisterChecksumCoversOnlyFirst8Bytes) {
    auto pim = build_beacon_register(kSg, BeaconHeartbeat{});
    EXPECT_TRUE(internet_checksum_ok(std::span<const uint8_t>(pim).first(8)));
    // Changing the encapsulated data does not change the checksum.
    BeaconHeartbeat other;
    other.payload = {1, 2, 3, 4, 5};
    auto pim2 = build_beacon_register(kSg, other);
    EXPECT_EQ(pim[2], pim2[2]);
    EXPECT_EQ(pim[3], pim2[3]);
    auto reg = packet::decode_register(pim);
    ASSERT_TRUE(reg.ok());
    EXPECT_FALSE(reg->border);
    EXPECT_FALSE(reg->null_register);
    EXPECT_EQ(reg->inner_sg, kSg);
}

TEST(BeaconPacket, InnerHeaderAndUdp) {
    auto inner = build_beacon_inner(kSg, BeaconHeartbeat{});
    auto d = packet::decode_ipv4(inner);  // verifies the header checksum
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->header.src, kSg.source);
    EXPECT_EQ(d->header.dst, kSg.group);
    EXPECT_EQ(d->header.protocol, packet::kIpProtoUdp);
    EXPECT_EQ(d->header.ttl, kBeaconInnerTtl);
    ASSERT_EQ(d->payload.size(), 12u);
    EXPECT_EQ((d->payload[0] << 8) | d->payload[1], 5765);
    EXPECT_EQ((d->payload[2] << 8) | d->payload[3], 5765);
    EXPECT_EQ((d->payload[4] << 8) | d->payload[5], 12);
    EXPECT_NE((d->payload[6] << 8) | d->payload[7], 0);
    // The checksum verifies: recomputing over the datagram with its checksum in place sums to 0.
    ChecksumAccumulator acc;
    acc.add_u16(static_cast<uint16_t>(kSg.source.value() >> 16));
    acc.add_u16(static_cast<uint16_t>(kSg.source.value()));
    acc.add_u16(static_cast<uint16_t>(kSg.group.value() >> 16));
    acc.add_u16(static_cast<uint16_t>(kSg.group.value()));
    acc.add_u16(17);
    acc.add_u16(12);
    acc.add(d->payload);
    EXPECT_EQ(acc.finish(), 0);
    EXPECT_EQ(std::vector<uint8_t>(d->payload.begin() + 8, d->payload.end()),
              (std::vector<uint8_t>{0x44, 0x5a, 0x00, 0x01}));
}

TEST(BeaconPacket, ConfiguredHeartbeatPortsAndOddPayload) {
    BeaconHeartbeat hb;
    hb.source_port = 40000;
    hb.dest_port = 6000;
    hb.payload = {0xde, 0xad, 0xbe};
    auto inner = build_beacon_inner(kSg, hb);
    auto d = packet::decode_ipv4(inner);
    ASSERT_TRUE(d.ok());
    ASSERT_EQ(d->payload.size(), 11u);
    EXPECT_EQ((d->payload[0] << 8) | d->payload[1], 40000);
    EXPECT_EQ((d->payload[2] << 8) | d->payload[3], 6000);
    EXPECT_EQ((d->payload[4] << 8) | d->payload[5], 11);
    std::vector<uint8_t> zeroed(d->payload.begin(), d->payload.end());
    const uint16_t sent = static_cast<uint16_t>((zeroed[6] << 8) | zeroed[7]);
    zeroed[6] = zeroed[7] = 0;
    EXPECT_EQ(udp_checksum(kSg.source, kSg.group, zeroed), sent);
}

TEST(BeaconPacket, UdpChecksumZeroIsSentAsAllOnes) {
    // A datagram whose sum is 0xffff before complement: find a payload making the checksum 0.
    std::vector<uint8_t> udp = {0x16, 0x85, 0x16, 0x85, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00};
    const uint16_t c = udp_checksum(kSg.source, kSg.group, udp);
    // Put the complement of c into the payload: the sum then becomes 0xffff, its complement 0.
    udp[8] = static_cast<uint8_t>(c >> 8);
    udp[9] = static_cast<uint8_t>(c);
    EXPECT_EQ(udp_checksum(kSg.source, kSg.group, udp), 0xffff);
}

}  // namespace
}  // namespace fanout::pim
