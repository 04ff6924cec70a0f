// The Tree Information Base, RFC 7761 4.1.3-4.1.5 (see tib.hpp).
#include "pimd/core/tib.hpp"

namespace fanout::pim {

std::string_view to_string(DownstreamState s) {
    switch (s) {
        case DownstreamState::kNoInfo:
            return "NoInfo";
        case DownstreamState::kJoin:
            return "Join";
        case DownstreamState::kPrunePending:
            return "PrunePending";
    }
    return "?";
}

DownstreamState state_of(const DownstreamJP& s) {
    return static_cast<DownstreamState>(s.index());
}

std::string_view to_string(DownstreamRptState s) {
    switch (s) {
        case DownstreamRptState::kNoInfo:
            return "NoInfo";
        case DownstreamRptState::kPruned:
            return "Prune";
        case DownstreamRptState::kPrunePending:
            return "PrunePending";
        case DownstreamRptState::kPruneTmp:
            return "PruneTmp";
        case DownstreamRptState::kPrunePendingTmp:
            return "PrunePendingTmp";
    }
    return "?";
}

DownstreamRptState state_of(const DownstreamRpt& s) {
    return static_cast<DownstreamRptState>(s.index());
}

std::string_view to_string(UpstreamState s) {
    switch (s) {
        case UpstreamState::kNotJoined:
            return "NotJoined";
        case UpstreamState::kJoined:
            return "Joined";
    }
    return "?";
}

UpstreamState state_of(const UpstreamJP& s) {
    return static_cast<UpstreamState>(s.index());
}

std::string_view to_string(UpstreamRptState s) {
    switch (s) {
        case UpstreamRptState::kRptNotJoined:
            return "RPTNotJoined";
        case UpstreamRptState::kPruned:
            return "Pruned";
        case UpstreamRptState::kNotPruned:
            return "NotPruned";
    }
    return "?";
}

UpstreamRptState state_of(const UpstreamRpt& s) {
    return static_cast<UpstreamRptState>(s.index());
}

namespace {
DownstreamState ds_state(const std::map<int, DownstreamJP>& m, int ifindex) {
    auto it = m.find(ifindex);
    return it == m.end() ? DownstreamState::kNoInfo : state_of(it->second);
}

bool downstream_empty(const std::map<int, DownstreamJP>& m) {
    for (const auto& [i, s] : m)
        if (state_of(s) != DownstreamState::kNoInfo) return false;
    return true;
}
}  // namespace

DownstreamState StarGEntry::downstream_state(int ifindex) const {
    return ds_state(downstream, ifindex);
}
const DownstreamJP* StarGEntry::find_downstream(int ifindex) const {
    auto it = downstream.find(ifindex);
    return it == downstream.end() ? nullptr : &it->second;
}
bool StarGEntry::idle() const {
    return downstream_empty(downstream) && state_of(upstream) == UpstreamState::kNotJoined;
}

DownstreamState SGEntry::downstream_state(int ifindex) const {
    return ds_state(downstream, ifindex);
}
const DownstreamJP* SGEntry::find_downstream(int ifindex) const {
    auto it = downstream.find(ifindex);
    return it == downstream.end() ? nullptr : &it->second;
}
bool SGEntry::idle() const {
    return downstream_empty(downstream) && state_of(upstream) == UpstreamState::kNotJoined &&
           !keepalive_running() && !register_state && !flags.any();
}

DownstreamRptState SGRptEntry::downstream_state(int ifindex) const {
    auto it = downstream.find(ifindex);
    return it == downstream.end() ? DownstreamRptState::kNoInfo : state_of(it->second);
}
bool SGRptEntry::idle() const {
    for (const auto& [i, s] : downstream)
        if (state_of(s) != DownstreamRptState::kNoInfo) return false;
    switch (state_of(upstream)) {
        case UpstreamRptState::kRptNotJoined:
            return true;
        case UpstreamRptState::kPruned:
            return false;
        case UpstreamRptState::kNotPruned:
            return !std::get<RptUpNotPruned>(upstream).override_timer.armed();
    }
    return false;
}

// The const lookups share the memo (it is a cache: the map itself is not modified).
StarGEntry* Tib::find(StarGKey k) {
    return last_star_g_.find(star_g_, k.group);
}
const StarGEntry* Tib::find(StarGKey k) const {
    return const_cast<Tib*>(this)->find(k);
}
SGEntry* Tib::find(const SGKey& k) {
    auto it = sg_index_.find(k);
    return it == sg_index_.end() ? nullptr : it->second;
}
const SGEntry* Tib::find(const SGKey& k) const {
    return const_cast<Tib*>(this)->find(k);
}
SGRptEntry* Tib::find_rpt(const SGKey& k) {
    return last_sg_rpt_.find(sg_rpt_, k);
}
const SGRptEntry* Tib::find_rpt(const SGKey& k) const {
    return const_cast<Tib*>(this)->find_rpt(k);
}

StarGEntry& Tib::get_or_create(StarGKey k, TimePoint now) {
    auto [it, fresh] = star_g_.try_emplace(k.group);
    if (fresh) {
        last_star_g_.forget();
        it->second.group = k.group;
        it->second.created = now;
        it->second.upstream_since = now;
    }
    return it->second;
}

SGEntry& Tib::get_or_create(const SGKey& k, TimePoint now) {
    auto [it, fresh] = sg_.try_emplace(k);
    if (fresh) {
        sg_index_.emplace(k, &it->second);
        it->second.key = k;
        it->second.created = now;
        it->second.upstream_since = now;
        index_add(k);
    }
    return it->second;
}

SGRptEntry& Tib::get_or_create_rpt(const SGKey& k, TimePoint now) {
    auto [it, fresh] = sg_rpt_.try_emplace(k);
    if (fresh) {
        last_sg_rpt_.forget();
        it->second.key = k;
        it->second.created = now;
        index_add(k);
    }
    return it->second;
}

std::vector<Ipv4Address> Tib::sources_of(Ipv4Address group) const {
    auto it = sources_by_group_.find(group);
    if (it == sources_by_group_.end()) return {};
    return {it->second.begin(), it->second.end()};
}

size_t Tib::source_count(Ipv4Address group) const {
    auto it = sources_by_group_.find(group);
    return it == sources_by_group_.end() ? 0 : it->second.size();
}

std::vector<Ipv4Address> Tib::groups_of(Ipv4Address source) const {
    std::set<Ipv4Address> out;
    for (auto it = sg_.lower_bound(SGKey{source, Ipv4Address{}});
         it != sg_.end() && it->first.source == source; ++it)
        out.insert(it->first.group);
    for (auto it = sg_rpt_.lower_bound(SGKey{source, Ipv4Address{}});
         it != sg_rpt_.end() && it->first.source == source; ++it)
        out.insert(it->first.group);
    return {out.begin(), out.end()};
}

std::vector<Ipv4Address> Tib::groups() const {
    std::set<Ipv4Address> out;
    for (const auto& [g, e] : star_g_)
        out.insert(g);
    for (const auto& [g, s] : sources_by_group_)
        out.insert(g);
    return {out.begin(), out.end()};
}

bool Tib::collect(StarGKey k) {
    auto it = star_g_.find(k.group);
    if (it == star_g_.end() || !it->second.idle()) return false;
    star_g_.erase(it);
    last_star_g_.forget();
    return true;
}

bool Tib::collect(const SGKey& k) {
    auto it = sg_.find(k);
    if (it == sg_.end() || !it->second.idle()) return false;
    const SGKey key = k;  // k may be the erased entry's own key
    sg_index_.erase(key);
    sg_.erase(it);
    index_remove(key);
    return true;
}

bool Tib::collect_rpt(const SGKey& k) {
    auto it = sg_rpt_.find(k);
    if (it == sg_rpt_.end() || !it->second.idle()) return false;
    const SGKey key = k;  // k may be the erased entry's own key
    sg_rpt_.erase(it);
    last_sg_rpt_.forget();
    index_remove(key);
    return true;
}

size_t Tib::collect_group(Ipv4Address group) {
    size_t n = 0;
    for (auto s : sources_of(group)) {
        n += collect(SGKey{s, group}) ? 1 : 0;
        n += collect_rpt(SGKey{s, group}) ? 1 : 0;
    }
    n += collect(StarGKey{group}) ? 1 : 0;
    return n;
}

void Tib::index_add(const SGKey& k) {
    sources_by_group_[k.group].insert(k.source);
}

void Tib::index_remove(const SGKey& k) {
    if (sg_.count(k) || sg_rpt_.count(k)) return;
    auto it = sources_by_group_.find(k.group);
    if (it == sources_by_group_.end()) return;
    it->second.erase(k.source);
    if (it->second.empty()) sources_by_group_.erase(it);
}

}  // namespace fanout::pim
