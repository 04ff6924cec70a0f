#include "common/sys/ipc_messages.hpp"

#include <gtest/gtest.h>

namespace fanout::sys::ipc {
namespace {

using packet::DecodeErrorKind;

Membership sample() {
    return Membership{"eth1",
                      3,
                      Ipv4Address(239, 1, 2, 3),
                      FilterMode::kInclude,
                      {Ipv4Address(198, 18, 0, 2), Ipv4Address(198, 18, 0, 9)}};
}

std::vector<Message> all_messages() {
    return {Hello{1, "igmpd", 0x0102030405060708ull},
            SnapshotBegin{},
            sample(),
            Membership{"eth0", 2, Ipv4Address(239, 9, 9, 9), FilterMode::kExclude, {}},
            MembershipRemoved{"eth1", 3, Ipv4Address(239, 1, 2, 3)},
            SnapshotEnd{42},
            Keepalive{}};
}

TEST(IpcMessages, MembershipBytesFollowTheDiagram) {
    std::vector<uint8_t> expected = {
        0,   1,   0,   3,   0,   0,  0, 25,  // header: version 1, type 3, length 25
        4,   'e', 't', 'h', '1',             // ifname
        0,   0,   0,   3,                    // ifindex
        239, 1,   2,   3,                    // group
        1,   0,   0,   2,                    // INCLUDE, reserved, 2 sources
        198, 18,  0,   2,   198, 18, 0, 9};  // sources
    EXPECT_EQ(encode(sample()), expected);
}

TEST(IpcMessages, HelloBytes) {
    std::vector<uint8_t> expected = {0,   1,   0,   1,   0, 0, 0, 16, 0, 1, 5, 'i',
                                     'g', 'm', 'p', 'd', 0, 0, 0, 0,  0, 0, 0, 7};
    EXPECT_EQ(encode(Hello{1, "igmpd", 7}), expected);
}

TEST(IpcMessages, EveryMessageRoundTrips) {
    for (const Message& m : all_messages()) {
        auto bytes = encode(m);
        size_t consumed = 0;
        auto r = decode_frame(bytes, consumed);
        ASSERT_TRUE(r.ok()) << message_name(m);
        ASSERT_TRUE(r.value().has_value());
        EXPECT_EQ(*r.value(), m) << message_name(m);
        EXPECT_EQ(consumed, bytes.size());
    }
}

TEST(IpcMessages, StreamOfFramesSplitsAtEveryPrefix) {
    std::vector<uint8_t> stream;
    for (const Message& m : all_messages())
        encode_into(m, stream);
    // Every proper prefix of the first frame is "need more", never an error.
    auto first = encode(all_messages()[0]);
    for (size_t n = 0; n < first.size(); ++n) {
        size_t consumed = 99;
        auto r = decode_frame(std::span<const uint8_t>(stream.data(), n), consumed);
        ASSERT_TRUE(r.ok());
        EXPECT_FALSE(r.value().has_value());
        EXPECT_EQ(consumed, 0u);
    }
    std::vector<Message> out;
    std::span<const uint8_t> rest(stream);
    while (!rest.empty()) {
        size_t consumed = 0;
        auto r = decode_frame(rest, consumed);
        ASSERT_TRUE(r.ok());
        ASSERT_TRUE(r.value().has_value());
        out.push_back(*r.value());
        rest = rest.subspan(consumed);
    }
    EXPECT_EQ(out, all_messages());
}

TEST(IpcMessages, TruncatedPayloadsAreTypedErrors) {
    for (const Message& m : all_messages()) {
        auto bytes = encode(m);
        for (size_t cut = kHeaderSize; cut < bytes.size(); ++cut) {
            auto r = decode_payload(static_cast<uint16_t>(bytes[3]),
                                    std::span<const uint8_t>(bytes).subspan(kHeaderSize, cut - kHeaderSize));
            ASSERT_FALSE(r.ok()) << message_name(m) << " cut at " << cut;
            EXPECT_TRUE(r.error().kind == DecodeErrorKind::kTruncated ||
                        r.error().kind == DecodeErrorKind::kBadLength)
                << message_name(m) << " cut at " << cut << ": " << r.error().what;
        }
    }
}

TEST(IpcMessages, HeaderErrors) {
    auto bytes = encode(Keepalive{});
    bytes[1] = 2;  // frame version 2
    size_t consumed = 0;
    auto r = decode_frame(bytes, consumed);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, DecodeErrorKind::kBadVersion);
    std::vector<uint8_t> huge = {0, 1, 0, 6, 0, 0x10, 0, 1};  // length 1 MiB + 1
    r = decode_frame(huge, consumed);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, DecodeErrorKind::kBadLength);
}

TEST(IpcMessages, BadFieldsRejected) {
    auto bytes = encode(sample());
    bytes[kHeaderSize + 1 + 4 + 4 + 4] = 3;  // filter mode 3
    size_t consumed = 0;
    auto r = decode_frame(bytes, consumed);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, DecodeErrorKind::kBadField);
    auto unicast = sample();
    unicast.group = Ipv4Address(198, 18, 0, 1);
    r = decode_frame(encode(unicast), consumed);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, DecodeErrorKind::kBadAddress);
    auto hello = encode(Hello{1, "igmpd", 1});
    hello[kHeaderSize + 2] = 65;  // sender name longer than 64
    r = decode_frame(hello, consumed);
    ASSERT_FALSE(r.ok());
}

TEST(IpcMessages, UnknownTypesAndTrailingFieldsAreTolerated) {
    auto unknown = encode(UnknownMessage{77, 5});
    size_t consumed = 0;
    auto r = decode_frame(unknown, consumed);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r.value(), Message(UnknownMessage{77, 5}));
    EXPECT_EQ(consumed, kHeaderSize + 5);
    // A later version appends a field to SnapshotEnd: this version reads what it knows.
    auto end = encode(SnapshotEnd{9});
    end[7] += 4;
    end.insert(end.end(), {1, 2, 3, 4});
    r = decode_frame(end, consumed);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r.value(), Message(SnapshotEnd{9}));
    EXPECT_EQ(consumed, end.size());
}

TEST(IpcMessages, ArbitraryBytesNeverCrash) {
    // A tiny deterministic fuzz: every 1- and 2-byte mutation of a valid stream decodes or fails cleanly.
    std::vector<uint8_t> stream;
    for (const Message& m : all_messages())
        encode_into(m, stream);
    for (size_t i = 0; i < stream.size(); ++i) {
        for (int v : {0x00, 0x01, 0x7f, 0xff}) {
            auto copy = stream;
            copy[i] = static_cast<uint8_t>(v);
            std::span<const uint8_t> rest(copy);
            for (int guard = 0; guard < 100 && !rest.empty(); ++guard) {
                size_t consumed = 0;
                auto r = decode_frame(rest, consumed);
                if (!r.ok() || !r.value().has_value()) break;
                ASSERT_GT(consumed, 0u);
                rest = rest.subspan(consumed);
            }
        }
    }
}

}  // namespace
}  // namespace fanout::sys::ipc
