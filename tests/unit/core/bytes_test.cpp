#include <gtest/gtest.h>

#include <vector>

#include "common/core/byte_reader.hpp"
#include "common/core/byte_writer.hpp"
#include "common/core/checksum.hpp"

namespace fanout {
namespace {

TEST(ByteReader, ReadsBigEndian) {
    const std::vector<uint8_t> d = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0xc6, 0x12, 0x00, 0x01};
    ByteReader r(d);
    EXPECT_EQ(r.u8(), 0x01);
    EXPECT_EQ(r.u16(), 0x0203);
    EXPECT_EQ(r.u32(), 0x04050607u);
    EXPECT_EQ(r.ipv4(), Ipv4Address(198, 18, 0, 1));
    EXPECT_TRUE(r.ok());
    EXPECT_TRUE(r.at_end());
}

TEST(ByteReader, NeverReadsPastTheEnd) {
    const std::vector<uint8_t> d = {0xaa, 0xbb, 0xcc};
    ByteReader r(d);
    EXPECT_EQ(r.u16(), 0xaabb);
    EXPECT_EQ(r.u16(), 0);  // only one byte left
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.u8(), 0);  // sticky failure, even though one byte remains
    EXPECT_EQ(r.remaining(), 0u);
    EXPECT_TRUE(r.bytes(1).empty());
}

TEST(ByteReader, SubReaderAndSkip) {
    const std::vector<uint8_t> d = {1, 2, 3, 4, 5, 6};
    ByteReader r(d);
    r.skip(1);
    auto s = r.sub(3);
    EXPECT_EQ(s.u8(), 2);
    EXPECT_EQ(s.u16(), 0x0304);
    EXPECT_TRUE(s.at_end());
    EXPECT_EQ(r.u16(), 0x0506);
    auto bad = r.sub(1);
    EXPECT_FALSE(bad.ok());
    EXPECT_FALSE(r.ok());
}

TEST(ByteReader, NeedDoesNotOverflowOnHugeCounts) {
    const std::vector<uint8_t> d = {1, 2};
    ByteReader r(d);
    r.u8();
    EXPECT_FALSE(r.need(SIZE_MAX));
    EXPECT_FALSE(r.ok());
}

TEST(ByteWriter, WritesAndPatches) {
    ByteWriter w;
    w.u8(0x20);
    auto len_at = w.placeholder_u16();
    w.u32(0xdeadbeef);
    w.ipv4(Ipv4Address(10, 0, 0, 1));
    w.patch_u16(len_at, static_cast<uint16_t>(w.size()));
    const std::vector<uint8_t> want = {0x20, 0x00, 0x0b, 0xde, 0xad, 0xbe, 0xef, 10, 0, 0, 1};
    EXPECT_EQ(w.buffer(), want);
}

TEST(Checksum, Rfc1071Example) {
    // RFC 1071 section 3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 -> checksum 220d.
    const std::vector<uint8_t> d = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    EXPECT_EQ(internet_checksum(d), 0x220d);
}

TEST(Checksum, KnownIpv4Header) {
    // A real header (Wikipedia example): checksum b861.
    std::vector<uint8_t> h = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                              0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    EXPECT_EQ(internet_checksum(h), 0xb861);
    h[10] = 0xb8;
    h[11] = 0x61;
    EXPECT_TRUE(internet_checksum_ok(h));
    h[15] ^= 1;
    EXPECT_FALSE(internet_checksum_ok(h));
}

TEST(Checksum, OddLengthAndPiecewiseAgree) {
    std::vector<uint8_t> d = {0x12, 0x34, 0x56, 0x78, 0x9a};
    ChecksumAccumulator acc;
    acc.add(std::span<const uint8_t>(d).subspan(0, 1));
    acc.add(std::span<const uint8_t>(d).subspan(1, 3));
    acc.add(std::span<const uint8_t>(d).subspan(4));
    EXPECT_EQ(acc.finish(), internet_checksum(d));
    // Odd trailing byte is padded with zero on the right.
    std::vector<uint8_t> padded = d;
    padded.push_back(0);
    EXPECT_EQ(internet_checksum(d), internet_checksum(padded));
}

}  // namespace
}  // namespace fanout
