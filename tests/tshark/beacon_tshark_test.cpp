// tshark as the judge of the register-beacon packet (pimd/core/beacon/beacon_packet.hpp): it must dissect as
// ip:pim:ip:udp:data like frame 242 of the design (shared/reference/000_c004819f65b97456.txt), with a good
// PIM checksum (over the 8-byte Register header, RFC 7761 4.9), good inner IP and UDP checksums, and the
// heartbeat as data.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pimd/core/beacon/beacon_packet.hpp"
#include "tests/testlib/tshark.hpp"

namespace fanout::pim {
namespace {

const Ipv4Address kLocal{169, 254, 0, 1};
const Ipv4Address kRp{10, 0, 0, 0};
const SGKey kSg{Ipv4Address{148, 51, 120, 0}, Ipv4Address{233, 84, 178, 0}};

class BeaconTshark : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(test::tshark_available())
            << "tshark is missing: .ci/install-deps installs it (the cross-check never skips)";
    }
    test::TsharkRow dissect(const std::string& tag, const std::vector<uint8_t>& pkt,
                            const std::vector<std::string>& fields) {
        auto rows = test::tshark_decode_ipv4("beacon-" + tag, {pkt}, fields,
                                             {"ip.check_checksum:TRUE", "udp.check_checksum:TRUE"});
        EXPECT_TRUE(rows.has_value());
        if (!rows || rows->size() != 1) {
            ADD_FAILURE() << tag << ": expected one frame";
            return {};
        }
        return rows->front();
    }
};

TEST_F(BeaconTshark, Frame242Stack) {
    auto row = dissect(
        "frame242", build_beacon_ip_packet(kLocal, kRp, kSg, BeaconHeartbeat{}),
        {"frame.protocols", "ip.src", "ip.dst", "ip.proto", "ip.ttl", "ip.checksum.status", "pim.version",
         "pim.type", "pim.cksum.status", "pim.register_flag.border", "pim.register_flag.null_register",
         "udp.srcport", "udp.dstport", "udp.length", "udp.checksum.status", "data.data", "frame.len"});
    // The stack as in frame 242 without its eth/gre underlay.
    EXPECT_NE(row["frame.protocols"].find("ip:pim:ip:udp:data"), std::string::npos) << row["frame.protocols"];
    // Outer then inner occurrences.
    EXPECT_EQ(row["ip.src"], "169.254.0.1,148.51.120.0");
    EXPECT_EQ(row["ip.dst"], "10.0.0.0,233.84.178.0");
    EXPECT_EQ(row["ip.proto"], "103,17");
    EXPECT_EQ(row["ip.ttl"], "64,64");
    EXPECT_EQ(row["ip.checksum.status"], "1,1");  // good, good
    EXPECT_EQ(row["pim.version"], "2");
    EXPECT_EQ(row["pim.type"], "1");
    EXPECT_EQ(row["pim.cksum.status"], "1");
    EXPECT_EQ(row["pim.register_flag.border"], "0");
    EXPECT_EQ(row["pim.register_flag.null_register"], "0");
    EXPECT_EQ(row["udp.srcport"], "5765");
    EXPECT_EQ(row["udp.dstport"], "5765");
    EXPECT_EQ(row["udp.length"], "12");
    EXPECT_EQ(row["udp.checksum.status"], "1");
    EXPECT_EQ(row["data.data"], "445a0001");
    EXPECT_EQ(row["frame.len"], "60");
}

TEST_F(BeaconTshark, ConfiguredHeartbeat) {
    BeaconHeartbeat hb;
    hb.source_port = 40000;
    hb.dest_port = 6000;
    hb.payload = {0x01, 0x02, 0x03};
    auto row = dissect("custom", build_beacon_ip_packet(kLocal, Ipv4Address{192, 0, 2, 1}, kSg, hb),
                       {"pim.cksum.status", "udp.srcport", "udp.dstport", "udp.length", "udp.checksum.status",
                        "data.data", "ip.dst"});
    EXPECT_EQ(row["pim.cksum.status"], "1");
    EXPECT_EQ(row["udp.srcport"], "40000");
    EXPECT_EQ(row["udp.dstport"], "6000");
    EXPECT_EQ(row["udp.length"], "11");
    EXPECT_EQ(row["udp.checksum.status"], "1");
    EXPECT_EQ(row["data.data"], "010203");
    EXPECT_EQ(row["ip.dst"], "192.0.2.1,233.84.178.0");
}

}  // namespace
}  // namespace fanout::pim
