// PIM Assert codec (RFC 7761 4.9.6).
#include <gtest/gtest.h>

#include <vector>

#include "common/packet/pim_assert.hpp"
#include "common/packet/pim_header.hpp"

namespace fanout::packet {
namespace {

// Assert (239.4.4.4, 198.18.10.2), R=1, preference 101, metric 20.
const std::vector<uint8_t> kAssert = {0x25, 0x00, 0x95, 0x48, 0x01, 0x00, 0x00, 0x20, 0xef,
                                      0x04, 0x04, 0x04, 0x01, 0x00, 0xc6, 0x12, 0x0a, 0x02,
                                      0x80, 0x00, 0x00, 0x65, 0x00, 0x00, 0x00, 0x14};

std::vector<uint8_t> with_checksum(std::vector<uint8_t> m) {
    const uint16_t c = pim_checksum(m);
    m[2] = static_cast<uint8_t>(c >> 8);
    m[3] = static_cast<uint8_t>(c);
    return m;
}

TEST(PimAssert, DecodesAndEncodesFixture) {
    auto a = decode_assert(kAssert);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->group.group, Ipv4Address(239, 4, 4, 4));
    EXPECT_EQ(a->source, Ipv4Address(198, 18, 10, 2));
    EXPECT_TRUE(a->rpt);
    EXPECT_EQ(a->metric_preference, 101u);
    EXPECT_EQ(a->metric, 20u);
    EXPECT_FALSE(a->is_cancel());
    EXPECT_EQ(encode_assert(*a), kAssert);
}

TEST(PimAssert, CancelRoundTrip) {
    auto c = make_assert_cancel(EncodedGroup{Ipv4Address(239, 4, 4, 4)}, Ipv4Address(198, 18, 10, 2));
    auto m = encode_assert(c);
    EXPECT_EQ(m[18], 0xff);  // R bit + 0x7fffffff
    EXPECT_EQ(m[22], 0xff);
    auto d = decode_assert(m);
    ASSERT_TRUE(d.ok());
    EXPECT_TRUE(d->is_cancel());
    EXPECT_EQ(*d, c);
}

TEST(PimAssert, PreferenceIs31Bits) {
    Assert a{EncodedGroup{Ipv4Address(239, 1, 1, 1)}, Ipv4Address(10, 0, 0, 1), false, 0xffffffffu, 7};
    auto d = decode_assert(encode_assert(a));
    ASSERT_TRUE(d.ok());
    EXPECT_FALSE(d->rpt);
    EXPECT_EQ(d->metric_preference, 0x7fffffffu);
}

TEST(PimAssert, TrailingBytesAccepted) {
    auto m = kAssert;
    for (uint8_t b : {0x01, 0x02, 0x03, 0x04, 0x05})
        m.push_back(b);
    auto d = decode_assert(with_checksum(m));
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(*d, *decode_assert(kAssert));
}

TEST(PimAssert, EveryTruncationIsAnError) {
    for (size_t n = 0; n < kAssert.size(); ++n) {
        std::vector<uint8_t> t(kAssert.begin(), kAssert.begin() + static_cast<long>(n));
        EXPECT_FALSE(decode_assert(t).ok()) << n;
        if (n >= kPimHeaderSize) {
            EXPECT_EQ(decode_assert(with_checksum(t)).error().kind, DecodeErrorKind::kTruncated) << n;
        }
    }
}

TEST(PimAssert, BadChecksumFamilyMask) {
    auto c = kAssert;
    c[25] ^= 0x10;
    EXPECT_EQ(decode_assert(c).error().kind, DecodeErrorKind::kBadChecksum);
    auto f = kAssert;
    f[4] = 2;
    EXPECT_EQ(decode_assert(with_checksum(f)).error().kind, DecodeErrorKind::kBadAddressFamily);
    auto m = kAssert;
    m[7] = 40;
    EXPECT_EQ(decode_assert(with_checksum(m)).error().kind, DecodeErrorKind::kBadField);
}

}  // namespace
}  // namespace fanout::packet
