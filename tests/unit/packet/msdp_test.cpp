// MSDP codec and framer (RFC 3618 section 12): byte fixtures from the RFC diagrams, round trips, every
// truncation, bad lengths, the stream framer, SA splitting, and FRR 8.4's MSDP session (frr-msdp.pcap).
#include "common/packet/msdp.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <vector>

#include "tests/testlib/pcap.hpp"

namespace fanout::packet {
namespace {

using Bytes = std::vector<uint8_t>;

const Ipv4Address kRp{198, 19, 255, 1};
const Ipv4Address kS1{198, 18, 0, 20};
const Ipv4Address kS2{198, 18, 0, 21};
const Ipv4Address kG1{239, 5, 5, 1};
const Ipv4Address kG2{239, 5, 5, 2};

// SA, one entry (198.18.0.20, 239.5.5.1), RP 198.19.255.1: 8 + 12 = 20 octets.
const Bytes kSaOne = {0x01, 0x00, 0x14, 0x01, 198, 19, 255, 1,  // type, length 20, count 1, RP
                      0x00, 0x00, 0x00, 0x20,                   // reserved, sprefix len 32
                      239,  5,    5,    1,                      // group
                      198,  18,   0,    20};                    // source
const Bytes kKeepalive = {0x04, 0x00, 0x03};
const Bytes kSaRequest = {0x02, 0x00, 0x08, 0x00, 239, 5, 5, 1};

template <typename T>
const T& as(const DecodeResult<MsdpMessage>& r) {
    EXPECT_TRUE(r.ok());
    EXPECT_TRUE(std::holds_alternative<T>(r.value()));
    return std::get<T>(r.value());
}

Bytes sa_with_data() {
    // SA with one entry and a 28-byte IPv4/UDP packet (header checksum not checked by the codec).
    Bytes b = {0x01, 0x00, 0x00, 0x01, 198, 19, 255, 1, 0, 0, 0, 32, 239, 5, 5, 2, 198, 18, 0, 21};
    const Bytes ip = {0x45, 0,  0,   28, 0, 1, 0,    0,    64,   17,   0, 0, 198, 18,
                      0,    21, 239, 5,  5, 2, 0x13, 0x89, 0x13, 0x89, 0, 8, 0,   0};
    b.insert(b.end(), ip.begin(), ip.end());
    b[2] = static_cast<uint8_t>(b.size());
    return b;
}

TEST(MsdpDecode, SourceActiveOneEntry) {
    auto r = decode_msdp(kSaOne);
    const auto& sa = as<MsdpSourceActive>(r);
    EXPECT_EQ(sa.rp, kRp);
    ASSERT_EQ(sa.entries.size(), 1u);
    EXPECT_EQ(sa.entries[0].group, kG1);
    EXPECT_EQ(sa.entries[0].source, kS1);
    EXPECT_EQ(sa.entries[0].sprefix_len, 32);
    EXPECT_TRUE(sa.data.empty());
}

TEST(MsdpDecode, SourceActiveWithDataPacket) {
    const Bytes b = sa_with_data();
    auto r = decode_msdp(b);
    const auto& sa = as<MsdpSourceActive>(r);
    ASSERT_EQ(sa.entries.size(), 1u);
    EXPECT_EQ(sa.entries[0].source, kS2);
    ASSERT_EQ(sa.data.size(), 28u);
    EXPECT_EQ(sa.data[0], 0x45);
    EXPECT_EQ(Bytes(b.begin() + 20, b.end()), sa.data);
    EXPECT_EQ(encode_msdp(r.value()), b);
}

TEST(MsdpDecode, SaResponseHasSaFormat) {
    Bytes b = kSaOne;
    b[0] = 3;
    auto r = decode_msdp(b);
    const auto& resp = as<MsdpSaResponse>(r);
    EXPECT_EQ(resp.sa.rp, kRp);
    ASSERT_EQ(resp.sa.entries.size(), 1u);
    EXPECT_EQ(resp.sa.entries[0].group, kG1);
    EXPECT_EQ(encode_msdp(r.value()), b);
}

TEST(MsdpDecode, SaRequestAndKeepalive) {
    auto req = decode_msdp(kSaRequest);
    EXPECT_EQ(as<MsdpSaRequest>(req).group, kG1);
    EXPECT_EQ(encode_msdp_sa_request(kG1), kSaRequest);
    auto ka = decode_msdp(kKeepalive);
    as<MsdpKeepalive>(ka);
    EXPECT_EQ(encode_msdp_keepalive(), kKeepalive);
}

TEST(MsdpDecode, LongerThanExpectedIsAcceptedAndExcessIgnored) {
    // 12: "If an implementation receives a TLV that has length that is longer than expected, the TLV SHOULD
    // be accepted. Any additional data SHOULD be ignored."
    const Bytes ka = {0x04, 0x00, 0x05, 0xaa, 0xbb};
    as<MsdpKeepalive>(decode_msdp(ka));
    const Bytes req = {0x02, 0x00, 0x0a, 0x00, 239, 5, 5, 1, 0xde, 0xad};
    EXPECT_EQ(as<MsdpSaRequest>(decode_msdp(req)).group, kG1);
    EXPECT_EQ(*encode_msdp(decode_msdp(req).value()), kSaRequest);
}

TEST(MsdpDecode, UnknownTypeIsKeptRaw) {
    const Bytes b = {0x06, 0x00, 0x07, 1, 2, 3, 4};  // traceroute in progress
    auto r = decode_msdp(b);
    const auto& u = as<MsdpUnknown>(r);
    EXPECT_EQ(u.type, 6);
    EXPECT_EQ(u.length, 7);
    EXPECT_EQ(u.value, (Bytes{1, 2, 3, 4}));
    EXPECT_EQ(encode_msdp(r.value()), b);
    const Bytes bare = {0xc8, 0x00, 0x03};
    EXPECT_EQ(as<MsdpUnknown>(decode_msdp(bare)).value.size(), 0u);
}

TEST(MsdpDecode, NonDefaultSprefixLenIsKept) {
    Bytes b = kSaOne;
    b[11] = 24;
    auto r = decode_msdp(b);
    EXPECT_EQ(as<MsdpSourceActive>(r).entries[0].sprefix_len, 24);
    EXPECT_EQ(encode_msdp(r.value()), b);
}

TEST(MsdpDecode, ReservedBitsIgnoredAndSentAsZero) {
    Bytes b = kSaOne;
    b[8] = 0xff;
    b[10] = 0x01;
    auto r = decode_msdp(b);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(encode_msdp(r.value()), kSaOne);
    Bytes req = kSaRequest;
    req[3] = 0x7f;
    EXPECT_EQ(encode_msdp(decode_msdp(req).value()), kSaRequest);
}

TEST(MsdpDecode, EveryTruncationIsAnError) {
    for (const Bytes& full :
         {kSaOne, kKeepalive, kSaRequest, sa_with_data(), Bytes{0x07, 0x00, 0x05, 9, 9}}) {
        ASSERT_TRUE(decode_msdp(full).ok());
        for (size_t n = 0; n < full.size(); ++n) {
            auto r = decode_msdp(std::span<const uint8_t>(full).first(n));
            ASSERT_FALSE(r.ok()) << "prefix " << n << " of a type " << int{full[0]} << " TLV";
            EXPECT_EQ(r.error().kind, DecodeErrorKind::kTruncated) << n;
        }
    }
}

TEST(MsdpDecode, BadLengths) {
    auto kind = [](const Bytes& b) { return decode_msdp(b).error().kind; };
    EXPECT_EQ(kind({0x04, 0x00, 0x02}), DecodeErrorKind::kBadLength);  // below the header
    EXPECT_EQ(kind({0x04, 0x00, 0x00}), DecodeErrorKind::kBadLength);
    Bytes huge(9193, 0);
    huge[0] = 0x09;
    huge[1] = 0x23;
    huge[2] = 0xe9;  // 9193
    EXPECT_EQ(kind(huge), DecodeErrorKind::kBadLength);
    huge.pop_back();
    huge[2] = 0xe8;  // 9192: the largest TLV is fine
    EXPECT_TRUE(decode_msdp(huge).ok());
    // Length field shorter than the bytes handed over: not one TLV.
    EXPECT_EQ(kind({0x04, 0x00, 0x03, 0x00}), DecodeErrorKind::kBadLength);
    // SA shorter than its fixed part, and an entry count the length cannot hold.
    EXPECT_EQ(kind({0x01, 0x00, 0x07, 0x00, 1, 2, 3}), DecodeErrorKind::kBadLength);
    Bytes sa = kSaOne;
    sa[3] = 2;
    EXPECT_EQ(kind(sa), DecodeErrorKind::kBadLength);
    sa[0] = 3;
    EXPECT_EQ(kind(sa), DecodeErrorKind::kBadLength);
    // SA-Request shorter than 8.
    EXPECT_EQ(kind({0x02, 0x00, 0x07, 0x00, 239, 5, 5}), DecodeErrorKind::kBadLength);
}

TEST(MsdpDecode, ZeroEntrySaIsStructurallyValid) {
    const Bytes b = {0x01, 0x00, 0x08, 0x00, 198, 19, 255, 1};
    auto r = decode_msdp(b);
    EXPECT_TRUE(as<MsdpSourceActive>(r).entries.empty());
    EXPECT_EQ(encode_msdp(r.value()), b);
}

TEST(MsdpEncode, RefusesWhatDoesNotFitOneTlv) {
    MsdpSourceActive sa{kRp, std::vector<MsdpSaEntry>(256, MsdpSaEntry{kG1, kS1}), {}};
    EXPECT_FALSE(encode_msdp(sa).has_value());
    sa.entries.resize(255);
    auto b = encode_msdp(sa);
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->size(), 8u + 255 * 12);
    sa.data.assign(kMsdpMaxTlvLen - b->size() + 1, 0x45);
    EXPECT_FALSE(encode_msdp(sa).has_value());
    sa.data.pop_back();
    ASSERT_TRUE(encode_msdp(sa).has_value());
    EXPECT_EQ(encode_msdp(sa)->size(), kMsdpMaxTlvLen);
    MsdpUnknown u{0x70, 0, Bytes(kMsdpMaxTlvLen - 2, 0)};
    EXPECT_FALSE(encode_msdp(u).has_value());
}

std::vector<MsdpSaEntry> many_entries(size_t n) {
    std::vector<MsdpSaEntry> v;
    for (size_t i = 0; i < n; ++i)
        v.push_back({Ipv4Address(239, 1, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)),
                     Ipv4Address(198, 18, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i))});
    return v;
}

// Decodes the TLVs of a split and returns their entries in order; checks each TLV's limits.
std::vector<MsdpSaEntry> rejoin(const std::vector<Bytes>& tlvs, Bytes* data) {
    std::vector<MsdpSaEntry> all;
    for (const auto& t : tlvs) {
        EXPECT_LE(t.size(), kMsdpMaxTlvLen);
        auto r = decode_msdp(t);
        const auto& sa = as<MsdpSourceActive>(r);
        EXPECT_EQ(sa.rp, kRp);
        EXPECT_LE(sa.entries.size(), kMsdpMaxSaEntries);
        EXPECT_GE(sa.entries.size(), 1u);
        if (&t != &tlvs.front())
            EXPECT_TRUE(sa.data.empty());
        else if (data)
            *data = sa.data;
        all.insert(all.end(), sa.entries.begin(), sa.entries.end());
    }
    return all;
}

TEST(MsdpEncode, SplitsLargeSaListsAt255Entries) {
    const auto entries = many_entries(600);
    auto tlvs = encode_msdp_source_active(kRp, entries);
    ASSERT_EQ(tlvs.size(), 3u);
    EXPECT_EQ(tlvs[0].size(), 8u + 255 * 12);
    EXPECT_EQ(tlvs[2].size(), 8u + 90 * 12);
    EXPECT_EQ(rejoin(tlvs, nullptr), entries);
    EXPECT_TRUE(encode_msdp_source_active(kRp, {}).empty());
}

TEST(MsdpEncode, SingleEntryMatchesFixture) {
    const std::vector<MsdpSaEntry> one = {{kG1, kS1}};
    auto tlvs = encode_msdp_source_active(kRp, one);
    ASSERT_EQ(tlvs.size(), 1u);
    EXPECT_EQ(tlvs[0], kSaOne);
    auto resp = encode_msdp_source_active(kRp, one, {}, MsdpType::kSaResponse);
    ASSERT_EQ(resp.size(), 1u);
    EXPECT_EQ(resp[0][0], 3);
}

TEST(MsdpEncode, DataPacketRidesInFirstTlvWithTheEntriesThatFit) {
    const auto entries = many_entries(300);
    const Bytes data(8000, 0x45);
    auto tlvs = encode_msdp_source_active(kRp, entries, data);
    // 9192 - 8 - 8000 = 1184 octets of room: 98 entries beside the data, then 202 in a second TLV.
    ASSERT_EQ(tlvs.size(), 2u);
    EXPECT_EQ(tlvs[0].size(), 8u + 98 * 12 + 8000);
    Bytes got;
    EXPECT_EQ(rejoin(tlvs, &got), entries);
    EXPECT_EQ(got, data);
}

TEST(MsdpEncode, OversizedDataPacketIsLeftOut) {
    const auto entries = many_entries(2);
    auto tlvs = encode_msdp_source_active(kRp, entries, Bytes(kMsdpMaxTlvLen - 19, 0x45));
    ASSERT_EQ(tlvs.size(), 1u);
    EXPECT_EQ(tlvs[0].size(), 8u + 2 * 12);
    auto fits = encode_msdp_source_active(kRp, entries, Bytes(kMsdpMaxTlvLen - 20, 0x45));
    ASSERT_EQ(fits.size(), 2u);  // one entry beside the data, the other alone
    EXPECT_EQ(fits[0].size(), kMsdpMaxTlvLen);
}

TEST(MsdpFramer, CutsCompleteTlvsAndKeepsThePartialOne) {
    Bytes stream = kKeepalive;
    stream.insert(stream.end(), kSaOne.begin(), kSaOne.end());
    stream.insert(stream.end(), kSaRequest.begin(), kSaRequest.begin() + 5);
    auto f = frame_msdp_stream(stream);
    EXPECT_FALSE(f.fatal.has_value());
    ASSERT_EQ(f.tlvs.size(), 2u);
    EXPECT_EQ(f.consumed, kKeepalive.size() + kSaOne.size());
    EXPECT_EQ(Bytes(f.tlvs[1].begin(), f.tlvs[1].end()), kSaOne);
    // Less than a header: nothing yet.
    auto g = frame_msdp_stream(std::span<const uint8_t>(kSaOne).first(2));
    EXPECT_TRUE(g.tlvs.empty());
    EXPECT_EQ(g.consumed, 0u);
    EXPECT_FALSE(g.fatal.has_value());
}

TEST(MsdpFramer, ByteByByteDeliveryYieldsTheSameMessages) {
    Bytes stream;
    for (const Bytes& m : {kKeepalive, kSaOne, sa_with_data(), kSaRequest, Bytes{0x09, 0x00, 0x04, 0x01}})
        stream.insert(stream.end(), m.begin(), m.end());
    Bytes buffer;
    std::vector<MsdpMessage> got;
    for (uint8_t byte : stream) {
        buffer.push_back(byte);
        auto f = frame_msdp_stream(buffer);
        ASSERT_FALSE(f.fatal.has_value());
        for (auto t : f.tlvs) {
            auto m = decode_msdp(t);
            ASSERT_TRUE(m.ok());
            got.push_back(m.value());
        }
        buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(f.consumed));
    }
    EXPECT_TRUE(buffer.empty());
    ASSERT_EQ(got.size(), 5u);
    EXPECT_TRUE(std::holds_alternative<MsdpKeepalive>(got[0]));
    EXPECT_EQ(std::get<MsdpSourceActive>(got[2]).data.size(), 28u);
    EXPECT_EQ(std::get<MsdpUnknown>(got[4]).type, 9);
}

TEST(MsdpFramer, BadLengthIsFatalAfterTheGoodTlvs) {
    for (const Bytes& bad : {Bytes{0x04, 0x00, 0x02}, Bytes{0x01, 0x23, 0xe9}, Bytes{0x01, 0xff, 0xff}}) {
        Bytes stream = kKeepalive;
        stream.insert(stream.end(), bad.begin(), bad.end());
        stream.insert(stream.end(), kKeepalive.begin(), kKeepalive.end());
        auto f = frame_msdp_stream(stream);
        ASSERT_TRUE(f.fatal.has_value());
        EXPECT_EQ(f.fatal->kind, DecodeErrorKind::kBadLength);
        EXPECT_EQ(f.tlvs.size(), 1u);
        EXPECT_EQ(f.consumed, 3u);
    }
}

TEST(MsdpFramer, MaxTlvsBoundsOnePass) {
    Bytes stream;
    for (int i = 0; i < 10; ++i)
        stream.insert(stream.end(), kKeepalive.begin(), kKeepalive.end());
    auto f = frame_msdp_stream(stream, 4);
    EXPECT_EQ(f.tlvs.size(), 4u);
    EXPECT_EQ(f.consumed, 12u);
    EXPECT_EQ(frame_msdp_stream(stream).tlvs.size(), 10u);
}

// --- frr-msdp.pcap: FRR 8.4 MSDP peers R1 (198.19.255.1) and R2 -------------------------------------------

// The TCP payload of an IPv4 packet (empty when not TCP or malformed).
Bytes tcp_payload(const test::PcapFrame& frame) {
    auto ip = test::split_ipv4(frame.ipv4());
    if (!ip || ip->protocol != 6 || ip->payload.size() < 20) return {};
    const size_t data_offset = size_t{static_cast<uint8_t>(ip->payload[12] >> 4)} * 4;
    if (data_offset < 20 || data_offset > ip->payload.size()) return {};
    return Bytes(ip->payload.begin() + static_cast<std::ptrdiff_t>(data_offset), ip->payload.end());
}

TEST(MsdpPcap, FrrSessionDecodesAndReencodes) {
    auto pcap = test::read_pcap(test::shared_pcap("frr-msdp.pcap"));
    ASSERT_TRUE(pcap.has_value());
    ASSERT_EQ(pcap->frames.size(), 48u);
    const std::set<uint32_t> keepalive_frames = {4,  6,  8,  9,  19, 21, 23, 25, 27,
                                                 29, 31, 33, 37, 39, 41, 43, 45, 47};
    const std::map<uint32_t, MsdpSaEntry> single = {
        {11, {kG1, kS1}}, {13, {kG1, kS2}}, {15, {kG2, kS1}}, {17, {kG2, kS2}}};
    size_t keepalives = 0, sas = 0;
    for (const auto& frame : pcap->frames) {
        const Bytes payload = tcp_payload(frame);
        if (payload.empty()) continue;
        auto f = frame_msdp_stream(payload);
        ASSERT_FALSE(f.fatal.has_value()) << frame.number;
        ASSERT_EQ(f.tlvs.size(), 1u) << "one message per segment, frame " << frame.number;
        ASSERT_EQ(f.consumed, payload.size());
        auto m = decode_msdp(f.tlvs[0]);
        ASSERT_TRUE(m.ok()) << frame.number;
        EXPECT_EQ(encode_msdp(m.value()), payload) << frame.number;
        if (std::holds_alternative<MsdpKeepalive>(m.value())) {
            EXPECT_TRUE(keepalive_frames.count(frame.number)) << frame.number;
            EXPECT_EQ(payload.size(), 3u);
            ++keepalives;
            continue;
        }
        const auto& sa = std::get<MsdpSourceActive>(m.value());
        EXPECT_EQ(sa.rp, kRp);
        EXPECT_TRUE(sa.data.empty());
        ++sas;
        if (auto it = single.find(frame.number); it != single.end()) {
            ASSERT_EQ(sa.entries.size(), 1u);
            EXPECT_EQ(payload.size(), 20u);
            EXPECT_EQ(sa.entries[0], it->second) << frame.number;
            EXPECT_EQ(encode_msdp_source_active(kRp, sa.entries).at(0), payload);
        } else {
            EXPECT_EQ(frame.number, 35u);
            EXPECT_EQ(payload.size(), 56u);
            const std::vector<MsdpSaEntry> periodic = {{kG1, kS1}, {kG1, kS2}, {kG2, kS1}, {kG2, kS2}};
            EXPECT_EQ(sa.entries, periodic);
            auto tlvs = encode_msdp_source_active(kRp, sa.entries);
            ASSERT_EQ(tlvs.size(), 1u);
            EXPECT_EQ(tlvs[0], payload);
        }
    }
    EXPECT_EQ(keepalives, keepalive_frames.size());
    EXPECT_EQ(sas, 5u);
}

// The whole session as one TCP byte stream per direction, cut at arbitrary points, frames the same messages.
TEST(MsdpPcap, FrrStreamReframedInOddChunks) {
    auto pcap = test::read_pcap(test::shared_pcap("frr-msdp.pcap"));
    ASSERT_TRUE(pcap.has_value());
    Bytes stream;
    size_t messages = 0;
    for (const auto& frame : pcap->frames) {
        auto ip = test::split_ipv4(frame.ipv4());
        if (!ip || ip->src != Ipv4Address(198, 19, 255, 1).value()) continue;
        const Bytes p = tcp_payload(frame);
        if (!p.empty()) ++messages;
        stream.insert(stream.end(), p.begin(), p.end());
    }
    ASSERT_GT(messages, 5u);
    for (size_t chunk : {1u, 2u, 5u, 7u, 19u, 64u}) {
        Bytes buffer;
        size_t framed = 0;
        for (size_t pos = 0; pos < stream.size(); pos += chunk) {
            const size_t n = std::min(chunk, stream.size() - pos);
            buffer.insert(buffer.end(), stream.begin() + static_cast<std::ptrdiff_t>(pos),
                          stream.begin() + static_cast<std::ptrdiff_t>(pos + n));
            auto f = frame_msdp_stream(buffer);
            ASSERT_FALSE(f.fatal.has_value());
            for (auto t : f.tlvs)
                EXPECT_TRUE(decode_msdp(t).ok());
            framed += f.tlvs.size();
            buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(f.consumed));
        }
        EXPECT_TRUE(buffer.empty()) << chunk;
        EXPECT_EQ(framed, messages) << chunk;
    }
}

// The fuzz_msdp seeds and any kept crashers must decode without incident and round-trip, in the normal build.
TEST(MsdpFuzzRegressions, ReplayCommittedInputs) {
    size_t inputs = 0;
    for (const char* kind : {"corpus", "regressions"}) {
        const std::filesystem::path dir =
            std::filesystem::path(FANOUT_SOURCE_DIR) / "tests/fuzz" / kind / "msdp";
        if (!std::filesystem::exists(dir)) continue;
        for (const auto& entry : std::filesystem::directory_iterator(dir)) {
            ++inputs;
            std::ifstream in(entry.path(), std::ios::binary);
            const Bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            auto f = frame_msdp_stream(data);
            EXPECT_LE(f.consumed, data.size());
            for (auto t : f.tlvs) {
                auto m = decode_msdp(t);
                if (!m.ok()) continue;
                auto again = encode_msdp(m.value());
                ASSERT_TRUE(again.has_value()) << entry.path();
                auto m2 = decode_msdp(*again);
                ASSERT_TRUE(m2.ok()) << entry.path();
                EXPECT_EQ(m2.value(), m.value()) << entry.path();
            }
        }
    }
    EXPECT_GE(inputs, 8u);  // the seed corpus at least
}

}  // namespace
}  // namespace fanout::packet
