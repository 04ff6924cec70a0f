#include <gtest/gtest.h>

#include <map>
#include <string>

#include "common/shell/options.hpp"
#include "common/shell/words.hpp"

namespace fanout::shell {
namespace {

using Words = std::vector<std::string>;

TEST(Words, SplitOnBlanks) {
    EXPECT_EQ(split_words("  show ip\tmroute  "), (Words{"show", "ip", "mroute"}));
    EXPECT_TRUE(split_words("").empty());
    EXPECT_TRUE(split_words("   ").empty());
}

TEST(Words, SplitAtCursorSeparatesThePartialWord) {
    auto a = split_at_cursor("sh ip m");
    EXPECT_EQ(a.words, (Words{"sh", "ip"}));
    EXPECT_EQ(a.partial, "m");
    auto b = split_at_cursor("sh ip ");
    EXPECT_EQ(b.words, (Words{"sh", "ip"}));
    EXPECT_EQ(b.partial, "");
    auto c = split_at_cursor("");
    EXPECT_TRUE(c.words.empty());
    EXPECT_EQ(c.partial, "");
    auto d = split_at_cursor("sh");
    EXPECT_TRUE(d.words.empty());
    EXPECT_EQ(d.partial, "sh");
}

class OptionsTest : public ::testing::Test {
  protected:
    Result<Options, std::string> parse(const Words& args) {
        return parse_options(args, [this](const char* name) -> const char* {
            auto it = env.find(name);
            return it == env.end() ? nullptr : it->second.c_str();
        });
    }
    std::map<std::string, std::string> env;
};

TEST_F(OptionsTest, Defaults) {
    auto o = parse({});
    ASSERT_TRUE(o);
    EXPECT_FALSE(o.value().json);
    EXPECT_FALSE(o.value().interactive);
    EXPECT_TRUE(o.value().commands.empty());
    EXPECT_EQ(o.value().pimd_socket, "/run/fanout/pimd.sock");
    EXPECT_EQ(o.value().igmpd_socket, "/run/fanout/igmpd.sock");
    EXPECT_DOUBLE_EQ(o.value().timeout_seconds, 5.0);
}

TEST_F(OptionsTest, TrailingWordsAreOneCommand) {
    auto o = parse({"-j", "show", "ip", "mroute"});
    ASSERT_TRUE(o);
    EXPECT_TRUE(o.value().json);
    EXPECT_EQ(o.value().commands, (Words{"show ip mroute"}));
}

TEST_F(OptionsTest, RepeatedDashCInOrder) {
    auto o = parse({"-c", "show version", "--command", "show ip mroute", "-cexit"});
    ASSERT_TRUE(o);
    EXPECT_EQ(o.value().commands, (Words{"show version", "show ip mroute", "exit"}));
}

TEST_F(OptionsTest, SocketsFromEnvironmentThenFlags) {
    env["FANOUT_PIMD_SOCKET"] = "/run/lab/r1/pimd.sock";
    env["FANOUT_IGMPD_SOCKET"] = "/run/lab/r1/igmpd.sock";
    auto e = parse({});
    ASSERT_TRUE(e);
    EXPECT_EQ(e.value().pimd_socket, "/run/lab/r1/pimd.sock");
    EXPECT_EQ(e.value().igmpd_socket, "/run/lab/r1/igmpd.sock");
    auto f = parse({"--pimd-socket", "/tmp/p.sock", "--igmpd-socket=/tmp/i.sock"});
    ASSERT_TRUE(f);
    EXPECT_EQ(f.value().pimd_socket, "/tmp/p.sock");
    EXPECT_EQ(f.value().igmpd_socket, "/tmp/i.sock");
}

TEST_F(OptionsTest, EmptyEnvironmentValueIsIgnored) {
    env["FANOUT_PIMD_SOCKET"] = "";
    auto o = parse({});
    ASSERT_TRUE(o);
    EXPECT_EQ(o.value().pimd_socket, "/run/fanout/pimd.sock");
}

TEST_F(OptionsTest, FlagsAndTimeout) {
    auto o = parse({"-i", "-t", "0.5", "--help", "-V"});
    ASSERT_TRUE(o);
    EXPECT_TRUE(o.value().interactive);
    EXPECT_TRUE(o.value().help);
    EXPECT_TRUE(o.value().version);
    EXPECT_DOUBLE_EQ(o.value().timeout_seconds, 0.5);
    EXPECT_DOUBLE_EQ(parse({"--timeout=2"}).value().timeout_seconds, 2.0);
}

TEST_F(OptionsTest, BadOptions) {
    auto unknown = parse({"--bogus"});
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error(), "unknown option --bogus (see fanout --help)");
    auto missing = parse({"-c"});
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error(), "option -c needs a value");
    EXPECT_FALSE(parse({"--timeout", "0"}));
    EXPECT_FALSE(parse({"--timeout", "abc"}));
    EXPECT_FALSE(parse({"--pimd-socket"}));
}

TEST_F(OptionsTest, DoubleDashEndsOptions) {
    auto o = parse({"--", "-j", "x"});
    ASSERT_TRUE(o);
    EXPECT_FALSE(o.value().json);
    EXPECT_EQ(o.value().commands, (Words{"-j x"}));
}

TEST(Usage, DocumentsEveryExitCode) {
    std::string u = usage_text();
    for (const char* line :
         {"  0  success", "  1  a daemon answered with an error",
          "  2  unknown, ambiguous or incomplete command", "  3  a daemon the command needs"}) {
        EXPECT_NE(u.find(line), std::string::npos) << line;
    }
    EXPECT_NE(u.find("--pimd-socket"), std::string::npos);
    EXPECT_NE(u.find("FANOUT_IGMPD_SOCKET"), std::string::npos);
}

}  // namespace
}  // namespace fanout::shell
