// PIM Register / Register-Stop codecs (RFC 7761 4.9.3, 4.9.4).
#include <gtest/gtest.h>

#include <vector>

#include "common/core/checksum.hpp"
#include "common/packet/pim_header.hpp"
#include "common/packet/pim_register.hpp"

namespace fanout::packet {
namespace {

// Register B=1 N=0 around a 28-byte IPv4/UDP packet 198.18.0.2 -> 239.1.1.1 (checksum over 8 bytes).
const std::vector<uint8_t> kRegisterData = {0x21, 0x00, 0x5e, 0xff, 0x80, 0x00, 0x00, 0x00, 0x45,
                                            0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x3f, 0x11,
                                            0xc5, 0xb9, 0xc6, 0x12, 0x00, 0x02, 0xef, 0x01, 0x01,
                                            0x01, 0x13, 0x89, 0x13, 0x89, 0x00, 0x08, 0x00, 0x00};
// Null-Registers for (198.18.0.2, 239.1.1.1): FRR's dummy header (protocol 103, TTL 0, checksum 0) and
// pimd's (protocol 17, TTL 1, valid checksum).
const std::vector<uint8_t> kNullRegisterFrr = {0x21, 0x00, 0x9e, 0xff, 0x40, 0x00, 0x00, 0x00, 0x45, 0x00,
                                               0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x67, 0x00, 0x00,
                                               0xc6, 0x12, 0x00, 0x02, 0xef, 0x01, 0x01, 0x01};
const std::vector<uint8_t> kNullRegisterPimd = {0x21, 0x00, 0x9e, 0xff, 0x40, 0x00, 0x00, 0x00, 0x45, 0x00,
                                                0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x01, 0x11, 0x03, 0xc3,
                                                0xc6, 0x12, 0x00, 0x02, 0xef, 0x01, 0x01, 0x01};
// Register-Stop (239.1.1.1/32, 198.18.0.2).
const std::vector<uint8_t> kRegisterStop = {0x22, 0x00, 0x25, 0xc8, 0x01, 0x00, 0x00, 0x20, 0xef,
                                            0x01, 0x01, 0x01, 0x01, 0x00, 0xc6, 0x12, 0x00, 0x02};

const SGKey kSG{Ipv4Address(198, 18, 0, 2), Ipv4Address(239, 1, 1, 1)};

std::vector<uint8_t> with_checksum(std::vector<uint8_t> m) {
    const uint16_t c = pim_checksum(m);
    m[2] = static_cast<uint8_t>(c >> 8);
    m[3] = static_cast<uint8_t>(c);
    return m;
}

TEST(PimRegister, DecodesDataRegister) {
    auto r = decode_register(kRegisterData);
    ASSERT_TRUE(r.ok()) << r.error().what;
    EXPECT_TRUE(r->border);
    EXPECT_FALSE(r->null_register);
    EXPECT_EQ(r->inner.size(), 28u);
    EXPECT_EQ(r->inner_sg, kSG);
    EXPECT_EQ(std::vector<uint8_t>(kRegisterData.begin() + 8, kRegisterData.end()), r->inner);
}

TEST(PimRegister, EncodesDataRegisterBytesExactly) {
    std::vector<uint8_t> inner(kRegisterData.begin() + 8, kRegisterData.end());
    EXPECT_EQ(encode_register(inner, true), kRegisterData);
}

TEST(PimRegister, DecodesBothNullRegisterForms) {
    for (const auto* m : {&kNullRegisterFrr, &kNullRegisterPimd}) {
        auto r = decode_register(*m);
        ASSERT_TRUE(r.ok()) << r.error().what;
        EXPECT_TRUE(r->null_register);
        EXPECT_FALSE(r->border);
        EXPECT_EQ(r->inner.size(), 20u);
        EXPECT_EQ(r->inner_sg, kSG);
    }
}

TEST(PimRegister, NullRegisterWeSendIsWellFormed) {
    auto m = encode_null_register(kSG);
    ASSERT_EQ(m.size(), 28u);
    EXPECT_EQ(m[4], 0x40);
    const std::span<const uint8_t> inner(m.data() + 8, 20);
    EXPECT_EQ(inner[0], 0x45);
    EXPECT_EQ(inner[3], 20);
    EXPECT_EQ(inner[8], 1);    // TTL
    EXPECT_EQ(inner[9], 103);  // protocol PIM
    EXPECT_TRUE(internet_checksum_ok(inner));
    EXPECT_TRUE(internet_checksum_ok(std::span<const uint8_t>(m).first(8)));
    auto r = decode_register(m);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->inner_sg, kSG);
    EXPECT_TRUE(r->null_register);
}

TEST(PimRegister, NullRegisterWithWrongNonZeroInnerChecksumIsRejected) {
    auto m = kNullRegisterPimd;
    m[19] ^= 0x01;  // inner checksum; PIM checksum covers only 8 bytes so it stays valid
    auto r = decode_register(m);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, DecodeErrorKind::kBadChecksum);
    // A data Register's inner checksum is not ours to judge.
    auto d = kRegisterData;
    d[19] ^= 0x01;
    EXPECT_TRUE(decode_register(d).ok());
}

TEST(PimRegister, WholePacketChecksumFormAccepted) {
    auto m = kRegisterData;
    m[2] = m[3] = 0;
    const uint16_t c = internet_checksum(m);
    m[2] = static_cast<uint8_t>(c >> 8);
    m[3] = static_cast<uint8_t>(c);
    EXPECT_TRUE(decode_register(m).ok());
    m[3] ^= 0x40;
    EXPECT_EQ(decode_register(m).error().kind, DecodeErrorKind::kBadChecksum);
}

TEST(PimRegister, EveryTruncationIsAnError) {
    // Truncations keep the 8-byte checksum valid (n >= 8), so only the inner-header checks can catch them.
    for (const auto* fx : {&kRegisterData, &kNullRegisterFrr, &kNullRegisterPimd}) {
        for (size_t n = 0; n < fx->size(); ++n) {
            std::vector<uint8_t> t(fx->begin(), fx->begin() + static_cast<long>(n));
            EXPECT_FALSE(decode_register(t).ok()) << n;
        }
    }
}

TEST(PimRegister, RejectsBadInnerVersionAndIhl) {
    auto v6 = kRegisterData;
    v6[8] = 0x65;
    EXPECT_EQ(decode_register(v6).error().kind, DecodeErrorKind::kBadVersion);
    auto ihl = kRegisterData;
    ihl[8] = 0x44;
    EXPECT_EQ(decode_register(ihl).error().kind, DecodeErrorKind::kBadLength);
    auto big = kRegisterData;
    big[8] = 0x4f;  // 60-byte header, 28 bytes present
    EXPECT_EQ(decode_register(big).error().kind, DecodeErrorKind::kTruncated);
    auto small = kRegisterData;
    small[11] = 19;  // total length shorter than the header
    EXPECT_EQ(decode_register(small).error().kind, DecodeErrorKind::kBadLength);
    auto len = kRegisterData;
    len[11] = 29;  // total length one more than present
    EXPECT_EQ(decode_register(len).error().kind, DecodeErrorKind::kTruncated);
}

TEST(PimRegisterStop, DecodesAndEncodesFixture) {
    auto r = decode_register_stop(kRegisterStop);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->group.group, kSG.group);
    EXPECT_EQ(r->group.mask_len, 32);
    EXPECT_EQ(r->source, kSG.source);
    EXPECT_EQ(encode_register_stop(*r), kRegisterStop);
}

TEST(PimRegisterStop, AcceptsWildcardSourceAndTrailingBytes) {
    RegisterStop star{EncodedGroup{Ipv4Address(239, 1, 1, 1)}, Ipv4Address::any()};
    auto m = encode_register_stop(star);
    auto r = decode_register_stop(m);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->source.is_unspecified());
    m.push_back(0xaa);
    m.push_back(0xbb);
    auto t = decode_register_stop(with_checksum(m));
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(*t, star);
}

TEST(PimRegisterStop, TruncationsFamiliesAndChecksum) {
    for (size_t n = 0; n < kRegisterStop.size(); ++n) {
        std::vector<uint8_t> t(kRegisterStop.begin(), kRegisterStop.begin() + static_cast<long>(n));
        EXPECT_FALSE(decode_register_stop(t).ok()) << n;
        if (n >= kPimHeaderSize) {
            EXPECT_EQ(decode_register_stop(with_checksum(t)).error().kind, DecodeErrorKind::kTruncated) << n;
        }
    }
    auto fam = kRegisterStop;
    fam[12] = 2;  // source family IPv6
    EXPECT_EQ(decode_register_stop(with_checksum(fam)).error().kind, DecodeErrorKind::kBadAddressFamily);
    auto enc = kRegisterStop;
    enc[5] = 1;  // group encoding type
    EXPECT_EQ(decode_register_stop(with_checksum(enc)).error().kind, DecodeErrorKind::kBadEncodingType);
    auto bad = kRegisterStop;
    bad[17] ^= 1;
    EXPECT_EQ(decode_register_stop(bad).error().kind, DecodeErrorKind::kBadChecksum);
    EXPECT_EQ(decode_register_stop(kRegisterData).error().kind, DecodeErrorKind::kBadType);
}

}  // namespace
}  // namespace fanout::packet
