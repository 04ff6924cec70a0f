// tshark as the judge of the Bootstrap, C-RP-Advertisement (RFC 5059) and State Refresh (RFC 3973) encoders:
// the checksum must verify and every field must dissect to what we put in.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common/core/byte_writer.hpp"
#include "common/core/checksum.hpp"
#include "common/packet/pim_bootstrap.hpp"
#include "common/packet/pim_state_refresh.hpp"
#include "tests/testlib/tshark.hpp"

namespace fanout::packet {
namespace {

using Bytes = std::vector<uint8_t>;

const Ipv4Address kBsr{198, 19, 61, 1};
const Ipv4Address kRp2{198, 19, 62, 3};

// A 20-byte IPv4 header (protocol 103, checksum set) in front of a PIM message.
Bytes ipv4_pim(Ipv4Address src, Ipv4Address dst, uint8_t ttl, std::span<const uint8_t> pim) {
    ByteWriter w;
    w.u8(0x45);
    w.u8(0xc0);
    w.u16(static_cast<uint16_t>(20 + pim.size()));
    w.u16(0);
    w.u16(0);
    w.u8(ttl);
    w.u8(103);
    const size_t at = w.placeholder_u16();
    w.ipv4(src);
    w.ipv4(dst);
    w.patch_u16(at, internet_checksum(w.view()));
    w.bytes(pim);
    return w.take();
}

class BsrTshark : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(test::tshark_available())
            << "tshark is missing: .ci/install-deps installs it (the cross-check never skips)";
    }
};

PimBootstrap rp_set() {
    PimBootstrap b;
    b.fragment_tag = 0xf5c1;
    b.hash_mask_len = 30;
    b.bsr_priority = 5;
    b.bsr = kBsr;
    b.groups = {
        {EncodedGroup{Ipv4Address(224, 0, 0, 0), 4}, 2, {{kBsr, 150, 20}, {kRp2, 150, 10}}},
        {EncodedGroup{Ipv4Address(239, 0, 0, 0), 8}, 1, {{kRp2, 90, 10}}},
        {EncodedGroup{Ipv4Address(225, 1, 0, 0), 16}, 0, {}},
    };
    return b;
}

TEST_F(BsrTshark, BootstrapFieldsAndChecksum) {
    PimBootstrap unicast = rp_set();
    unicast.no_forward = true;
    const std::vector<Bytes> packets = {
        ipv4_pim(kBsr, addr::kAllPimRouters, 1, encode_pim_bootstrap(rp_set())),
        ipv4_pim(kBsr, Ipv4Address(198, 19, 61, 2), 1, encode_pim_bootstrap(unicast)),
    };
    auto rows =
        test::tshark_decode_ipv4("bsr-bsm", packets,
                                 {"pim.type", "pim.cksum.status", "pim.res_bytes", "pim.fragment_tag",
                                  "pim.hash_mask_len", "pim.bsr_priority", "pim.bsr", "pim.group",
                                  "pim.rp_count", "pim.frp_count", "pim.rp", "pim.holdtime", "pim.priority"});
    ASSERT_TRUE(rows.has_value());
    ASSERT_EQ(rows->size(), 2u);
    for (auto& row : *rows) {
        EXPECT_EQ(row["pim.type"], "4");
        EXPECT_EQ(row["pim.cksum.status"], "1");
        EXPECT_EQ(row["pim.fragment_tag"], "0xf5c1");
        EXPECT_EQ(row["pim.hash_mask_len"], "30");
        EXPECT_EQ(row["pim.bsr_priority"], "5");
        EXPECT_EQ(row["pim.bsr"], "198.19.61.1");
        EXPECT_EQ(row["pim.rp_count"], "2,1,0");
        EXPECT_EQ(row["pim.frp_count"], "2,1,0");
        EXPECT_EQ(row["pim.rp"], "198.19.61.1,198.19.62.3,198.19.62.3");
        EXPECT_EQ(row["pim.holdtime"], "150,150,90");
        EXPECT_EQ(row["pim.priority"], "20,10,10");
        // tshark lists each group address twice (the address and the prefix item).
        EXPECT_EQ(row["pim.group"], "224.0.0.0,224.0.0.0,239.0.0.0,239.0.0.0,225.1.0.0,225.1.0.0");
    }
    EXPECT_EQ((*rows)[0]["pim.res_bytes"].substr(0, 2), "00");
    EXPECT_EQ((*rows)[1]["pim.res_bytes"].substr(0, 2), "80");  // No-Forward bit
}

TEST_F(BsrTshark, BootstrapFragmentsEachVerify) {
    PimBootstrap big = rp_set();
    big.groups.clear();
    for (uint8_t g = 0; g < 6; ++g) {
        BootstrapGroup rec{EncodedGroup{Ipv4Address(239, g, 0, 0), 16}, 30, {}};
        for (uint8_t i = 0; i < 30; ++i)
            rec.rps.push_back({Ipv4Address(198, 19, g, i), 150, i});
        big.groups.push_back(rec);
    }
    const auto frags = encode_pim_bootstrap_fragments(big, 576 - 20);
    ASSERT_GT(frags.size(), 3u);
    std::vector<Bytes> packets;
    for (const auto& f : frags)
        packets.push_back(ipv4_pim(kBsr, addr::kAllPimRouters, 1, f));
    auto rows = test::tshark_decode_ipv4(
        "bsr-frags", packets, {"pim.type", "pim.cksum.status", "pim.fragment_tag", "pim.rp", "ip.len"});
    ASSERT_TRUE(rows.has_value());
    ASSERT_EQ(rows->size(), frags.size());
    size_t rps = 0;
    for (auto& row : *rows) {
        EXPECT_EQ(row["pim.cksum.status"], "1");
        EXPECT_EQ(row["pim.fragment_tag"], "0xf5c1");
        EXPECT_LE(std::stoul(row["ip.len"]), 576u);
        const std::string& list = row["pim.rp"];
        rps += list.empty() ? 0 : 1 + static_cast<size_t>(std::count(list.begin(), list.end(), ','));
    }
    EXPECT_EQ(rps, 6u * 30);
}

TEST_F(BsrTshark, CandidateRpAdvertisement) {
    const PimCandidateRpAdvertisement adv{
        10,
        50,
        kRp2,
        {EncodedGroup{Ipv4Address(239, 0, 0, 0), 8}, EncodedGroup{Ipv4Address(225, 1, 0, 0), 16}}};
    const PimCandidateRpAdvertisement all{192, 150, kBsr, {}};
    auto rows = test::tshark_decode_ipv4("bsr-crp",
                                         {ipv4_pim(kRp2, kBsr, 64, encode_pim_crp_adv(adv)),
                                          ipv4_pim(kBsr, kRp2, 64, encode_pim_crp_adv(all))},
                                         {"pim.type", "pim.cksum.status", "pim.prefix_count", "pim.priority",
                                          "pim.holdtime", "pim.rp", "pim.group"});
    ASSERT_TRUE(rows.has_value());
    ASSERT_EQ(rows->size(), 2u);
    auto& r = (*rows)[0];
    EXPECT_EQ(r["pim.type"], "8");
    EXPECT_EQ(r["pim.cksum.status"], "1");
    EXPECT_EQ(r["pim.prefix_count"], "2");
    EXPECT_EQ(r["pim.priority"], "10");
    EXPECT_EQ(r["pim.holdtime"], "50");
    EXPECT_EQ(r["pim.rp"], "198.19.62.3");
    EXPECT_EQ(r["pim.group"], "239.0.0.0,239.0.0.0,225.1.0.0,225.1.0.0");
    auto& z = (*rows)[1];
    EXPECT_EQ(z["pim.cksum.status"], "1");
    EXPECT_EQ(z["pim.prefix_count"], "0");
    EXPECT_EQ(z["pim.priority"], "192");
    EXPECT_EQ(z["pim.holdtime"], "150");
    EXPECT_EQ(z["pim.group"], "");
}

TEST_F(BsrTshark, StateRefresh) {
    PimStateRefresh sr;
    sr.group = EncodedGroup{Ipv4Address(239, 4, 4, 4), 32};
    sr.source = Ipv4Address(198, 18, 10, 2);
    sr.originator = Ipv4Address(198, 19, 40, 3);
    sr.metric_preference = 110;
    sr.metric = 20;
    sr.mask_len = 24;
    sr.ttl = 63;
    sr.prune_indicator = true;
    sr.assert_override = true;
    sr.interval = 60;
    PimStateRefresh other = sr;
    other.rpt = true;
    other.prune_indicator = false;
    other.prune_now = true;
    other.assert_override = false;
    other.metric_preference = 0x7fffffff;
    other.interval = 255;
    const std::vector<std::string> fields = {"pim.type",
                                             "pim.cksum.status",
                                             "pim.group",
                                             "pim.source",
                                             "pim.originator",
                                             "pim.rpt",
                                             "pim.metric_pref",
                                             "pim.metric",
                                             "pim.mask_len",
                                             "pim.ttl",
                                             "pim.prune_indicator",
                                             "pim.prune_now",
                                             "pim.assert_override",
                                             "pim.interval"};
    auto rows = test::tshark_decode_ipv4(
        "bsr-staterefresh",
        {ipv4_pim(sr.originator, addr::kAllPimRouters, 1, encode_pim_state_refresh(sr)),
         ipv4_pim(sr.originator, addr::kAllPimRouters, 1, encode_pim_state_refresh(other))},
        fields);
    ASSERT_TRUE(rows.has_value());
    ASSERT_EQ(rows->size(), 2u);
    auto& a = (*rows)[0];
    EXPECT_EQ(a["pim.type"], "9");
    EXPECT_EQ(a["pim.cksum.status"], "1");
    EXPECT_EQ(a["pim.group"].substr(0, 9), "239.4.4.4");
    EXPECT_EQ(a["pim.source"], "198.18.10.2");
    EXPECT_EQ(a["pim.originator"], "198.19.40.3");
    EXPECT_EQ(a["pim.rpt"], "0");
    EXPECT_EQ(a["pim.metric_pref"], "110");
    EXPECT_EQ(a["pim.metric"], "20");
    EXPECT_EQ(a["pim.mask_len"], "32,24");  // the group's mask length, then the route's
    EXPECT_EQ(a["pim.ttl"], "63");
    EXPECT_EQ(a["pim.prune_indicator"], "1");
    EXPECT_EQ(a["pim.prune_now"], "0");
    EXPECT_EQ(a["pim.assert_override"], "1");
    EXPECT_EQ(a["pim.interval"], "60");
    auto& b = (*rows)[1];
    EXPECT_EQ(b["pim.cksum.status"], "1");
    EXPECT_EQ(b["pim.rpt"], "1");
    EXPECT_EQ(b["pim.metric_pref"], "2147483647");
    EXPECT_EQ(b["pim.prune_indicator"], "0");
    EXPECT_EQ(b["pim.prune_now"], "1");
    EXPECT_EQ(b["pim.assert_override"], "0");
    EXPECT_EQ(b["pim.interval"], "255");
}

}  // namespace
}  // namespace fanout::packet
