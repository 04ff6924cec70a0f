// GroupState (RFC 3376 6.4-6.6.3, 7.3) driven directly through a recording GroupHost.
#include <gtest/gtest.h>

#include <vector>

#include "common/core/manual_timer.hpp"
#include "igmpd/core/group_state.hpp"

namespace fanout::igmp {
namespace {

using packet::IgmpRecordType;
using namespace std::chrono_literals;

const Ipv4Address g{239, 1, 1, 1}, s1{198, 18, 0, 1}, s2{198, 18, 0, 2}, s3{198, 18, 0, 3};

struct SentQuery {
    bool suppress;
    SourceSet sources;
};

class Host final : public GroupHost {
  public:
    ManualTimerService t;
    bool querier = true;
    bool fast_leave = false;
    std::vector<SentQuery> sent;
    int changes = 0;
    bool emptied = false;
    int rows = 0;

    TimerService& timers() override { return t; }
    EffectiveTimers effective_timers() const override { return {}; }  // RFC defaults: GMI 260 s, LMQT 2 s
    bool is_querier() const override { return querier; }
    bool immediate_leave() const override { return fast_leave; }
    void send_specific_query(const GroupState&, bool s, const SourceSet& src) override {
        sent.push_back({s, src});
    }
    void group_changed(GroupState&) override { ++changes; }
    void group_empty(GroupState&) override { emptied = true; }
    void row_applied(const GroupState&, FilterMode, IgmpRecordType, const SourceSet&) override { ++rows; }
};

TEST(GroupState, StartsIncludeEmpty) {
    Host h;
    GroupState st(h, g, h.t.now());
    EXPECT_EQ(st.mode(), FilterMode::kInclude);
    EXPECT_TRUE(st.is_empty());
    EXPECT_EQ(st.compat_mode(), CompatMode::kV3);
}

TEST(GroupState, IncludeToExcludeKeepsIntersectionTimers) {
    Host h;
    GroupState st(h, g, h.t.now());
    st.apply(IgmpRecordType::kModeIsInclude, {s1, s2});
    h.t.advance(10s);
    st.apply(IgmpRecordType::kModeIsExclude, {s2, s3});  // EXCLUDE (A*B={s2}, B-A={s3})
    EXPECT_EQ(st.mode(), FilterMode::kExclude);
    EXPECT_EQ(st.filter_state(), (FilterState{FilterMode::kExclude, {s3}}));
    EXPECT_EQ(st.sources().at(s2).timer.remaining(), 250s);
    EXPECT_FALSE(st.sources().count(s1));
    EXPECT_EQ(st.group_timer_remaining(), 260s);
    EXPECT_TRUE(st.forwards(s1));   // not listed in EXCLUDE: forwarded
    EXPECT_TRUE(st.forwards(s2));   // X
    EXPECT_FALSE(st.forwards(s3));  // Y
    EXPECT_TRUE(h.sent.empty());
}

TEST(GroupState, BlockQueriesOnlyAsQuerier) {
    Host h;
    h.querier = false;
    GroupState st(h, g, h.t.now());
    st.apply(IgmpRecordType::kModeIsInclude, {s1});
    st.apply(IgmpRecordType::kBlockOldSources, {s1});
    EXPECT_TRUE(h.sent.empty());
    EXPECT_EQ(st.sources().at(s1).timer.remaining(), 260s);  // not lowered by a non-querier
    h.querier = true;
    st.apply(IgmpRecordType::kBlockOldSources, {s1});
    ASSERT_EQ(h.sent.size(), 1u);
    EXPECT_FALSE(h.sent[0].suppress);
    EXPECT_EQ(h.sent[0].sources, (SourceSet{s1}));
    EXPECT_EQ(st.sources().at(s1).timer.remaining(), 2s);
    h.t.advance(1s);
    EXPECT_EQ(h.sent.size(), 2u);  // LMQC = 2 transmissions
    h.t.advance(1s);
    EXPECT_EQ(h.sent.size(), 2u);
    EXPECT_TRUE(h.emptied);  // s1 expired: INCLUDE {} -> deleted
}

TEST(GroupState, GroupTimerExpirySwitchesToInclude) {
    Host h;
    GroupState st(h, g, h.t.now());
    st.apply(IgmpRecordType::kChangeToExcludeMode, {s2});
    h.t.advance(100s);
    st.apply(IgmpRecordType::kAllowNewSources, {s1});
    h.t.advance(160s);
    EXPECT_EQ(st.mode(), FilterMode::kInclude);
    EXPECT_EQ(st.filter_state(), (FilterState{FilterMode::kInclude, {s1}}));
    EXPECT_FALSE(h.emptied);
    h.t.advance(100s);
    EXPECT_TRUE(h.emptied);
}

TEST(GroupState, SFlagOnRetransmissionWhenTimerRaised) {
    Host h;
    GroupState st(h, g, h.t.now());
    st.apply(IgmpRecordType::kChangeToExcludeMode, {});
    st.apply(IgmpRecordType::kChangeToIncludeMode, {});
    ASSERT_EQ(h.sent.size(), 1u);
    EXPECT_FALSE(h.sent[0].suppress);
    EXPECT_EQ(st.group_timer_remaining(), 2s);
    h.t.advance(500ms);
    st.apply(IgmpRecordType::kModeIsExclude, {});  // GT back to GMI
    h.t.advance(500ms);
    ASSERT_EQ(h.sent.size(), 2u);
    EXPECT_TRUE(h.sent[1].suppress);
    EXPECT_EQ(st.mode(), FilterMode::kExclude);
}

TEST(GroupState, LowerTimersOnlyDownwards) {
    Host h;
    GroupState st(h, g, h.t.now());
    st.apply(IgmpRecordType::kModeIsExclude, {});
    st.lower_group_timer(2s);
    EXPECT_EQ(st.group_timer_remaining(), 2s);
    st.lower_group_timer(10s);
    EXPECT_EQ(st.group_timer_remaining(), 2s);
    st.apply(IgmpRecordType::kAllowNewSources, {s1, s2});
    st.lower_source_timers({s1}, 3s);
    EXPECT_EQ(st.sources().at(s1).timer.remaining(), 3s);
    EXPECT_EQ(st.sources().at(s2).timer.remaining(), 260s);
}

TEST(GroupState, OlderHostPresentTimers) {
    Host h;
    GroupState st(h, g, h.t.now());
    st.older_host_present(CompatMode::kV2);
    EXPECT_EQ(st.compat_mode(), CompatMode::kV2);
    st.older_host_present(CompatMode::kV1);
    EXPECT_EQ(st.compat_mode(), CompatMode::kV1);
    h.t.advance(260s);
    EXPECT_EQ(st.compat_mode(), CompatMode::kV3);
}

TEST(Compat, TranslationsOf7_3_2) {
    SourceSet src{s1};
    EXPECT_FALSE(translate_for_compat(CompatMode::kV2, IgmpRecordType::kBlockOldSources, src));
    EXPECT_TRUE(translate_for_compat(CompatMode::kV1, IgmpRecordType::kChangeToExcludeMode, src));
    EXPECT_TRUE(src.empty());
    src = {s1};
    EXPECT_TRUE(translate_for_compat(CompatMode::kV3, IgmpRecordType::kChangeToExcludeMode, src));
    EXPECT_EQ(src, (SourceSet{s1}));
    EXPECT_TRUE(translate_for_compat(CompatMode::kV2, IgmpRecordType::kAllowNewSources, src));
}

TEST(GroupState, ImmediateLeaveExpiresAtOnce) {
    Host h;
    h.fast_leave = true;
    GroupState st(h, g, h.t.now());
    st.apply(IgmpRecordType::kModeIsInclude, {s1, s2});
    st.apply(IgmpRecordType::kBlockOldSources, {s1});
    EXPECT_TRUE(h.sent.empty());
    EXPECT_EQ(st.filter_state(), (FilterState{FilterMode::kInclude, {s2}}));
}

}  // namespace
}  // namespace fanout::igmp
