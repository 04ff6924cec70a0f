// PIM Join/Prune, Graft, Graft-Ack codecs (RFC 7761 4.9.5, RFC 3973 4.7.3) and MTU packing.
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "common/packet/pim_header.hpp"
#include "common/packet/pim_join_prune.hpp"

namespace fanout::packet {
namespace {

// Upstream 198.19.12.1, holdtime 210, 2 groups:
//   239.1.1.1: joins (198.19.255.1 S,W,R) and (198.18.0.10 S); prune (198.18.0.11 S,R)
//   239.1.1.2: prune (198.18.0.12 S)
const std::vector<uint8_t> kJoinPrune = {
    0x23, 0x00, 0xf6, 0xdc, 0x01, 0x00, 0xc6, 0x13, 0x0c, 0x01, 0x00, 0x02, 0x00, 0xd2,
    0x01, 0x00, 0x00, 0x20, 0xef, 0x01, 0x01, 0x01, 0x00, 0x02, 0x00, 0x01, 0x01, 0x00,
    0x07, 0x20, 0xc6, 0x13, 0xff, 0x01, 0x01, 0x00, 0x04, 0x20, 0xc6, 0x12, 0x00, 0x0a,
    0x01, 0x00, 0x05, 0x20, 0xc6, 0x12, 0x00, 0x0b, 0x01, 0x00, 0x00, 0x20, 0xef, 0x01,
    0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x04, 0x20, 0xc6, 0x12, 0x00, 0x0c};

std::vector<uint8_t> with_checksum(std::vector<uint8_t> m) {
    const uint16_t c = pim_checksum(m);
    m[2] = static_cast<uint8_t>(c >> 8);
    m[3] = static_cast<uint8_t>(c);
    return m;
}

EncodedSource src(Ipv4Address a, bool w = false, bool r = false) {
    return EncodedSource{a, 32, true, w, r};
}

JoinPrune fixture_value() {
    JoinPrune jp;
    jp.upstream_neighbor = Ipv4Address(198, 19, 12, 1);
    jp.holdtime_s = 210;
    jp.groups.push_back({EncodedGroup{Ipv4Address(239, 1, 1, 1)},
                         {src(Ipv4Address(198, 19, 255, 1), true, true), src(Ipv4Address(198, 18, 0, 10))},
                         {src(Ipv4Address(198, 18, 0, 11), false, true)}});
    jp.groups.push_back({EncodedGroup{Ipv4Address(239, 1, 1, 2)}, {}, {src(Ipv4Address(198, 18, 0, 12))}});
    return jp;
}

TEST(PimJoinPrune, DecodesFixture) {
    auto jp = decode_join_prune(kJoinPrune);
    ASSERT_TRUE(jp.ok()) << jp.error().what;
    EXPECT_EQ(*jp, fixture_value());
    EXPECT_TRUE(jp->groups[0].joins[0].wildcard);
    EXPECT_TRUE(jp->groups[0].prunes[0].rpt);
}

TEST(PimJoinPrune, EncodesFixtureBytesExactly) {
    EXPECT_EQ(encode_join_prune(fixture_value()), kJoinPrune);
    EXPECT_EQ(join_prune_encoded_size(fixture_value()), kJoinPrune.size());
}

TEST(PimJoinPrune, GraftAndGraftAckShareTheBody) {
    auto jp = fixture_value();
    jp.holdtime_s = 0;
    auto g = encode_join_prune(jp, PimType::kGraft);
    EXPECT_EQ(g[0], 0x26);
    auto dg = decode_graft(g);
    ASSERT_TRUE(dg.ok());
    EXPECT_EQ(*dg, jp);
    auto a = encode_join_prune(jp, PimType::kGraftAck);
    EXPECT_EQ(a[0], 0x27);
    ASSERT_TRUE(decode_graft_ack(a).ok());
    EXPECT_EQ(decode_join_prune(g).error().kind, DecodeErrorKind::kBadType);
    EXPECT_EQ(decode_graft(a).error().kind, DecodeErrorKind::kBadType);
}

TEST(PimJoinPrune, EveryTruncationIsAnError) {
    for (size_t n = 0; n < kJoinPrune.size(); ++n) {
        std::vector<uint8_t> t(kJoinPrune.begin(), kJoinPrune.begin() + static_cast<long>(n));
        EXPECT_FALSE(decode_join_prune(t).ok()) << n;
        if (n >= kPimHeaderSize) {
            auto r = decode_join_prune(with_checksum(t));
            ASSERT_FALSE(r.ok()) << n;
            EXPECT_TRUE(r.error().kind == DecodeErrorKind::kTruncated ||
                        r.error().kind == DecodeErrorKind::kBadLength)
                << n;
        }
    }
}

TEST(PimJoinPrune, AbsurdCountsAreRejectedBeforeAllocating) {
    auto g = kJoinPrune;
    g[11] = 255;  // 255 groups
    EXPECT_EQ(decode_join_prune(with_checksum(g)).error().kind, DecodeErrorKind::kBadLength);
    auto j = kJoinPrune;
    j[22] = 0xff;  // 65282 joined sources in group 1
    j[23] = 0x02;
    EXPECT_EQ(decode_join_prune(with_checksum(j)).error().kind, DecodeErrorKind::kBadLength);
    auto p = kJoinPrune;
    p[24] = 0xff;
    p[25] = 0xff;  // 65535 pruned sources
    EXPECT_EQ(decode_join_prune(with_checksum(p)).error().kind, DecodeErrorKind::kBadLength);
    auto one_more = kJoinPrune;
    one_more[61] = 2;  // group 2: 2 prunes, 1 present
    EXPECT_EQ(decode_join_prune(with_checksum(one_more)).error().kind, DecodeErrorKind::kBadLength);
}

TEST(PimJoinPrune, BadFamiliesAndChecksum) {
    auto up = kJoinPrune;
    up[4] = 2;
    EXPECT_EQ(decode_join_prune(with_checksum(up)).error().kind, DecodeErrorKind::kBadAddressFamily);
    auto s = kJoinPrune;
    s[27] = 1;  // first joined source encoding type
    EXPECT_EQ(decode_join_prune(with_checksum(s)).error().kind, DecodeErrorKind::kBadEncodingType);
    auto c = kJoinPrune;
    c[40] ^= 1;
    EXPECT_EQ(decode_join_prune(c).error().kind, DecodeErrorKind::kBadChecksum);
}

TEST(PimJoinPrune, TrailingBytesIgnored) {
    auto m = kJoinPrune;
    m.push_back(0);
    m.push_back(0);
    auto r = decode_join_prune(with_checksum(m));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, fixture_value());
}

// ---- packing ----

JoinPrune many_groups(size_t groups, size_t sources_per_group, bool star = false) {
    JoinPrune jp;
    jp.upstream_neighbor = Ipv4Address(10, 0, 0, 1);
    jp.holdtime_s = 210;
    for (size_t g = 0; g < groups; ++g) {
        JoinPruneGroup rec;
        rec.group.group = Ipv4Address(0xef020000u + static_cast<uint32_t>(g));
        if (star) rec.joins.push_back(src(Ipv4Address(10, 255, 0, 1), true, true));
        for (size_t s = 0; s < sources_per_group; ++s) {
            auto a = Ipv4Address(0xc6120000u + static_cast<uint32_t>(s));
            if (star)
                rec.prunes.push_back(src(a, false, true));
            else
                rec.joins.push_back(src(a));
        }
        jp.groups.push_back(std::move(rec));
    }
    return jp;
}

// Every (group, source, list) of the input appears exactly once in the output, in order.
void expect_same_content(const JoinPrune& in, const std::vector<JoinPrune>& out) {
    std::map<std::pair<Ipv4Address, int>, std::vector<EncodedSource>> want, got;
    for (const auto& g : in.groups) {
        auto& j = want[{g.group.group, 0}];
        j.insert(j.end(), g.joins.begin(), g.joins.end());
        auto& p = want[{g.group.group, 1}];
        p.insert(p.end(), g.prunes.begin(), g.prunes.end());
    }
    for (const auto& m : out) {
        EXPECT_EQ(m.upstream_neighbor, in.upstream_neighbor);
        EXPECT_EQ(m.holdtime_s, in.holdtime_s);
        for (const auto& g : m.groups) {
            auto& j = got[{g.group.group, 0}];
            j.insert(j.end(), g.joins.begin(), g.joins.end());
            auto& p = got[{g.group.group, 1}];
            p.insert(p.end(), g.prunes.begin(), g.prunes.end());
        }
    }
    EXPECT_EQ(got, want);
}

void expect_within_limits(const std::vector<JoinPrune>& out, size_t max_bytes, size_t per_list) {
    for (const auto& m : out) {
        const auto bytes = encode_join_prune(m);
        EXPECT_LE(bytes.size(), max_bytes);
        EXPECT_EQ(bytes.size(), join_prune_encoded_size(m));
        EXPECT_LE(m.groups.size(), kJoinPruneMaxGroups);
        for (const auto& g : m.groups) {
            EXPECT_LE(g.joins.size(), per_list);
            EXPECT_LE(g.prunes.size(), per_list);
        }
        auto d = decode_join_prune(bytes);
        ASSERT_TRUE(d.ok());
        EXPECT_EQ(*d, m);
    }
}

TEST(PimJoinPrunePacking, SmallInputIsOneMessageUnchanged) {
    auto out = split_join_prune(fixture_value(), 1480);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0], fixture_value());
}

TEST(PimJoinPrunePacking, ManySingleSourceGroupsFillMessages) {
    // 20 bytes per group: (1480 - 14) / 20 = 73 per message, like FRR's capture.
    auto jp = many_groups(201, 1);
    auto out = split_join_prune(jp, 1480);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0].groups.size(), 73u);
    EXPECT_EQ(out[1].groups.size(), 73u);
    EXPECT_EQ(out[2].groups.size(), 55u);
    expect_same_content(jp, out);
    expect_within_limits(out, 1480, kJoinPruneMaxSourcesPerList);
}

TEST(PimJoinPrunePacking, GroupCountLimit255) {
    auto jp = many_groups(600, 0);  // 12 bytes per group
    auto out = split_join_prune(jp, 65000);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0].groups.size(), 255u);
    EXPECT_EQ(out[2].groups.size(), 90u);
    expect_same_content(jp, out);
}

TEST(PimJoinPrunePacking, LargeGroupContinuesInNextMessage) {
    // 100 groups x 100 (S,G) joins: 812 bytes per group; each message holds 181 sources.
    auto jp = many_groups(100, 100);
    auto out = split_join_prune(jp, 1480);
    const size_t total_bytes = 100 * (12 + 800);
    EXPECT_LE(out.size(), total_bytes / (1480 - 14 - 2 * 12) + 2);
    expect_same_content(jp, out);
    expect_within_limits(out, 1480, kJoinPruneMaxSourcesPerList);
    // Every message but the last is nearly full (less than one source record left over).
    for (size_t i = 0; i + 1 < out.size(); ++i)
        EXPECT_GT(join_prune_encoded_size(out[i]), 1480u - 8u - 12u) << i;
}

TEST(PimJoinPrunePacking, MoreThan255SourcesUseSeveralRecords) {
    auto jp = many_groups(1, 600);
    auto out = split_join_prune(jp, 9000);
    ASSERT_EQ(out.size(), 1u);
    ASSERT_EQ(out[0].groups.size(), 3u);
    EXPECT_EQ(out[0].groups[0].joins.size(), 255u);
    EXPECT_EQ(out[0].groups[1].joins.size(), 255u);
    EXPECT_EQ(out[0].groups[2].joins.size(), 90u);
    expect_same_content(jp, out);
    expect_within_limits(out, 9000, 255);
    auto small = split_join_prune(jp, 9000, 100);
    EXPECT_EQ(small[0].groups.size(), 6u);
    expect_within_limits(small, 9000, 100);
}

TEST(PimJoinPrunePacking, StarGWithRptPrunesIsNotSplitWhenItFitsAlone) {
    // Group A: 30 (S,G) joins. Group B: (*,G) + 100 (S,G,rpt) prunes (820 bytes) does not fit after A in 1000
    // bytes, so it starts a new message instead of being split.
    JoinPrune jp = many_groups(1, 30);
    auto b = many_groups(1, 100, true).groups[0];
    b.group.group = Ipv4Address(239, 9, 9, 9);
    jp.groups.push_back(b);
    auto out = split_join_prune(jp, 1000);
    ASSERT_EQ(out.size(), 2u);
    ASSERT_EQ(out[1].groups.size(), 1u);
    EXPECT_EQ(out[1].groups[0], b);
    expect_same_content(jp, out);
    // Without the W/R bits the same group is split to fill the first message.
    for (auto& s : jp.groups[1].joins)
        s.wildcard = false;
    for (auto& s : jp.groups[1].prunes)
        s.rpt = false;
    auto split = split_join_prune(jp, 1000);
    ASSERT_EQ(split.size(), 2u);
    EXPECT_EQ(split[0].groups.size(), 2u);
    expect_same_content(jp, split);
}

TEST(PimJoinPrunePacking, StarGTooLargeForOneMessageIsStillSplitWithinLimits) {
    auto jp = many_groups(1, 400, true);
    auto out = split_join_prune(jp, 1480);
    EXPECT_GE(out.size(), 3u);
    expect_same_content(jp, out);
    expect_within_limits(out, 1480, kJoinPruneMaxSourcesPerList);
}

TEST(PimJoinPrunePacking, TinyMtuIsRaisedToOneSourcePerMessage) {
    auto jp = many_groups(2, 2);
    auto out = split_join_prune(jp, 10);
    EXPECT_EQ(out.size(), 4u);
    expect_within_limits(out, kJoinPruneMinMessageSize, 255);
    expect_same_content(jp, out);
}

TEST(PimJoinPrunePacking, EncodePackedProducesValidMessagesOfTheRequestedType) {
    auto jp = many_groups(100, 100);
    auto msgs = encode_join_prune_packed(jp, 1480, PimType::kGraft);
    ASSERT_FALSE(msgs.empty());
    for (const auto& m : msgs) {
        EXPECT_LE(m.size(), 1480u);
        EXPECT_TRUE(decode_graft(m).ok());
    }
}

// encode_join_prune_packed encodes an input that fits one message as it is; it must give exactly the bytes of
// split_join_prune + encode_join_prune, on both sides of every limit.
TEST(PimJoinPrunePacking, EncodePackedEqualsSplitThenEncodeAroundTheLimits) {
    const auto reference = [](const JoinPrune& jp, size_t max_bytes, size_t per_list) {
        std::vector<std::vector<uint8_t>> out;
        for (const auto& m : split_join_prune(jp, max_bytes, per_list))
            out.push_back(encode_join_prune(m, PimType::kJoinPrune));
        return out;
    };
    struct Case {
        JoinPrune jp;
        size_t max_bytes;
        size_t per_list;
    };
    std::vector<Case> cases;
    for (size_t sources : {0, 1, 2, 3, 10}) {
        const JoinPrune one = many_groups(1, sources);
        const size_t size = join_prune_encoded_size(one);
        for (size_t max_bytes : {size - 1, size, size + 1, size_t{0}, size_t{1480}})
            for (size_t per_list : {size_t{1}, size_t{2}, sources, kJoinPruneMaxSourcesPerList, size_t{0}})
                cases.push_back({one, max_bytes, per_list});
    }
    for (size_t groups : {254, 255, 256})
        cases.push_back({many_groups(groups, 0), 65535, kJoinPruneMaxSourcesPerList});
    cases.push_back({many_groups(3, 4, true), 1480, kJoinPruneMaxSourcesPerList});
    cases.push_back({many_groups(3, 4, true), 60, kJoinPruneMaxSourcesPerList});
    cases.push_back({JoinPrune{}, 1480, kJoinPruneMaxSourcesPerList});
    for (const auto& c : cases) {
        SCOPED_TRACE(testing::Message() << c.jp.groups.size() << " groups, max " << c.max_bytes << " bytes, "
                                        << c.per_list << " per list");
        EXPECT_EQ(encode_join_prune_packed(c.jp, c.max_bytes, PimType::kJoinPrune, c.per_list),
                  reference(c.jp, c.max_bytes, c.per_list));
    }
}

TEST(PimJoinPrunePacking, EmptyGroupRecordKept) {
    JoinPrune jp;
    jp.groups.push_back(JoinPruneGroup{EncodedGroup{Ipv4Address(239, 1, 1, 1)}, {}, {}});
    auto out = split_join_prune(jp, 1480);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0], jp);
    EXPECT_TRUE(split_join_prune(JoinPrune{}, 1480).empty());
}

}  // namespace
}  // namespace fanout::packet
