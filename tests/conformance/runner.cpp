// Runs every case folder under tests/conformance/<suite>/<case>/ through the driver registered for <suite>.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>

#include "tests/conformance/driver.hpp"

namespace fanout::conformance {

std::map<std::string, Driver>& drivers() {
    static std::map<std::string, Driver> d;
    return d;
}

bool register_suites(const std::string& prefix, const Driver& d, bool replace) {
    for (const auto& entry : std::filesystem::directory_iterator(FANOUT_CONFORMANCE_DIR)) {
        std::string name = entry.path().filename().string();
        if (!entry.is_directory() || name.rfind(prefix, 0) != 0) continue;
        if (replace)
            drivers()[name] = d;
        else
            drivers().emplace(name, d);
    }
    return true;
}

int64_t parse_duration_ms(const nlohmann::json& v) {
    if (v.is_number_integer()) return v.get<int64_t>();
    std::string s = v.get<std::string>();
    static const std::regex re(R"(^\+?([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)$)");
    std::smatch m;
    if (!std::regex_match(s, m, re)) throw std::runtime_error("bad duration: " + s);
    double n = std::stod(m[1]);
    double mult = m[2] == "ms" ? 1 : m[2] == "s" ? 1000 : m[2] == "m" ? 60000 : 3600000;
    return static_cast<int64_t>(n * mult + 0.5);
}

namespace {

struct Case {
    std::string suite;
    std::string name;
    std::filesystem::path dir;
};

std::vector<Case> discover() {
    std::vector<Case> out;
    std::filesystem::path root(FANOUT_CONFORMANCE_DIR);
    for (const auto& suite : std::filesystem::directory_iterator(root)) {
        if (!suite.is_directory()) continue;
        for (const auto& c : std::filesystem::directory_iterator(suite.path())) {
            if (c.is_directory() && std::filesystem::exists(c.path() / "input.json"))
                out.push_back({suite.path().filename().string(), c.path().filename().string(), c.path()});
        }
    }
    std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.dir < b.dir; });
    return out;
}

nlohmann::json read_json(const std::filesystem::path& p) {
    std::ifstream in(p);
    return nlohmann::json::parse(in);
}

class Conformance : public ::testing::TestWithParam<Case> {};

TEST_P(Conformance, MatchesGolden) {
    const Case& c = GetParam();
    auto it = drivers().find(c.suite);
    ASSERT_NE(it, drivers().end()) << "no conformance driver registered for suite '" << c.suite << "'";
    nlohmann::json input = read_json(c.dir / "input.json");
    nlohmann::json got = it->second(c.dir, input);
    auto golden = c.dir / "expected.json";
    const char* regold = std::getenv("FANOUT_REGOLDEN");
    if (regold && std::string(regold) == "1") {
        std::ofstream(golden) << got.dump(2) << "\n";
        GTEST_SUCCEED() << "rewrote " << golden;
        return;
    }
    ASSERT_TRUE(std::filesystem::exists(golden))
        << golden << " missing (run with FANOUT_REGOLDEN=1 to create)";
    nlohmann::json want = read_json(golden);
    if (got != want) {
        auto patch = nlohmann::json::diff(want, got);
        FAIL() << "case " << c.suite << "/" << c.name
               << " differs from golden.\nJSON patch from expected to got:\n"
               << patch.dump(2) << "\ngot:\n"
               << got.dump(2);
    }
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
    std::string n = info.param.suite + "__" + info.param.name;
    for (auto& ch : n)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    return n;
}

INSTANTIATE_TEST_SUITE_P(Golden, Conformance, ::testing::ValuesIn(discover()), case_name);

}  // namespace
}  // namespace fanout::conformance

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
