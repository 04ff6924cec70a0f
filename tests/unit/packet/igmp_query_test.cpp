// IGMP queries (RFC 1112, RFC 2236, RFC 3376 4.1 and 7.1) and the RFC 3376 4.1.1 / 4.1.7 floating-point
// codes. Fixtures are written octet by octet from the RFC diagrams; checksums were computed by hand (RFC
// 1071).
#include <gtest/gtest.h>

#include <vector>

#include "common/packet/igmp.hpp"

namespace fanout::packet {
namespace {

using Bytes = std::vector<uint8_t>;

// v1 query: type 0x11, max resp 0, checksum 0xeeff, group 0.
const Bytes kV1Query = {0x11, 0x00, 0xee, 0xff, 0x00, 0x00, 0x00, 0x00};
// v2 general query: max resp 100 (10 s), checksum 0xee9b, group 0.
const Bytes kV2GeneralQuery = {0x11, 0x64, 0xee, 0x9b, 0x00, 0x00, 0x00, 0x00};
// v2 group-specific query: max resp 10 (1 s), checksum 0xfded, group 239.6.2.1.
const Bytes kV2GroupQuery = {0x11, 0x0a, 0xfd, 0xed, 0xef, 0x06, 0x02, 0x01};
// v3 general query: max resp code 120 (12 s), checksum 0xe40a, group 0, S=1 QRV=2 (0x0a), QQIC 125, N=0.
const Bytes kV3GeneralQuery = {0x11, 0x78, 0xe4, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x7d, 0x00, 0x00};
// v3 group-specific query: max resp 20, checksum 0xfad9, group 239.6.3.1, S=0 QRV=2, QQIC 10, N=0.
const Bytes kV3GroupQuery = {0x11, 0x14, 0xfa, 0xd9, 0xef, 0x06, 0x03, 0x01, 0x02, 0x0a, 0x00, 0x00};
// v3 group-and-source-specific query: max resp code 0x8c (exp 0, mant 12: (12|16)<<3 = 224 = 22.4 s),
// checksum 0x6dc7, group 239.6.3.3, S=0 QRV=2, QQIC 60, N=2, sources 198.18.0.31, 198.18.0.32.
const Bytes kV3SourceQuery = {0x11, 0x8c, 0x6d, 0xc7, 0xef, 0x06, 0x03, 0x03, 0x02, 0x3c,
                              0x00, 0x02, 0xc6, 0x12, 0x00, 0x1f, 0xc6, 0x12, 0x00, 0x20};

const std::vector<const Bytes*> kQueries = {&kV1Query,        &kV2GeneralQuery, &kV2GroupQuery,
                                            &kV3GeneralQuery, &kV3GroupQuery,   &kV3SourceQuery};

// Recomputes the checksum of an IGMP message in place (for tests that change other fields).
void fix_checksum(Bytes& b) {
    b[2] = b[3] = 0;
    uint32_t sum = 0;
    for (size_t i = 0; i < b.size(); i += 2)
        sum += (uint32_t{b[i]} << 8) | (i + 1 < b.size() ? b[i + 1] : 0);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    b[2] = static_cast<uint8_t>(~sum >> 8);
    b[3] = static_cast<uint8_t>(~sum);
}

TEST(IgmpQueryDecode, V1) {
    auto m = decode_igmp(kV1Query);
    ASSERT_TRUE(m.ok()) << m.error().what;
    EXPECT_TRUE(std::holds_alternative<IgmpQueryV1>(*m));
}

TEST(IgmpQueryDecode, V1GroupFieldIsIgnored) {
    Bytes b = kV1Query;
    b[4] = 0x0a;  // not multicast, not zero: RFC 1112 says "ignored when received"
    fix_checksum(b);
    auto m = decode_igmp(b);
    ASSERT_TRUE(m.ok());
    EXPECT_TRUE(std::holds_alternative<IgmpQueryV1>(*m));
}

TEST(IgmpQueryDecode, V2GeneralAndGroupSpecific) {
    auto m = decode_igmp(kV2GeneralQuery);
    ASSERT_TRUE(m.ok()) << m.error().what;
    ASSERT_TRUE(std::holds_alternative<IgmpQueryV2>(*m));
    EXPECT_EQ(std::get<IgmpQueryV2>(*m).max_resp_time, 100);
    EXPECT_TRUE(std::get<IgmpQueryV2>(*m).group.is_unspecified());
    m = decode_igmp(kV2GroupQuery);
    ASSERT_TRUE(m.ok()) << m.error().what;
    EXPECT_EQ(std::get<IgmpQueryV2>(*m), (IgmpQueryV2{10, Ipv4Address(239, 6, 2, 1)}));
}

TEST(IgmpQueryDecode, V3General) {
    auto m = decode_igmp(kV3GeneralQuery);
    ASSERT_TRUE(m.ok()) << m.error().what;
    const auto& q = std::get<IgmpQueryV3>(*m);
    EXPECT_TRUE(q.is_general());
    EXPECT_EQ(q.max_resp_code, 120);
    EXPECT_EQ(q.max_resp_tenths(), 120u);
    EXPECT_TRUE(q.suppress_router_processing);
    EXPECT_EQ(q.qrv, 2);
    EXPECT_EQ(q.qqic, 125);
    EXPECT_EQ(q.qqi_seconds(), 125u);
    EXPECT_TRUE(q.sources.empty());
}

TEST(IgmpQueryDecode, V3GroupSpecific) {
    auto m = decode_igmp(kV3GroupQuery);
    ASSERT_TRUE(m.ok()) << m.error().what;
    const auto& q = std::get<IgmpQueryV3>(*m);
    EXPECT_EQ(q.group, Ipv4Address(239, 6, 3, 1));
    EXPECT_FALSE(q.suppress_router_processing);
    EXPECT_EQ(q.max_resp_tenths(), 20u);
    EXPECT_EQ(q.qqi_seconds(), 10u);
}

TEST(IgmpQueryDecode, V3GroupAndSourceWithFloatMaxResp) {
    auto m = decode_igmp(kV3SourceQuery);
    ASSERT_TRUE(m.ok()) << m.error().what;
    const auto& q = std::get<IgmpQueryV3>(*m);
    EXPECT_EQ(q.group, Ipv4Address(239, 6, 3, 3));
    EXPECT_EQ(q.max_resp_code, 0x8c);
    EXPECT_EQ(q.max_resp_tenths(), 224u);
    EXPECT_EQ(q.qqi_seconds(), 60u);
    EXPECT_EQ(q.sources,
              (std::vector<Ipv4Address>{Ipv4Address(198, 18, 0, 31), Ipv4Address(198, 18, 0, 32)}));
}

TEST(IgmpQueryDecode, V3ReservedBitsAndTrailingOctetsAreIgnored) {
    Bytes b = kV3SourceQuery;
    b[8] |= 0xf0;  // Resv
    b.insert(b.end(), {0xaa, 0xbb, 0xcc});
    fix_checksum(b);
    auto m = decode_igmp(b);
    ASSERT_TRUE(m.ok()) << m.error().what;
    EXPECT_EQ(std::get<IgmpQueryV3>(*m), std::get<IgmpQueryV3>(*decode_igmp(kV3SourceQuery)));
}

TEST(IgmpQueryDecode, LengthsNineToElevenAreIgnored) {
    for (size_t len : {9u, 10u, 11u}) {
        Bytes b = kV3GroupQuery;
        b.resize(len);
        fix_checksum(b);
        auto m = decode_igmp(b);
        ASSERT_FALSE(m.ok());
        EXPECT_EQ(m.error().kind, DecodeErrorKind::kBadLength) << len;
    }
}

TEST(IgmpQueryDecode, EveryTruncationIsAnError) {
    for (const Bytes* f : kQueries) {
        for (size_t n = 0; n < f->size(); ++n)
            EXPECT_FALSE(decode_igmp(std::span<const uint8_t>(f->data(), n)).ok())
                << n << " of " << f->size();
    }
}

TEST(IgmpQueryDecode, TruncationWithAFixedChecksumIsStillAnError) {
    // Even with the checksum recomputed, a source list shorter than N is rejected.
    Bytes b = kV3SourceQuery;
    b.resize(16);
    fix_checksum(b);
    auto m = decode_igmp(b);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error().kind, DecodeErrorKind::kTruncated);
}

TEST(IgmpQueryDecode, BadChecksum) {
    for (const Bytes* f : kQueries) {
        for (size_t i = 0; i < f->size(); ++i) {
            Bytes b = *f;
            b[i] ^= 0x01;
            auto m = decode_igmp(b);
            ASSERT_FALSE(m.ok()) << i;
            EXPECT_EQ(m.error().kind, DecodeErrorKind::kBadChecksum) << i;
        }
    }
}

TEST(IgmpQueryDecode, GroupValidation) {
    Bytes b = kV2GroupQuery;
    b[4] = 10;  // 10.6.2.1: not multicast
    fix_checksum(b);
    EXPECT_EQ(decode_igmp(b).error().kind, DecodeErrorKind::kBadAddress);
    b = kV3GroupQuery;
    b[4] = 198;
    fix_checksum(b);
    EXPECT_EQ(decode_igmp(b).error().kind, DecodeErrorKind::kBadAddress);
    // A general query (group 0) must not list sources.
    b = kV3SourceQuery;
    b[4] = b[5] = b[6] = b[7] = 0;
    fix_checksum(b);
    EXPECT_EQ(decode_igmp(b).error().kind, DecodeErrorKind::kBadField);
}

TEST(IgmpQueryEncode, FixturesRoundTripExactly) {
    for (const Bytes* f : kQueries) {
        auto m = decode_igmp(*f);
        ASSERT_TRUE(m.ok()) << m.error().what;
        EXPECT_EQ(encode_igmp(*m), *f);
    }
}

TEST(IgmpQueryEncode, FromFields) {
    IgmpQueryV3 q;
    q.max_resp_code = igmp_max_resp_code(224);
    q.group = Ipv4Address(239, 6, 3, 3);
    q.qrv = igmp_qrv_field(2);
    q.qqic = igmp_qqic(60);
    q.sources = {Ipv4Address(198, 18, 0, 31), Ipv4Address(198, 18, 0, 32)};
    EXPECT_EQ(encode_igmp(IgmpMessage{q}), kV3SourceQuery);
    EXPECT_EQ(encode_igmp(IgmpMessage{IgmpQueryV2{10, Ipv4Address(239, 6, 2, 1)}}), kV2GroupQuery);
    EXPECT_EQ(encode_igmp(IgmpMessage{IgmpQueryV1{}}), kV1Query);
}

TEST(IgmpQueryEncode, RobustnessAboveSevenIsSentAsZero) {
    EXPECT_EQ(igmp_qrv_field(7), 7);
    EXPECT_EQ(igmp_qrv_field(8), 0);
    IgmpQueryV3 q;
    q.qrv = 9;
    auto b = encode_igmp(IgmpMessage{q});
    EXPECT_EQ(b[8] & 0x07, 0);
}

TEST(IgmpQueryEncode, MaxSourcesFitTheMtu) {
    size_t n = igmp_v3_query_max_sources(1500);
    EXPECT_EQ(n, (1500u - 24 - 12) / 4);
    IgmpQueryV3 q;
    q.group = Ipv4Address(239, 1, 1, 1);
    q.sources.assign(n, Ipv4Address(198, 18, 0, 1));
    auto pkt = encode_igmp_packet(Ipv4Address(198, 18, 0, 1), q.group, IgmpMessage{q});
    EXPECT_LE(pkt.size(), 1500u);
    q.sources.push_back(Ipv4Address(198, 18, 0, 2));
    EXPECT_GT(encode_igmp_packet(Ipv4Address(198, 18, 0, 1), q.group, IgmpMessage{q}).size(), 1500u);
    EXPECT_EQ(igmp_v3_query_max_sources(10), (68u - 36) / 4);
}

TEST(IgmpFloatCode, DecodeFollowsTheRfcFormula) {
    EXPECT_EQ(igmp_float_decode(0), 0u);
    EXPECT_EQ(igmp_float_decode(127), 127u);
    EXPECT_EQ(igmp_float_decode(0x80), 128u);    // (0|16) << 3
    EXPECT_EQ(igmp_float_decode(0x8f), 248u);    // (15|16) << 3
    EXPECT_EQ(igmp_float_decode(0x90), 256u);    // (0|16) << 4
    EXPECT_EQ(igmp_float_decode(0x89), 200u);    // RFC 6636 4.2: 20.0 s
    EXPECT_EQ(igmp_float_decode(0xff), 31744u);  // (15|16) << 10
}

TEST(IgmpFloatCode, EveryCodeRoundTrips) {
    // Each code's value encodes back to that code, in both rounding modes (codes 0x80.. and 0..127 do not
    // overlap: every code >= 128 stands for a value >= 128).
    for (int c = 0; c < 256; ++c) {
        auto code = static_cast<uint8_t>(c);
        uint32_t v = igmp_float_decode(code);
        EXPECT_EQ(igmp_float_encode(v, IgmpFloatRounding::kDown), code) << c;
        EXPECT_EQ(igmp_float_encode(v, IgmpFloatRounding::kUp), code) << c;
    }
}

TEST(IgmpFloatCode, InexactValuesRoundAsDocumented) {
    // 130 lies between 128 (0x80) and 136 (0x81).
    EXPECT_EQ(igmp_float_encode(130, IgmpFloatRounding::kDown), 0x80);
    EXPECT_EQ(igmp_float_encode(130, IgmpFloatRounding::kUp), 0x81);
    // 250 lies between 248 (0x8f) and 256 (0x90): rounding up carries into the exponent.
    EXPECT_EQ(igmp_float_encode(250, IgmpFloatRounding::kDown), 0x8f);
    EXPECT_EQ(igmp_float_encode(250, IgmpFloatRounding::kUp), 0x90);
    // Above the largest value: always 0xff.
    EXPECT_EQ(igmp_float_encode(40000, IgmpFloatRounding::kDown), 0xff);
    EXPECT_EQ(igmp_float_encode(40000, IgmpFloatRounding::kUp), 0xff);
    // The named helpers: Max Resp rounds down, QQIC rounds up.
    EXPECT_EQ(igmp_max_resp_code(130), 0x80);
    EXPECT_EQ(igmp_qqic(130), 0x81);
    // Exhaustively: rounding brackets the value between neighbouring representable values.
    for (uint32_t v = 0; v <= 31744; ++v) {
        uint32_t down = igmp_float_decode(igmp_float_encode(v, IgmpFloatRounding::kDown));
        uint32_t up = igmp_float_decode(igmp_float_encode(v, IgmpFloatRounding::kUp));
        ASSERT_LE(down, v) << v;
        ASSERT_GE(up, v) << v;
        ASSERT_LE(up - down, (v >> 4)) << v;  // within one mantissa step
    }
}

}  // namespace
}  // namespace fanout::packet
