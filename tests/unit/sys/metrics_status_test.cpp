// Metrics from status commands (common/sys/metrics_status.hpp), the `metrics: {listen}` config key and the
// evhttp listener (common/sys/metrics_http.hpp) scraped over loopback TCP.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "common/sys/config_yaml.hpp"
#include "common/sys/daemon_main.hpp"
#include "common/sys/metrics_http.hpp"
#include "common/sys/metrics_status.hpp"
#include "tests/testlib/temp_dir.hpp"

namespace fanout::sys {
namespace {

using nlohmann::json;

struct JsonOnly {
    json j;
};
json to_json(const JsonOnly& v) {
    return v.j;
}
std::string to_text(const JsonOnly& v) {
    return v.j.dump();
}

class MetricsStatusTest : public ::testing::Test {
  protected:
    void SetUp() override {
        StatusServerOptions o;
        o.path = dir_ + "/pimd.sock";
        o.daemon = "pimd";
        auto s = StatusServer::listen(loop_, o);
        ASSERT_TRUE(s.ok());
        server_ = std::move(s.value());
        stats_ = {{"pim", {{"rx", {{"hello", 7}, {"join_prune", 2}}}, {"drops", {{"bad \"checksum\"", 1}}}}},
                  {"socket", {{"received", 9}, {"sent", 4}, {"nested", {{"x", 1}}}, {"name", "eth0"}}},
                  {"reloads", 3}};
        server_->add({{"show", "stats"}, "stats", {}},
                     [this](const auto&) -> Result<ShowOutput, std::string> {
                         return ShowOutput::of(JsonOnly{stats_});
                     });
        server_->add({{"show", "nbr"}, "neighbors", {}}, [](const auto&) -> Result<ShowOutput, std::string> {
            return ShowOutput::of(JsonOnly{{{"neighbors",
                                             {{{"interface", "eth0"}, {"dr", true}, {"pkts", 5}},
                                              {{"interface", "eth0"}, {"dr", false}, {"pkts", 6}},
                                              {{"interface", "eth1"}, {"dr", false}, {"pkts", 1}}}}}});
        });
        server_->add({{"show", "broken"}, "fails", {}}, [](const auto&) -> Result<ShowOutput, std::string> {
            return make_err(std::string("not running"));
        });
    }
    void TearDown() override { server_.reset(); }

    std::vector<MetricRule> rules() const {
        using K = MetricRuleKind;
        std::vector<std::string> st{"show", "stats"}, nb{"show", "nbr"};
        return {
            {st, "/pim/rx", K::keyed, "rx_total", "rx by type", MetricType::counter, "type"},
            {st, "/pim/drops", K::keyed, "drops_total", "drops", MetricType::counter, "reason"},
            {st, "/socket", K::leaves, "sock", "socket", MetricType::counter},
            {st, "/reloads", K::value, "reloads_total", "reloads", MetricType::counter},
            {st, "/missing", K::value, "missing", "absent pointer", MetricType::gauge},
            {nb, "/neighbors", K::count, "nbrs", "neighbors", MetricType::gauge},
            {nb, "/neighbors", K::count_by, "nbrs_by_if", "per if", MetricType::gauge, "interface"},
            {nb, "/neighbors", K::sum_by, "nbr_pkts", "pkts per if", MetricType::gauge, "interface", "pkts"},
            {nb, "/neighbors", K::sum_by, "nbr_dr", "dr per if", MetricType::gauge, "interface", "dr"},
            {{"show", "not", "registered"}, "", K::count, "absent", "skipped", MetricType::gauge},
            {{"show", "broken"}, "", K::count, "broken", "fails", MetricType::gauge}};
    }

    double value(const MetricSet& m, const std::string& fam, std::vector<MetricLabel> labels = {}) {
        const MetricFamily* f = m.find(fam);
        if (!f) {
            ADD_FAILURE() << "no family " << fam;
            return -1;
        }
        for (const auto& s : f->samples) {
            bool same = s.labels.size() == labels.size();
            for (size_t i = 0; same && i < labels.size(); ++i)
                same = s.labels[i].name == labels[i].name && s.labels[i].value == labels[i].value;
            if (same) return s.value;
        }
        ADD_FAILURE() << "no sample in " << fam;
        return -1;
    }

    testlib::TempDir tmp_{"fanout-metrics"};
    const std::string dir_ = tmp_.path();
    EventLoop loop_;
    std::unique_ptr<StatusServer> server_;
    json stats_;
};

TEST_F(MetricsStatusTest, RulesTurnStatusJsonIntoFamilies) {
    MetricSet m = metrics_from_status(*server_, rules(), "pimd");
    EXPECT_EQ(value(m, "rx_total", {{"type", "hello"}}), 7);
    EXPECT_EQ(value(m, "rx_total", {{"type", "join_prune"}}), 2);
    EXPECT_EQ(value(m, "drops_total", {{"reason", "bad \"checksum\""}}), 1);
    EXPECT_EQ(value(m, "sock_received_total"), 9);
    EXPECT_EQ(value(m, "sock_sent_total"), 4);
    EXPECT_EQ(value(m, "sock_nested_x_total"), 1);
    EXPECT_EQ(m.find("sock_name_total"), nullptr);  // strings are not metrics
    EXPECT_EQ(value(m, "reloads_total"), 3);
    EXPECT_EQ(m.find("missing"), nullptr);
    EXPECT_EQ(value(m, "nbrs"), 3);
    EXPECT_EQ(value(m, "nbrs_by_if", {{"interface", "eth0"}}), 2);
    EXPECT_EQ(value(m, "nbrs_by_if", {{"interface", "eth1"}}), 1);
    EXPECT_EQ(value(m, "nbr_pkts", {{"interface", "eth0"}}), 11);
    EXPECT_EQ(value(m, "nbr_dr", {{"interface", "eth0"}}), 1);
    EXPECT_EQ(value(m, "nbr_dr", {{"interface", "eth1"}}), 0);
    EXPECT_EQ(m.find("absent"), nullptr);
    EXPECT_EQ(m.find("broken"), nullptr);
    EXPECT_EQ(value(m, "fanout_metrics_source_errors", {{"command", "show broken"}}), 1);
    EXPECT_EQ(value(m, "fanout_info", {{"daemon", "pimd"}, {"version", std::string(fanout_version())}}), 1);
    std::string text = render_prometheus(m);
    EXPECT_NE(text.find("drops_total{reason=\"bad \\\"checksum\\\"\"} 1\n"), std::string::npos) << text;
}

TEST_F(MetricsStatusTest, TotalsSourceAnswersInsteadOfTheDisplayedCommand) {
    // A daemon whose `clear ... statistics` makes show display counts since the clear hands the metrics
    // its running totals: the counters stay monotonic; commands the source does not answer are dispatched.
    std::vector<std::vector<std::string>> asked;
    MetricsDataSource totals = [&asked](const std::vector<std::string>& cmd) -> std::optional<json> {
        asked.push_back(cmd);
        if (cmd != std::vector<std::string>{"show", "stats"}) return std::nullopt;
        return json{{"pim", {{"rx", {{"hello", 100}}}}}, {"reloads", 5}};
    };
    MetricSet m = metrics_from_status(*server_, rules(), "pimd", totals);
    EXPECT_EQ(value(m, "rx_total", {{"type", "hello"}}), 100) << "the totals, not the displayed 7";
    EXPECT_EQ(value(m, "reloads_total"), 5);
    EXPECT_EQ(m.find("sock_received_total"), nullptr) << "the totals' JSON is the whole reply data";
    EXPECT_EQ(value(m, "nbrs"), 3) << "show nbr still comes from the server";
    EXPECT_EQ(asked.size(), 3u) << "asked once per distinct registered command (stats, nbr, broken)";

    register_metrics_command(*server_, rules(), "pimd", totals);
    json t = server_->dispatch({"show", "metrics"}, "text");
    ASSERT_TRUE(t.value("ok", false)) << t.dump();
    EXPECT_NE(t["text"].get<std::string>().find("rx_total{type=\"hello\"} 100\n"), std::string::npos);
}

TEST_F(MetricsStatusTest, ShowMetricsAnswersTextAndJson) {
    register_metrics_command(*server_, rules(), "pimd");
    stats_["pim"]["rx"]["hello"] = 8;
    json t = server_->dispatch({"show", "metrics"}, "text");
    ASSERT_TRUE(t.value("ok", false)) << t.dump();
    EXPECT_NE(t["text"].get<std::string>().find("# TYPE rx_total counter\nrx_total{type=\"hello\"} 8\n"),
              std::string::npos);
    json j = server_->dispatch({"show", "metrics"}, "json");
    ASSERT_TRUE(j.value("ok", false));
    bool found = false;
    for (const auto& f : j["data"]["families"])
        if (f["name"] == "rx_total") {
            found = true;
            EXPECT_EQ(f["type"], "counter");
            EXPECT_EQ(f["samples"][0]["labels"]["type"], "hello");
            EXPECT_EQ(f["samples"][0]["value"], 8);
        }
    EXPECT_TRUE(found);
}

// A blocking HTTP/1.0 GET against 127.0.0.1:port; returns the whole response.
std::string http_get(uint16_t port, const std::string& path, const std::string& method = "GET") {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        ::close(fd);
        return "connect failed";
    }
    std::string req = method + " " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
    (void)::write(fd, req.data(), req.size());
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
        out.append(buf, static_cast<size_t>(n));
    ::close(fd);
    return out;
}

TEST_F(MetricsStatusTest, HttpListenerServesMetricsOnly) {
    register_metrics_command(*server_, rules(), "pimd");
    auto http = MetricsHttpServer::listen(loop_, "127.0.0.1:0", [this] {
        return server_->dispatch({"show", "metrics"}, "text").value("text", std::string());
    });
    ASSERT_TRUE(http.ok()) << http.error();
    uint16_t port = http.value()->port();
    ASSERT_NE(port, 0);
    std::string metrics, missing, post;
    std::atomic<bool> done{false};
    std::thread client([&] {
        metrics = http_get(port, "/metrics");
        missing = http_get(port, "/other");
        post = http_get(port, "/metrics", "POST");
        done = true;
    });
    TimerHandle poll;
    std::function<void()> tick = [&] {
        if (done)
            loop_.stop();
        else
            poll = TimerHandle(loop_, 2ms, tick);
    };
    poll = TimerHandle(loop_, 2ms, tick);
    loop_.run();
    client.join();
    EXPECT_EQ(metrics.rfind("HTTP/1.0 200", 0), 0u) << metrics;
    EXPECT_NE(metrics.find("Content-Type: text/plain; version=0.0.4"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("\r\n\r\n# HELP fanout_info"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("rx_total{type=\"hello\"} 7\n"), std::string::npos);
    EXPECT_EQ(missing.rfind("HTTP/1.1 404", 0), 0u) << missing;
    EXPECT_EQ(post.rfind("HTTP/1.1 501", 0), 0u) << post;  // evhttp: methods other than GET/HEAD
    EXPECT_EQ(http.value()->counters().scrapes, 1u);
    EXPECT_EQ(http.value()->counters().not_found, 1u);
}

TEST(MetricsConfig, ListenKeyParsedNormalisedAndChecked) {
    auto parse = [](const std::string& text) {
        return parse_config(text, "t.yaml",
                            [](ConfigObject& root) { return parse_daemon_section(root, "pimd"); });
    };
    auto off = parse("{}");
    ASSERT_TRUE(off.ok());
    EXPECT_EQ(off.value().metrics_listen, "");
    auto full = parse("metrics:\n  listen: 0.0.0.0:9101\n");
    ASSERT_TRUE(full.ok());
    EXPECT_EQ(full.value().metrics_listen, "0.0.0.0:9101");
    auto port_only = parse("metrics: {listen: \":9102\"}\n");
    ASSERT_TRUE(port_only.ok());
    EXPECT_EQ(port_only.value().metrics_listen, "127.0.0.1:9102");
    auto bare = parse("metrics: {listen: 9103}\n");
    ASSERT_TRUE(bare.ok());
    EXPECT_EQ(bare.value().metrics_listen, "127.0.0.1:9103");
    for (const char* bad : {"metrics:\n  listen: 1.2.3:80\n", "metrics:\n  listen: 127.0.0.1:0\n",
                            "metrics:\n  listen: 127.0.0.1:70000\n", "metrics:\n  listen: host:80\n"}) {
        auto r = parse(bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().line, 2) << bad;
        EXPECT_EQ(r.error().key, "metrics.listen") << r.error().to_string();
        EXPECT_NE(r.error().reason.find("ADDR:PORT"), std::string::npos);
    }
    auto unknown = parse("metrics:\n  port: 80\n");
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.error().to_string().find("port"), std::string::npos);
}

}  // namespace
}  // namespace fanout::sys
