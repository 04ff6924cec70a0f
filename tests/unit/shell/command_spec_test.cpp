#include "common/shell/command_spec.hpp"

#include <gtest/gtest.h>

#include "tests/unit/shell/fixtures.hpp"

namespace fanout::shell {
namespace {

using nlohmann::json;

TEST(CommandSpec, ParsesPublishedCommands) {
    auto d = parse_daemon_commands(test::pimd_commands());
    ASSERT_TRUE(d) << d.error();
    EXPECT_EQ(d.value().daemon, "pimd");
    EXPECT_EQ(d.value().version, "0.1.0");
    ASSERT_EQ(d.value().commands.size(), 9u);
    const auto& nbr = d.value().commands[0];
    EXPECT_EQ(nbr.path, (std::vector<std::string>{"show", "ip", "pim", "neighbor"}));
    EXPECT_EQ(nbr.help, "PIM neighbors");
    ASSERT_EQ(nbr.args.size(), 1u);
    EXPECT_EQ(nbr.args[0].name, "IFNAME");
    EXPECT_EQ(nbr.args[0].kind, ArgKind::kInterface);
    EXPECT_TRUE(nbr.args[0].optional);
    EXPECT_EQ(nbr.args[0].help, "only this interface");
    EXPECT_EQ(required_arg_count(nbr), 0u);
    EXPECT_EQ(required_arg_count(d.value().commands[4]), 1u);
}

TEST(CommandSpec, RejectsMalformedCommandLists) {
    EXPECT_FALSE(parse_daemon_commands(json::array()));
    EXPECT_FALSE(parse_daemon_commands(json{{"daemon", "x"}}));
    EXPECT_FALSE(parse_daemon_commands(json::parse(R"({"commands": [{"help": "no path"}]})")));
    EXPECT_FALSE(parse_daemon_commands(json::parse(R"({"commands": [{"path": []}]})")));
    EXPECT_FALSE(parse_daemon_commands(json::parse(R"({"commands": [{"path": ["show", 3]}]})")));
    auto bad_kind = parse_daemon_commands(
        json::parse(R"({"commands": [{"path": ["x"], "args": [{"name": "A", "kind": "colour"}]}]})"));
    ASSERT_FALSE(bad_kind);
    EXPECT_NE(bad_kind.error().find("colour"), std::string::npos);
    auto order = parse_daemon_commands(json::parse(
        R"({"commands": [{"path": ["x"], "args": [{"name": "A", "optional": true}, {"name": "B"}]}]})"));
    ASSERT_FALSE(order);
    EXPECT_NE(order.error().find("B"), std::string::npos);
}

TEST(CommandSpec, ArgumentWithoutKindIsAWord) {
    auto d =
        parse_daemon_commands(json::parse(R"({"commands": [{"path": ["x"], "args": [{"name": "A"}]}]})"));
    ASSERT_TRUE(d);
    EXPECT_EQ(d.value().commands[0].args[0].kind, ArgKind::kWord);
    EXPECT_FALSE(d.value().commands[0].args[0].optional);
}

TEST(CommandSpec, KindNamesRoundTrip) {
    for (auto k : {ArgKind::kInterface, ArgKind::kGroup, ArgKind::kAddress, ArgKind::kPrefix, ArgKind::kWord,
                   ArgKind::kNumber, ArgKind::kCategory}) {
        EXPECT_EQ(arg_kind_from_name(arg_kind_name(k)), k);
    }
    EXPECT_FALSE(arg_kind_from_name("Interface"));
    EXPECT_TRUE(arg_kind_completes_from_daemon(ArgKind::kInterface));
    EXPECT_TRUE(arg_kind_completes_from_daemon(ArgKind::kGroup));
    EXPECT_TRUE(arg_kind_completes_from_daemon(ArgKind::kCategory));
    EXPECT_FALSE(arg_kind_completes_from_daemon(ArgKind::kAddress));
    EXPECT_FALSE(arg_kind_completes_from_daemon(ArgKind::kNumber));
}

TEST(CommandSpec, ChecksEachArgumentKind) {
    EXPECT_EQ(check_arg(ArgKind::kInterface, "eth0"), "");
    EXPECT_EQ(check_arg(ArgKind::kInterface, "veth-r1-r2.100"), "");
    EXPECT_NE(check_arg(ArgKind::kInterface, ""), "");
    EXPECT_NE(check_arg(ArgKind::kInterface, "a-very-long-ifname"), "");  // 18 > 15
    EXPECT_NE(check_arg(ArgKind::kInterface, "a/b"), "");
    EXPECT_NE(check_arg(ArgKind::kInterface, ".."), "");

    EXPECT_EQ(check_arg(ArgKind::kGroup, "239.1.1.1"), "");
    EXPECT_EQ(check_arg(ArgKind::kGroup, "224.0.0.13"), "");
    EXPECT_EQ(check_arg(ArgKind::kGroup, "198.18.0.1"), "not a multicast group (224.0.0.0/4)");
    EXPECT_NE(check_arg(ArgKind::kGroup, "239.1.1"), "");

    EXPECT_EQ(check_arg(ArgKind::kAddress, "198.18.0.1"), "");
    EXPECT_NE(check_arg(ArgKind::kAddress, "198.18.0.256"), "");
    EXPECT_NE(check_arg(ArgKind::kAddress, "eth0"), "");

    EXPECT_EQ(check_arg(ArgKind::kPrefix, "239.0.0.0/8"), "");
    EXPECT_EQ(check_arg(ArgKind::kPrefix, "198.18.0.1/15"), "");
    EXPECT_NE(check_arg(ArgKind::kPrefix, "239.0.0.0/33"), "");

    EXPECT_EQ(check_arg(ArgKind::kNumber, "42"), "");
    EXPECT_NE(check_arg(ArgKind::kNumber, "4x"), "");
    EXPECT_NE(check_arg(ArgKind::kNumber, "-1"), "");
    EXPECT_NE(check_arg(ArgKind::kNumber, ""), "");

    EXPECT_EQ(check_arg(ArgKind::kWord, "anything"), "");
    EXPECT_EQ(check_arg(ArgKind::kCategory, "packets"), "");
}

}  // namespace
}  // namespace fanout::shell
