#include "common/shell/shell.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <sstream>

#include "tests/unit/shell/fixtures.hpp"

namespace fanout::shell {
namespace {

using nlohmann::json;
using Words = std::vector<std::string>;

// A Transport whose daemons are functions; a daemon without a function is "not running".
class FakeTransport : public Transport {
  public:
    using Handler = std::function<json(const json&)>;

    Result<json, TransportError> request(const DaemonEndpoint& d, const json& req) override {
        log.emplace_back(d.name, req);
        if (timeout.count(d.name) != 0)
            return make_err(TransportError{TransportError::Kind::kTimeout, "no reply within 5 s"});
        auto it = daemons.find(d.name);
        if (it == daemons.end()) {
            return make_err(TransportError{TransportError::Kind::kNotRunning,
                                           "cannot connect to " + d.socket + ": No such file or directory"});
        }
        return it->second(req);
    }

    // Requests other than the discovery ones.
    std::vector<std::pair<std::string, json>> commands_sent() const {
        std::vector<std::pair<std::string, json>> out;
        for (const auto& [d, r] : log) {
            if (r["argv"][0] != "__commands") out.emplace_back(d, r);
        }
        return out;
    }

    std::map<std::string, Handler> daemons;
    std::map<std::string, bool> timeout;
    std::vector<std::pair<std::string, json>> log;
};

// A daemon that publishes `commands` and answers everything else from `answer`.
FakeTransport::Handler daemon(json commands, std::function<json(const json&)> answer) {
    return [commands, answer](const json& req) -> json {
        if (req["argv"] == json{"__commands"})
            return json{{"ok", true}, {"format", "json"}, {"data", commands}};
        return answer(req);
    };
}

json text_reply(const std::string& t) {
    return json{{"ok", true}, {"format", "text"}, {"text", t}};
}
json data_reply(const json& d) {
    return json{{"ok", true}, {"format", "json"}, {"data", d}};
}

json echo(const std::string& who, const json& req) {
    if (req["format"] == "json") return data_reply(json{{"from", who}, {"argv", req["argv"]}});
    std::string line = who + ":";
    for (const auto& w : req["argv"])
        line += " " + w.get<std::string>();
    return text_reply(line + "\n");
}

class ShellTest : public ::testing::Test {
  protected:
    void start_both() {
        t.daemons["pimd"] = daemon(test::pimd_commands(), [](const json& r) { return echo("pimd", r); });
        t.daemons["igmpd"] = daemon(test::igmpd_commands(), [](const json& r) { return echo("igmpd", r); });
    }
    Shell make(bool json_output = false) {
        Shell s({{"pimd", "/run/x/pimd.sock"}, {"igmpd", "/run/x/igmpd.sock"}}, t, json_output);
        s.discover();
        return s;
    }
    int run(Shell& s, std::string_view line) {
        out.str("");
        err.str("");
        return s.execute(line, out, err);
    }
    FakeTransport t;
    std::ostringstream out, err;
};

TEST_F(ShellTest, RoutesAnExpandedCommandToItsDaemon) {
    start_both();
    Shell s = make();
    EXPECT_EQ(run(s, "sh ip pim nei veth0"), kExitOk);
    EXPECT_EQ(out.str(), "pimd: show ip pim neighbor veth0\n");
    EXPECT_EQ(err.str(), "");
    auto sent = t.commands_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].first, "pimd");
    EXPECT_EQ(sent[0].second,
              json::parse(R"({"argv": ["show","ip","pim","neighbor","veth0"], "format": "text"})"));

    EXPECT_EQ(run(s, "sh ip igmp gr"), kExitOk);
    EXPECT_EQ(out.str(), "igmpd: show ip igmp groups\n");
}

TEST_F(ShellTest, JsonModePrintsTheDataPretty) {
    start_both();
    Shell s = make(true);
    EXPECT_EQ(run(s, "show ip mr"), kExitOk);
    EXPECT_EQ(
        out.str(),
        "{\n  \"argv\": [\n    \"show\",\n    \"ip\",\n    \"mroute\"\n  ],\n  \"from\": \"pimd\"\n}\n");
    EXPECT_EQ(t.commands_sent().back().second["format"], "json");
}

TEST_F(ShellTest, CommandOfBothDaemonsIsLabelled) {
    start_both();
    Shell s = make();
    EXPECT_EQ(run(s, "sh ver"), kExitOk);
    EXPECT_EQ(out.str(), "--- pimd ---\npimd: show version\n--- igmpd ---\nigmpd: show version\n");
    Shell sj = make(true);
    EXPECT_EQ(run(sj, "sh ver"), kExitOk);
    json j = json::parse(out.str());
    EXPECT_EQ(j["pimd"]["from"], "pimd");
    EXPECT_EQ(j["igmpd"]["from"], "igmpd");
}

TEST_F(ShellTest, TextReplyMissingNewlineGetsOne) {
    t.daemons["pimd"] = daemon(test::pimd_commands(), [](const json&) { return text_reply("no newline"); });
    Shell s = make();
    EXPECT_EQ(run(s, "show ip msdp peer"), kExitOk);
    EXPECT_EQ(out.str(), "no newline\n");
}

TEST_F(ShellTest, DaemonErrorIsPrintedWithExitOne) {
    t.daemons["pimd"] = daemon(test::pimd_commands(), [](const json&) {
        return json{{"ok", false}, {"error", "no such interface: veth9"}};
    });
    Shell s = make();
    EXPECT_EQ(run(s, "show ip pim neighbor veth9"), kExitDaemonError);
    EXPECT_EQ(err.str(), "% no such interface: veth9\n");
    EXPECT_EQ(out.str(), "");
}

TEST_F(ShellTest, MalformedReplyIsExitOne) {
    t.daemons["pimd"] = daemon(test::pimd_commands(), [](const json&) { return json{{"text", "x"}}; });
    Shell s = make();
    EXPECT_EQ(run(s, "show ip msdp peer"), kExitDaemonError);
    EXPECT_EQ(err.str(), "% pimd sent a malformed reply (no \"ok\" field)\n");
}

TEST_F(ShellTest, UnknownCommandIsExitTwo) {
    start_both();
    Shell s = make();
    EXPECT_EQ(run(s, "show ip foo"), kExitUsage);
    EXPECT_EQ(err.str(), "% Unknown command: show ip foo\n");
    EXPECT_TRUE(t.commands_sent().empty());
    EXPECT_EQ(run(s, "sh ip m"), kExitUsage);
    EXPECT_EQ(err.str(), "% Ambiguous command: sh ip m ('m' could be: mroute, msdp)\n");
    EXPECT_EQ(run(s, "show ip mroute 10.0.0.1"), kExitUsage);
    EXPECT_EQ(run(s, "show ip"), kExitUsage);
}

TEST_F(ShellTest, CommandOfAStoppedDaemonSaysItIsNotRunning) {
    t.daemons["igmpd"] = daemon(test::igmpd_commands(), [](const json& r) { return echo("igmpd", r); });
    Shell s = make();
    EXPECT_FALSE(s.daemons()[0].running);
    EXPECT_TRUE(s.daemons()[1].running);
    EXPECT_EQ(run(s, "show ip pim neighbor"), kExitUnreachable);
    EXPECT_EQ(err.str(),
              "% pimd is not running (cannot connect to /run/x/pimd.sock: No such file or directory)\n");
    EXPECT_EQ(run(s, "show ip igmp groups"), kExitOk);  // the other daemon still answers
}

TEST_F(ShellTest, DaemonThatDiesAfterDiscoveryIsExitThree) {
    start_both();
    Shell s = make();
    t.daemons.erase("pimd");
    EXPECT_EQ(run(s, "show ip mroute"), kExitUnreachable);
    EXPECT_EQ(err.str(),
              "% pimd is not running (cannot connect to /run/x/pimd.sock: No such file or directory)\n");
    t.timeout["igmpd"] = true;
    EXPECT_EQ(run(s, "show ip igmp groups"), kExitUnreachable);
    EXPECT_EQ(err.str(), "% igmpd is not responding (no reply within 5 s)\n");
}

TEST_F(ShellTest, DaemonStartedLaterIsFoundOnTheNextCommand) {
    Shell s = make();
    EXPECT_EQ(run(s, "show ip mroute"), kExitUnreachable);
    start_both();
    EXPECT_EQ(run(s, "show ip mroute"), kExitOk);
    EXPECT_EQ(out.str(), "pimd: show ip mroute\n");
}

TEST_F(ShellTest, ShowDaemons) {
    t.daemons["pimd"] = daemon(test::pimd_commands(), [](const json& r) { return echo("pimd", r); });
    Shell s = make();
    EXPECT_EQ(run(s, "sh daemons"), kExitOk);
    EXPECT_EQ(out.str(),
              "pimd: running, version 0.1.0, socket /run/x/pimd.sock\n"
              "igmpd: not running, socket /run/x/igmpd.sock\n"
              "  % igmpd is not running (cannot connect to /run/x/igmpd.sock: No such file or directory)\n");
    Shell sj = make(true);
    EXPECT_EQ(run(sj, "show daemons"), kExitOk);
    json j = json::parse(out.str());
    ASSERT_EQ(j.size(), 2u);
    EXPECT_EQ(j[0]["daemon"], "pimd");
    EXPECT_EQ(j[0]["running"], true);
    EXPECT_EQ(j[1]["running"], false);
}

TEST_F(ShellTest, HelpExitAndContextHelp) {
    start_both();
    Shell s = make();
    EXPECT_EQ(run(s, "help"), kExitOk);
    EXPECT_NE(out.str().find("  show ip pim neighbor [IFNAME]"), std::string::npos);
    EXPECT_NE(out.str().find("  show ip igmp sources GROUP [IFNAME]"), std::string::npos);
    EXPECT_NE(out.str().find("  show daemons"), std::string::npos);
    EXPECT_EQ(run(s, "show ip pim ?"), kExitOk);
    EXPECT_EQ(out.str(), "  interface   PIM interfaces\n  neighbor    PIM neighbors\n");
    EXPECT_EQ(s.help_at("sh ip pim nei "), "  IFNAME      only this interface\n  <cr>\n");
    EXPECT_EQ(s.help_at("sh foo "), "% Unknown command: sh foo\n");
    EXPECT_FALSE(s.exit_requested());
    EXPECT_EQ(run(s, "exit"), kExitOk);
    EXPECT_TRUE(s.exit_requested());
    EXPECT_TRUE(t.commands_sent().empty());
}

TEST_F(ShellTest, CompletionAsksDaemonsForValues) {
    t.daemons["pimd"] = daemon(test::pimd_commands(), [](const json& r) {
        if (r["argv"] == json{"__complete", "interface"}) return data_reply(json{"veth1", "veth0"});
        return json{{"ok", false}, {"error", "unknown kind"}};
    });
    t.daemons["igmpd"] = daemon(test::igmpd_commands(), [](const json& r) {
        if (r["argv"] == json{"__complete", "interface"}) return data_reply(json{"veth0", "veth2"});
        return json{{"ok", false}, {"error", "unknown kind"}};
    });
    Shell s = make();
    EXPECT_EQ(s.complete_at("sh ip pim nei v"), (Words{"veth0", "veth1", "veth2"}));
    EXPECT_EQ(s.complete_at("sh ip mroute "), Words{});  // groups: both daemons answered with errors
    EXPECT_EQ(s.complete_at("sh ip m"), (Words{"mroute", "msdp"}));
    EXPECT_EQ(s.complete_at("e"), (Words{"exit"}));
}

// `show metrics` answered by a daemon: its families as common/sys/metrics_status.cpp renders them in JSON.
json metrics_reply(const std::string& who, double replies, const std::string& own_family) {
    return data_reply(json{
        {"families",
         json::array({{{"name", "fanout_info"},
                       {"help", "daemon name and version (always 1)"},
                       {"type", "gauge"},
                       {"samples",
                        json::array({{{"labels", {{"daemon", who}, {"version", "0.1.0"}}}, {"value", 1}}})}},
                      {{"name", "fanout_status_replies_total"},
                       {"help", "status socket replies fully written"},
                       {"type", "counter"},
                       {"samples", json::array({{{"labels", json::object()}, {"value", replies}}})}},
                      {{"name", own_family},
                       {"help", who + " only"},
                       {"type", "gauge"},
                       {"samples", json::array({{{"labels", {{"reason", "a\"b"}}}, {"value", 2}}})}}})}});
}

FakeTransport::Handler metrics_daemon(json commands, const std::string& who, const std::string& own) {
    return daemon(std::move(commands), [who, own](const json& r) {
        if (r["argv"] == json{"show", "metrics"}) return metrics_reply(who, who == "pimd" ? 7 : 9, own);
        return echo(who, r);
    });
}

size_t count_of(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

TEST_F(ShellTest, ShowMetricsIsOneDocumentWithADaemonLabel) {
    t.daemons["pimd"] = metrics_daemon(test::pimd_commands(), "pimd", "fanout_pim_x");
    t.daemons["igmpd"] = metrics_daemon(test::igmpd_commands(), "igmpd", "fanout_igmp_y");
    Shell s = make();
    EXPECT_EQ(run(s, "sh metrics"), kExitOk);
    const std::string doc = out.str();
    EXPECT_EQ(err.str(), "");
    EXPECT_EQ(doc.find("---"), std::string::npos) << "no per-daemon headers: " << doc;
    EXPECT_EQ(count_of(doc, "# TYPE fanout_status_replies_total counter\n"), 1u) << doc;
    EXPECT_EQ(count_of(doc, "# HELP fanout_status_replies_total "), 1u) << doc;
    EXPECT_NE(doc.find("fanout_status_replies_total{daemon=\"pimd\"} 7\n"), std::string::npos) << doc;
    EXPECT_NE(doc.find("fanout_status_replies_total{daemon=\"igmpd\"} 9\n"), std::string::npos) << doc;
    EXPECT_NE(doc.find("fanout_info{daemon=\"igmpd\",version=\"0.1.0\"} 1\n"), std::string::npos)
        << "a sample that has a daemon label keeps it (no second one): " << doc;
    EXPECT_NE(doc.find("fanout_pim_x{daemon=\"pimd\",reason=\"a\\\"b\"} 2\n"), std::string::npos) << doc;
    EXPECT_NE(doc.find("fanout_igmp_y{daemon=\"igmpd\",reason=\"a\\\"b\"} 2\n"), std::string::npos) << doc;
    // Each family's samples follow its TYPE line, before the next family starts.
    const auto type_at = doc.find("# TYPE fanout_status_replies_total");
    const auto next_family = doc.find("# HELP", type_at);
    EXPECT_LT(doc.find("{daemon=\"igmpd\"} 9"), next_family) << doc;
    EXPECT_EQ(t.commands_sent().size(), 2u) << "one show metrics to each daemon";

    Shell sj = make(true);
    EXPECT_EQ(run(sj, "show metrics"), kExitOk);
    json j = json::parse(out.str());
    ASSERT_TRUE(j["families"].is_array());
    EXPECT_EQ(j["families"][1]["samples"].size(), 2u);
    EXPECT_TRUE(j["unavailable"].empty());
}

TEST_F(ShellTest, ShowMetricsWithAStoppedDaemonSaysSoInOneCommentLine) {
    t.daemons["pimd"] = metrics_daemon(test::pimd_commands(), "pimd", "fanout_pim_x");
    Shell s = make();
    EXPECT_EQ(run(s, "show metrics"), kExitOk);
    EXPECT_EQ(out.str().rfind("# igmpd is not running (cannot connect to /run/x/igmpd.sock: No such file or "
                              "directory)\n# HELP fanout_info ",
                              0),
              0u)
        << out.str();
    EXPECT_EQ(count_of(out.str(), "igmpd"), 2u)
        << "the comment line only (its name and socket): " << out.str();
    EXPECT_EQ(err.str(), "");
}

TEST_F(ShellTest, ShowMetricsWithBothDaemonsDownIsAOneLineError) {
    Shell s = make();
    EXPECT_EQ(run(s, "show metrics"), kExitUnreachable);
    EXPECT_EQ(out.str(), "");
    EXPECT_EQ(err.str(), "% show metrics: no daemon answered (pimd, igmpd)\n");
}

TEST_F(ShellTest, ShowMetricsHasHelp) {
    start_both();
    Shell s = make();
    EXPECT_NE(s.help_at("show ").find("  metrics "), std::string::npos) << s.help_at("show ");
    EXPECT_NE(s.help_at("show metrics ").find("<cr>"), std::string::npos);
    auto words = s.complete_at("show met");
    EXPECT_EQ(words, std::vector<std::string>{"metrics"});
}

TEST(ClassifyClientError, MapsTheClientsMessagesToKinds) {
    auto down =
        classify_client_error("pimd is not running (cannot connect to /x: No such file or directory)");
    EXPECT_EQ(down.kind, TransportError::Kind::kNotRunning);
    EXPECT_EQ(transport_problem("pimd", down),
              "% pimd is not running (cannot connect to /x: No such file or directory)");
    EXPECT_EQ(classify_client_error("timed out waiting for pimd to reply").kind,
              TransportError::Kind::kTimeout);
    EXPECT_EQ(classify_client_error("malformed reply from the daemon").kind, TransportError::Kind::kBadReply);
    EXPECT_EQ(classify_client_error("reply from igmpd too large").kind, TransportError::Kind::kBadReply);
    EXPECT_EQ(classify_client_error("igmpd closed the connection without a reply").kind,
              TransportError::Kind::kNotRunning);
}

TEST_F(ShellTest, ClientMessagesArePrintedAsIsWithTheirExitCode) {
    start_both();
    struct Scripted : Transport {
        Transport* inner;
        std::string fail;
        Result<json, TransportError> request(const DaemonEndpoint& d, const json& r) override {
            if (r["argv"][0] != "__commands") return make_err(classify_client_error(fail));
            return inner->request(d, r);
        }
    } scripted;
    scripted.inner = &t;
    scripted.fail = "timed out waiting for pimd to reply";
    Shell s2({{"pimd", "/p"}, {"igmpd", "/i"}}, scripted, false);
    s2.discover();
    EXPECT_EQ(s2.execute("show ip mroute", out, err), kExitUnreachable);
    EXPECT_EQ(err.str(), "% timed out waiting for pimd to reply\n");
    err.str("");
    scripted.fail = "malformed reply from the daemon";
    EXPECT_EQ(s2.execute("show ip mroute", out, err), kExitDaemonError);
    EXPECT_EQ(err.str(), "% malformed reply from the daemon\n");
}

}  // namespace
}  // namespace fanout::shell
