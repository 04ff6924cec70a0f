// PIM-DM State Refresh codec (RFC 3973 4.7): fixture from the RFC diagram, every flag bit, round trips,
// truncations, bad families and mask lengths.
#include "common/packet/pim_state_refresh.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "common/core/checksum.hpp"

namespace fanout::packet {
namespace {

using Bytes = std::vector<uint8_t>;

const Bytes kBody = {
    1,    0,    0,    32,   239, 4, 4, 4,  // group 239.4.4.4/32 (encoded-group)
    1,    0,    198,  18,   10,  2,        // source 198.18.10.2 (encoded-unicast)
    1,    0,    198,  19,   40,  3,        // originator 198.19.40.3
    0x00, 0x00, 0x00, 0x6e,                // R=0, metric preference 110
    0x00, 0x00, 0x00, 0x14,                // metric 20
    24,   63,   0xa0, 60,                  // masklen 24, TTL 63, P=1 N=0 O=1, interval 60
};

Bytes message(const Bytes& body) {
    Bytes m = {0x29, 0, 0, 0};
    m.insert(m.end(), body.begin(), body.end());
    const uint16_t c = internet_checksum(m);
    m[2] = static_cast<uint8_t>(c >> 8);
    m[3] = static_cast<uint8_t>(c);
    return m;
}

PimStateRefresh fixture() {
    PimStateRefresh sr;
    sr.group = EncodedGroup{Ipv4Address(239, 4, 4, 4), 32};
    sr.source = Ipv4Address(198, 18, 10, 2);
    sr.originator = Ipv4Address(198, 19, 40, 3);
    sr.metric_preference = 110;
    sr.metric = 20;
    sr.mask_len = 24;
    sr.ttl = 63;
    sr.prune_indicator = true;
    sr.assert_override = true;
    sr.interval = 60;
    return sr;
}

TEST(PimStateRefresh, DecodesRfcLayoutFixture) {
    auto r = decode_pim_state_refresh(message(kBody));
    ASSERT_TRUE(r.ok()) << to_string(r.error().kind) << " " << r.error().what;
    EXPECT_EQ(r.value(), fixture());
    EXPECT_FALSE(r->rpt);
    EXPECT_FALSE(r->prune_now);
}

TEST(PimStateRefresh, EncodesFixtureBytes) {
    const Bytes m = encode_pim_state_refresh(fixture());
    EXPECT_EQ(m, message(kBody));
    EXPECT_EQ(m.size(), 4 + kStateRefreshBodySize);
    EXPECT_TRUE(internet_checksum_ok(m));
}

TEST(PimStateRefresh, EachFlagBitHasItsOwnPlace) {
    struct Case {
        uint8_t byte;
        bool p, n, o;
    };
    for (const Case c : {Case{0x80, true, false, false}, Case{0x40, false, true, false},
                         Case{0x20, false, false, true}, Case{0x00, false, false, false}}) {
        Bytes b = kBody;
        b[30] = c.byte;
        auto r = decode_pim_state_refresh_body(b);
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(r->prune_indicator, c.p);
        EXPECT_EQ(r->prune_now, c.n);
        EXPECT_EQ(r->assert_override, c.o);
        EXPECT_EQ(encode_pim_state_refresh(r.value()), message(b));
    }
    // Reserved bits are ignored and sent as zero.
    Bytes b = kBody;
    b[30] = 0x1f;
    auto r = decode_pim_state_refresh_body(b);
    ASSERT_TRUE(r.ok());
    b[30] = 0;
    EXPECT_EQ(encode_pim_state_refresh(r.value()), message(b));
}

TEST(PimStateRefresh, RptBitIsSeparateFromThe31BitPreference) {
    Bytes b = kBody;
    b[20] = 0xff;
    b[21] = 0xff;
    b[22] = 0xff;
    b[23] = 0xff;
    auto r = decode_pim_state_refresh_body(b);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->rpt);
    EXPECT_EQ(r->metric_preference, 0x7fffffffu);
    EXPECT_EQ(encode_pim_state_refresh(r.value()), message(b));
    PimStateRefresh sr = fixture();
    sr.metric_preference = 0xffffffffu;  // cut to 31 bits, R stays clear
    auto again = decode_pim_state_refresh(encode_pim_state_refresh(sr));
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(again->rpt);
    EXPECT_EQ(again->metric_preference, 0x7fffffffu);
}

TEST(PimStateRefresh, EveryTruncationIsAnError) {
    const Bytes full = message(kBody);
    for (size_t n = 0; n < full.size(); ++n)
        EXPECT_FALSE(decode_pim_state_refresh(std::span<const uint8_t>(full).first(n)).ok()) << n;
    for (size_t n = 0; n < kBody.size(); ++n) {
        auto r = decode_pim_state_refresh_body(std::span<const uint8_t>(kBody).first(n));
        ASSERT_FALSE(r.ok()) << n;
        EXPECT_EQ(r.error().kind, DecodeErrorKind::kTruncated) << n;
    }
}

TEST(PimStateRefresh, BadFamiliesEncodingsAndMaskLengths) {
    auto kind = [](Bytes b) { return decode_pim_state_refresh_body(b).error().kind; };
    Bytes b = kBody;
    b[0] = 2;
    EXPECT_EQ(kind(b), DecodeErrorKind::kBadAddressFamily);
    b = kBody;
    b[9] = 1;  // source encoding type
    EXPECT_EQ(kind(b), DecodeErrorKind::kBadEncodingType);
    b = kBody;
    b[14] = 0;  // originator family
    EXPECT_EQ(kind(b), DecodeErrorKind::kBadAddressFamily);
    b = kBody;
    b[3] = 33;  // group mask length
    EXPECT_EQ(kind(b), DecodeErrorKind::kBadField);
    b = kBody;
    b[28] = 33;  // route mask length
    EXPECT_EQ(kind(b), DecodeErrorKind::kBadField);
}

TEST(PimStateRefresh, ChecksumAndTypeAreChecked) {
    Bytes m = message(kBody);
    m[10] ^= 0x01;
    EXPECT_EQ(decode_pim_state_refresh(m).error().kind, DecodeErrorKind::kBadChecksum);
    Bytes assert_type = {0x25, 0, 0, 0};
    assert_type.insert(assert_type.end(), kBody.begin(), kBody.end());
    const uint16_t c = internet_checksum(assert_type);
    assert_type[2] = static_cast<uint8_t>(c >> 8);
    assert_type[3] = static_cast<uint8_t>(c);
    EXPECT_EQ(decode_pim_state_refresh(assert_type).error().kind, DecodeErrorKind::kBadType);
}

TEST(PimStateRefresh, TrailingBytesAreIgnored) {
    Bytes b = kBody;
    b.push_back(0xaa);
    auto r = decode_pim_state_refresh(message(b));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value(), fixture());
}

}  // namespace
}  // namespace fanout::packet
