// Text rendering helpers of pimd's status commands: columns aligned like FRR's, uptimes as hh:mm:ss.
#include <gtest/gtest.h>

#include "pimd/pimd_status.hpp"

namespace fanout::pimd {
namespace {

TEST(PimdStatus, TableColumnsAlign) {
    std::string t = render_table({"Interface", "Neighbor", "DR Pri"},
                                 {{"eth0", "198.18.2.2", "1"}, {"veth-long0", "198.18.10.200", "100"}});
    EXPECT_EQ(t,
              "Interface   Neighbor       DR Pri\n"
              "eth0        198.18.2.2     1\n"
              "veth-long0  198.18.10.200  100\n");
}

TEST(PimdStatus, HoursMinutesSeconds) {
    EXPECT_EQ(format_hms(0), "00:00:00");
    EXPECT_EQ(format_hms(3723'999), "01:02:03");
    EXPECT_EQ(format_hms(90061'000), "1d01h01m");
    EXPECT_EQ(format_hms(std::nullopt), "--:--:--");
    EXPECT_EQ(format_hms(-5), "00:00:00");
}

TEST(PimdStatus, MrouteTextAndJson) {
    MroutesView v;
    v.table = 253;
    MrouteRow r;
    r.source = *Ipv4Address::parse("198.18.1.2");
    r.group = *Ipv4Address::parse("239.1.1.1");
    r.iif = "eth0";
    r.iif_vif = 0;
    r.oifs = {{"eth1", 1, 1}};
    r.flags = "S";
    r.protocol = "static";
    r.installed = true;
    r.state = "installed";
    r.packets = 42;
    r.bytes = 4200;
    v.routes.push_back(r);
    std::string t = to_text(v);
    EXPECT_NE(t.find("198.18.1.2  239.1.1.1  static  S      eth0  eth1  42       4200"), std::string::npos)
        << t;
    auto j = to_json(v);
    EXPECT_EQ(j["table"], 253);
    EXPECT_EQ(j["routes"][0]["packets"], 42);
    EXPECT_EQ(j["routes"][0]["oifs"][0]["interface"], "eth1");
    EXPECT_EQ(j["routes"][0]["flags"], "S");
    EXPECT_EQ(j["routes"][0]["protocol"], "static");
}

}  // namespace
}  // namespace fanout::pimd
