// Run-time beacon commands (pimd/beacon_commands.hpp): `ip pim beacon IFNAME group S G [rp A] [interval N]`
// and `no ip pim beacon IFNAME group S G`, on a BeaconService fed a tunnel link, with sends recorded.
#include <gtest/gtest.h>

#include "common/core/manual_timer.hpp"
#include "pimd/beacon_commands.hpp"

namespace fanout::pimd {
namespace {

using namespace std::chrono_literals;

class Recording final : public pim::BeaconActions {
  public:
    std::optional<pim::BeaconSendError> send_beacon(const pim::BeaconSend& s) override {
        sent.push_back({s.rp, s.sg});
        return std::nullopt;
    }
    std::vector<std::pair<Ipv4Address, SGKey>> sent;
    size_t count(SGKey sg) const {
        size_t n = 0;
        for (const auto& [rp, k] : sent)
            n += k == sg ? 1 : 0;
        return n;
    }
};

InterfaceInfo tunnel() {
    InterfaceInfo i;
    i.ifindex = 9;
    i.name = "tun500";
    i.admin_up = true;
    i.oper_up = true;
    InterfaceAddress a;
    a.addr = Ipv4Address{169, 254, 0, 1};
    a.prefix_len = 31;
    i.addrs.push_back(a);
    return i;
}

struct Cli {
    ManualTimerService timers;
    SeededRandom rng{3};
    Recording actions;
    BeaconService svc{timers, rng, actions};
    Cli() { svc.on_interface_change({InterfaceChangeKind::kLinkAdded, 9, std::nullopt, tunnel(), {}}); }
    Result<sys::ShowOutput, std::string> add(std::vector<std::string> args) {
        return beacon_add_group(&svc, args);
    }
    Result<sys::ShowOutput, std::string> del(std::vector<std::string> args) {
        return beacon_remove_group(&svc, args);
    }
};

const SGKey kA{Ipv4Address{198, 18, 0, 1}, Ipv4Address{239, 1, 1, 1}};
const SGKey kB{Ipv4Address{198, 18, 0, 1}, Ipv4Address{239, 1, 1, 2}};

TEST(BeaconCommands, AddCreatesTheBeaconWithTheDefaults) {
    Cli c;
    auto r = c.add({"tun500", "group", "198.18.0.1", "239.1.1.1"});
    ASSERT_TRUE(r.ok()) << r.error();
    const pim::BeaconState* b = c.svc.scheduler().find("tun500");
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->config.rp, pim::kDefaultBeaconRp);  // the RP default on the CLI path
    EXPECT_EQ(b->config.interval, pim::kDefaultBeaconInterval);
    EXPECT_EQ(b->config.published, (std::set<SGKey>{kA}));
    EXPECT_EQ(r->json["rp"], "10.0.0.0");
    EXPECT_EQ(r->json["beacon_created"], true);
    EXPECT_EQ(r->text,
              "beacon tun500: (198.18.0.1,239.1.1.1) published (beacon created, RP 10.0.0.0, "
              "interval 10s, 1 group(s))\n");
    // The first send goes at once, to 10.0.0.0; then one per interval.
    ASSERT_EQ(c.actions.sent.size(), 1u);
    EXPECT_EQ(c.actions.sent[0].first, pim::kDefaultBeaconRp);
    c.timers.advance(10s);
    EXPECT_EQ(c.actions.count(kA), 2u);
    // And show ip pim beacon lists it at once.
    auto show = show_beacon(&c.svc, {});
    ASSERT_TRUE(show.ok());
    EXPECT_NE(show->text.find("239.1.1.1"), std::string::npos) << show->text;
}

TEST(BeaconCommands, RpAndIntervalGivenAndZeroRpDefaults) {
    Cli c;
    ASSERT_TRUE(
        c.add({"tun500", "group", "198.18.0.1", "239.1.1.1", "interval", "2", "rp", "192.0.2.9"}).ok());
    const pim::BeaconState* b = c.svc.scheduler().find("tun500");
    EXPECT_EQ(b->config.rp, (Ipv4Address{192, 0, 2, 9}));
    EXPECT_EQ(b->config.interval, Duration(2s));
    Cli z;
    ASSERT_TRUE(z.add({"tun500", "group", "198.18.0.1", "239.1.1.1", "rp", "0.0.0.0"}).ok());
    EXPECT_EQ(z.svc.scheduler().find("tun500")->config.rp, pim::kDefaultBeaconRp);
}

TEST(BeaconCommands, AddToAnExistingBeaconKeepsItsParametersAndGroups) {
    Cli c;
    ASSERT_TRUE(
        c.add({"tun500", "group", "198.18.0.1", "239.1.1.1", "rp", "192.0.2.9", "interval", "5"}).ok());
    c.timers.advance(5s);
    ASSERT_EQ(c.actions.count(kA), 2u);
    auto r = c.add({"tun500", "group", "198.18.0.1", "239.1.1.2"});
    ASSERT_TRUE(r.ok()) << r.error();
    const pim::BeaconState* b = c.svc.scheduler().find("tun500");
    EXPECT_EQ(b->config.rp, (Ipv4Address{192, 0, 2, 9}));  // not reset to the default
    EXPECT_EQ(b->config.interval, Duration(5s));
    EXPECT_EQ(b->config.published, (std::set<SGKey>{kA, kB}));
    EXPECT_EQ(b->groups.at(kA).packets_sent, 2u);  // the old group's counters kept
    EXPECT_EQ(r->json["beacon_created"], false);
    EXPECT_EQ(c.actions.count(kB), 1u);  // the new group is sent at once
    c.timers.advance(5s);
    EXPECT_EQ(c.actions.count(kA), 3u);
    EXPECT_EQ(c.actions.count(kB), 2u);
    // Adding it again changes nothing and says so.
    auto again = c.add({"tun500", "group", "198.18.0.1", "239.1.1.2"});
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->json["added"], false);
    EXPECT_NE(again->text.find("already published"), std::string::npos);
}

TEST(BeaconCommands, RemoveAndRemovingTheLastStopsTheBeacon) {
    Cli c;
    ASSERT_TRUE(c.add({"tun500", "group", "198.18.0.1", "239.1.1.1"}).ok());
    ASSERT_TRUE(c.add({"tun500", "group", "198.18.0.1", "239.1.1.2"}).ok());
    c.timers.advance(10s);
    auto r = c.del({"tun500", "group", "198.18.0.1", "239.1.1.1"});
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(r->json["groups"], 1);
    const size_t a_sent = c.actions.count(kA);
    c.timers.advance(30s);
    EXPECT_EQ(c.actions.count(kA), a_sent);  // no more for the removed group
    EXPECT_GT(c.actions.count(kB), 2u);      // the other keeps going
    auto last = c.del({"tun500", "group", "198.18.0.1", "239.1.1.2"});
    ASSERT_TRUE(last.ok()) << last.error();
    EXPECT_NE(last->text.find("beacon stopped"), std::string::npos) << last->text;
    const size_t total = c.actions.sent.size();
    c.timers.advance(60s);
    EXPECT_EQ(c.actions.sent.size(), total);  // nothing sent once the last group is gone
    EXPECT_TRUE(c.svc.scheduler().find("tun500")->groups.empty());
}

TEST(BeaconCommands, ErrorsAreOneLineAndChangeNothing) {
    Cli c;
    ASSERT_TRUE(c.add({"tun500", "group", "198.18.0.1", "239.1.1.1"}).ok());
    const auto err = [&](std::vector<std::string> args, bool add, const std::string& want) {
        auto r = add ? c.add(args) : c.del(args);
        ASSERT_FALSE(r.ok()) << want;
        EXPECT_NE(r.error().find(want), std::string::npos) << r.error();
        EXPECT_EQ(r.error().find('\n'), std::string::npos) << r.error();
    };
    err({"eth9", "group", "198.18.0.1", "239.1.1.1"}, true, "unknown interface eth9");
    err({"tun500", "group", "198.18.0.300", "239.1.1.1"}, true, "'198.18.0.300' is not an IPv4 address");
    err({"tun500", "group", "198.18.0.1", "10.1.1.1"}, true, "group is not multicast");
    err({"tun500", "group", "198.18.0.1", "224.0.0.13"}, true, "link-local");
    err({"tun500", "group", "239.9.9.9", "239.1.1.1"}, true, "source is not a unicast address");
    err({"tun500", "group", "198.18.0.1", "239.1.1.2", "rp", "239.0.0.1"}, true, "not a unicast address");
    err({"tun500", "group", "198.18.0.1", "239.1.1.2", "interval", "0"}, true, "interval: out of range");
    err({"tun500", "group", "198.18.0.1", "239.1.1.2", "interval", "99999999999999999999"}, true,
        "interval: out of range");
    err({"tun500", "group", "198.18.0.1", "239.1.1.2", "interval", "5s"}, true, "not a number of seconds");
    err({"tun500", "group", "198.18.0.1", "239.1.1.2", "rp"}, true, "'rp' needs a value");
    err({"tun500", "group", "198.18.0.1", "239.1.1.2", "rp", "1.1.1.1", "rp", "1.1.1.2"}, true, "twice");
    err({"tun500", "grp", "198.18.0.1", "239.1.1.2"}, true, "expected 'group'");
    err({"tun500", "group", "198.18.0.1", "239.1.1.2"}, false, "is not published");
    err({"tun501", "group", "198.18.0.1", "239.1.1.1"}, false, "no beacon on tun501");
    err({"tun500", "group", "198.18.0.1", "239.1.1.1", "rp", "1.1.1.1"}, false, "unexpected argument 'rp'");
    // Nothing above changed the beacon.
    const pim::BeaconState* b = c.svc.scheduler().find("tun500");
    EXPECT_EQ(b->config.published, (std::set<SGKey>{kA}));
    EXPECT_EQ(b->config.rp, pim::kDefaultBeaconRp);
    EXPECT_EQ(b->config.interval, pim::kDefaultBeaconInterval);
    EXPECT_FALSE(beacon_add_group(nullptr, {"tun500", "group", "198.18.0.1", "239.1.1.1"}).ok());
}

TEST(BeaconCommands, OverTheGroupLimitIsRefused) {
    Cli c;
    std::vector<pim::BeaconSpec> specs{
        {"tun500", std::nullopt, std::nullopt, {}, std::nullopt, std::nullopt}};
    for (size_t i = 0; i < pim::kMaxPublishedGroups; ++i)
        specs[0].published.push_back(
            SGKey{Ipv4Address{198, 18, 0, 1}, Ipv4Address(0xef000000u | static_cast<uint32_t>(i + 256))});
    ASSERT_TRUE(c.svc.apply_config(specs).ok());
    auto r = c.add({"tun500", "group", "198.18.0.1", "239.200.0.1"});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("at most 4096 per beacon"), std::string::npos) << r.error();
    EXPECT_EQ(c.svc.scheduler().find("tun500")->config.published.size(), pim::kMaxPublishedGroups);
    // The scheduler's add_groups (the other run-time entry) counts the groups already published too.
    auto g = c.svc.scheduler().add_groups("tun500",
                                          {SGKey{Ipv4Address{198, 18, 0, 1}, Ipv4Address{239, 200, 0, 1}}});
    ASSERT_FALSE(g.ok());
    EXPECT_NE(g.error().find("at most 4096"), std::string::npos) << g.error();
    // The same bound on the config-file path (one more than allowed).
    specs[0].published.push_back(SGKey{Ipv4Address{198, 18, 0, 1}, Ipv4Address{239, 200, 0, 1}});
    EXPECT_FALSE(pim::make_beacon_config(specs[0]).ok());
}

TEST(BeaconCommands, SpecsMatchTheShellGrammar) {
    const sys::CommandSpec add = beacon_add_command_spec();
    EXPECT_EQ(add.path, (std::vector<std::string>{"ip", "pim", "beacon"}));
    ASSERT_EQ(add.args.size(), 8u);
    EXPECT_EQ(add.args[0].kind, sys::kArgInterface);
    EXPECT_FALSE(add.args[3].optional);
    EXPECT_TRUE(add.args[4].optional);
    const sys::CommandSpec del = beacon_remove_command_spec();
    EXPECT_EQ(del.path, (std::vector<std::string>{"no", "ip", "pim", "beacon"}));
    EXPECT_EQ(del.args.size(), 4u);
}

}  // namespace
}  // namespace fanout::pimd
