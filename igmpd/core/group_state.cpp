// RFC 3376 6.4 (router state on reports), 6.5 (switching filter modes), 6.6.1 and 6.6.3 (specific queries),
// 7.3 (older version hosts). Notation: A, B sets of sources; X forwarded and Y blocked sources of EXCLUDE
// mode; GMI group membership interval; LMQT last member query time; GT the group timer; "(A)=GMI" sets the
// source timers of A to GMI; Q(G) / Q(G,A) group-specific / group-and-source-specific query.
//
// 6.4.1 Reception of Current-State Records:
//   Router State  Report Rec'd  New Router State      Actions
//   INCLUDE (A)   IS_IN (B)     INCLUDE (A+B)         (B)=GMI
//   INCLUDE (A)   IS_EX (B)     EXCLUDE (A*B,B-A)     (B-A)=0, Delete (A-B), GT=GMI
//   EXCLUDE (X,Y) IS_IN (A)     EXCLUDE (X+A,Y-A)     (A)=GMI
//   EXCLUDE (X,Y) IS_EX (A)     EXCLUDE (A-Y,Y*A)     (A-X-Y)=GMI, Delete (X-A), Delete (Y-A), GT=GMI
//
// 6.4.2 Reception of Filter-Mode-Change and Source-List-Change Records:
//   INCLUDE (A)   ALLOW (B)     INCLUDE (A+B)         (B)=GMI
//   INCLUDE (A)   BLOCK (B)     INCLUDE (A)           Send Q(G,A*B)
//   INCLUDE (A)   TO_EX (B)     EXCLUDE (A*B,B-A)     (B-A)=0, Delete (A-B), Send Q(G,A*B), GT=GMI
//   INCLUDE (A)   TO_IN (B)     INCLUDE (A+B)         (B)=GMI, Send Q(G,A-B)
//   EXCLUDE (X,Y) ALLOW (A)     EXCLUDE (X+A,Y-A)     (A)=GMI
//   EXCLUDE (X,Y) BLOCK (A)     EXCLUDE (X+(A-Y),Y)   (A-X-Y)=GT, Send Q(G,A-Y)
//   EXCLUDE (X,Y) TO_EX (A)     EXCLUDE (A-Y,Y*A)     (A-X-Y)=GT, Delete (X-A), Delete (Y-A), Send Q(G,A-Y),
//                                                     GT=GMI
//   EXCLUDE (X,Y) TO_IN (A)     EXCLUDE (X+A,Y-A)     (A)=GMI, Send Q(G,X-A), Send Q(G)
//
// 6.5 timer expiry:
//   INCLUDE  source timer expires  -> delete the source; no source left -> delete the group
//   EXCLUDE  source timer expires  -> the source moves from X to Y (no longer forwarded)
//   EXCLUDE  group timer expires   -> INCLUDE (X) (Y deleted); X empty -> delete the group
//
// 6.6.3.1 Send Q(G) (querier only): GT lowered to LMQT; send now and LMQC-1 more times every LMQI; the S
// ("suppress router-side processing") flag is set when GT > LMQT at transmission (a report raised it since).
// 6.6.3.2 Send Q(G,X) (querier only): every source of X with a timer > LMQT gets LMQC retransmissions and its
// timer lowered to LMQT. Each transmission sends up to two queries: S set with the pending sources whose
// timer is > LMQT, S clear with those <= LMQT; an empty one is not sent, and the S-set one is not sent when a
// Q(G) goes out at the same moment (the note of 6.6.3.2). 6.6.1: sending a query with S clear lowers our
// timers as receiving one would. Immediate leave (config): Send Q(G) expires the group timer and Send Q(G,X)
// the timers of X at once.
#include "igmpd/core/group_state.hpp"

#include "common/core/log.hpp"

namespace fanout::igmp {

using packet::IgmpRecordType;

bool translate_for_compat(CompatMode mode, IgmpRecordType type, SourceSet& sources) {
    if (mode == CompatMode::kV3) return true;
    switch (type) {
        case IgmpRecordType::kBlockOldSources:
            return false;  // 7.3.2: BLOCK ignored
        case IgmpRecordType::kChangeToExcludeMode:
            sources.clear();
            return true;  // TO_EX(x) as TO_EX({})
        case IgmpRecordType::kModeIsInclude:
        case IgmpRecordType::kModeIsExclude:
        case IgmpRecordType::kChangeToIncludeMode:
        case IgmpRecordType::kAllowNewSources:
            return true;
    }
    return true;
}

GroupState::GroupState(GroupHost& host, Ipv4Address group, TimePoint created)
    : host_(host), group_(group), created_(created), state_(Include{}) {}

FilterMode GroupState::mode() const {
    return std::holds_alternative<Include>(state_) ? FilterMode::kInclude : FilterMode::kExclude;
}

const SourceMap& GroupState::sources() const {
    return std::visit([](const auto& st) -> const SourceMap& { return st.sources; }, state_);
}

SourceMap& GroupState::source_map() {
    return std::visit([](auto& st) -> SourceMap& { return st.sources; }, state_);
}

SourceSet GroupState::set_x() const {
    SourceSet out;
    for (const auto& [s, r] : sources())
        if (r.timer.armed()) out.push_back(s);
    return out;
}

SourceSet GroupState::set_y() const {
    SourceSet out;
    if (mode() == FilterMode::kInclude) return out;
    for (const auto& [s, r] : sources())
        if (!r.timer.armed()) out.push_back(s);
    return out;
}

FilterState GroupState::filter_state() const {
    if (mode() == FilterMode::kInclude) return FilterState{FilterMode::kInclude, set_x()};
    return FilterState{FilterMode::kExclude, set_y()};
}

Duration GroupState::group_timer_remaining() const {
    if (const auto* ex = std::get_if<Exclude>(&state_)) return ex->group_timer.remaining();
    return Duration::zero();
}

CompatMode GroupState::compat_mode() const {
    if (v1_host_.armed()) return CompatMode::kV1;
    if (v2_host_.armed()) return CompatMode::kV2;
    return CompatMode::kV3;
}

bool GroupState::forwards(Ipv4Address s) const {
    const auto& m = sources();
    auto it = m.find(s);
    if (mode() == FilterMode::kInclude) return it != m.end();
    return it == m.end() || it->second.timer.armed();
}

bool GroupState::is_empty() const {
    return mode() == FilterMode::kInclude && sources().empty() && group_retransmissions_ == 0;
}

void GroupState::arm_source(SourceRecord& r, Ipv4Address s, Duration after) {
    r.timer = TimerHandle(host_.timers(), after, [this, s] { on_source_timer(s); });
}

void GroupState::arm_source_at(SourceRecord& r, Ipv4Address s, TimePoint deadline) {
    r.timer = TimerHandle(host_.timers(), deadline, [this, s] { on_source_timer(s); });
}

void GroupState::arm_group_timer(Exclude& ex, Duration after) {
    ex.group_timer = TimerHandle(host_.timers(), after, [this] { on_group_timer(); });
}

void GroupState::apply(IgmpRecordType type, const SourceSet& sources) {
    const FilterMode before = mode();
    if (before == FilterMode::kInclude)
        apply_include(type, sources);
    else
        apply_exclude(type, sources);
    host_.row_applied(*this, before, type, sources);
    if (expire_now_) {
        expire_now_ = false;
        expire_group();
    }
    if (queries_pending_) {
        queries_pending_ = false;
        transmit_pending_queries();
    }
    finish();
}

void GroupState::apply_include(IgmpRecordType type, const SourceSet& b) {
    auto& inc = std::get<Include>(state_);
    const Duration gmi = host_.effective_timers().group_membership_interval();
    switch (type) {
        case IgmpRecordType::kModeIsInclude:
        case IgmpRecordType::kAllowNewSources:  // INCLUDE (A+B); (B)=GMI
            for (auto s : b)
                arm_source(inc.sources[s], s, gmi);
            return;
        case IgmpRecordType::kModeIsExclude:
            to_exclude(b, false);
            return;
        case IgmpRecordType::kChangeToExcludeMode:
            to_exclude(b, true);
            return;
        case IgmpRecordType::kBlockOldSources: {  // INCLUDE (A); Send Q(G,A*B)
            SourceSet ab;
            for (auto s : b)
                if (inc.sources.count(s)) ab.push_back(s);
            send_q_group_sources(ab);
            return;
        }
        case IgmpRecordType::kChangeToIncludeMode: {  // INCLUDE (A+B); (B)=GMI; Send Q(G,A-B)
            SourceSet a_minus_b;
            for (const auto& [s, r] : inc.sources)
                if (!set_contains(b, s)) a_minus_b.push_back(s);
            for (auto s : b)
                arm_source(inc.sources[s], s, gmi);
            send_q_group_sources(a_minus_b);
            return;
        }
    }
}

// INCLUDE (A) + IS_EX(B) / TO_EX(B) -> EXCLUDE (A*B, B-A): (B-A)=0, Delete (A-B), [Send Q(G,A*B)], GT=GMI.
void GroupState::to_exclude(const SourceSet& b, bool send_query) {
    auto& inc = std::get<Include>(state_);
    Exclude ex;
    SourceSet a_times_b;
    for (auto s : b) {
        auto it = inc.sources.find(s);
        if (it != inc.sources.end()) {
            ex.sources.emplace(s, std::move(it->second));  // A*B keeps its timer
            a_times_b.push_back(s);
        } else {
            ex.sources.emplace(s, SourceRecord{});  // (B-A)=0
        }
    }
    state_ = std::move(ex);  // Delete (A-B): the rest of A dies with the old state
    arm_group_timer(std::get<Exclude>(state_), host_.effective_timers().group_membership_interval());
    if (send_query) send_q_group_sources(a_times_b);
}

void GroupState::apply_exclude(IgmpRecordType type, const SourceSet& a) {
    auto& ex = std::get<Exclude>(state_);
    const Duration gmi = host_.effective_timers().group_membership_interval();
    const SourceSet y = set_y();
    auto erase_not_in_a = [&] {  // Delete (X-A), Delete (Y-A)
        for (auto it = ex.sources.begin(); it != ex.sources.end();)
            it = set_contains(a, it->first) ? std::next(it) : ex.sources.erase(it);
    };
    switch (type) {
        case IgmpRecordType::kModeIsInclude:
        case IgmpRecordType::kAllowNewSources:  // EXCLUDE (X+A, Y-A); (A)=GMI
            for (auto s : a)
                arm_source(ex.sources[s], s, gmi);
            return;
        case IgmpRecordType::kModeIsExclude:  // EXCLUDE (A-Y, Y*A); (A-X-Y)=GMI; Delete (X-A), (Y-A); GT=GMI
            erase_not_in_a();
            for (auto s : a)
                if (!ex.sources.count(s)) arm_source(ex.sources[s], s, gmi);
            arm_group_timer(ex, gmi);
            return;
        case IgmpRecordType::kChangeToExcludeMode: {  // as IS_EX, but (A-X-Y)=GT and Send Q(G,A-Y)
            const TimePoint gt = ex.group_timer.deadline();
            erase_not_in_a();
            for (auto s : a)
                if (!ex.sources.count(s)) arm_source_at(ex.sources[s], s, gt);
            send_q_group_sources(set_difference(a, y));
            arm_group_timer(ex, gmi);
            return;
        }
        case IgmpRecordType::kBlockOldSources: {  // EXCLUDE (X+(A-Y), Y); (A-X-Y)=GT; Send Q(G,A-Y)
            const TimePoint gt = ex.group_timer.deadline();
            for (auto s : a)
                if (!ex.sources.count(s)) arm_source_at(ex.sources[s], s, gt);
            send_q_group_sources(set_difference(a, y));
            return;
        }
        case IgmpRecordType::kChangeToIncludeMode: {  // EXCLUDE (X+A, Y-A); (A)=GMI; Send Q(G,X-A); Send Q(G)
            const SourceSet x_minus_a = set_difference(set_x(), a);
            for (auto s : a)
                arm_source(ex.sources[s], s, gmi);
            send_q_group_sources(x_minus_a);
            send_q_group();
            return;
        }
    }
}

// 6.6.3.1: lower GT to LMQT and schedule LMQC transmissions of Q(G).
void GroupState::send_q_group() {
    if (!host_.is_querier() || mode() != FilterMode::kExclude) return;
    if (host_.immediate_leave()) {
        expire_now_ = true;
        return;
    }
    const auto t = host_.effective_timers();
    lower_group_timer(t.last_member_query_time());
    group_retransmissions_ = t.last_member_query_count;
    queries_pending_ = true;
}

// 6.6.3.2: sources of X with timer > LMQT: retransmissions = LMQC, timer lowered to LMQT.
void GroupState::send_q_group_sources(const SourceSet& x) {
    if (!host_.is_querier() || x.empty()) return;
    auto& m = source_map();
    if (host_.immediate_leave()) {
        for (auto s : x) {
            auto it = m.find(s);
            if (it == m.end()) continue;
            if (mode() == FilterMode::kInclude)
                m.erase(it);
            else
                it->second = SourceRecord{};  // X -> Y at once
        }
        return;
    }
    const auto t = host_.effective_timers();
    const Duration lmqt = t.last_member_query_time();
    for (auto s : x) {
        auto it = m.find(s);
        if (it == m.end() || it->second.timer.remaining() <= lmqt) continue;
        it->second.retransmissions = t.last_member_query_count;
        arm_source(it->second, s, lmqt);
        queries_pending_ = true;
    }
}

// One transmission round of the pending Q(G) and Q(G,A) (6.6.3.1, 6.6.3.2); re-arms the LMQI timer while
// retransmissions remain.
void GroupState::transmit_pending_queries() {
    const auto t = host_.effective_timers();
    const Duration lmqt = t.last_member_query_time();
    const bool group_query = group_retransmissions_ > 0;
    if (group_query) {
        const bool suppress = group_timer_remaining() > lmqt;
        host_.send_specific_query(*this, suppress, {});
        --group_retransmissions_;
        if (!suppress) lower_group_timer(lmqt);
    }
    SourceSet above, at_or_below;
    bool more = group_retransmissions_ > 0;
    for (auto& [s, r] : source_map()) {
        if (r.retransmissions == 0) continue;
        (r.timer.remaining() > lmqt ? above : at_or_below).push_back(s);
        if (--r.retransmissions > 0) more = true;
    }
    if (!above.empty() && !group_query) host_.send_specific_query(*this, true, above);
    if (!at_or_below.empty()) host_.send_specific_query(*this, false, at_or_below);
    if (more)
        retransmit_ =
            TimerHandle(host_.timers(), t.last_member_query_interval, [this] { on_retransmit_timer(); });
    else
        retransmit_.cancel();
}

void GroupState::on_retransmit_timer() {
    if (!host_.is_querier()) {  // lost the election meanwhile: the new querier queries
        group_retransmissions_ = 0;
        for (auto& [s, r] : source_map())
            r.retransmissions = 0;
        return;
    }
    transmit_pending_queries();
}

void GroupState::lower_group_timer(Duration lmqt) {
    auto* ex = std::get_if<Exclude>(&state_);
    if (ex && ex->group_timer.remaining() > lmqt) arm_group_timer(*ex, lmqt);
}

void GroupState::lower_source_timers(const SourceSet& sources, Duration lmqt) {
    auto& m = source_map();
    for (auto s : sources) {
        auto it = m.find(s);
        if (it != m.end() && it->second.timer.remaining() > lmqt) arm_source(it->second, s, lmqt);
    }
}

void GroupState::older_host_present(CompatMode version) {
    const Duration ohpi = host_.effective_timers().older_host_present_interval();
    if (version == CompatMode::kV1) v1_host_ = TimerHandle(host_.timers(), ohpi, [] {});
    if (version == CompatMode::kV2) v2_host_ = TimerHandle(host_.timers(), ohpi, [] {});
}

void GroupState::on_source_timer(Ipv4Address s) {
    auto& m = source_map();
    auto it = m.find(s);
    if (it == m.end()) return;
    if (mode() == FilterMode::kInclude) {
        m.erase(it);  // 6.5: INCLUDE, source timer expired: delete the source
    } else {
        it->second.retransmissions = 0;  // 6.5: EXCLUDE: X -> Y (its timer is no longer armed)
    }
    FANOUT_LOG_DEBUG(LogCategory::kFsm, "igmp {} source {} timer expired", group_.to_string(), s.to_string());
    finish();
}

// 6.5: EXCLUDE (X,Y), group timer expired -> INCLUDE (X); Y deleted.
void GroupState::expire_group() {
    auto* ex = std::get_if<Exclude>(&state_);
    if (!ex) return;
    SourceMap keep;
    for (auto& [s, r] : ex->sources)
        if (r.timer.armed()) keep.emplace(s, std::move(r));
    state_ = Include{std::move(keep)};
    group_retransmissions_ = 0;
    FANOUT_LOG_DEBUG(LogCategory::kFsm, "igmp {} group timer expired: EXCLUDE -> INCLUDE",
                     group_.to_string());
}

void GroupState::on_group_timer() {
    expire_group();
    finish();
}

void GroupState::finish() {
    if (is_empty()) {
        retransmit_.cancel();
        host_.group_empty(*this);  // may delete this: nothing after
        return;
    }
    host_.group_changed(*this);
}

}  // namespace fanout::igmp
