// tshark as the judge of the PIM Hello, Register, Register-Stop, Join/Prune, Graft and Assert encoders
// (RFC 7761 4.9, RFC 3973 4.7): the checksum must verify (Register: over its 8-byte header) and every field
// must dissect to what we put in.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/core/byte_writer.hpp"
#include "common/packet/ipv4.hpp"
#include "common/packet/pim_assert.hpp"
#include "common/packet/pim_hello.hpp"
#include "common/packet/pim_join_prune.hpp"
#include "common/packet/pim_register.hpp"
#include "tests/testlib/tshark.hpp"

namespace fanout::packet {
namespace {

using Bytes = std::vector<uint8_t>;

const Ipv4Address kR1{198, 19, 12, 1};
const Ipv4Address kR2{198, 19, 12, 2};
const Ipv4Address kRp{198, 19, 255, 1};
const Ipv4Address kS1{198, 18, 0, 10};
const Ipv4Address kS2{198, 18, 0, 11};
const Ipv4Address kG1{239, 1, 1, 1};
const Ipv4Address kG2{239, 1, 1, 2};

// An IPv4 packet (no options, TOS 0xc0) around a payload, from the IPv4 codec.
Bytes ipv4(Ipv4Address src, Ipv4Address dst, uint8_t ttl, std::span<const uint8_t> payload,
           uint8_t proto = kIpProtoPim) {
    Ipv4Header h;
    h.tos = kIpv4TosNetworkControl;
    h.ttl = ttl;
    h.protocol = proto;
    h.src = src;
    h.dst = dst;
    return encode_ipv4_packet(h, payload);
}

class PimTshark : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(test::tshark_available())
            << "tshark is missing: .ci/install-deps installs it (the cross-check never skips)";
    }

    // Dissects one packet; fails the test when tshark gives no row.
    test::TsharkRow dissect(const std::string& tag, const Bytes& packet,
                            const std::vector<std::string>& fields) {
        auto rows = test::tshark_decode_ipv4("pim-" + tag, {packet}, fields);
        EXPECT_TRUE(rows.has_value()) << tag;
        if (!rows || rows->size() != 1) {
            ADD_FAILURE() << tag << ": expected one dissected frame";
            return {};
        }
        return rows->front();
    }
};

TEST_F(PimTshark, HelloAllOptions) {
    Hello h;
    h.holdtime_s = 105;
    h.lan_prune_delay = LanPruneDelay{true, 500, 2500};
    h.dr_priority = 10;
    h.generation_id = 1752061197;
    h.state_refresh = StateRefreshCapable{1, 60, 0};
    h.address_list = {Ipv4Address(198, 19, 12, 11), Ipv4Address(198, 19, 13, 1)};
    h.unknown_options.push_back({65001, {1, 2, 3, 4}});
    auto row =
        dissect("hello", ipv4(kR1, addr::kAllPimRouters, 1, encode_hello(h)),
                {"pim.version", "pim.type", "pim.cksum.status", "pim.optiontype", "pim.holdtime", "pim.t",
                 "pim.propagation_delay", "pim.override_interval", "pim.dr_priority", "pim.generation_id",
                 "pim.state_refresh_version", "pim.state_refresh_interval", "pim.address_list"});
    EXPECT_EQ(row["pim.version"], "2");
    EXPECT_EQ(row["pim.type"], "0");
    EXPECT_EQ(row["pim.cksum.status"], "1");
    EXPECT_EQ(row["pim.optiontype"], "1,2,19,20,21,24,65001");
    EXPECT_EQ(row["pim.holdtime"], "105");
    EXPECT_EQ(row["pim.t"], "1");
    EXPECT_EQ(row["pim.propagation_delay"], "500");
    EXPECT_EQ(row["pim.override_interval"], "2500");
    EXPECT_EQ(row["pim.dr_priority"], "10");
    EXPECT_EQ(row["pim.generation_id"], "1752061197");
    EXPECT_EQ(row["pim.state_refresh_version"], "1");
    EXPECT_EQ(row["pim.state_refresh_interval"], "60");
    EXPECT_EQ(row["pim.address_list"], "198.19.12.11,198.19.13.1");
}

TEST_F(PimTshark, DataRegisterAndNullRegister) {
    // Inner packet: IPv4/UDP 198.18.0.10 -> 239.1.1.1, 8 bytes of payload.
    ByteWriter udp;
    udp.u16(5001);
    udp.u16(5001);
    udp.u16(16);
    udp.u16(0);
    udp.u64(0x0102030405060708ull);
    const Bytes inner = ipv4(kS1, kG1, 63, udp.view(), kIpProtoUdp);
    const std::vector<std::string> fields = {"pim.type",
                                             "pim.cksum.status",
                                             "pim.register_flag.border",
                                             "pim.register_flag.null_register",
                                             "ip.src",
                                             "ip.dst",
                                             "ip.proto"};
    auto data = dissect("register", ipv4(kR1, kRp, 64, encode_register(inner, true)), fields);
    EXPECT_EQ(data["pim.type"], "1");
    EXPECT_EQ(data["pim.cksum.status"], "1");
    EXPECT_EQ(data["pim.register_flag.border"], "1");
    EXPECT_EQ(data["pim.register_flag.null_register"], "0");
    EXPECT_EQ(data["ip.src"], "198.19.12.1,198.18.0.10");
    EXPECT_EQ(data["ip.dst"], "198.19.255.1,239.1.1.1");
    EXPECT_EQ(data["ip.proto"], "103,17");

    auto null = dissect("null-register", ipv4(kR1, kRp, 64, encode_null_register(SGKey{kS2, kG2})), fields);
    EXPECT_EQ(null["pim.type"], "1");
    EXPECT_EQ(null["pim.cksum.status"], "1");
    EXPECT_EQ(null["pim.register_flag.border"], "0");
    EXPECT_EQ(null["pim.register_flag.null_register"], "1");
    EXPECT_EQ(null["ip.src"], "198.19.12.1,198.18.0.11");
    EXPECT_EQ(null["ip.dst"], "198.19.255.1,239.1.1.2");
    EXPECT_EQ(null["ip.proto"], "103,103");
}

TEST_F(PimTshark, RegisterStop) {
    auto row = dissect("register-stop",
                       ipv4(kRp, kR1, 64, encode_register_stop(RegisterStop{EncodedGroup{kG1}, kS1})),
                       {"pim.type", "pim.cksum.status", "pim.group", "pim.mask_len", "pim.unicast"});
    EXPECT_EQ(row["pim.type"], "2");
    EXPECT_EQ(row["pim.cksum.status"], "1");
    EXPECT_EQ(row["pim.group"].substr(0, 9), "239.1.1.1");
    EXPECT_EQ(row["pim.mask_len"], "32");
    EXPECT_EQ(row["pim.unicast"], "198.18.0.10");
}

JoinPrune sample_join_prune() {
    JoinPrune jp;
    jp.upstream_neighbor = kR1;
    jp.holdtime_s = 210;
    // G1: Join (*,G) [S,W,R] + Join (S1,G) [S], Prune (S2,G,rpt) [S,R]. G2: Prune (S1,G) [S], Prune (S2,G)
    // [S].
    jp.groups.push_back(
        {EncodedGroup{kG1},
         {EncodedSource{kRp, 32, true, true, true}, EncodedSource{kS1, 32, true, false, false}},
         {EncodedSource{kS2, 32, true, false, true}}});
    jp.groups.push_back({EncodedGroup{kG2}, {}, {EncodedSource{kS1}, EncodedSource{kS2}}});
    return jp;
}

const std::vector<std::string> kJoinPruneFields = {
    "pim.type",     "pim.cksum.status", "pim.upstream_neighbor", "pim.holdtime", "pim.numgroups",
    "pim.numjoins", "pim.numprunes",    "pim.join_ip",           "pim.prune_ip", "pim.source_addr.flags"};

void expect_join_prune_fields(test::TsharkRow& row, const std::string& type, const std::string& holdtime) {
    EXPECT_EQ(row["pim.type"], type);
    EXPECT_EQ(row["pim.cksum.status"], "1");
    EXPECT_EQ(row["pim.upstream_neighbor"], "198.19.12.1");
    EXPECT_EQ(row["pim.holdtime"], holdtime);
    EXPECT_EQ(row["pim.numgroups"], "2");
    EXPECT_EQ(row["pim.numjoins"], "2,0");
    EXPECT_EQ(row["pim.numprunes"], "1,2");
    EXPECT_EQ(row["pim.join_ip"], "198.19.255.1,198.18.0.10");
    EXPECT_EQ(row["pim.prune_ip"], "198.18.0.11,198.18.0.10,198.18.0.11");
    EXPECT_EQ(row["pim.source_addr.flags"], "0x07,0x04,0x05,0x04,0x04");
}

TEST_F(PimTshark, JoinPruneSeveralGroupsAndFlags) {
    auto row =
        dissect("join-prune", ipv4(kR2, addr::kAllPimRouters, 1, encode_join_prune(sample_join_prune())),
                kJoinPruneFields);
    expect_join_prune_fields(row, "3", "210");
}

TEST_F(PimTshark, GraftAndGraftAck) {
    auto jp = sample_join_prune();
    jp.holdtime_s = 0;
    auto graft =
        dissect("graft", ipv4(kR2, kR1, 1, encode_join_prune(jp, PimType::kGraft)), kJoinPruneFields);
    expect_join_prune_fields(graft, "6", "0");
    auto ack =
        dissect("graft-ack", ipv4(kR1, kR2, 1, encode_join_prune(jp, PimType::kGraftAck)), kJoinPruneFields);
    expect_join_prune_fields(ack, "7", "0");
}

TEST_F(PimTshark, PackedJoinPruneMessagesAllDissect) {
    JoinPrune jp{kR1, 210, {}};
    for (uint32_t g = 0; g < 20; ++g) {
        JoinPruneGroup rec{EncodedGroup{Ipv4Address(0xef030000u + g)}, {}, {}};
        for (uint32_t s = 0; s < 30; ++s)
            rec.joins.push_back(EncodedSource{Ipv4Address(0xc6120100u + s)});
        jp.groups.push_back(std::move(rec));
    }
    std::vector<Bytes> packets;
    for (const auto& m : encode_join_prune_packed(jp, 1480))
        packets.push_back(ipv4(kR2, addr::kAllPimRouters, 1, m));
    auto rows =
        test::tshark_decode_ipv4("pim-packed", packets, {"pim.cksum.status", "pim.numjoins", "ip.len"});
    ASSERT_TRUE(rows.has_value());
    ASSERT_EQ(rows->size(), packets.size());
    size_t joins = 0;
    for (auto& row : *rows) {
        EXPECT_EQ(row["pim.cksum.status"], "1");
        EXPECT_LE(std::stoul(row["ip.len"]), 1500u);
        size_t start = 0;
        const std::string& s = row["pim.numjoins"];
        while (start < s.size()) {
            size_t comma = s.find(',', start);
            if (comma == std::string::npos) comma = s.size();
            joins += std::stoul(s.substr(start, comma - start));
            start = comma + 1;
        }
    }
    EXPECT_EQ(joins, 600u);
}

TEST_F(PimTshark, AssertAndAssertCancel) {
    const std::vector<std::string> fields = {"pim.type", "pim.cksum.status", "pim.group", "pim.source",
                                             "pim.rpt",  "pim.metric_pref",  "pim.metric"};
    Assert a{EncodedGroup{Ipv4Address(239, 4, 4, 4)}, Ipv4Address(198, 18, 10, 2), false, 110, 20};
    auto row = dissect("assert", ipv4(Ipv4Address(198, 19, 40, 3), addr::kAllPimRouters, 1, encode_assert(a)),
                       fields);
    EXPECT_EQ(row["pim.type"], "5");
    EXPECT_EQ(row["pim.cksum.status"], "1");
    EXPECT_EQ(row["pim.group"].substr(0, 9), "239.4.4.4");
    EXPECT_EQ(row["pim.source"], "198.18.10.2");
    EXPECT_EQ(row["pim.rpt"], "0");
    EXPECT_EQ(row["pim.metric_pref"], "110");
    EXPECT_EQ(row["pim.metric"], "20");
    auto cancel = dissect("assert-cancel",
                          ipv4(Ipv4Address(198, 19, 40, 3), addr::kAllPimRouters, 1,
                               encode_assert(make_assert_cancel(a.group, a.source))),
                          fields);
    EXPECT_EQ(cancel["pim.rpt"], "1");
    EXPECT_EQ(cancel["pim.metric_pref"], "2147483647");
    EXPECT_EQ(cancel["pim.metric"], "4294967295");
    EXPECT_EQ(cancel["pim.cksum.status"], "1");
}

}  // namespace
}  // namespace fanout::packet
