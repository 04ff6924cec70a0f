// IGMP reports and leaves (RFC 1112, RFC 2236, RFC 3376 4.2) and the RFC 3376 5.2 MTU split. Fixtures are
// written octet by octet from the RFC diagrams; checksums were computed by hand (RFC 1071).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "common/packet/igmp.hpp"

namespace fanout::packet {
namespace {

using Bytes = std::vector<uint8_t>;
using Addrs = std::vector<Ipv4Address>;

Ipv4Address s(uint8_t last) {
    return Ipv4Address(198, 18, 0, last);
}

// v1 report 239.6.1.1: type 0x12 (version 1, type 2), unused 0, checksum 0xfdf7.
const Bytes kV1Report = {0x12, 0x00, 0xfd, 0xf7, 0xef, 0x06, 0x01, 0x01};
// v2 report 239.6.2.1: type 0x16, max resp 0, checksum 0xf8f7.
const Bytes kV2Report = {0x16, 0x00, 0xf8, 0xf7, 0xef, 0x06, 0x02, 0x01};
// v2 leave 239.6.2.1: type 0x17, checksum 0xf7f7.
const Bytes kV2Leave = {0x17, 0x00, 0xf7, 0xf7, 0xef, 0x06, 0x02, 0x01};
// v3 report, checksum 0x7780, 6 records, one of each type:
//   IS_IN(239.6.3.1, {S31})  IS_EX(239.6.3.2, {})  TO_IN(239.6.3.3, {S33, S34})
//   TO_EX(239.6.3.4, {})     ALLOW(239.6.3.5, {S35})  BLOCK(239.6.3.6, {S31, S32})
const Bytes kV3Report = {
    0x22, 0x00, 0x77, 0x80, 0x00, 0x00, 0x00, 0x06,                          // header, M = 6
    0x01, 0x00, 0x00, 0x01, 0xef, 0x06, 0x03, 0x01, 0xc6, 0x12, 0x00, 0x1f,  // IS_IN
    0x02, 0x00, 0x00, 0x00, 0xef, 0x06, 0x03, 0x02,                          // IS_EX
    0x03, 0x00, 0x00, 0x02, 0xef, 0x06, 0x03, 0x03, 0xc6, 0x12, 0x00, 0x21, 0xc6, 0x12, 0x00, 0x22,  // TO_IN
    0x04, 0x00, 0x00, 0x00, 0xef, 0x06, 0x03, 0x04,                                                  // TO_EX
    0x05, 0x00, 0x00, 0x01, 0xef, 0x06, 0x03, 0x05, 0xc6, 0x12, 0x00, 0x23,                          // ALLOW
    0x06, 0x00, 0x00, 0x02, 0xef, 0x06, 0x03, 0x06, 0xc6, 0x12, 0x00, 0x1f, 0xc6, 0x12, 0x00, 0x20,  // BLOCK
};
// v3 report, checksum 0xede7, M = 2: a record of unknown type 7 (239.6.3.7, {S31}), then
// IS_IN(239.6.3.1, {S31}) with Aux Data Len 1 (aa bb cc dd).
const Bytes kV3ReportAuxAndUnknown = {0x22, 0x00, 0xed, 0xe7, 0x00, 0x00, 0x00, 0x02, 0x07, 0x00, 0x00, 0x01,
                                      0xef, 0x06, 0x03, 0x07, 0xc6, 0x12, 0x00, 0x1f, 0x01, 0x01, 0x00, 0x01,
                                      0xef, 0x06, 0x03, 0x01, 0xc6, 0x12, 0x00, 0x1f, 0xaa, 0xbb, 0xcc, 0xdd};

const std::vector<const Bytes*> kReports = {&kV1Report, &kV2Report, &kV2Leave, &kV3Report,
                                            &kV3ReportAuxAndUnknown};

void fix_checksum(Bytes& b) {
    b[2] = b[3] = 0;
    uint32_t sum = 0;
    for (size_t i = 0; i < b.size(); i += 2)
        sum += (uint32_t{b[i]} << 8) | (i + 1 < b.size() ? b[i + 1] : 0);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    b[2] = static_cast<uint8_t>(~sum >> 8);
    b[3] = static_cast<uint8_t>(~sum);
}

const IgmpReportV3 kV3ReportFields{{
    {IgmpRecordType::kModeIsInclude, Ipv4Address(239, 6, 3, 1), {s(31)}},
    {IgmpRecordType::kModeIsExclude, Ipv4Address(239, 6, 3, 2), {}},
    {IgmpRecordType::kChangeToIncludeMode, Ipv4Address(239, 6, 3, 3), {s(33), s(34)}},
    {IgmpRecordType::kChangeToExcludeMode, Ipv4Address(239, 6, 3, 4), {}},
    {IgmpRecordType::kAllowNewSources, Ipv4Address(239, 6, 3, 5), {s(35)}},
    {IgmpRecordType::kBlockOldSources, Ipv4Address(239, 6, 3, 6), {s(31), s(32)}},
}};

TEST(IgmpReportDecode, V1V2ReportsAndLeave) {
    auto m = decode_igmp(kV1Report);
    ASSERT_TRUE(m.ok()) << m.error().what;
    EXPECT_EQ(std::get<IgmpReportV1>(*m).group, Ipv4Address(239, 6, 1, 1));
    m = decode_igmp(kV2Report);
    ASSERT_TRUE(m.ok()) << m.error().what;
    EXPECT_EQ(std::get<IgmpReportV2>(*m).group, Ipv4Address(239, 6, 2, 1));
    m = decode_igmp(kV2Leave);
    ASSERT_TRUE(m.ok()) << m.error().what;
    EXPECT_EQ(std::get<IgmpLeaveV2>(*m).group, Ipv4Address(239, 6, 2, 1));
}

TEST(IgmpReportDecode, V3AllSixRecordTypes) {
    auto m = decode_igmp(kV3Report);
    ASSERT_TRUE(m.ok()) << m.error().what;
    EXPECT_EQ(std::get<IgmpReportV3>(*m), kV3ReportFields);
}

TEST(IgmpReportDecode, V3AuxDataAndUnknownRecordsAreSkipped) {
    auto m = decode_igmp(kV3ReportAuxAndUnknown);
    ASSERT_TRUE(m.ok()) << m.error().what;
    const auto& r = std::get<IgmpReportV3>(*m);
    EXPECT_EQ(r.unknown_records_skipped, 1);
    ASSERT_EQ(r.records.size(), 1u);
    EXPECT_EQ(r.records[0],
              (IgmpGroupRecord{IgmpRecordType::kModeIsInclude, Ipv4Address(239, 6, 3, 1), {s(31)}}));
}

TEST(IgmpReportDecode, LongerV2MessagesAndTrailingOctetsAreAccepted) {
    Bytes b = kV2Report;
    b.insert(b.end(), {1, 2, 3, 4});
    fix_checksum(b);
    auto m = decode_igmp(b);
    ASSERT_TRUE(m.ok()) << m.error().what;
    EXPECT_EQ(std::get<IgmpReportV2>(*m).group, Ipv4Address(239, 6, 2, 1));
    b = kV3Report;
    b.insert(b.end(), {9, 9});
    fix_checksum(b);
    m = decode_igmp(b);
    ASSERT_TRUE(m.ok()) << m.error().what;
    EXPECT_EQ(std::get<IgmpReportV3>(*m), kV3ReportFields);
}

TEST(IgmpReportDecode, EveryTruncationIsAnError) {
    for (const Bytes* f : kReports) {
        for (size_t n = 0; n < f->size(); ++n)
            EXPECT_FALSE(decode_igmp(std::span<const uint8_t>(f->data(), n)).ok())
                << n << " of " << f->size();
    }
}

TEST(IgmpReportDecode, EveryTruncationWithAFixedChecksumIsAnError) {
    // The counts are checked against the data, not only the checksum: truncate every v3 fixture at every
    // length >= 8, recompute the checksum, and it must still fail (the cut always removes a counted octet).
    for (const Bytes* f : {&kV3Report, &kV3ReportAuxAndUnknown}) {
        for (size_t n = 8; n < f->size(); ++n) {
            Bytes b(f->begin(), f->begin() + static_cast<long>(n));
            fix_checksum(b);
            auto m = decode_igmp(b);
            ASSERT_FALSE(m.ok()) << n;
            EXPECT_EQ(m.error().kind, DecodeErrorKind::kTruncated) << n;
        }
    }
}

TEST(IgmpReportDecode, BadChecksum) {
    for (const Bytes* f : kReports) {
        for (size_t i = 0; i < f->size(); ++i) {
            Bytes b = *f;
            b[i] ^= 0x80;
            auto m = decode_igmp(b);
            ASSERT_FALSE(m.ok()) << i;
            EXPECT_EQ(m.error().kind, DecodeErrorKind::kBadChecksum) << i;
        }
    }
}

TEST(IgmpReportDecode, CountsBeyondTheDataAreRejected) {
    Bytes b = kV3Report;
    b[7] = 7;  // M = 7, only 6 records present
    fix_checksum(b);
    EXPECT_EQ(decode_igmp(b).error().kind, DecodeErrorKind::kTruncated);
    b = kV3Report;
    b[6] = 0xff;  // M = 0xff06: far more than the octets could hold
    fix_checksum(b);
    EXPECT_EQ(decode_igmp(b).error().kind, DecodeErrorKind::kTruncated);
    b = kV3Report;
    b[67] = 3;  // the BLOCK record (offset 64: type, aux len, N at 66..67) claims 3 sources, 2 present
    fix_checksum(b);
    EXPECT_EQ(decode_igmp(b).error().kind, DecodeErrorKind::kTruncated);
    b = kV3Report;
    b[65] = 1;  // the BLOCK record's Aux Data Len: 1 word that is not there
    fix_checksum(b);
    EXPECT_EQ(decode_igmp(b).error().kind, DecodeErrorKind::kTruncated);
}

TEST(IgmpReportDecode, GroupsMustBeMulticast) {
    for (const Bytes* f : {&kV1Report, &kV2Report, &kV2Leave}) {
        Bytes b = *f;
        b[4] = 0;
        b[5] = b[6] = b[7] = 0;
        fix_checksum(b);
        EXPECT_EQ(decode_igmp(b).error().kind, DecodeErrorKind::kBadAddress);
    }
    Bytes b = kV3Report;
    b[12] = 198;  // first record's group 198.6.3.1
    fix_checksum(b);
    EXPECT_EQ(decode_igmp(b).error().kind, DecodeErrorKind::kBadAddress);
}

TEST(IgmpReportDecode, UnknownTypeAndShortMessage) {
    Bytes b = kV2Report;
    b[0] = 0x13;  // DVMRP
    fix_checksum(b);
    EXPECT_EQ(decode_igmp(b).error().kind, DecodeErrorKind::kBadType);
    EXPECT_EQ(decode_igmp(Bytes{0x16, 0, 0, 0}).error().kind, DecodeErrorKind::kTruncated);
}

TEST(IgmpReportEncode, FixturesRoundTripExactly) {
    for (const Bytes* f : {&kV1Report, &kV2Report, &kV2Leave, &kV3Report}) {
        auto m = decode_igmp(*f);
        ASSERT_TRUE(m.ok()) << m.error().what;
        EXPECT_EQ(encode_igmp(*m), *f);
    }
}

TEST(IgmpReportEncode, FromFields) {
    EXPECT_EQ(encode_igmp(IgmpMessage{kV3ReportFields}), kV3Report);
    EXPECT_EQ(encode_igmp(IgmpMessage{IgmpReportV1{Ipv4Address(239, 6, 1, 1)}}), kV1Report);
    EXPECT_EQ(encode_igmp(IgmpMessage{IgmpReportV2{Ipv4Address(239, 6, 2, 1)}}), kV2Report);
    EXPECT_EQ(encode_igmp(IgmpMessage{IgmpLeaveV2{Ipv4Address(239, 6, 2, 1)}}), kV2Leave);
    EXPECT_EQ(igmp_v3_report_length(kV3ReportFields), kV3Report.size());
}

TEST(IgmpReportEncode, Destinations) {
    EXPECT_EQ(igmp_destination(IgmpMessage{kV3ReportFields}), Ipv4Address(224, 0, 0, 22));
    EXPECT_EQ(igmp_destination(IgmpMessage{IgmpLeaveV2{Ipv4Address(239, 1, 1, 1)}}),
              Ipv4Address(224, 0, 0, 2));
    EXPECT_EQ(igmp_destination(IgmpMessage{IgmpReportV2{Ipv4Address(239, 1, 1, 1)}}),
              Ipv4Address(239, 1, 1, 1));
    EXPECT_EQ(igmp_destination(IgmpMessage{IgmpQueryV3{}}), Ipv4Address(224, 0, 0, 1));
    IgmpQueryV3 gsq;
    gsq.group = Ipv4Address(239, 2, 2, 2);
    EXPECT_EQ(igmp_destination(IgmpMessage{gsq}), gsq.group);
}

TEST(IgmpPacket, EncodeAndDecodeWithIpv4) {
    auto pkt = encode_igmp_packet(Ipv4Address(198, 19, 2, 2), Ipv4Address(224, 0, 0, 22),
                                  IgmpMessage{kV3ReportFields});
    auto p = decode_igmp_packet(pkt);
    ASSERT_TRUE(p.ok()) << p.error().what;
    EXPECT_TRUE(p->ip.has_router_alert());
    EXPECT_EQ(p->ip.ttl, 1);
    EXPECT_EQ(p->ip.tos, 0xc0);
    EXPECT_EQ(std::get<IgmpReportV3>(p->igmp), kV3ReportFields);
    // Not IGMP, or a fragment: refused.
    Ipv4Header h =
        ipv4_control_header(Ipv4Address(198, 19, 2, 2), Ipv4Address(224, 0, 0, 22), kIpProtoUdp, true);
    EXPECT_EQ(decode_igmp_packet(encode_ipv4_packet(h, kV2Report)).error().kind, DecodeErrorKind::kBadType);
    h.protocol = kIpProtoIgmp;
    h.more_fragments = true;
    EXPECT_EQ(decode_igmp_packet(encode_ipv4_packet(h, kV2Report)).error().kind, DecodeErrorKind::kBadField);
}

// Helpers for the split tests.
IgmpGroupRecord rec(IgmpRecordType t, uint8_t g, size_t nsrc) {
    IgmpGroupRecord r{t, Ipv4Address(239, 9, 0, g), {}};
    for (size_t i = 0; i < nsrc; ++i)
        r.sources.push_back(Ipv4Address(198, 18, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)));
    return r;
}

void expect_fits(const std::vector<IgmpReportV3>& reports, size_t mtu) {
    for (const auto& r : reports) {
        auto pkt = encode_igmp_packet(Ipv4Address(198, 18, 0, 1), addr::kIgmpV3Reports, IgmpMessage{r});
        EXPECT_LE(pkt.size(), mtu);
        EXPECT_FALSE(r.records.empty());
    }
}

TEST(IgmpReportSplit, SmallReportIsOneMessage) {
    auto out = split_igmp_v3_report(kV3ReportFields, 1500);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0], kV3ReportFields);
    EXPECT_TRUE(split_igmp_v3_report(IgmpReportV3{}, 1500).empty());
}

TEST(IgmpReportSplit, ManyRecordsFillEachMessage) {
    IgmpReportV3 big;
    for (int g = 0; g < 250; ++g)
        big.records.push_back(rec(IgmpRecordType::kModeIsExclude, static_cast<uint8_t>(g), 0));
    // 1500 - 24 (IP + RA) - 8 (report header) = 1468 octets: 183 records of 8 octets per message.
    auto out = split_igmp_v3_report(big, 1500);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].records.size(), 183u);
    EXPECT_EQ(out[1].records.size(), 67u);
    expect_fits(out, 1500);
    std::vector<IgmpGroupRecord> joined = out[0].records;
    joined.insert(joined.end(), out[1].records.begin(), out[1].records.end());
    EXPECT_EQ(joined, big.records);  // order kept, nothing lost
}

TEST(IgmpReportSplit, LargeIncludeRecordIsSplitAcrossMessages) {
    // 1468 - 8 = 1460 octets of sources: 365 per record.
    IgmpReportV3 r{{rec(IgmpRecordType::kModeIsInclude, 1, 4), rec(IgmpRecordType::kAllowNewSources, 2, 800),
                    rec(IgmpRecordType::kBlockOldSources, 3, 2)}};
    auto out = split_igmp_v3_report(r, 1500);
    expect_fits(out, 1500);
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(out[0].records, std::vector<IgmpGroupRecord>{r.records[0]});
    ASSERT_EQ(out[1].records.size(), 1u);
    ASSERT_EQ(out[2].records.size(), 1u);
    ASSERT_EQ(out[3].records.size(), 2u);  // the last piece shares its message with the next record
    EXPECT_EQ(out[1].records[0].sources.size(), 365u);
    EXPECT_EQ(out[2].records[0].sources.size(), 365u);
    EXPECT_EQ(out[3].records[0].sources.size(), 70u);
    Addrs all;
    for (size_t i = 1; i <= 3; ++i) {
        EXPECT_EQ(out[i].records[0].type, IgmpRecordType::kAllowNewSources);
        EXPECT_EQ(out[i].records[0].group, Ipv4Address(239, 9, 0, 2));
        all.insert(all.end(), out[i].records[0].sources.begin(), out[i].records[0].sources.end());
    }
    EXPECT_EQ(all, r.records[1].sources);
    EXPECT_EQ(out[3].records[1], r.records[2]);
}

TEST(IgmpReportSplit, LargeExcludeRecordKeepsTheFirstSourcesThatFit) {
    for (auto type : {IgmpRecordType::kModeIsExclude, IgmpRecordType::kChangeToExcludeMode}) {
        IgmpReportV3 r{{rec(type, 1, 1000)}};
        auto out = split_igmp_v3_report(r, 1500);
        ASSERT_EQ(out.size(), 1u);
        ASSERT_EQ(out[0].records.size(), 1u);
        EXPECT_EQ(out[0].records[0].sources,
                  Addrs(r.records[0].sources.begin(), r.records[0].sources.begin() + 365));
        expect_fits(out, 1500);
    }
}

TEST(IgmpReportSplit, EveryMtuFromTheMinimum) {
    IgmpReportV3 r;
    for (int g = 0; g < 12; ++g)
        r.records.push_back(rec(static_cast<IgmpRecordType>(1 + g % 6), static_cast<uint8_t>(g), g * 7 % 40));
    for (size_t mtu = 68; mtu <= 600; ++mtu) {
        auto out = split_igmp_v3_report(r, mtu);
        expect_fits(out, mtu);
        // Every non-exclude source is reported exactly once per group.
        for (const auto& orig : r.records) {
            if (orig.type == IgmpRecordType::kModeIsExclude ||
                orig.type == IgmpRecordType::kChangeToExcludeMode)
                continue;
            Addrs seen;
            for (const auto& rep : out)
                for (const auto& x : rep.records)
                    if (x.group == orig.group) seen.insert(seen.end(), x.sources.begin(), x.sources.end());
            ASSERT_EQ(seen, orig.sources) << "mtu " << mtu;
        }
    }
    expect_fits(split_igmp_v3_report(r, 10), 68);  // below the IPv4 minimum: treated as 68
}

// The fuzz seeds and any kept crashers: each decodes or fails cleanly, and what decodes survives a round
// trip.
TEST(IgmpReportDecode, FuzzCorpusAndRegressionInputs) {
    size_t files = 0, decoded = 0;
    for (const char* sub : {"tests/fuzz/corpus/igmp", "tests/fuzz/regressions/igmp"}) {
        std::filesystem::path dir = std::filesystem::path(FANOUT_SOURCE_DIR) / sub;
        if (!std::filesystem::exists(dir)) continue;
        for (const auto& e : std::filesystem::directory_iterator(dir)) {
            std::ifstream in(e.path(), std::ios::binary);
            Bytes b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            ++files;
            auto m = decode_igmp(b);
            if (!m.ok()) {  // seeds that are whole IPv4 packets
                auto p = decode_igmp_packet(b);
                if (p.ok()) m = p->igmp;
            }
            if (!m.ok()) continue;
            ++decoded;
            auto again = decode_igmp(encode_igmp(*m));
            ASSERT_TRUE(again.ok()) << e.path();
            IgmpMessage expected = *m;
            if (auto* r = std::get_if<IgmpReportV3>(&expected)) r->unknown_records_skipped = 0;
            EXPECT_EQ(*again, expected) << e.path();
        }
    }
    EXPECT_GT(files, 0u);
    EXPECT_EQ(decoded, files);  // the committed seeds are all valid messages
}

}  // namespace
}  // namespace fanout::packet
