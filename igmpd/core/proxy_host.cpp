// RFC 4605 4.1; RFC 3376 5.1, 5.2, 7.2.1; RFC 2236 3. See proxy_host.hpp.
//
// 5.1 state-change record for a change of one group's interface state (old -> new):
//   Old State     New State     State-Change Record Sent
//   INCLUDE (A)   INCLUDE (B)   ALLOW (B-A), BLOCK (A-B)
//   EXCLUDE (A)   EXCLUDE (B)   ALLOW (A-B), BLOCK (B-A)
//   INCLUDE (A)   EXCLUDE (B)   TO_EX (B)
//   EXCLUDE (A)   INCLUDE (B)   TO_IN (B)
// 5.2 current-state record answering a query for group G (source list B recorded from G-and-S queries):
//   Set of sources in the query  Current-State Record
//   (no sources: general/G)      IS_IN (A) or IS_EX (A)
//   INCLUDE (A), B               IS_IN (A*B)
//   EXCLUDE (A), B               IS_IN (B-A)
#include "igmpd/core/proxy_host.hpp"

#include <algorithm>

#include "common/core/log.hpp"

namespace fanout::igmp {

using packet::IgmpRecordType;

namespace {
Duration from_tenths(uint32_t t) {
    return std::chrono::milliseconds(100) * t;
}
}  // namespace

void ProxyHost::configure(const IgmpInterfaceConfig& upstream, uint32_t mtu) {
    config_ = upstream;
    mtu_ = mtu;
}

uint8_t ProxyHost::compat_version() const {
    uint8_t v = config_.version;
    if (v2_querier_present_.armed()) v = std::min<uint8_t>(v, 2);
    if (v1_querier_present_.armed()) v = 1;
    return v;
}

Duration ProxyHost::older_querier_remaining(uint8_t version) const {
    return version == 1 ? v1_querier_present_.remaining() : v2_querier_present_.remaining();
}

Duration ProxyHost::unsolicited_interval() const {
    return compat_version() == 3 ? kUnsolicitedReportIntervalV3 : kUnsolicitedReportIntervalV2;
}

// 8.12: RV * QI + QRI.
Duration ProxyHost::older_querier_timeout() const {
    return config_.query_interval * config_.robustness + config_.query_response_interval;
}

void ProxyHost::set_active(bool active) {
    if (active == active_) return;
    active_ = active;
    pending_.clear();
    general_response_.cancel();
    if (!active) return;
    for (const auto& [group, st] : database_)
        state_change(group, FilterState{}, st);
}

void ProxyHost::set_membership(Ipv4Address group, const FilterState& merged) {
    FilterState before;
    if (auto it = database_.find(group); it != database_.end()) before = it->second;
    if (before == merged) return;
    if (merged.empty())
        database_.erase(group);
    else
        database_[group] = merged;
    if (active_) state_change(group, before, merged);
}

void ProxyHost::state_change(Ipv4Address group, const FilterState& before, const FilterState& after) {
    Pending& p = pending_[group];
    const uint32_t rv = config_.robustness;
    if (compat_version() < 3) {
        const bool joined = before.empty() && !after.empty();
        const bool left = !before.empty() && after.empty();
        if (left) {
            p.join_retransmissions = 0;
            p.retransmit.cancel();
            if (compat_version() == 2) send_(addr::kAllRouters, packet::IgmpLeaveV2{group});  // RFC 2236 3
            return forget_if_idle(group);
        }
        if (joined) {
            p.join_retransmissions = rv;
            send_state_change(group);
        }
        return forget_if_idle(group);
    }
    if (before.mode != after.mode) {
        p.mode_retransmissions = rv;  // a filter-mode change supersedes pending source-list changes
        p.allow.clear();
        p.block.clear();
    } else {
        const bool inc = after.mode == FilterMode::kInclude;
        const SourceSet added = set_difference(after.sources, before.sources);
        const SourceSet removed = set_difference(before.sources, after.sources);
        for (auto s : added) {  // INCLUDE: newly wanted (ALLOW); EXCLUDE: newly excluded (BLOCK)
            (inc ? p.allow : p.block)[s] = rv;
            (inc ? p.block : p.allow).erase(s);
        }
        for (auto s : removed) {
            (inc ? p.block : p.allow)[s] = rv;
            (inc ? p.allow : p.block).erase(s);
        }
    }
    send_state_change(group);
}

// Sends the group's pending state-change report once (decrementing its counts) and schedules the next.
void ProxyHost::send_state_change(Ipv4Address group) {
    auto it = pending_.find(group);
    if (it == pending_.end()) return;
    Pending& p = it->second;
    if (compat_version() < 3) {
        if (p.join_retransmissions == 0) return forget_if_idle(group);
        --p.join_retransmissions;
        if (database_.count(group)) send_v1v2_report(group);
        schedule_retransmission(group, p);
        return;
    }
    FilterState now;
    if (auto d = database_.find(group); d != database_.end()) now = d->second;
    std::vector<packet::IgmpGroupRecord> records;
    if (p.mode_retransmissions > 0) {
        --p.mode_retransmissions;
        auto type = now.mode == FilterMode::kInclude ? IgmpRecordType::kChangeToIncludeMode
                                                     : IgmpRecordType::kChangeToExcludeMode;
        records.push_back({type, group, now.sources});
    } else {
        auto take = [](std::map<Ipv4Address, uint32_t>& m) {
            SourceSet out;
            for (auto i = m.begin(); i != m.end();) {
                out.push_back(i->first);
                i = --i->second == 0 ? m.erase(i) : std::next(i);
            }
            return out;
        };
        SourceSet allow = take(p.allow), block = take(p.block);
        if (!allow.empty()) records.push_back({IgmpRecordType::kAllowNewSources, group, allow});
        if (!block.empty()) records.push_back({IgmpRecordType::kBlockOldSources, group, block});
    }
    if (!records.empty()) send_v3(std::move(records));
    schedule_retransmission(group, p);
}

void ProxyHost::schedule_retransmission(Ipv4Address group, Pending& p) {
    const bool more =
        p.mode_retransmissions > 0 || !p.allow.empty() || !p.block.empty() || p.join_retransmissions > 0;
    if (!more) {
        p.retransmit.cancel();
        return forget_if_idle(group);
    }
    // 5.1: "at intervals chosen at random from the range (0, [Unsolicited Report Interval])".
    Duration delay = rng_.uniform(std::chrono::milliseconds(1), Duration(unsolicited_interval()));
    p.retransmit = TimerHandle(timers_, delay, [this, group] { on_retransmit(group); });
}

void ProxyHost::on_retransmit(Ipv4Address group) {
    send_state_change(group);
}

void ProxyHost::query_received(const packet::IgmpMessage& query) {
    if (!active_) return;
    Ipv4Address group;
    SourceSet sources;
    Duration max_resp;
    if (std::holds_alternative<packet::IgmpQueryV1>(query)) {
        v1_querier_present_ = TimerHandle(timers_, older_querier_timeout(), [] {});
        max_resp = std::chrono::seconds(10);  // RFC 2236 7: a v1 query means 10 s
    } else if (const auto* q2 = std::get_if<packet::IgmpQueryV2>(&query)) {
        v2_querier_present_ = TimerHandle(timers_, older_querier_timeout(), [] {});
        group = q2->group;
        max_resp = from_tenths(q2->max_resp_time);
    } else if (const auto* q3 = std::get_if<packet::IgmpQueryV3>(&query)) {
        group = q3->group;
        sources = make_source_set(q3->sources);
        max_resp = from_tenths(q3->max_resp_tenths());
    } else {
        return;
    }
    const Duration delay = rng_.uniform(Duration::zero(), max_resp);
    if (!group.is_unspecified()) {
        if (database_.count(group)) schedule_group_response(group, delay, sources);
        return;
    }
    if (compat_version() < 3) {  // v1/v2: one report per group, each at its own random delay
        for (const auto& [g, st] : database_)
            schedule_group_response(g, rng_.uniform(Duration::zero(), max_resp), {});
        return;
    }
    // 5.2 rules 1-2: a general response already due sooner stays; otherwise this one replaces it.
    if (general_response_.armed() && general_response_.remaining() <= delay) return;
    general_response_ = TimerHandle(timers_, delay, [this] { on_general_response(); });
}

// 5.2 rules 3-5.
void ProxyHost::schedule_group_response(Ipv4Address group, Duration delay, const SourceSet& sources) {
    Pending& p = pending_[group];
    if (!p.query_response.armed()) {
        p.query_group_wide = sources.empty();
        p.query_sources = sources;
    } else {
        if (sources.empty() || p.query_group_wide) {
            p.query_group_wide = true;
            p.query_sources.clear();
        } else {
            p.query_sources = set_union(p.query_sources, sources);
        }
        delay = std::min(delay, p.query_response.remaining());
    }
    p.query_response = TimerHandle(timers_, delay, [this, group] { on_group_response(group); });
}

void ProxyHost::on_group_response(Ipv4Address group) {
    auto it = pending_.find(group);
    auto d = database_.find(group);
    if (it == pending_.end()) return;
    if (d != database_.end()) {
        if (compat_version() < 3) {
            send_v1v2_report(group);
        } else {
            const FilterState& st = d->second;
            packet::IgmpGroupRecord rec{IgmpRecordType::kModeIsInclude, group, {}};
            if (it->second.query_group_wide) {
                if (st.mode == FilterMode::kExclude) rec.type = IgmpRecordType::kModeIsExclude;
                rec.sources = st.sources;
                send_v3({rec});
            } else {
                rec.sources = st.mode == FilterMode::kInclude
                                  ? set_intersection(st.sources, it->second.query_sources)
                                  : set_difference(it->second.query_sources, st.sources);
                if (!rec.sources.empty()) send_v3({rec});
            }
        }
    }
    forget_if_idle(group);
}

void ProxyHost::on_general_response() {
    std::vector<packet::IgmpGroupRecord> records;
    for (const auto& [group, st] : database_)
        records.push_back({st.mode == FilterMode::kInclude ? IgmpRecordType::kModeIsInclude
                                                           : IgmpRecordType::kModeIsExclude,
                           group, st.sources});
    if (!records.empty()) send_v3(std::move(records));
}

void ProxyHost::send_v3(std::vector<packet::IgmpGroupRecord> records) {
    packet::IgmpReportV3 r;
    r.records = std::move(records);
    for (auto& part : packet::split_igmp_v3_report(r, mtu_))
        send_(addr::kIgmpV3Reports, part);
}

void ProxyHost::send_v1v2_report(Ipv4Address group) {
    if (compat_version() == 1)
        send_(group, packet::IgmpReportV1{group});
    else
        send_(group, packet::IgmpReportV2{group});
}

void ProxyHost::forget_if_idle(Ipv4Address group) {
    auto it = pending_.find(group);
    if (it != pending_.end() && it->second.idle() && !it->second.retransmit.armed()) pending_.erase(it);
}

}  // namespace fanout::igmp
