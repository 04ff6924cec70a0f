// Every IGMP frame of the shared captures from Linux hosts (IGMP v1/v2/v3) and FRR's querier, decoded with
// Fanout's IPv4 decoder (Router Alert included) and IGMP decoder, checked against what pcaps/README.md says,
// and re-encoded to identical octets (IGMP messages have one canonical form; so do these IPv4 headers).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "common/packet/igmp.hpp"
#include "tests/testlib/pcap.hpp"

namespace fanout::packet {
namespace {

using Addrs = std::vector<Ipv4Address>;
using RT = IgmpRecordType;

struct Decoded {
    uint32_t frame;
    Ipv4Header ip;
    IgmpMessage igmp;
};

// Decodes every frame of a capture; each must be IPv4 + IGMP and re-encode to the same octets.
std::vector<Decoded> decode_capture(const std::string& name) {
    std::string err;
    auto pcap = test::read_pcap(test::shared_pcap(name), &err);
    EXPECT_TRUE(pcap.has_value()) << name << ": " << err;
    std::vector<Decoded> out;
    if (!pcap) return out;
    for (const auto& f : pcap->frames) {
        auto packet = f.ipv4();
        auto p = decode_igmp_packet(packet);
        EXPECT_TRUE(p.ok()) << name << " frame " << f.number << ": " << (p.ok() ? "" : p.error().what);
        if (!p.ok()) continue;
        // All of them: TTL 1 with Router Alert (RFC 3376 4, RFC 2236 2).
        EXPECT_EQ(p->ip.ttl, 1) << name << " frame " << f.number;
        EXPECT_TRUE(p->ip.has_router_alert()) << name << " frame " << f.number;
        EXPECT_EQ(p->ip.dst, igmp_destination(p->igmp)) << name << " frame " << f.number;
        // IGMP re-encodes to the same octets; so does the whole IPv4 packet.
        auto ip = decode_ipv4(packet);
        EXPECT_EQ(encode_igmp(p->igmp), std::vector<uint8_t>(ip->payload.begin(), ip->payload.end()))
            << name << " frame " << f.number;
        EXPECT_EQ(encode_ipv4_packet(p->ip, ip->payload),
                  std::vector<uint8_t>(packet.begin(), packet.begin() + p->ip.total_length))
            << name << " frame " << f.number;
        out.push_back(Decoded{f.number, std::move(p->ip), std::move(p->igmp)});
    }
    return out;
}

Ipv4Address g(uint8_t c, uint8_t d) {
    return Ipv4Address(239, 6, c, d);
}
Ipv4Address src(uint8_t d) {
    return Ipv4Address(198, 18, 0, d);
}
const Ipv4Address kHost(198, 19, 2, 2);
const Ipv4Address kQuerier(198, 19, 2, 1);

TEST(IgmpPcap, LinuxV1Reports) {
    auto frames = decode_capture("linux-igmpv1.pcap");
    ASSERT_EQ(frames.size(), 7u);
    const std::vector<Ipv4Address> groups = {g(1, 1), g(1, 2), g(1, 1), g(1, 2), g(1, 1), g(1, 1), g(1, 2)};
    for (size_t i = 0; i < frames.size(); ++i) {
        ASSERT_TRUE(std::holds_alternative<IgmpReportV1>(frames[i].igmp)) << "frame " << frames[i].frame;
        EXPECT_EQ(std::get<IgmpReportV1>(frames[i].igmp).group, groups[i]) << "frame " << frames[i].frame;
        EXPECT_EQ(frames[i].ip.src, kHost);
    }
}

TEST(IgmpPcap, LinuxV2ReportsAndLeaves) {
    auto frames = decode_capture("linux-igmpv2.pcap");
    ASSERT_EQ(frames.size(), 11u);
    const std::vector<Ipv4Address> groups = {g(2, 1), g(2, 1), g(2, 2), g(2, 2), g(2, 2), g(2, 1),
                                             g(2, 1), g(2, 2), g(2, 1), g(2, 2), g(2, 2)};
    for (size_t i = 0; i < frames.size(); ++i) {
        uint32_t n = frames[i].frame;
        if (n == 9 || n == 11) {
            ASSERT_TRUE(std::holds_alternative<IgmpLeaveV2>(frames[i].igmp)) << "frame " << n;
            EXPECT_EQ(std::get<IgmpLeaveV2>(frames[i].igmp).group, groups[i]) << "frame " << n;
            EXPECT_EQ(frames[i].ip.dst, addr::kAllRouters);
        } else {
            ASSERT_TRUE(std::holds_alternative<IgmpReportV2>(frames[i].igmp)) << "frame " << n;
            EXPECT_EQ(std::get<IgmpReportV2>(frames[i].igmp).group, groups[i]) << "frame " << n;
        }
    }
}

using Records = std::vector<IgmpGroupRecord>;

// linux-igmpv3.pcap frames 1-24 and 31-34, as pcaps/README.md lists them (S1-S4 = 198.18.0.31-34).
std::map<uint32_t, Records> expected_v3_records() {
    const Records to_ex_g1 = {{RT::kChangeToExcludeMode, g(3, 1), {}}};
    const Records block_g1_s1 = {{RT::kBlockOldSources, g(3, 1), {src(31)}}};
    const Records allow_g1_s1 = {{RT::kAllowNewSources, g(3, 1), {src(31)}}};
    const Records allow_g2_s1 = {{RT::kAllowNewSources, g(3, 2), {src(31)}}};
    const Records allow_g2_s2 = {{RT::kAllowNewSources, g(3, 2), {src(32)}}};
    const Records block_g2_s1 = {{RT::kBlockOldSources, g(3, 2), {src(31)}}};
    const Records allow_g3_s3 = {{RT::kAllowNewSources, g(3, 3), {src(33)}}};
    const Records to_ex_g3 = {{RT::kChangeToExcludeMode, g(3, 3), {src(31), src(32)}}};
    const Records to_in_g3 = {{RT::kChangeToIncludeMode, g(3, 3), {src(33), src(34)}}};
    const Records is_in_g3 = {{RT::kModeIsInclude, g(3, 3), {src(33), src(34)}}};
    const Records to_in_g1 = {{RT::kChangeToIncludeMode, g(3, 1), {}}};
    const Records last = {{RT::kBlockOldSources, g(3, 2), {src(32)}},
                          {RT::kBlockOldSources, g(3, 3), {src(34), src(33)}}};
    return {
        {1, to_ex_g1},
        {2, to_ex_g1},
        {3, {{RT::kModeIsExclude, g(3, 1), {}}}},
        {4, block_g1_s1},
        {5, block_g1_s1},
        {6, allow_g1_s1},
        {7, allow_g1_s1},
        {8, allow_g2_s1},
        {9, allow_g2_s1},
        {10, {{RT::kModeIsInclude, g(3, 2), {src(31)}}, {RT::kModeIsExclude, g(3, 1), {}}}},
        {11, allow_g2_s2},
        {12, allow_g2_s2},
        {13, block_g2_s1},
        {14, block_g2_s1},
        {15, allow_g3_s3},
        {16, allow_g3_s3},
        {17,
         {{RT::kModeIsInclude, g(3, 3), {src(33)}},
          {RT::kModeIsInclude, g(3, 2), {src(32)}},
          {RT::kModeIsExclude, g(3, 1), {}}}},
        {18, to_ex_g3},
        {19, to_ex_g3},
        {20, to_in_g3},
        {22, to_in_g3},
        {21, is_in_g3},
        {23, is_in_g3},
        {24, is_in_g3},
        {31, to_in_g1},
        {32, to_in_g1},
        {33, last},
        {34, last},
    };
}

// Frames 25-30: 40 records for 239.6.4.39 down to 239.6.4.0, all of one type and without sources.
Records forty(RT type) {
    Records r;
    for (int i = 39; i >= 0; --i)
        r.push_back({type, g(4, static_cast<uint8_t>(i)), {}});
    return r;
}

TEST(IgmpPcap, LinuxV3Reports) {
    auto frames = decode_capture("linux-igmpv3.pcap");
    ASSERT_EQ(frames.size(), 34u);
    auto expected = expected_v3_records();
    Records general_reply = forty(RT::kModeIsExclude);
    general_reply.push_back({RT::kModeIsInclude, g(3, 3), {src(33), src(34)}});
    general_reply.push_back({RT::kModeIsInclude, g(3, 2), {src(32)}});
    general_reply.push_back({RT::kModeIsExclude, g(3, 1), {}});
    expected[25] = expected[26] = forty(RT::kChangeToExcludeMode);
    expected[27] = expected[28] = general_reply;
    expected[29] = expected[30] = forty(RT::kChangeToIncludeMode);
    std::map<RT, int> types_seen;
    for (const auto& f : frames) {
        ASSERT_TRUE(std::holds_alternative<IgmpReportV3>(f.igmp)) << "frame " << f.frame;
        const auto& r = std::get<IgmpReportV3>(f.igmp);
        EXPECT_EQ(r.unknown_records_skipped, 0);
        EXPECT_EQ(f.ip.dst, addr::kIgmpV3Reports);
        ASSERT_TRUE(expected.count(f.frame)) << f.frame;
        EXPECT_EQ(r.records, expected[f.frame]) << "frame " << f.frame;
        for (const auto& rec : r.records)
            ++types_seen[rec.type];
    }
    EXPECT_EQ(types_seen.size(), 6u);  // all six record types occur
}

// What the README says of frr-igmp-queries.pcap frame n.
struct QueryExpectation {
    int version;  // 2 or 3
    Ipv4Address group;
    uint8_t max_resp;
    Addrs sources;
};

QueryExpectation expected_query(uint32_t n) {
    const Ipv4Address zero;
    const Addrs none;
    if (n <= 12) {
        if (n <= 3 || n == 8) return {2, zero, 20, none};
        return {2, n <= 7 ? g(2, 1) : g(2, 2), 10, none};
    }
    if (n == 13 || n == 16 || n == 19 || n == 24 || n == 25 || n == 272) return {3, zero, 20, none};
    if (n == 14 || n == 15) return {3, g(3, 1), 10, {src(31)}};
    if (n == 17 || n == 18) return {3, g(3, 2), 10, {src(31)}};
    if (n >= 20 && n <= 23) return {3, g(3, 3), 10, none};
    if (n >= 26 && n <= 185) {
        uint32_t i = n - 26;
        auto grp = g(4, static_cast<uint8_t>(39 - (i / 2) % 40));
        return {3, grp, 10, i % 2 == 0 ? Addrs{zero} : none};
    }
    if (n >= 186 && n <= 265) return {3, g(4, static_cast<uint8_t>(39 - (n - 186) % 40)), 10, none};
    if (n >= 266 && n <= 271) return {3, g(3, 1), 10, (n == 266 || n == 268) ? Addrs{zero} : none};
    if (n == 273 || n == 275) return {3, g(3, 2), 10, {src(32)}};
    return {3, g(3, 3), 10, {src(33), src(34)}};  // 274, 276
}

TEST(IgmpPcap, FrrQueries) {
    auto frames = decode_capture("frr-igmp-queries.pcap");
    ASSERT_EQ(frames.size(), 276u);
    int v2 = 0, v3 = 0;
    for (const auto& f : frames) {
        auto want = expected_query(f.frame);
        EXPECT_EQ(f.ip.src, kQuerier);
        EXPECT_EQ(f.ip.tos, kIpv4TosNetworkControl);
        if (want.version == 2) {
            ++v2;
            ASSERT_TRUE(std::holds_alternative<IgmpQueryV2>(f.igmp)) << "frame " << f.frame;
            const auto& q = std::get<IgmpQueryV2>(f.igmp);
            EXPECT_EQ(q.group, want.group) << "frame " << f.frame;
            EXPECT_EQ(q.max_resp_time, want.max_resp) << "frame " << f.frame;
            continue;
        }
        ++v3;
        ASSERT_TRUE(std::holds_alternative<IgmpQueryV3>(f.igmp)) << "frame " << f.frame;
        const auto& q = std::get<IgmpQueryV3>(f.igmp);
        EXPECT_EQ(q.group, want.group) << "frame " << f.frame;
        EXPECT_EQ(q.max_resp_code, want.max_resp) << "frame " << f.frame;
        EXPECT_EQ(q.sources, want.sources) << "frame " << f.frame;
        EXPECT_EQ(q.suppress_router_processing, q.is_general())
            << "frame " << f.frame;  // S=1 only on general
        EXPECT_EQ(q.qrv, 2) << "frame " << f.frame;
        EXPECT_EQ(q.qqic, 10) << "frame " << f.frame;
        EXPECT_EQ(q.qqi_seconds(), 10u);
    }
    EXPECT_EQ(v2, 12);
    EXPECT_EQ(v3, 264);
}

}  // namespace
}  // namespace fanout::packet
