// igmpd's status renderings (text columns and JSON keys the e2e tests and the CLI rely on) and the wiring's
// pure conversions (netlink interface -> core event, core membership record -> IPC message).
#include <gtest/gtest.h>

#include "igmpd/igmpd_status.hpp"
#include "igmpd/igmpd_wiring.hpp"

namespace fanout::igmpd {
namespace {

Ipv4Address a(const char* s) {
    return *Ipv4Address::parse(s);
}

TEST(IgmpdStatus, GroupsTextHasFrrLikeColumns) {
    igmp::GroupStatus g1;
    g1.interface = "eth0";
    g1.group = a("239.1.1.1");
    g1.mode = "EXCLUDE";
    g1.group_timer_ms = 61'000;
    g1.compat_version = 2;
    g1.uptime_ms = 3'723'000;
    g1.last_reporter = a("198.19.1.2");
    igmp::GroupStatus g2 = g1;
    g2.group = a("232.1.1.1");
    g2.mode = "INCLUDE";
    g2.group_timer_ms = 0;
    g2.compat_version = 3;
    g2.sources = {igmp::SourceStatus{"eth0", g2.group, a("198.18.0.1"), 5000, true, 0},
                  igmp::SourceStatus{"eth0", g2.group, a("198.18.0.2"), 5000, true, 0}};
    std::string t = to_text(IgmpGroupsView{{g1, g2}});
    EXPECT_EQ(t.substr(0, t.find('\n')),
              "Interface  Group      Mode  Timer     Sources                Ver  Uptime    Reporter");
    EXPECT_NE(
        t.find("eth0       239.1.1.1  EXCL  00:01:01  -                      v2   01:02:03  198.19.1.2"),
        std::string::npos)
        << t;
    EXPECT_NE(t.find("232.1.1.1  INCL  --:--:--  198.18.0.1,198.18.0.2  v3"), std::string::npos) << t;
    EXPECT_EQ(to_text(IgmpGroupsView{}), "No IGMP groups\n");
    nlohmann::json j = to_json(IgmpGroupsView{{g1}});
    EXPECT_EQ(j["groups"][0]["group"], "239.1.1.1");
    EXPECT_EQ(j["groups"][0]["compat_version"], 2);
}

TEST(IgmpdStatus, IpcShowsStateRecordsAndReconnects) {
    IpcView v;
    EXPECT_NE(to_text(v).find("disabled"), std::string::npos);
    v.enabled = true;
    v.socket = "/run/x.sock";
    v.connected = true;
    v.peer_seen = true;
    v.reconnects = 2;
    v.exported = 3;
    v.counters = {3, 7, 5, 2};
    std::string t = to_text(v);
    EXPECT_NE(t.find("State: connected"), std::string::npos) << t;
    EXPECT_NE(t.find("Reconnects: 2"), std::string::npos) << t;
    EXPECT_NE(t.find("Snapshots: 3 (7 records)"), std::string::npos) << t;
    nlohmann::json j = to_json(v);
    EXPECT_EQ(j["records_sent"], 14);
    EXPECT_EQ(j["reconnects"], 2);
    EXPECT_EQ(j["connected"], true);
}

TEST(IgmpdStatus, StatisticsIncludeDropsAndDecodeErrorsByKind) {
    IgmpStatisticsView v;
    v.core.rx = {{"v2_report", 4}, {"v3_report", 9}};
    v.core.tx = {{"v3_query", 6}};
    v.core.rx_records = {{"IS_EX", 9}};
    v.core.drops = {{"group-limit", 1234}};
    v.core.decode_errors = {{"bad-checksum", 2}};
    v.rx.decode_errors = 2;
    v.rx.by_kind.count(packet::DecodeError{packet::DecodeErrorKind::kBadChecksum, "x"});
    v.rx.by_kind.count(packet::DecodeError{packet::DecodeErrorKind::kBadChecksum, "y"});
    std::string t = to_text(v);
    EXPECT_NE(t.find("v3_query   0         6"), std::string::npos) << t;
    EXPECT_NE(t.find("group-limit"), std::string::npos) << t;
    EXPECT_NE(t.find("decode: bad-checksum"), std::string::npos) << t;
    nlohmann::json j = to_json(v);
    EXPECT_EQ(j["drops"]["group-limit"], 1234);
    EXPECT_EQ(j["wiring"]["decode_errors"], 2);
    EXPECT_EQ(j["wiring"]["decode_errors_by_kind"].size(), 1u);
}

TEST(IgmpdStatus, ProxyNamesInterfacesInForwardingEntries) {
    IgmpProxyView v;
    EXPECT_EQ(to_text(v), "IGMP proxy: not configured\n");
    v.core.enabled = true;
    v.core.upstream = "eth0";
    v.core.downstreams = {"eth1", "eth2"};
    v.core.mfc = {igmp::ProxyMfcStatus{SGKey{a("198.18.1.2"), a("239.2.2.2")}, 2, {3}}};
    v.names = {{2, "eth0"}, {3, "eth1"}};
    v.mrt_open = true;
    v.table = 253;
    std::string t = to_text(v);
    EXPECT_NE(t.find("Upstream: eth0"), std::string::npos) << t;
    EXPECT_NE(t.find("198.18.1.2  239.2.2.2  eth0  eth1"), std::string::npos) << t;
    nlohmann::json j = to_json(v);
    EXPECT_EQ(j["mfc_named"][0]["oifs"], nlohmann::json::array({"eth1"}));
    EXPECT_EQ(j["kernel"]["table"], 253);
}

TEST(IgmpdWiring, InterfaceEventKeepsPrimaryFirstAndUpMeansAdminAndCarrier) {
    InterfaceInfo info;
    info.ifindex = 4;
    info.name = "eth1";
    info.admin_up = true;
    info.oper_up = false;
    info.multicast = true;
    info.mtu = 9000;
    InterfaceAddress p, q;
    p.addr = a("198.19.1.1");
    p.prefix_len = 24;
    q.addr = a("198.19.9.1");
    q.prefix_len = 24;
    q.secondary = true;
    info.addrs = {p, q};
    igmp::InterfaceChanged ev = to_interface_changed(info);
    EXPECT_EQ(ev.ifindex, 4);
    EXPECT_FALSE(ev.up);
    EXPECT_EQ(ev.mtu, 9000u);
    ASSERT_EQ(ev.addresses.size(), 2u);
    EXPECT_EQ(ev.addresses[0].addr, a("198.19.1.1"));
    info.oper_up = true;
    EXPECT_TRUE(to_interface_changed(info).up);
}

TEST(IgmpdWiring, MembershipRecordBecomesIpcMessage) {
    igmp::MembershipRecord r;
    r.ifindex = 3;
    r.ifname = "eth0";
    r.group = a("232.1.1.1");
    r.mode = igmp::FilterMode::kInclude;
    r.sources = {a("198.18.0.1"), a("198.18.0.2")};
    sys::ipc::Membership m = to_ipc(r);
    EXPECT_EQ(m.ifname, "eth0");
    EXPECT_EQ(m.ifindex, 3u);
    EXPECT_EQ(m.group, a("232.1.1.1"));
    EXPECT_EQ(m.mode, sys::ipc::FilterMode::kInclude);
    EXPECT_EQ(m.sources, r.sources);
    r.mode = igmp::FilterMode::kExclude;
    r.sources.clear();
    EXPECT_EQ(to_ipc(r).mode, sys::ipc::FilterMode::kExclude);
}

}  // namespace
}  // namespace fanout::igmpd
