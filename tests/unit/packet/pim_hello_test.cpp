// PIM Hello codec (RFC 7761 4.9.2, RFC 3973 4.7.5): byte fixtures, round trips, truncation, option policy.
#include <gtest/gtest.h>

#include <vector>

#include "common/packet/pim_header.hpp"
#include "common/packet/pim_hello.hpp"

namespace fanout::packet {
namespace {

// Options 1 (105 s), 2 (T=1, 500 ms, 2500 ms), 19 (10), 20 (0x12345678), 21 (v1, 60 s), 24 (198.19.12.11,
// 10.0.0.1), then unknown option 65001 = "ab". Checksum computed independently (RFC 1071 by hand script).
const std::vector<uint8_t> kHelloAll = {
    0x20, 0x00, 0xac, 0x08, 0x00, 0x01, 0x00, 0x02, 0x00, 0x69, 0x00, 0x02, 0x00, 0x04, 0x81, 0xf4,
    0x09, 0xc4, 0x00, 0x13, 0x00, 0x04, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x14, 0x00, 0x04, 0x12, 0x34,
    0x56, 0x78, 0x00, 0x15, 0x00, 0x04, 0x01, 0x3c, 0x00, 0x00, 0x00, 0x18, 0x00, 0x0c, 0x01, 0x00,
    0xc6, 0x13, 0x0c, 0x0b, 0x01, 0x00, 0x0a, 0x00, 0x00, 0x01, 0xfd, 0xe9, 0x00, 0x02, 0x61, 0x62};

std::vector<uint8_t> with_checksum(std::vector<uint8_t> m) {
    const uint16_t c = pim_checksum(m);
    m[2] = static_cast<uint8_t>(c >> 8);
    m[3] = static_cast<uint8_t>(c);
    return m;
}

TEST(PimHello, DecodesEveryOption) {
    auto h = decode_hello(kHelloAll);
    ASSERT_TRUE(h.ok()) << to_string(h.error().kind) << " " << h.error().what;
    EXPECT_EQ(h->holdtime_s, 105);
    ASSERT_TRUE(h->lan_prune_delay.has_value());
    EXPECT_TRUE(h->lan_prune_delay->tracking_support);
    EXPECT_EQ(h->lan_prune_delay->propagation_delay_ms, 500);
    EXPECT_EQ(h->lan_prune_delay->override_interval_ms, 2500);
    EXPECT_EQ(h->dr_priority, 10u);
    EXPECT_EQ(h->generation_id, 0x12345678u);
    ASSERT_TRUE(h->state_refresh.has_value());
    EXPECT_EQ(h->state_refresh->version, 1);
    EXPECT_EQ(h->state_refresh->interval_s, 60);
    EXPECT_EQ(h->address_list, (std::vector<Ipv4Address>{{198, 19, 12, 11}, {10, 0, 0, 1}}));
    ASSERT_EQ(h->unknown_options.size(), 1u);
    EXPECT_EQ(h->unknown_options[0].type, 65001);
    EXPECT_EQ(h->unknown_options[0].value, (std::vector<uint8_t>{'a', 'b'}));
    EXPECT_TRUE(h->malformed_options.empty());
}

TEST(PimHello, EncodesFixtureBytesExactly) {
    Hello h;
    h.holdtime_s = 105;
    h.lan_prune_delay = LanPruneDelay{true, 500, 2500};
    h.dr_priority = 10;
    h.generation_id = 0x12345678;
    h.state_refresh = StateRefreshCapable{1, 60, 0};
    h.address_list = {Ipv4Address(198, 19, 12, 11), Ipv4Address(10, 0, 0, 1)};
    h.unknown_options.push_back({65001, {'a', 'b'}});
    EXPECT_EQ(encode_hello(h), kHelloAll);
}

TEST(PimHello, RoundTripsMinimalAndEmpty) {
    Hello empty;
    auto e = decode_hello(encode_hello(empty));
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(*e, empty);
    EXPECT_EQ(encode_hello(empty).size(), kPimHeaderSize);
    Hello h;
    h.holdtime_s = 0;  // goodbye
    h.generation_id = 0xffffffff;
    auto d = decode_hello(encode_hello(h));
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(*d, h);
}

TEST(PimHello, EveryTruncationIsAnError) {
    // Cuts inside the header, an option header or an option value all fail; cuts exactly between options
    // would be a valid shorter Hello but then the checksum no longer matches.
    for (size_t n = 0; n < kHelloAll.size(); ++n) {
        std::vector<uint8_t> t(kHelloAll.begin(), kHelloAll.begin() + static_cast<long>(n));
        EXPECT_FALSE(decode_hello(t).ok()) << n;
        // With a fixed-up checksum only the length checks remain.
        if (n >= kPimHeaderSize) {
            auto fixed = with_checksum(t);
            const bool on_boundary = n == 4 || n == 10 || n == 18 || n == 26 || n == 34 || n == 42 || n == 58;
            EXPECT_EQ(decode_hello(fixed).ok(), on_boundary) << n;
            if (!on_boundary) {
                EXPECT_EQ(decode_hello(fixed).error().kind, DecodeErrorKind::kTruncated) << n;
            }
        }
    }
}

TEST(PimHello, OptionLengthBeyondDataIsAnError) {
    auto m = kHelloAll;
    m[m.size() - 3] = 3;  // unknown option claims 3 bytes, 2 present
    auto r = decode_hello(with_checksum(m));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, DecodeErrorKind::kTruncated);
}

TEST(PimHello, KnownOptionWithWrongLengthIsIgnoredAndNoted) {
    // Holdtime with length 4, DR priority with length 2, address list with a bad family.
    std::vector<uint8_t> m = {0x20, 0,  0, 0, 0, 1, 0, 4, 0, 0, 0, 105, 0, 19, 0, 2, 0, 7,
                              0,    24, 0, 6, 2, 0, 1, 2, 3, 4, 0, 20,  0, 4,  0, 0, 0, 9};
    auto h = decode_hello(with_checksum(m));
    ASSERT_TRUE(h.ok());
    EXPECT_FALSE(h->holdtime_s.has_value());
    EXPECT_FALSE(h->dr_priority.has_value());
    EXPECT_TRUE(h->address_list.empty());
    EXPECT_EQ(h->generation_id, 9u);
    ASSERT_EQ(h->malformed_options.size(), 3u);
    EXPECT_EQ(h->malformed_options[0].type, 1);
    EXPECT_EQ(h->malformed_options[1].type, 19);
    EXPECT_EQ(h->malformed_options[2].type, 24);
    // Not re-sent.
    auto again = decode_hello(encode_hello(*h));
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->malformed_options.empty());
    EXPECT_EQ(again->generation_id, 9u);
}

TEST(PimHello, DuplicateOptionFirstWinsSecondNoted) {
    std::vector<uint8_t> m = {0x20, 0, 0, 0, 0, 1, 0, 2, 0, 30, 0, 1, 0, 2, 0, 90};
    auto h = decode_hello(with_checksum(m));
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->holdtime_s, 30);
    ASSERT_EQ(h->malformed_options.size(), 1u);
    EXPECT_EQ(h->malformed_options[0].value, (std::vector<uint8_t>{0, 90}));
}

TEST(PimHello, UnknownOptionsKeptInOrderIncludingEmpty) {
    std::vector<uint8_t> m = {0x20, 0, 0, 0, 0, 99, 0, 0, 0, 3, 0, 1, 7, 0, 98, 0, 0};
    auto h = decode_hello(with_checksum(m));
    ASSERT_TRUE(h.ok());
    ASSERT_EQ(h->unknown_options.size(), 3u);
    EXPECT_EQ(h->unknown_options[0].type, 99);
    EXPECT_EQ(h->unknown_options[1].type, 3);
    EXPECT_EQ(h->unknown_options[1].value, std::vector<uint8_t>{7});
    EXPECT_EQ(h->unknown_options[2].type, 98);
    EXPECT_EQ(encode_hello(*h), with_checksum(m));
}

TEST(PimHello, RejectsBadChecksumTypeAndVersion) {
    auto c = kHelloAll;
    c[5] ^= 0x01;
    EXPECT_EQ(decode_hello(c).error().kind, DecodeErrorKind::kBadChecksum);
    auto t = kHelloAll;
    t[0] = 0x23;
    EXPECT_EQ(decode_hello(with_checksum(t)).error().kind, DecodeErrorKind::kBadType);
    auto v = kHelloAll;
    v[0] = 0x30;
    EXPECT_EQ(decode_hello(with_checksum(v)).error().kind, DecodeErrorKind::kBadVersion);
}

TEST(PimHello, LanPruneDelayTBitDoesNotLeakIntoDelay) {
    Hello h;
    h.lan_prune_delay = LanPruneDelay{false, 0xffff, 1};
    auto d = decode_hello(encode_hello(h));
    ASSERT_TRUE(d.ok());
    EXPECT_FALSE(d->lan_prune_delay->tracking_support);
    EXPECT_EQ(d->lan_prune_delay->propagation_delay_ms, 0x7fff);
}

}  // namespace
}  // namespace fanout::packet
