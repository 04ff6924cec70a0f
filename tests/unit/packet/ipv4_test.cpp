// IPv4 header codec (RFC 791 3.1, RFC 2113 Router Alert): hand-written fixtures, round trips, truncations,
// bad checksums, option validation, fuzz regression inputs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "common/packet/ipv4.hpp"

namespace fanout::packet {
namespace {

using Bytes = std::vector<uint8_t>;

// Version 4, IHL 5, TOS 0, total 24, id 0x1234, no flags, TTL 64, UDP, checksum 0xb28a,
// 198.18.0.2 -> 239.1.1.1, payload de ad be ef.
const Bytes kPlain = {0x45, 0x00, 0x00, 0x18, 0x12, 0x34, 0x00, 0x00, 0x40, 0x11, 0xb2, 0x8a,
                      0xc6, 0x12, 0x00, 0x02, 0xef, 0x01, 0x01, 0x01, 0xde, 0xad, 0xbe, 0xef};

// IHL 6, TOS 0xc0, total 32, DF, TTL 1, IGMP, checksum 0x2afb, 198.19.2.2 -> 239.6.2.1,
// Router Alert (94 04 00 00), then an 8-octet IGMPv2 report for 239.6.2.1.
const Bytes kRouterAlert = {0x46, 0xc0, 0x00, 0x20, 0x00, 0x00, 0x40, 0x00, 0x01, 0x02, 0x2a,
                            0xfb, 0xc6, 0x13, 0x02, 0x02, 0xef, 0x06, 0x02, 0x01, 0x94, 0x04,
                            0x00, 0x00, 0x16, 0x00, 0xf8, 0xf7, 0xef, 0x06, 0x02, 0x01};

// IHL 7, total 28 (no payload), id 1, DF, TTL 1, IGMP, checksum 0x3ac3, 198.19.2.2 -> 224.0.0.1,
// options NOP NOP RouterAlert End 00 00.
const Bytes kNopsAndEnd = {0x47, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x40, 0x00, 0x01, 0x02,
                           0x3a, 0xc3, 0xc6, 0x13, 0x02, 0x02, 0xe0, 0x00, 0x00, 0x01,
                           0x01, 0x01, 0x94, 0x04, 0x00, 0x00, 0x00, 0x00};

// IHL 7, total 32, TTL 1, UDP, checksum 0x39e0, 198.18.0.2 -> 239.1.1.1, options Router Alert then Stream ID
// (0x88, length 4, ab cd); payload 01 02 03 04.
const Bytes kOtherOption = {0x47, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x01, 0x11, 0x39,
                            0xe0, 0xc6, 0x12, 0x00, 0x02, 0xef, 0x01, 0x01, 0x01, 0x94, 0x04,
                            0x00, 0x00, 0x88, 0x04, 0xab, 0xcd, 0x01, 0x02, 0x03, 0x04};

// A fragment: id 7, MF set, offset 0xb9 (1480 octets), TTL 64, UDP, checksum 0xa3fe.
const Bytes kFragment = {0x45, 0x00, 0x00, 0x18, 0x00, 0x07, 0x20, 0xb9, 0x40, 0x11, 0xa3, 0xfe,
                         0xc6, 0x12, 0x00, 0x02, 0xef, 0x01, 0x01, 0x01, 0x01, 0x02, 0x03, 0x04};

const std::vector<const Bytes*> kFixtures = {&kPlain, &kRouterAlert, &kNopsAndEnd, &kOtherOption, &kFragment};

TEST(Ipv4Decode, PlainHeader) {
    auto p = decode_ipv4(kPlain);
    ASSERT_TRUE(p.ok()) << p.error().what;
    const auto& h = p->header;
    EXPECT_EQ(h.tos, 0);
    EXPECT_EQ(h.id, 0x1234);
    EXPECT_FALSE(h.dont_fragment);
    EXPECT_FALSE(h.is_fragment());
    EXPECT_EQ(h.ttl, 64);
    EXPECT_EQ(h.protocol, kIpProtoUdp);
    EXPECT_EQ(h.src, Ipv4Address(198, 18, 0, 2));
    EXPECT_EQ(h.dst, Ipv4Address(239, 1, 1, 1));
    EXPECT_EQ(h.header_length, 20);
    EXPECT_EQ(h.total_length, 24);
    EXPECT_FALSE(h.router_alert.has_value());
    EXPECT_FALSE(h.has_router_alert());
    EXPECT_EQ(Bytes(p->payload.begin(), p->payload.end()), (Bytes{0xde, 0xad, 0xbe, 0xef}));
}

TEST(Ipv4Decode, RouterAlert) {
    auto p = decode_ipv4(kRouterAlert);
    ASSERT_TRUE(p.ok()) << p.error().what;
    EXPECT_TRUE(p->header.has_router_alert());
    EXPECT_TRUE(p->header.dont_fragment);
    EXPECT_EQ(p->header.tos, 0xc0);
    EXPECT_EQ(p->header.ttl, 1);
    EXPECT_EQ(p->header.protocol, kIpProtoIgmp);
    EXPECT_EQ(p->header.header_length, 24);
    EXPECT_TRUE(p->header.other_options.empty());
    EXPECT_EQ(p->payload.size(), 8u);
    EXPECT_EQ(p->payload[0], 0x16);
}

TEST(Ipv4Decode, NopsAndEndOfOptionList) {
    auto p = decode_ipv4(kNopsAndEnd);
    ASSERT_TRUE(p.ok()) << p.error().what;
    EXPECT_TRUE(p->header.has_router_alert());
    EXPECT_TRUE(p->header.other_options.empty());
    EXPECT_EQ(p->header.id, 1);
    EXPECT_TRUE(p->payload.empty());
}

TEST(Ipv4Decode, OtherOptionsAreKeptInOrder) {
    auto p = decode_ipv4(kOtherOption);
    ASSERT_TRUE(p.ok()) << p.error().what;
    ASSERT_EQ(p->header.other_options.size(), 1u);
    EXPECT_EQ(p->header.other_options[0].type, 0x88);
    EXPECT_EQ(p->header.other_options[0].data, (Bytes{0xab, 0xcd}));
    EXPECT_TRUE(p->header.has_router_alert());
    EXPECT_EQ(p->payload.size(), 4u);
}

TEST(Ipv4Decode, FragmentIsReported) {
    auto p = decode_ipv4(kFragment);
    ASSERT_TRUE(p.ok()) << p.error().what;
    EXPECT_TRUE(p->header.is_fragment());
    EXPECT_TRUE(p->header.more_fragments);
    EXPECT_EQ(p->header.fragment_offset, 0xb9);
    EXPECT_EQ(p->header.id, 7);
}

TEST(Ipv4Decode, TrailingLinkPaddingIsIgnored) {
    Bytes padded = kRouterAlert;
    padded.resize(46, 0);  // Ethernet minimum payload
    auto p = decode_ipv4(padded);
    ASSERT_TRUE(p.ok()) << p.error().what;
    EXPECT_EQ(p->payload.size(), 8u);
}

TEST(Ipv4Decode, EveryTruncationIsAnError) {
    for (const Bytes* f : kFixtures) {
        for (size_t n = 0; n < f->size(); ++n) {
            auto p = decode_ipv4(std::span<const uint8_t>(f->data(), n));
            EXPECT_FALSE(p.ok()) << "length " << n << " of " << f->size();
        }
    }
}

TEST(Ipv4Decode, EveryHeaderBitFlipIsCaught) {
    // Any single-bit change in the header makes the checksum fail, or a field check fail first.
    for (const Bytes* f : kFixtures) {
        size_t header_len = size_t{(*f)[0] & 0x0fu} * 4;
        for (size_t i = 0; i < header_len; ++i) {
            for (int bit = 0; bit < 8; ++bit) {
                Bytes b = *f;
                b[i] ^= static_cast<uint8_t>(1u << bit);
                EXPECT_FALSE(decode_ipv4(b).ok()) << "octet " << i << " bit " << bit;
            }
        }
    }
}

TEST(Ipv4Decode, ErrorKinds) {
    Bytes b = kPlain;
    b[0] = 0x65;  // version 6
    EXPECT_EQ(decode_ipv4(b).error().kind, DecodeErrorKind::kBadVersion);
    b = kPlain;
    b[0] = 0x44;  // IHL 4
    EXPECT_EQ(decode_ipv4(b).error().kind, DecodeErrorKind::kBadLength);
    b = kPlain;
    b[10] ^= 0xff;
    EXPECT_EQ(decode_ipv4(b).error().kind, DecodeErrorKind::kBadChecksum);
    b = kPlain;
    b.pop_back();
    EXPECT_EQ(decode_ipv4(b).error().kind, DecodeErrorKind::kTruncated);
}

// Builds a header with the given options area (a multiple of 4 octets) and a correct checksum.
Bytes with_options(const Bytes& options) {
    Ipv4Header h;
    h.protocol = kIpProtoIgmp;
    Bytes b = encode_ipv4_packet(h, {});
    for (uint8_t o : options)
        b.push_back(o);
    b[0] = static_cast<uint8_t>(0x40 | (b.size() / 4));
    b[3] = static_cast<uint8_t>(b.size());
    b[10] = b[11] = 0;
    uint32_t sum = 0;
    for (size_t i = 0; i < b.size(); i += 2)
        sum += (uint32_t{b[i]} << 8) | b[i + 1];
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    b[10] = static_cast<uint8_t>(~sum >> 8);
    b[11] = static_cast<uint8_t>(~sum);
    return b;
}

TEST(Ipv4Decode, MalformedOptionsAreRejected) {
    EXPECT_TRUE(decode_ipv4(with_options({0x94, 0x04, 0x00, 0x00})).ok());
    // Length 0 and 1 are impossible (the length counts type and length octets).
    EXPECT_EQ(decode_ipv4(with_options({0x88, 0x00, 0x00, 0x00})).error().kind, DecodeErrorKind::kBadLength);
    EXPECT_EQ(decode_ipv4(with_options({0x88, 0x01, 0x00, 0x00})).error().kind, DecodeErrorKind::kBadLength);
    // Length running past the header.
    EXPECT_EQ(decode_ipv4(with_options({0x88, 0x05, 0x00, 0x00})).error().kind, DecodeErrorKind::kBadLength);
    EXPECT_EQ(decode_ipv4(with_options({0x01, 0x01, 0x01, 0x88})).error().kind, DecodeErrorKind::kTruncated);
    // Router Alert must have length 4, and appear once.
    EXPECT_EQ(decode_ipv4(with_options({0x94, 0x02, 0x01, 0x01})).error().kind, DecodeErrorKind::kBadLength);
    EXPECT_EQ(decode_ipv4(with_options({0x94, 0x04, 0x00, 0x00, 0x94, 0x04, 0x00, 0x00})).error().kind,
              DecodeErrorKind::kBadField);
    // After End of Option List, the rest is padding, whatever it holds.
    auto p = decode_ipv4(with_options({0x00, 0x88, 0x00, 0x77}));
    ASSERT_TRUE(p.ok());
    EXPECT_TRUE(p->header.other_options.empty());
    // A Router Alert with a reserved value is reported, but is not "examine packet".
    p = decode_ipv4(with_options({0x94, 0x04, 0x00, 0x05}));
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->header.router_alert, uint16_t{5});
    EXPECT_FALSE(p->header.has_router_alert());
}

TEST(Ipv4Decode, TotalLengthShorterThanHeaderIsBadLength) {
    Bytes b = kRouterAlert;
    b[2] = 0;
    b[3] = 20;  // < IHL * 4 = 24; fix the checksum so only the length is wrong
    b[10] = b[11] = 0;
    uint32_t sum = 0;
    for (size_t i = 0; i < 24; i += 2)
        sum += (uint32_t{b[i]} << 8) | b[i + 1];
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    b[10] = static_cast<uint8_t>(~sum >> 8);
    b[11] = static_cast<uint8_t>(~sum);
    EXPECT_EQ(decode_ipv4(b).error().kind, DecodeErrorKind::kBadLength);
}

TEST(Ipv4Encode, ReproducesFixturesExactly) {
    // The fixtures without NOPs are canonical: decode then encode gives the same octets.
    for (const Bytes* f : {&kPlain, &kRouterAlert, &kOtherOption, &kFragment}) {
        auto p = decode_ipv4(*f);
        ASSERT_TRUE(p.ok());
        EXPECT_EQ(encode_ipv4_packet(p->header, p->payload), *f);
    }
}

TEST(Ipv4Encode, NopsAreDroppedButFieldsSurvive) {
    auto p = decode_ipv4(kNopsAndEnd);
    ASSERT_TRUE(p.ok());
    auto again = encode_ipv4_packet(p->header, p->payload);
    EXPECT_EQ(again.size(), 24u);  // RA only: IHL 6
    auto q = decode_ipv4(again);
    ASSERT_TRUE(q.ok());
    EXPECT_TRUE(q->header.has_router_alert());
    EXPECT_EQ(q->header.id, p->header.id);
    EXPECT_EQ(q->header.dst, p->header.dst);
}

TEST(Ipv4Encode, ControlHeaderBuildsWhatLinuxSends) {
    // The IP header of linux-igmpv2.pcap frame 9 (a Leave), rebuilt from its fields.
    const Bytes leave = {0x17, 0x00, 0xf7, 0xf7, 0xef, 0x06, 0x02, 0x01};
    auto pkt = encode_ipv4_packet(
        ipv4_control_header(Ipv4Address(198, 19, 2, 2), Ipv4Address(224, 0, 0, 2), kIpProtoIgmp, true),
        leave);
    const Bytes expected = {0x46, 0xc0, 0x00, 0x20, 0x00, 0x00, 0x40, 0x00, 0x01, 0x02, 0x3c,
                            0x00, 0xc6, 0x13, 0x02, 0x02, 0xe0, 0x00, 0x00, 0x02, 0x94, 0x04,
                            0x00, 0x00, 0x17, 0x00, 0xf7, 0xf7, 0xef, 0x06, 0x02, 0x01};
    EXPECT_EQ(pkt, expected);
}

TEST(Ipv4Encode, PadsOptionsWithEndOfList) {
    Ipv4Header h;
    h.protocol = kIpProtoUdp;
    h.other_options.push_back({0x07, {0x04, 0x00, 0x00, 0x00, 0x00}});  // 7 octets
    EXPECT_EQ(ipv4_options_length(h), 8u);
    auto pkt = encode_ipv4_packet(h, Bytes{0xaa});
    ASSERT_EQ(pkt.size(), 29u);
    EXPECT_EQ(pkt[0], 0x47);
    EXPECT_EQ(pkt[27], 0x00);  // End of Option List
    auto p = decode_ipv4(pkt);
    ASSERT_TRUE(p.ok()) << p.error().what;
    EXPECT_EQ(p->header.other_options, h.other_options);
    EXPECT_EQ(p->payload[0], 0xaa);
}

TEST(Ipv4Encode, RefusesWhatCannotBeEncoded) {
    Ipv4Header h;
    h.other_options.push_back({0x07, Bytes(39, 0)});  // 41 octets of options
    EXPECT_TRUE(encode_ipv4_packet(h, {}).empty());
    h.other_options = {{0x07, Bytes(254, 0)}};
    EXPECT_TRUE(encode_ipv4_packet(h, {}).empty());
    h.other_options.clear();
    EXPECT_TRUE(encode_ipv4_packet(h, Bytes(65535 - 19, 0)).empty());
    EXPECT_EQ(encode_ipv4_packet(h, Bytes(65535 - 20, 0)).size(), 65535u);
}

TEST(Ipv4Encode, RoundTripOfEveryField) {
    Ipv4Header h;
    h.tos = 0xb8;
    h.id = 0xbeef;
    h.dont_fragment = true;
    h.more_fragments = true;
    h.fragment_offset = 0x1fff;
    h.ttl = 255;
    h.protocol = kIpProtoPim;
    h.src = Ipv4Address(198, 19, 12, 1);
    h.dst = Ipv4Address(224, 0, 0, 13);
    h.router_alert = 0;
    h.other_options = {{0x88, {0x12, 0x34}}, {0x44, {0x05, 0x06, 0x07}}};
    const Bytes payload = {1, 2, 3, 4, 5};
    auto pkt = encode_ipv4_packet(h, payload);
    auto p = decode_ipv4(pkt);
    ASSERT_TRUE(p.ok()) << p.error().what;
    Ipv4Header expected = h;
    expected.header_length = 36;  // 20 + RA 4 + 4 + 5, padded to 16
    expected.total_length = 41;
    EXPECT_EQ(p->header.tos, h.tos);
    EXPECT_EQ(p->header.id, h.id);
    EXPECT_EQ(p->header.fragment_offset, h.fragment_offset);
    EXPECT_EQ(p->header.header_length, expected.header_length);
    EXPECT_EQ(p->header.total_length, expected.total_length);
    EXPECT_EQ(p->header.other_options, h.other_options);
    EXPECT_EQ(p->header, expected);
    EXPECT_EQ(Bytes(p->payload.begin(), p->payload.end()), payload);
}

// The fuzz seeds and any kept crashers: each decodes or fails cleanly; the seeds are all valid packets.
TEST(Ipv4Decode, FuzzCorpusAndRegressionInputs) {
    size_t seeds = 0;
    for (const char* sub : {"tests/fuzz/corpus/ipv4", "tests/fuzz/regressions/ipv4"}) {
        std::filesystem::path dir = std::filesystem::path(FANOUT_SOURCE_DIR) / sub;
        if (!std::filesystem::exists(dir)) continue;
        bool is_seed = std::string(sub).find("corpus") != std::string::npos;
        for (const auto& e : std::filesystem::directory_iterator(dir)) {
            std::ifstream in(e.path(), std::ios::binary);
            Bytes b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            auto p = decode_ipv4(b);
            if (is_seed) {
                ++seeds;
                EXPECT_TRUE(p.ok()) << e.path();
            }
            if (p.ok()) {
                EXPECT_EQ(p->payload.size() + p->header.header_length, p->header.total_length);
                EXPECT_FALSE(encode_ipv4_packet(p->header, p->payload).empty()) << e.path();
            }
        }
    }
    EXPECT_GT(seeds, 0u);
}

}  // namespace
}  // namespace fanout::packet
