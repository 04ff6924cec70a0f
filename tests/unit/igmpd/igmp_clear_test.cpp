// Operator input `clear ip igmp group [G]` (ClearGroups) through IgmpCore with a recording IgmpActions:
// learned groups go (membership withdrawn), static groups stay, the querier sends a General Query at once, a
// non-querier stays silent. (`clear ip igmp statistics` is a display baseline outside the core:
// tests/unit/igmpd_daemon/igmpd_statistics_baseline_test.cpp.)
#include <gtest/gtest.h>

#include "common/core/manual_timer.hpp"
#include "igmpd/core/igmp_core.hpp"

namespace fanout::igmp {
namespace {

using namespace std::chrono_literals;

const Ipv4Address g1{239, 1, 1, 1}, g2{239, 1, 1, 2}, gs{239, 9, 9, 9}, host{198, 19, 2, 10};

struct Rec final : IgmpActions {
    std::vector<std::pair<int, packet::IgmpMessage>> sent;
    std::vector<MembershipRecord> members;
    void send_igmp(int ifindex, Ipv4Address, Ipv4Address, std::span<const uint8_t> m) override {
        auto d = packet::decode_igmp(m);
        ASSERT_TRUE(d.ok());
        sent.emplace_back(ifindex, *d);
    }
    void membership_changed(const MembershipRecord& r) override { members.push_back(r); }
    size_t general_queries() const {
        size_t n = 0;
        for (const auto& [i, m] : sent)
            if (auto* q = std::get_if<packet::IgmpQueryV3>(&m); q && q->group.is_unspecified()) ++n;
        return n;
    }
};

class IgmpClear : public ::testing::Test {
  protected:
    IgmpClear() {
        c_.interfaces["eth0"].static_groups = {gs};
        core_ = std::make_unique<IgmpCore>(c_, t_, rng_, rec_);
        core_->handle(
            InterfaceChanged{2, "eth0", true, true, 1500, {IfAddress{Ipv4Address(198, 19, 2, 1), 24}}});
        for (Ipv4Address g : {g1, g2}) {
            packet::IgmpReportV3 r;
            r.records.push_back({packet::IgmpRecordType::kChangeToExcludeMode, g, {}});
            core_->handle(RxIgmp{2, host, addr::kIgmpV3Reports, r, true});
        }
    }
    const IgmpInterface& eth0() const { return *core_->find_interface(2); }

    ManualTimerService t_;
    SeededRandom rng_{1};
    Rec rec_;
    IgmpConfig c_;
    std::unique_ptr<IgmpCore> core_;
};

TEST_F(IgmpClear, OneGroupGoesAndTheQuerierAsksAgain) {
    ASSERT_TRUE(eth0().is_querier());
    ASSERT_EQ(eth0().groups().size(), 2u);
    const size_t queries = rec_.general_queries(), members = rec_.members.size();
    EXPECT_EQ(core_->handle(ClearGroups{g1, ""}), 1u);
    EXPECT_EQ(eth0().groups().count(g1), 0u);
    EXPECT_EQ(eth0().groups().count(g2), 1u);
    ASSERT_EQ(rec_.members.size(), members + 1);
    EXPECT_EQ(rec_.members.back().group, g1);
    EXPECT_TRUE(rec_.members.back().empty());  // membership withdrawn (pimd prunes)
    EXPECT_EQ(rec_.general_queries(), queries + 1);
    // A receiver still there answers: the group is back.
    packet::IgmpReportV3 r;
    r.records.push_back({packet::IgmpRecordType::kModeIsExclude, g1, {}});
    core_->handle(RxIgmp{2, host, addr::kIgmpV3Reports, r, true});
    EXPECT_EQ(eth0().groups().count(g1), 1u);
}

TEST_F(IgmpClear, AllGroupsGoStaticOnesStay) {
    EXPECT_EQ(core_->handle(ClearGroups{std::nullopt, ""}), 2u);
    EXPECT_TRUE(eth0().groups().empty());
    EXPECT_EQ(eth0().memberships().count(gs), 1u);  // static: still exported
    EXPECT_EQ(eth0().memberships().count(g1), 0u);
    EXPECT_EQ(eth0().memberships().count(g2), 0u);
    EXPECT_EQ(core_->handle(ClearGroups{std::nullopt, "eth9"}), 0u);  // another interface: nothing
    EXPECT_EQ(core_->handle(ClearGroups{g1, ""}), 0u);                // already gone
}

TEST_F(IgmpClear, NonQuerierClearsWithoutQuerying) {
    core_->handle(RxIgmp{2, Ipv4Address(198, 19, 2, 0), addr::kAllSystems, packet::IgmpQueryV3{}, true});
    ASSERT_FALSE(eth0().is_querier());
    const size_t sent = rec_.sent.size();
    EXPECT_EQ(core_->handle(ClearGroups{std::nullopt, "eth0"}), 2u);
    EXPECT_EQ(rec_.sent.size(), sent);
}

}  // namespace
}  // namespace fanout::igmp
