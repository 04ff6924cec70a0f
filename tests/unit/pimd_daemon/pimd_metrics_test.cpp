// pimd's metric rules (pimd_metrics.hpp) over `show ip pim statistics`: counts are Prometheus counters named
// *_total, levels are gauges (a scraper computes rates of counters only, and a gauge that only grows, or a
// counter that goes down, breaks its alerts).
#include <gtest/gtest.h>

#include "pimd/pimd_clear_commands.hpp"
#include "pimd/pimd_metrics.hpp"
#include "tests/testlib/temp_dir.hpp"

namespace fanout::pimd {
namespace {

class PimdMetricsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        sys::StatusServerOptions o;
        o.path = dir_ + "/pimd.sock";
        o.daemon = "pimd";
        auto s = sys::StatusServer::listen(loop_, o);
        ASSERT_TRUE(s.ok());
        server_ = std::move(s.value());
        // Only the statistics command is registered: the rules of the other commands are skipped.
        server_->add({{"show", "ip", "pim", "statistics"}, "statistics", {}},
                     [this](const auto&) -> Result<sys::ShowOutput, std::string> {
                         return sys::ShowOutput::of(view_);
                     });
    }
    void TearDown() override { server_.reset(); }

    MetricSet scrape() { return sys::metrics_from_status(*server_, pimd_metric_rules(), "pimd"); }

    sys::EventLoop loop_;
    testlib::TempDir tmp_{"fanout-pimd-metrics"};
    const std::string dir_ = tmp_.path();
    std::unique_ptr<sys::StatusServer> server_;
    PimStatisticsView view_;
};

TEST_F(PimdMetricsTest, TheUpcallBacklogsLevelsAreGaugesAndItsCountsCounters) {
    auto& b = view_.upcall_backlog;
    b.waiting = 4;
    b.peak = 9;
    b.limit = 100;
    b.newest_first = 2;
    b.oldest_first = 1;
    b.refused = 3;
    MetricSet m = scrape();
    struct Want {
        const char* family;
        MetricType type;
        double value;
    };
    for (const Want& w : {Want{"fanout_pim_upcall_backlog_waiting", MetricType::gauge, 4},
                          Want{"fanout_pim_upcall_backlog_peak", MetricType::gauge, 9},
                          Want{"fanout_pim_upcall_backlog_limit", MetricType::gauge, 100},
                          Want{"fanout_pim_upcall_backlog_newest_first_chunks_total", MetricType::counter, 2},
                          Want{"fanout_pim_upcall_backlog_oldest_first_chunks_total", MetricType::counter, 1},
                          Want{"fanout_pim_upcall_backlog_refused_total", MetricType::counter, 3}}) {
        const MetricFamily* f = m.find(w.family);
        ASSERT_NE(f, nullptr) << w.family;
        EXPECT_EQ(f->type, w.type) << w.family;
        ASSERT_EQ(f->samples.size(), 1u) << w.family;
        EXPECT_EQ(f->samples[0].value, w.value) << w.family;
    }
}

TEST_F(PimdMetricsTest, EveryStatisticsFamilyIsACounterExactlyWhenNamedTotal) {
    view_.core.rx["hello"] = 1;
    view_.core.drops["bad_checksum"] = 1;
    MetricSet m = scrape();
    ASSERT_GT(m.families().size(), 50u) << "the statistics command feeds most of pimd's families";
    for (const MetricFamily& f : m.families()) {
        const bool total = f.name.ends_with("_total");
        EXPECT_EQ(f.type == MetricType::counter, total) << f.name;
    }
}

}  // namespace
}  // namespace fanout::pimd
