// tshark as the judge of the MSDP encoder (RFC 3618 section 12): our TLVs, carried in IPv4/TCP segments to
// port 639, must dissect with the same type, length, entry count and addresses.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/core/byte_writer.hpp"
#include "common/core/checksum.hpp"
#include "common/packet/msdp.hpp"
#include "tests/testlib/tshark.hpp"

namespace fanout::packet {
namespace {

using Bytes = std::vector<uint8_t>;

const Ipv4Address kPeerA{198, 19, 255, 1};
const Ipv4Address kPeerB{198, 19, 255, 2};

// IPv4 header (20 bytes, no options, checksum set) + TCP header (20 bytes, PSH|ACK, checksum over the
// pseudo-header set) + payload: one segment of the peer connection A:37115 -> B:639.
Bytes tcp_segment(std::span<const uint8_t> payload, uint32_t seq) {
    constexpr size_t kIpLen = 20, kTcpLen = 20;
    ByteWriter tcp;
    tcp.u16(37115);
    tcp.u16(kMsdpTcpPort);
    tcp.u32(seq);
    tcp.u32(1);      // ack
    tcp.u8(0x50);    // data offset 5 words
    tcp.u8(0x18);    // PSH, ACK
    tcp.u16(64240);  // window
    const size_t tcp_sum_at = tcp.placeholder_u16();
    tcp.u16(0);  // urgent pointer
    tcp.bytes(payload);
    ChecksumAccumulator sum;
    sum.add_u16(static_cast<uint16_t>(kPeerA.value() >> 16));
    sum.add_u16(static_cast<uint16_t>(kPeerA.value()));
    sum.add_u16(static_cast<uint16_t>(kPeerB.value() >> 16));
    sum.add_u16(static_cast<uint16_t>(kPeerB.value()));
    sum.add_u16(6);
    sum.add_u16(static_cast<uint16_t>(tcp.size()));
    sum.add(tcp.view());
    tcp.patch_u16(tcp_sum_at, sum.finish());

    ByteWriter ip;
    ip.u8(0x45);
    ip.u8(0xc0);
    ip.u16(static_cast<uint16_t>(kIpLen + tcp.size()));
    ip.u16(1);       // identification
    ip.u16(0x4000);  // DF
    ip.u8(64);
    ip.u8(6);  // TCP
    const size_t ip_sum_at = ip.placeholder_u16();
    ip.ipv4(kPeerA);
    ip.ipv4(kPeerB);
    ip.patch_u16(ip_sum_at, internet_checksum(ip.view()));
    ip.bytes(tcp.view());
    static_assert(kTcpLen == 20);
    return ip.take();
}

// Wraps each TLV group in its own segment with consecutive sequence numbers.
std::vector<Bytes> segments(const std::vector<Bytes>& payloads) {
    std::vector<Bytes> out;
    uint32_t seq = 1000;
    for (const auto& p : payloads) {
        out.push_back(tcp_segment(p, seq));
        seq += static_cast<uint32_t>(p.size());
    }
    return out;
}

const std::vector<std::string> kFields = {"msdp.type",
                                          "msdp.length",
                                          "msdp.sa.entry_count",
                                          "msdp.sa.rp_addr",
                                          "msdp.sa.src_addr",
                                          "msdp.sa.group_addr",
                                          "msdp.sa.sprefix_len",
                                          "msdp.sa_req.group_addr",
                                          "ip.src"};

class MsdpTshark : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(test::tshark_available())
            << "tshark is missing: .ci/install-deps installs it (the cross-check never skips)";
    }
};

std::vector<MsdpSaEntry> entries(size_t n) {
    std::vector<MsdpSaEntry> v;
    for (size_t i = 0; i < n; ++i)
        v.push_back({Ipv4Address(239, 5, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)),
                     Ipv4Address(198, 18, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i))});
    return v;
}

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v)
        s += (s.empty() ? "" : ",") + x;
    return s;
}

TEST_F(MsdpTshark, KeepaliveSaRequestAndSourceActive) {
    const std::vector<MsdpSaEntry> two = {{Ipv4Address(239, 5, 5, 1), Ipv4Address(198, 18, 0, 20)},
                                          {Ipv4Address(239, 5, 5, 2), Ipv4Address(198, 18, 0, 21)}};
    const std::vector<Bytes> payloads = {encode_msdp_keepalive(),
                                         encode_msdp_sa_request(Ipv4Address(239, 5, 5, 9)),
                                         encode_msdp_source_active(kPeerA, two).at(0)};
    auto rows = test::tshark_decode_ipv4("msdp-basic", segments(payloads), kFields);
    ASSERT_TRUE(rows.has_value());
    ASSERT_EQ(rows->size(), 3u);
    EXPECT_EQ((*rows)[0]["msdp.type"], "4");
    EXPECT_EQ((*rows)[0]["msdp.length"], "3");
    EXPECT_EQ((*rows)[1]["msdp.type"], "2");
    EXPECT_EQ((*rows)[1]["msdp.length"], "8");
    EXPECT_EQ((*rows)[1]["msdp.sa_req.group_addr"], "239.5.5.9");
    const auto& sa = (*rows)[2];
    EXPECT_EQ(sa.at("msdp.type"), "1");
    EXPECT_EQ(sa.at("msdp.length"), "32");
    EXPECT_EQ(sa.at("msdp.sa.entry_count"), "2");
    EXPECT_EQ(sa.at("msdp.sa.rp_addr"), "198.19.255.1");
    EXPECT_EQ(sa.at("msdp.sa.src_addr"), "198.18.0.20,198.18.0.21");
    EXPECT_EQ(sa.at("msdp.sa.group_addr"), "239.5.5.1,239.5.5.2");
    EXPECT_EQ(sa.at("msdp.sa.sprefix_len"), "32,32");
}

TEST_F(MsdpTshark, SeveralTlvsInOneSegment) {
    Bytes p = encode_msdp_keepalive();
    const auto sa = encode_msdp_source_active(kPeerA, entries(3)).at(0);
    p.insert(p.end(), sa.begin(), sa.end());
    const auto ka = encode_msdp_keepalive();
    p.insert(p.end(), ka.begin(), ka.end());
    auto rows = test::tshark_decode_ipv4("msdp-multi", segments({p}), kFields);
    ASSERT_TRUE(rows.has_value());
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0]["msdp.type"], "4,1,4");
    EXPECT_EQ((*rows)[0]["msdp.length"], "3,44,3");
    EXPECT_EQ((*rows)[0]["msdp.sa.entry_count"], "3");
}

TEST_F(MsdpTshark, SplitSourceActiveListAt255Entries) {
    const auto all = entries(300);
    const auto tlvs = encode_msdp_source_active(kPeerA, all);
    ASSERT_EQ(tlvs.size(), 2u);
    auto rows = test::tshark_decode_ipv4("msdp-split", segments(tlvs), kFields);
    ASSERT_TRUE(rows.has_value());
    ASSERT_EQ(rows->size(), 2u);
    EXPECT_EQ((*rows)[0]["msdp.sa.entry_count"], "255");
    EXPECT_EQ((*rows)[0]["msdp.length"], std::to_string(8 + 255 * 12));
    EXPECT_EQ((*rows)[1]["msdp.sa.entry_count"], "45");
    std::vector<std::string> sources, groups;
    for (const auto& e : all) {
        sources.push_back(e.source.to_string());
        groups.push_back(e.group.to_string());
    }
    EXPECT_EQ((*rows)[0]["msdp.sa.src_addr"] + "," + (*rows)[1]["msdp.sa.src_addr"], join(sources));
    EXPECT_EQ((*rows)[0]["msdp.sa.group_addr"] + "," + (*rows)[1]["msdp.sa.group_addr"], join(groups));
}

TEST_F(MsdpTshark, SourceActiveWithEncapsulatedDataPacket) {
    // A 28-byte IPv4/UDP datagram 198.18.0.20 -> 239.5.5.1 with a valid header checksum.
    ByteWriter inner;
    inner.u8(0x45);
    inner.u8(0);
    inner.u16(28);
    inner.u16(7);
    inner.u16(0);
    inner.u8(16);
    inner.u8(17);
    const size_t at = inner.placeholder_u16();
    inner.ipv4(Ipv4Address(198, 18, 0, 20));
    inner.ipv4(Ipv4Address(239, 5, 5, 1));
    inner.patch_u16(at, internet_checksum(inner.view()));
    inner.u16(5001);
    inner.u16(5001);
    inner.u16(8);
    inner.u16(0);
    const std::vector<MsdpSaEntry> one = {{Ipv4Address(239, 5, 5, 1), Ipv4Address(198, 18, 0, 20)}};
    const auto tlvs = encode_msdp_source_active(kPeerA, one, inner.view());
    ASSERT_EQ(tlvs.size(), 1u);
    auto rows = test::tshark_decode_ipv4("msdp-data", segments(tlvs), kFields);
    ASSERT_TRUE(rows.has_value());
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0]["msdp.length"], "48");
    EXPECT_EQ((*rows)[0]["msdp.sa.entry_count"], "1");
    // The encapsulated packet is dissected as a second IPv4 layer.
    EXPECT_EQ((*rows)[0]["ip.src"], "198.19.255.1,198.18.0.20");
}

}  // namespace
}  // namespace fanout::packet
