#include "common/sys/ipc_membership_table.hpp"

#include <algorithm>

#include "common/core/log.hpp"

namespace fanout::sys {

bool MembershipEntry::has_source(Ipv4Address s) const {
    return std::binary_search(sources.begin(), sources.end(), s);
}

std::string_view to_string(MembershipChange c) {
    switch (c) {
        case MembershipChange::kAdded:
            return "added";
        case MembershipChange::kUpdated:
            return "updated";
        case MembershipChange::kRemoved:
            return "removed";
    }
    return "?";
}

MembershipTable::MembershipTable(TimerService& timers, MembershipTableOptions options)
    : timers_(timers), options_(options) {}

void MembershipTable::notify(MembershipChange c, const MembershipEntry& e) {
    FANOUT_LOG_DEBUG(LogCategory::kIpc, "membership {} {} {} {} {} sources", to_string(c), e.ifname,
                     e.group.to_string(), ipc::to_string(e.mode), e.sources.size());
    if (listener_) listener_(c, e);
}

void MembershipTable::snapshot_begin() {
    in_snapshot_ = true;
    snapshot_received_ = 0;
    ++current_generation_;
}

void MembershipTable::apply(const ipc::Membership& m) {
    if (in_snapshot_) ++snapshot_received_;
    MembershipKey key{m.ifindex, m.group};
    if (m.mode == ipc::FilterMode::kInclude && m.sources.empty()) {  // INCLUDE {}: no receivers
        remove_key(key);
        return;
    }
    MembershipEntry e{m.ifname, m.ifindex, m.group, m.mode, m.sources, false};
    std::sort(e.sources.begin(), e.sources.end());
    e.sources.erase(std::unique(e.sources.begin(), e.sources.end()), e.sources.end());
    generation_[key] = current_generation_;
    auto it = entries_.find(key);
    if (it != entries_.end()) {
        bool same = it->second.same_state(e);
        it->second = std::move(e);
        if (same) {
            ++counters_.refreshed;
            return;
        }
        ++counters_.updated;
        notify(MembershipChange::kUpdated, it->second);
        return;
    }
    if (entries_.size() >= options_.max_entries) {
        generation_.erase(key);
        ++counters_.table_full_drops;
        FANOUT_LOG_WARN("membership table full ({} entries): dropped {} on {}", entries_.size(),
                        m.group.to_string(), m.ifname);
        return;
    }
    auto [pos, inserted] = entries_.emplace(key, std::move(e));
    ++counters_.added;
    notify(MembershipChange::kAdded, pos->second);
}

void MembershipTable::apply(const ipc::MembershipRemoved& m) {
    remove_key(MembershipKey{m.ifindex, m.group});
}

void MembershipTable::remove_key(const MembershipKey& k) {
    auto it = entries_.find(k);
    generation_.erase(k);
    if (it == entries_.end()) return;
    MembershipEntry gone = std::move(it->second);
    entries_.erase(it);
    ++counters_.removed;
    notify(MembershipChange::kRemoved, gone);
}

void MembershipTable::snapshot_end(uint32_t count) {
    if (!in_snapshot_) return;  // an end without a begin changes nothing
    in_snapshot_ = false;
    ++counters_.snapshots;
    if (count != snapshot_received_) {
        ++counters_.snapshot_count_mismatches;
        FANOUT_LOG_WARN("ipc snapshot announced {} memberships, received {}", count, snapshot_received_);
    }
    std::vector<MembershipKey> missing;
    for (const auto& [k, e] : entries_) {
        auto g = generation_.find(k);
        if (g == generation_.end() || g->second != current_generation_) missing.push_back(k);
    }
    for (const MembershipKey& k : missing)
        remove_key(k);
    for (auto& [k, e] : entries_)
        e.stale = false;
    stale_timer_.cancel();
}

void MembershipTable::peer_lost() {
    ++counters_.peer_losses;
    in_snapshot_ = false;
    for (auto& [k, e] : entries_)
        e.stale = true;
    if (!stale_timer_.armed() && !entries_.empty())
        stale_timer_ = TimerHandle(timers_, options_.stale_timeout, [this] { expire_stale(); });
}

void MembershipTable::expire_stale() {
    std::vector<MembershipKey> old;
    for (const auto& [k, e] : entries_)
        if (e.stale) old.push_back(k);
    if (!old.empty()) FANOUT_LOG_INFO("ipc: {} stale memberships expired (igmpd gone)", old.size());
    counters_.stale_expired += old.size();
    for (const MembershipKey& k : old)
        remove_key(k);
}

const MembershipEntry* MembershipTable::find(uint32_t ifindex, Ipv4Address group) const {
    auto it = entries_.find(MembershipKey{ifindex, group});
    return it == entries_.end() ? nullptr : &it->second;
}

size_t MembershipTable::stale_count() const {
    return static_cast<size_t>(
        std::count_if(entries_.begin(), entries_.end(), [](const auto& kv) { return kv.second.stale; }));
}

nlohmann::json MembershipTable::to_json() const {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& [k, e] : entries_) {
        nlohmann::json srcs = nlohmann::json::array();
        for (Ipv4Address s : e.sources)
            srcs.push_back(s.to_string());
        arr.push_back({{"interface", e.ifname},
                       {"ifindex", e.ifindex},
                       {"group", e.group.to_string()},
                       {"mode", ipc::to_string(e.mode)},
                       {"sources", srcs},
                       {"stale", e.stale}});
    }
    return arr;
}

}  // namespace fanout::sys
