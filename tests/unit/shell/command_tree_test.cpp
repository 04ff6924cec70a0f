#include "common/shell/command_tree.hpp"

#include <gtest/gtest.h>

#include <map>

#include "tests/unit/shell/fixtures.hpp"

namespace fanout::shell {
namespace {

using Words = std::vector<std::string>;

class CommandTreeTest : public ::testing::Test {
  protected:
    void SetUp() override {
        tree.add_all(parse_daemon_commands(test::pimd_commands()).value());
        tree.add_all(parse_daemon_commands(test::igmpd_commands()).value());
        tree.add(CommandSpec{{"show", "daemons"}, "Which daemons answer", {}}, kLocalOwner);
    }
    CommandTree tree;
};

TEST_F(CommandTreeTest, ResolvesUnambiguousPrefixes) {
    auto r = tree.resolve({"sh", "ip", "mr"});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r.value().path, (Words{"show", "ip", "mroute"}));
    EXPECT_TRUE(r.value().args.empty());
    EXPECT_EQ(r.value().owners, (Words{"pimd"}));
    ASSERT_NE(r.value().spec, nullptr);
    EXPECT_EQ(r.value().spec->help, "Multicast routing table");

    auto g = tree.resolve({"s", "i", "ig", "g"});
    ASSERT_TRUE(g) << g.error().message;
    EXPECT_EQ(g.value().path, (Words{"show", "ip", "igmp", "groups"}));
    EXPECT_EQ(g.value().owners, (Words{"igmpd"}));
}

TEST_F(CommandTreeTest, FullWordsResolveToo) {
    auto r = tree.resolve({"show", "ip", "pim", "neighbor"});
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().path, (Words{"show", "ip", "pim", "neighbor"}));
}

TEST_F(CommandTreeTest, AmbiguousPrefixListsCandidates) {
    auto r = tree.resolve({"sh", "ip", "m"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ResolveErrorKind::kAmbiguous);
    EXPECT_EQ(r.error().candidates, (Words{"mroute", "msdp"}));
    EXPECT_EQ(r.error().message, "% Ambiguous command: sh ip m ('m' could be: mroute, msdp)");

    auto p = tree.resolve({"sh", "ip", "pim", "i"});  // only "interface": not ambiguous
    ASSERT_TRUE(p);
    auto s = tree.resolve({"s"});  // show only at top level? no: "show" alone is incomplete
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().kind, ResolveErrorKind::kIncomplete);
}

TEST_F(CommandTreeTest, ExactWordWinsOverLongerWordItPrefixes) {
    CommandTree t;
    t.add(CommandSpec{{"show", "group"}, "one", {}}, "a");
    t.add(CommandSpec{{"show", "groups"}, "all", {}}, "a");
    auto r = t.resolve({"show", "group"});
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().path, (Words{"show", "group"}));
    auto amb = t.resolve({"show", "gro"});
    ASSERT_FALSE(amb);
    EXPECT_EQ(amb.error().kind, ResolveErrorKind::kAmbiguous);
}

TEST_F(CommandTreeTest, UnknownCommand) {
    auto r = tree.resolve({"show", "ip", "foo"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ResolveErrorKind::kUnknown);
    EXPECT_EQ(r.error().message, "% Unknown command: show ip foo");
    auto extra = tree.resolve({"show", "version", "now"});  // takes no arguments
    ASSERT_FALSE(extra);
    EXPECT_EQ(extra.error().kind, ResolveErrorKind::kUnknown);
    EXPECT_EQ(tree.resolve({}).error().kind, ResolveErrorKind::kEmpty);
}

TEST_F(CommandTreeTest, IncompleteCommandNamesTheNextWords) {
    auto r = tree.resolve({"show", "ip"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ResolveErrorKind::kIncomplete);
    EXPECT_EQ(r.error().candidates, (Words{"igmp", "mroute", "msdp", "pim", "rpf"}));
    EXPECT_EQ(r.error().message, "% Incomplete command: show ip (next: igmp, mroute, msdp, pim, rpf)");
}

TEST_F(CommandTreeTest, ArgumentsFollowTheCommand) {
    auto r = tree.resolve({"sh", "ip", "pim", "nei", "veth0"});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r.value().path, (Words{"show", "ip", "pim", "neighbor"}));
    EXPECT_EQ(r.value().args, (Words{"veth0"}));

    auto s = tree.resolve({"sh", "ip", "igmp", "so", "232.1.1.1", "eth1"});
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s.value().args, (Words{"232.1.1.1", "eth1"}));
}

TEST_F(CommandTreeTest, MissingRequiredArgument) {
    auto r = tree.resolve({"show", "ip", "igmp", "sources"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ResolveErrorKind::kMissingArg);
    EXPECT_EQ(r.error().message, "% Missing argument GROUP (usage: show ip igmp sources GROUP [IFNAME])");
}

TEST_F(CommandTreeTest, TooManyArguments) {
    auto r = tree.resolve({"show", "ip", "mroute", "239.1.1.1", "239.2.2.2"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ResolveErrorKind::kTooManyArgs);
    EXPECT_EQ(r.error().message, "% Too many arguments: '239.2.2.2' (usage: show ip mroute [GROUP])");
}

TEST_F(CommandTreeTest, ArgumentsAreCheckedByKind) {
    auto bad_group = tree.resolve({"show", "ip", "mroute", "198.18.0.1"});
    ASSERT_FALSE(bad_group);
    EXPECT_EQ(bad_group.error().kind, ResolveErrorKind::kBadArg);
    EXPECT_EQ(bad_group.error().message, "% Invalid GROUP '198.18.0.1': not a multicast group (224.0.0.0/4)");
    EXPECT_TRUE(tree.resolve({"show", "ip", "mroute", "239.1.1.1"}));
    EXPECT_FALSE(tree.resolve({"show", "ip", "rpf", "not-an-address"}));
    EXPECT_TRUE(tree.resolve({"show", "ip", "rpf", "198.18.0.1"}));
    EXPECT_FALSE(tree.resolve({"show", "ip", "pim", "neighbor", "much-too-long-name"}));
}

TEST_F(CommandTreeTest, CommandOfBothDaemonsHasBothOwners) {
    auto r = tree.resolve({"sh", "ver"});
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().owners, (Words{"pimd", "igmpd"}));
    auto rc = tree.resolve({"sh", "run"});
    ASSERT_TRUE(rc);
    EXPECT_EQ(rc.value().owners, (Words{"pimd", "igmpd"}));
    auto d = tree.resolve({"sh", "d"});
    ASSERT_TRUE(d);
    EXPECT_EQ(d.value().owners, (Words{std::string(kLocalOwner)}));
}

TEST_F(CommandTreeTest, AddingTheSameCommandTwiceFromOneOwnerKeepsOneOwner) {
    tree.add(CommandSpec{{"show", "ip", "mroute"}, "again", {}}, "pimd");
    auto r = tree.resolve({"show", "ip", "mroute"});
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().owners, (Words{"pimd"}));
    EXPECT_EQ(r.value().spec->help, "Multicast routing table");  // the first spec is kept
}

TEST_F(CommandTreeTest, ContextHelpListsNextWordsWithHelp) {
    auto h = tree.context_help({"show", "ip"}, "");
    ASSERT_TRUE(h);
    std::vector<HelpItem> want{{"igmp", "IGMP information"},
                               {"mroute", "Multicast routing table"},
                               {"msdp", "MSDP information"},
                               {"pim", "PIM information"},
                               {"rpf", "RPF lookup"}};
    EXPECT_EQ(h.value(), want);
}

TEST_F(CommandTreeTest, ContextHelpOnAPartialWordListsItsCompletions) {
    auto h = tree.context_help({"sh", "ip"}, "m");
    ASSERT_TRUE(h);
    EXPECT_EQ(h.value(),
              (std::vector<HelpItem>{{"mroute", "Multicast routing table"}, {"msdp", "MSDP information"}}));
}

TEST_F(CommandTreeTest, ContextHelpAtACommandShowsArgumentsAndCr) {
    auto h = tree.context_help({"sh", "ip", "pim", "neighbor"}, "");
    ASSERT_TRUE(h);
    EXPECT_EQ(h.value(), (std::vector<HelpItem>{{"IFNAME", "only this interface"}, {"<cr>", ""}}));

    auto req = tree.context_help({"show", "ip", "igmp", "sources"}, "");
    ASSERT_TRUE(req);
    EXPECT_EQ(req.value(), (std::vector<HelpItem>{{"GROUP", "Multicast group address"}}));  // no <cr> yet

    auto second = tree.context_help({"show", "ip", "igmp", "sources", "232.1.1.1"}, "");
    ASSERT_TRUE(second);
    EXPECT_EQ(second.value(), (std::vector<HelpItem>{{"IFNAME", "Interface name"}, {"<cr>", ""}}));

    auto done = tree.context_help({"show", "version"}, "");
    ASSERT_TRUE(done);
    EXPECT_EQ(done.value(), (std::vector<HelpItem>{{"<cr>", ""}}));
}

TEST_F(CommandTreeTest, ContextHelpAtTheTopLevel) {
    auto h = tree.context_help({}, "");
    ASSERT_TRUE(h);
    std::vector<std::string> words;
    for (const auto& i : h.value())
        words.push_back(i.word);
    EXPECT_EQ(words, (Words{"clear", "debug", "show"}));
}

TEST_F(CommandTreeTest, ContextHelpAfterAnUnknownWordSaysSo) {
    auto h = tree.context_help({"show", "bogus"}, "");
    ASSERT_FALSE(h);
    EXPECT_EQ(h.error().message, "% Unknown command: show bogus");
    auto none = tree.context_help({"show"}, "zz");
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().message, "% There is no matched command.");
    auto amb = tree.context_help({"show", "ip", "m"}, "");
    ASSERT_FALSE(amb);
    EXPECT_EQ(amb.error().kind, ResolveErrorKind::kAmbiguous);
}

TEST_F(CommandTreeTest, FormatHelpAlignsTheHelpColumn) {
    std::string s =
        format_help({{"mroute", "Multicast routing table"}, {"running-config", "Current"}, {"<cr>", ""}});
    EXPECT_EQ(s,
              "  mroute          Multicast routing table\n"
              "  running-config  Current\n"
              "  <cr>\n");
}

TEST_F(CommandTreeTest, CompletesCommandWords) {
    EXPECT_EQ(tree.complete({}, "sh", nullptr), (Words{"show"}));
    EXPECT_EQ(tree.complete({"show"}, "", nullptr), (Words{"daemons", "ip", "running-config", "version"}));
    EXPECT_EQ(tree.complete({"sh", "ip"}, "m", nullptr), (Words{"mroute", "msdp"}));
    EXPECT_EQ(tree.complete({"sh", "ip", "pim"}, "n", nullptr), (Words{"neighbor"}));
    EXPECT_TRUE(tree.complete({"show", "zz"}, "", nullptr).empty());
    EXPECT_TRUE(tree.complete({"show"}, "x", nullptr).empty());
}

TEST_F(CommandTreeTest, CompletesArgumentsFromTheValueSource) {
    std::map<ArgKind, int> asked;
    ValueSource values = [&](ArgKind k) -> std::vector<std::string> {
        ++asked[k];
        switch (k) {
            case ArgKind::kInterface:
                return {"veth1", "veth0", "lo"};
            case ArgKind::kGroup:
                return {"239.1.1.1", "232.1.1.1", "239.2.2.2"};
            case ArgKind::kCategory:
                return {"packets", "fsm", "kernel"};
            case ArgKind::kAddress:
            case ArgKind::kPrefix:
            case ArgKind::kWord:
            case ArgKind::kNumber:
                return {"should-not-be-asked"};
        }
        return {};
    };
    EXPECT_EQ(tree.complete({"sh", "ip", "pim", "nei"}, "", values), (Words{"lo", "veth0", "veth1"}));
    EXPECT_EQ(tree.complete({"sh", "ip", "pim", "nei"}, "ve", values), (Words{"veth0", "veth1"}));
    EXPECT_EQ(tree.complete({"sh", "ip", "mroute"}, "239", values), (Words{"239.1.1.1", "239.2.2.2"}));
    EXPECT_EQ(tree.complete({"debug", "pim"}, "k", values), (Words{"kernel"}));
    EXPECT_EQ(tree.complete({"sh", "ip", "igmp", "sources", "232.1.1.1"}, "", values),
              (Words{"lo", "veth0", "veth1"}));
    EXPECT_TRUE(tree.complete({"sh", "ip", "rpf"}, "", values).empty());  // addresses are not listed
    EXPECT_TRUE(tree.complete({"sh", "ip", "pim", "nei", "veth0"}, "", values).empty());  // no more args
    EXPECT_EQ(asked[ArgKind::kAddress], 0);
    EXPECT_EQ(asked[ArgKind::kInterface], 3);
}

TEST_F(CommandTreeTest, CommandListShowsUsageAndHelp) {
    CommandTree t;
    t.add(CommandSpec{{"show", "ip", "mroute"}, "Routes", {{"GROUP", ArgKind::kGroup, true, ""}}}, "pimd");
    t.add(CommandSpec{{"exit"}, "Leave", {}}, kLocalOwner);
    t.add(CommandSpec{{"show", "ip", "rpf"}, "", {{"ADDRESS", ArgKind::kAddress, false, ""}}}, "pimd");
    EXPECT_EQ(format_command_list(t),
              "  exit                    Leave\n"
              "  show ip mroute [GROUP]  Routes\n"
              "  show ip rpf ADDRESS\n");
}

TEST(CommonPrefix, OfCandidates) {
    EXPECT_EQ(common_prefix({}), "");
    EXPECT_EQ(common_prefix({"mroute"}), "mroute");
    EXPECT_EQ(common_prefix({"mroute", "msdp"}), "m");
    EXPECT_EQ(common_prefix({"veth0", "veth1", "veth10"}), "veth");
    EXPECT_EQ(common_prefix({"abc", "xyz"}), "");
}

TEST(WordHelp, KnownAndUnknownWords) {
    EXPECT_EQ(word_help("show"), "Show running system information");
    EXPECT_EQ(word_help("zzz"), "");
}

}  // namespace
}  // namespace fanout::shell
