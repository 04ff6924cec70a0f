// tshark as the judge of the IPv4 header and IGMP encoders (RFC 791 + RFC 2113 Router Alert, RFC 1112,
// RFC 2236, RFC 3376 4.1 / 4.2): the IPv4 header checksum and the IGMP checksum must verify, the Router Alert
// option must be seen, and every IGMP field must dissect to what we put in.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/packet/igmp.hpp"
#include "tests/testlib/tshark.hpp"

namespace fanout::packet {
namespace {

using Bytes = std::vector<uint8_t>;

const Ipv4Address kHost{198, 19, 2, 2};
const Ipv4Address kQuerier{198, 19, 2, 1};

Ipv4Address g(uint8_t c, uint8_t d) {
    return Ipv4Address(239, 6, c, d);
}
Ipv4Address src(uint8_t d) {
    return Ipv4Address(198, 18, 0, d);
}

// The IPv4 checksum is only verified by tshark with this preference (otherwise ip.checksum.status is 2,
// "unverified"); 1 means good for both ip.checksum.status and igmp.checksum.status.
const std::vector<std::string> kPrefs = {"ip.check_checksum:TRUE"};
const std::vector<std::string> kFields = {"ip.src",
                                          "ip.dst",
                                          "ip.ttl",
                                          "ip.dsfield",
                                          "ip.opt.ra",
                                          "ip.checksum.status",
                                          "igmp.type",
                                          "igmp.version",
                                          "igmp.checksum.status",
                                          "igmp.max_resp",
                                          "igmp.maddr",
                                          "igmp.s",
                                          "igmp.qrv",
                                          "igmp.qqic",
                                          "igmp.num_src",
                                          "igmp.saddr",
                                          "igmp.num_grp_recs",
                                          "igmp.record_type",
                                          "igmp.aux_data_len"};

class IgmpTshark : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(test::tshark_available())
            << "tshark is missing: .ci/install-deps installs it (the cross-check never skips)";
    }

    // Encodes each message from src in an IPv4 packet to its RFC destination and dissects them all.
    std::vector<test::TsharkRow> dissect(const std::string& tag, Ipv4Address from,
                                         const std::vector<IgmpMessage>& msgs) {
        std::vector<Bytes> packets;
        for (const auto& m : msgs)
            packets.push_back(encode_igmp_packet(from, igmp_destination(m), m));
        auto rows = test::tshark_decode_ipv4("igmp-" + tag, packets, kFields, kPrefs);
        EXPECT_TRUE(rows.has_value()) << tag;
        if (!rows) return {};
        EXPECT_EQ(rows->size(), msgs.size()) << tag;
        for (size_t i = 0; i < rows->size(); ++i) {
            auto& row = (*rows)[i];
            std::string where = tag + " packet " + std::to_string(i + 1);
            EXPECT_EQ(row["ip.checksum.status"], "1") << where;
            EXPECT_EQ(row["igmp.checksum.status"], "1") << where;
            EXPECT_EQ(row["ip.opt.ra"], "0") << where;  // Router Alert present, value 0
            EXPECT_EQ(row["ip.ttl"], "1") << where;
            EXPECT_EQ(row["ip.dsfield"], "0xc0") << where;
            EXPECT_EQ(row["ip.src"], from.to_string()) << where;
            EXPECT_EQ(row["ip.dst"], igmp_destination(msgs[i]).to_string()) << where;
        }
        return *rows;
    }
};

TEST_F(IgmpTshark, V1AndV2Messages) {
    auto host =
        dissect("v1v2-host", kHost, {IgmpReportV1{g(1, 1)}, IgmpReportV2{g(2, 1)}, IgmpLeaveV2{g(2, 1)}});
    ASSERT_EQ(host.size(), 3u);
    EXPECT_EQ(host[0]["igmp.type"], "0x12");
    EXPECT_EQ(host[0]["igmp.version"], "1");
    EXPECT_EQ(host[0]["igmp.maddr"], "239.6.1.1");
    EXPECT_EQ(host[1]["igmp.type"], "0x16");
    EXPECT_EQ(host[1]["igmp.version"], "2");
    EXPECT_EQ(host[1]["igmp.maddr"], "239.6.2.1");
    EXPECT_EQ(host[2]["igmp.type"], "0x17");
    EXPECT_EQ(host[2]["igmp.maddr"], "239.6.2.1");
    EXPECT_EQ(host[2]["ip.dst"], "224.0.0.2");

    auto router = dissect("v1v2-router", kQuerier,
                          {IgmpQueryV1{}, IgmpQueryV2{100, Ipv4Address{}}, IgmpQueryV2{10, g(2, 1)}});
    ASSERT_EQ(router.size(), 3u);
    EXPECT_EQ(router[0]["igmp.type"], "0x11");
    EXPECT_EQ(router[0]["igmp.version"], "1");
    EXPECT_EQ(router[1]["igmp.version"], "2");
    EXPECT_EQ(router[1]["igmp.max_resp"], "100");
    EXPECT_EQ(router[1]["igmp.maddr"], "0.0.0.0");
    EXPECT_EQ(router[2]["igmp.max_resp"], "10");
    EXPECT_EQ(router[2]["igmp.maddr"], "239.6.2.1");
    EXPECT_EQ(router[2]["ip.dst"], "239.6.2.1");
}

TEST_F(IgmpTshark, V3Queries) {
    IgmpQueryV3 general;
    general.max_resp_code = igmp_max_resp_code(100);
    general.suppress_router_processing = true;
    general.qrv = 2;
    general.qqic = igmp_qqic(125);
    IgmpQueryV3 group;
    group.max_resp_code = igmp_max_resp_code(10);
    group.group = g(3, 1);
    group.qrv = 3;
    group.qqic = igmp_qqic(10);
    IgmpQueryV3 source;
    source.max_resp_code = igmp_max_resp_code(300);  // not representable: rounds down to 288 (code 0x92)
    source.group = g(3, 3);
    source.suppress_router_processing = true;
    source.qrv = 7;
    source.qqic = igmp_qqic(200);  // (9|16) << 3 = 200: code 0x89
    source.sources = {src(33), src(34)};
    ASSERT_EQ(source.max_resp_code, 0x92);
    ASSERT_EQ(source.qqic, 0x89);

    auto rows = dissect("v3-queries", kQuerier, {general, group, source});
    ASSERT_EQ(rows.size(), 3u);
    for (auto& r : rows) {
        EXPECT_EQ(r["igmp.type"], "0x11");
        EXPECT_EQ(r["igmp.version"], "3");
    }
    EXPECT_EQ(rows[0]["igmp.max_resp"], "100");
    EXPECT_EQ(rows[0]["igmp.maddr"], "0.0.0.0");
    EXPECT_EQ(rows[0]["igmp.s"], "1");
    EXPECT_EQ(rows[0]["igmp.qrv"], "2");
    EXPECT_EQ(rows[0]["igmp.qqic"], "125");
    EXPECT_EQ(rows[0]["igmp.num_src"], "0");

    EXPECT_EQ(rows[1]["igmp.max_resp"], "10");
    EXPECT_EQ(rows[1]["igmp.maddr"], "239.6.3.1");
    EXPECT_EQ(rows[1]["igmp.s"], "0");
    EXPECT_EQ(rows[1]["igmp.qrv"], "3");
    EXPECT_EQ(rows[1]["igmp.qqic"], "10");

    // tshark shows the decoded Max Resp Time of a floating-point code.
    EXPECT_EQ(rows[2]["igmp.max_resp"], std::to_string(igmp_float_decode(0x92)));
    EXPECT_EQ(rows[2]["igmp.max_resp"], "288");
    EXPECT_EQ(rows[2]["igmp.maddr"], "239.6.3.3");
    EXPECT_EQ(rows[2]["igmp.s"], "1");
    EXPECT_EQ(rows[2]["igmp.qrv"], "7");
    // tshark 4.0 shows QQIC as the raw code (it does not decode the floating-point form): 0x89 = 137.
    EXPECT_EQ(rows[2]["igmp.qqic"], "137");
    EXPECT_EQ(rows[2]["igmp.num_src"], "2");
    EXPECT_EQ(rows[2]["igmp.saddr"], "198.18.0.33,198.18.0.34");
}

TEST_F(IgmpTshark, V3ReportWithAllSixRecordTypes) {
    IgmpReportV3 report{{
        {IgmpRecordType::kModeIsInclude, g(3, 1), {src(31), src(32)}},
        {IgmpRecordType::kModeIsExclude, g(3, 2), {}},
        {IgmpRecordType::kChangeToIncludeMode, g(3, 3), {src(33)}},
        {IgmpRecordType::kChangeToExcludeMode, g(3, 4), {src(34)}},
        {IgmpRecordType::kAllowNewSources, g(3, 5), {src(35), src(36), src(37)}},
        {IgmpRecordType::kBlockOldSources, g(3, 6), {src(31)}},
    }};
    auto rows = dissect("v3-report", kHost, {report});
    ASSERT_EQ(rows.size(), 1u);
    auto& r = rows[0];
    EXPECT_EQ(r["igmp.type"], "0x22");
    EXPECT_EQ(r["igmp.version"], "3");
    EXPECT_EQ(r["ip.dst"], "224.0.0.22");
    EXPECT_EQ(r["igmp.num_grp_recs"], "6");
    EXPECT_EQ(r["igmp.record_type"], "1,2,3,4,5,6");
    EXPECT_EQ(r["igmp.aux_data_len"], "0,0,0,0,0,0");
    EXPECT_EQ(r["igmp.maddr"], "239.6.3.1,239.6.3.2,239.6.3.3,239.6.3.4,239.6.3.5,239.6.3.6");
    EXPECT_EQ(r["igmp.num_src"], "2,0,1,1,3,1");
    EXPECT_EQ(
        r["igmp.saddr"],
        "198.18.0.31,198.18.0.32,198.18.0.33,198.18.0.34,198.18.0.35,198.18.0.36,198.18.0.37,198.18.0.31");
}

TEST_F(IgmpTshark, SplitReportsDissectAndFitTheMtu) {
    // 40 records of 30 sources (128 octets each): 11 per message at MTU 1500, 4 messages.
    IgmpReportV3 big;
    for (uint8_t gi = 0; gi < 40; ++gi) {
        IgmpGroupRecord rec{IgmpRecordType::kModeIsInclude, g(4, gi), {}};
        for (uint8_t si = 0; si < 30; ++si)
            rec.sources.push_back(Ipv4Address(198, 18, gi, si));
        big.records.push_back(rec);
    }
    auto parts = split_igmp_v3_report(big, 1500);
    ASSERT_EQ(parts.size(), 4u);
    std::vector<IgmpMessage> msgs(parts.begin(), parts.end());
    auto rows = dissect("v3-split", kHost, msgs);
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0]["igmp.num_grp_recs"], "11");
    EXPECT_EQ(rows[3]["igmp.num_grp_recs"], "7");
    for (const auto& m : msgs)
        EXPECT_LE(encode_igmp_packet(kHost, addr::kIgmpV3Reports, m).size(), 1500u);
}

}  // namespace
}  // namespace fanout::packet
