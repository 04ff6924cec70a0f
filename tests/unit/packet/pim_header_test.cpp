// PIM common header, checksum rules (RFC 7761 4.9) and encoded addresses (4.9.1).
#include <gtest/gtest.h>

#include <vector>

#include "common/core/checksum.hpp"
#include "common/packet/pim_address.hpp"
#include "common/packet/pim_header.hpp"

namespace fanout::packet {
namespace {

// A Hello with one Holdtime option (105 s); checksum computed by hand: ~(0x2000 + 0x0001 + 0x0002 + 0x0069).
const std::vector<uint8_t> kHello = {0x20, 0x00, 0xdf, 0x93, 0x00, 0x01, 0x00, 0x02, 0x00, 0x69};

TEST(PimHeader, DecodesFixture) {
    auto m = decode_pim_message(kHello);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->header.version, 2);
    EXPECT_EQ(m->header.type, PimType::kHello);
    EXPECT_EQ(m->header.flags, 0);
    EXPECT_EQ(m->header.checksum, 0xdf93);
    EXPECT_EQ(m->body.size(), 6u);
    EXPECT_EQ(pim_checksum(kHello), 0xdf93);
}

TEST(PimHeader, RejectsBadVersionChecksumAndTruncation) {
    auto v = kHello;
    v[0] = 0x10;
    EXPECT_EQ(decode_pim_message(v).error().kind, DecodeErrorKind::kBadVersion);
    auto c = kHello;
    c[9] ^= 1;
    EXPECT_EQ(decode_pim_message(c).error().kind, DecodeErrorKind::kBadChecksum);
    for (size_t n = 0; n < kPimHeaderSize; ++n) {
        std::vector<uint8_t> t(kHello.begin(), kHello.begin() + static_cast<long>(n));
        EXPECT_EQ(decode_pim_message(t).error().kind, DecodeErrorKind::kTruncated) << n;
    }
}

TEST(PimHeader, EncoderWritesHeaderAndPatchesChecksum) {
    ByteWriter w;
    w.u32(0xdeadbeef);  // something before the message: start offset must be honoured
    const size_t start = begin_pim_message(w, PimType::kHello);
    w.u16(1);
    w.u16(2);
    w.u16(105);
    finish_pim_message(w, start);
    std::vector<uint8_t> got(w.view(start).begin(), w.view(start).end());
    EXPECT_EQ(got, kHello);
    finish_pim_message(w, start);  // idempotent
    EXPECT_EQ(std::vector<uint8_t>(w.view(start).begin(), w.view(start).end()), kHello);
}

TEST(PimHeader, RegisterChecksumCoversEightBytesAndAcceptsWholePacketForm) {
    ByteWriter w;
    begin_pim_message(w, PimType::kRegister);
    w.u32(0x40000000);  // N bit
    for (int i = 0; i < 20; ++i)
        w.u8(static_cast<uint8_t>(0x45 + i));
    finish_pim_message(w);
    auto msg = w.take();
    EXPECT_TRUE(internet_checksum_ok(std::span<const uint8_t>(msg).first(8)));
    EXPECT_FALSE(internet_checksum_ok(msg));
    EXPECT_TRUE(decode_pim_message(msg).ok());
    // Changing the inner packet does not matter for the 8-byte form.
    msg[20] ^= 0xff;
    EXPECT_TRUE(decode_pim_message(msg).ok());
    // Whole-packet form (old senders) is accepted as well.
    msg[2] = msg[3] = 0;
    const uint16_t whole = internet_checksum(msg);
    msg[2] = static_cast<uint8_t>(whole >> 8);
    msg[3] = static_cast<uint8_t>(whole);
    EXPECT_TRUE(decode_pim_message(msg).ok());
    // Neither form: rejected.
    msg[3] ^= 0x10;
    EXPECT_EQ(decode_pim_message(msg).error().kind, DecodeErrorKind::kBadChecksum);
}

TEST(PimHeader, UnknownTypesAreKeptNotRejected) {
    ByteWriter w;
    begin_pim_message(w, static_cast<PimType>(12));
    finish_pim_message(w);
    auto m = decode_pim_message(w.view());
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(static_cast<uint8_t>(m->header.type), 12);
    EXPECT_FALSE(is_known_pim_type(12));
    EXPECT_TRUE(is_known_pim_type(9));
    EXPECT_EQ(to_string(static_cast<PimType>(12)), "unknown");
    EXPECT_EQ(to_string(PimType::kGraftAck), "graft-ack");
}

TEST(PimAddress, UnicastFixtureAndRoundTrip) {
    const std::vector<uint8_t> d = {0x01, 0x00, 198, 19, 12, 1};
    ByteReader r(d);
    auto a = decode_encoded_unicast(r);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(*a, Ipv4Address(198, 19, 12, 1));
    EXPECT_TRUE(r.at_end());
    ByteWriter w;
    encode_encoded_unicast(w, *a);
    EXPECT_EQ(w.buffer(), d);
}

TEST(PimAddress, GroupFixtureFlagsAndRoundTrip) {
    const std::vector<uint8_t> d = {0x01, 0x00, 0x81, 0x04, 224, 0, 0, 0};
    ByteReader r(d);
    auto g = decode_encoded_group(r);
    ASSERT_TRUE(g.ok());
    EXPECT_EQ(g->group, Ipv4Address(224, 0, 0, 0));
    EXPECT_EQ(g->mask_len, 4);
    EXPECT_TRUE(g->bidir);
    EXPECT_TRUE(g->admin_scope);
    EXPECT_EQ(g->prefix(), addr::kMulticast);
    ByteWriter w;
    encode_encoded_group(w, *g);
    EXPECT_EQ(w.buffer(), d);
    // Reserved bits are ignored on receipt and not re-sent.
    auto reserved = d;
    reserved[2] = 0x7e;
    ByteReader r2(reserved);
    auto g2 = decode_encoded_group(r2);
    ASSERT_TRUE(g2.ok());
    EXPECT_FALSE(g2->bidir);
    EXPECT_FALSE(g2->admin_scope);
}

TEST(PimAddress, SourceFixtureFlagsAndRoundTrip) {
    const std::vector<uint8_t> d = {0x01, 0x00, 0x07, 0x20, 198, 19, 255, 1};
    ByteReader r(d);
    auto s = decode_encoded_source(r);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->source, Ipv4Address(198, 19, 255, 1));
    EXPECT_EQ(s->mask_len, 32);
    EXPECT_TRUE(s->sparse);
    EXPECT_TRUE(s->wildcard);
    EXPECT_TRUE(s->rpt);
    ByteWriter w;
    encode_encoded_source(w, *s);
    EXPECT_EQ(w.buffer(), d);
    const EncodedSource sg{Ipv4Address(198, 18, 0, 2), 32, true, false, true};
    ByteWriter w2;
    encode_encoded_source(w2, sg);
    EXPECT_EQ(w2.buffer()[2], 0x05);
    ByteReader r2(w2.view());
    EXPECT_EQ(*decode_encoded_source(r2), sg);
}

TEST(PimAddress, TypedErrors) {
    const std::vector<uint8_t> v6 = {0x02, 0x00, 0, 0, 0, 0, 0, 0};
    const std::vector<uint8_t> enc = {0x01, 0x01, 0, 32, 10, 0, 0, 1};
    const std::vector<uint8_t> mask = {0x01, 0x00, 0, 33, 10, 0, 0, 1};
    {
        ByteReader r(v6);
        EXPECT_EQ(decode_encoded_unicast(r).error().kind, DecodeErrorKind::kBadAddressFamily);
    }
    {
        ByteReader r(enc);
        EXPECT_EQ(decode_encoded_source(r).error().kind, DecodeErrorKind::kBadEncodingType);
    }
    {
        ByteReader r(mask);
        EXPECT_EQ(decode_encoded_group(r).error().kind, DecodeErrorKind::kBadField);
    }
    {
        ByteReader r(mask);
        EXPECT_EQ(decode_encoded_source(r).error().kind, DecodeErrorKind::kBadField);
    }
    const std::vector<uint8_t> ok = {0x01, 0x00, 0x04, 0x20, 10, 0, 0, 1};
    for (size_t n = 0; n < ok.size(); ++n) {
        std::span<const uint8_t> t(ok.data(), n);
        ByteReader a(t), b(t), c(t);
        EXPECT_EQ(decode_encoded_group(a).error().kind, DecodeErrorKind::kTruncated) << n;
        EXPECT_EQ(decode_encoded_source(b).error().kind, DecodeErrorKind::kTruncated) << n;
        if (n < kEncodedUnicastSize) {
            EXPECT_EQ(decode_encoded_unicast(c).error().kind, DecodeErrorKind::kTruncated) << n;
        }
    }
}

}  // namespace
}  // namespace fanout::packet
