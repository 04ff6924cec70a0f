// The IGMP core: dispatch, interface lifecycle, RFC 4605 proxy glue. See igmp_core.hpp.
#include "igmpd/core/igmp_core.hpp"

#include "common/core/log.hpp"

namespace fanout::igmp {

const char* to_string(ProxyRole r) {
    switch (r) {
        case ProxyRole::kNone:
            return "none";
        case ProxyRole::kUpstream:
            return "upstream";
        case ProxyRole::kDownstream:
            return "downstream";
    }
    return "?";
}

IgmpCore::IgmpCore(IgmpConfig config, TimerService& timers, Random& rng, IgmpActions& actions)
    : config_(std::move(config)),
      timers_(timers),
      rng_(rng),
      actions_(actions),
      ctx_{timers, actions, counters_, &config_, {}, {}},
      proxy_host_(timers, rng, [this](Ipv4Address dst, const packet::IgmpMessage& m) {
          auto it = ifs_.find(upstream_);
          if (it == ifs_.end()) return;
          auto bytes = packet::encode_igmp(m);
          counters_.tx.count(m);
          actions_.send_igmp(upstream_, it->second->address(), dst, bytes);
      }) {
    ctx_.membership_changed = [this](IgmpInterface& i, Ipv4Address g) { on_membership_changed(i, g); };
    ctx_.querier_changed = [this](IgmpInterface& i) { on_querier_changed(i); };
}

IgmpCore::~IgmpCore() {
    ifs_.clear();
}

const IgmpInterface* IgmpCore::find_interface(int ifindex) const {
    auto it = ifs_.find(ifindex);
    return it == ifs_.end() ? nullptr : it->second.get();
}

const IgmpInterface* IgmpCore::find_interface(const std::string& name) const {
    for (const auto& [ifindex, i] : ifs_)
        if (i->name() == name) return i.get();
    return nullptr;
}

bool IgmpCore::proxy_mode() const {
    for (const auto& [name, c] : config_.interfaces)
        if (c.enabled && c.proxy_role == ProxyRole::kUpstream) return true;
    return false;
}

// The alternate upstream acts as an upstream whatever its own role says.
IgmpInterfaceConfig IgmpCore::interface_config(const std::string& name, const IgmpInterfaceConfig& c) const {
    IgmpInterfaceConfig out = c;
    if (!config_.proxy_alternate_upstream.empty() && name == config_.proxy_alternate_upstream)
        out.proxy_role = ProxyRole::kUpstream;
    return out;
}

bool IgmpCore::is_proxy_interface(const IgmpInterface& i) const {
    return proxy_mode() && i.config().enabled && i.config().proxy_role != ProxyRole::kNone;
}

// ---- interfaces and configuration ----------------------------------------------------------------------

void IgmpCore::handle(const InterfaceChanged& ev) {
    if (shut_down_) return;
    links_[ev.ifindex] = ev;
    sync_interface(ev.ifindex);
    update_upstream();
}

void IgmpCore::handle(const InterfaceRemoved& ev) {
    if (shut_down_) return;
    links_.erase(ev.ifindex);
    sync_interface(ev.ifindex);
    update_upstream();
}

void IgmpCore::handle(const ConfigChanged& ev) {
    if (shut_down_) return;
    const bool ssm_changed = ev.config.ssm_ranges != config_.ssm_ranges;
    config_ = ev.config;
    std::vector<int> all;
    for (const auto& [ifindex, l] : links_)
        all.push_back(ifindex);
    for (const auto& [ifindex, i] : ifs_)
        all.push_back(ifindex);
    for (int ifindex : all) {
        if (ssm_changed) {  // groups that moved into the SSM range lose their (*,G) state: restart cleanly
            if (auto it = ifs_.find(ifindex); it != ifs_.end()) it->second->stop();
        }
        sync_interface(ifindex);
    }
    update_upstream();
    reprogram_all();
}

void IgmpCore::sync_interface(int ifindex) {
    auto link = links_.find(ifindex);
    auto it = ifs_.find(ifindex);
    const IgmpInterfaceConfig* cfg =
        link == links_.end() ? nullptr : config_.find_interface(link->second.name);
    if (!cfg) {
        if (it != ifs_.end()) {
            it->second->stop();
            if (auto v = vifs_.release(ifindex))
                actions_.vif_del(vif_info_[ifindex]), vif_info_.erase(ifindex);
            ifs_.erase(it);
        }
        return;
    }
    const IgmpInterfaceConfig effective = interface_config(link->second.name, *cfg);
    if (it == ifs_.end())
        it = ifs_.emplace(ifindex,
                          std::make_unique<IgmpInterface>(ctx_, ifindex, link->second.name, effective))
                 .first;
    else
        it->second->set_config(effective);
    it->second->set_link(link->second);
    sync_vif(*it->second);
}

// ---- receive --------------------------------------------------------------------------------------------

bool IgmpCore::is_local_address(Ipv4Address a) const {
    for (const auto& [ifindex, l] : links_)
        for (const auto& ia : l.addresses)
            if (ia.addr == a) return true;
    return false;
}

void IgmpCore::handle(const RxIgmp& ev) {
    if (shut_down_) return;
    if (!links_.count(ev.ifindex)) return counters_.count_drop(IgmpDropReason::kUnknownInterface);
    if (!ev.src.is_unspecified() && is_local_address(ev.src))
        return counters_.count_drop(IgmpDropReason::kOwnAddress);
    auto it = ifs_.find(ev.ifindex);
    if (it == ifs_.end() || !it->second->config().enabled)
        return counters_.count_drop(IgmpDropReason::kInterfaceDisabled);
    IgmpInterface& i = *it->second;
    if (i.config().proxy_role == ProxyRole::kUpstream) {
        if (ev.message.index() > 2) return counters_.count_drop(IgmpDropReason::kUpstreamReport);
        counters_.rx.count(ev.message);
        if (ev.ifindex == upstream_) proxy_host_.query_received(ev.message);
        return;
    }
    i.receive(ev);
}

void IgmpCore::handle(const RxDecodeError& ev) {
    counters_.decode_errors.count(packet::DecodeError{ev.kind, "rx"});
}

// ---- proxy ----------------------------------------------------------------------------------------------

FilterState IgmpCore::merged_membership(Ipv4Address group) const {
    std::vector<FilterState> states;
    for (const auto& [ifindex, i] : ifs_)
        if (i->config().proxy_role == ProxyRole::kDownstream && i->running())
            states.push_back(i->membership(group));
    return merge_filter_states(states);
}

std::vector<DownstreamView> IgmpCore::downstream_views(Ipv4Address group) const {
    std::vector<DownstreamView> out;
    for (const auto& [ifindex, i] : ifs_)
        if (i->config().proxy_role == ProxyRole::kDownstream && i->running() && vifs_.find(ifindex))
            out.push_back({ifindex, i->is_querier(), i->membership(group)});
    return out;
}

void IgmpCore::on_membership_changed(IgmpInterface& i, Ipv4Address group) {
    if (!proxy_mode() || i.config().proxy_role != ProxyRole::kDownstream) return;
    proxy_host_.set_membership(group, merged_membership(group));
    reprogram(group);
}

void IgmpCore::on_querier_changed(IgmpInterface& i) {
    if (is_proxy_interface(i)) reprogram_all();
}

void IgmpCore::update_upstream() {
    int chosen = 0;
    auto usable = [&](const std::string& name, bool primary) {
        for (const auto& [ifindex, i] : ifs_)
            if (i->name() == name && i->config().enabled && i->link_usable() &&
                (!primary || i->config().proxy_role == ProxyRole::kUpstream))
                return ifindex;
        return 0;
    };
    if (proxy_mode()) {
        for (const auto& [name, c] : config_.interfaces)
            if (!chosen && c.enabled && c.proxy_role == ProxyRole::kUpstream &&
                name != config_.proxy_alternate_upstream)
                chosen = usable(name, true);
        if (!chosen && !config_.proxy_alternate_upstream.empty())
            chosen = usable(config_.proxy_alternate_upstream, false);
    }
    if (chosen == upstream_) {
        if (chosen) proxy_host_.configure(ifs_.at(chosen)->config(), ifs_.at(chosen)->link().mtu);
        return;
    }
    const int old = upstream_;
    upstream_ = chosen;
    FANOUT_LOG_INFO("igmp proxy: upstream {} -> {}", old, chosen);
    proxy_host_.set_active(false);
    for (auto it = mfc_.begin(); it != mfc_.end();) {  // entries from the old upstream can never match again
        if (it->second.iif == old) {
            actions_.mfc_del(it->first);
            it = mfc_.erase(it);
        } else {
            ++it;
        }
    }
    if (chosen) {
        proxy_host_.configure(ifs_.at(chosen)->config(), ifs_.at(chosen)->link().mtu);
        proxy_host_.set_active(true);
    }
    reprogram_all();
}

void IgmpCore::sync_vif(IgmpInterface& i) {
    const int ifindex = i.ifindex();
    const bool want = is_proxy_interface(i) && i.link_usable();
    const auto have = vifs_.find(ifindex);
    if (want && !have) {
        auto v = vifs_.allocate(ifindex);
        if (!v) {
            FANOUT_LOG_WARN("igmp proxy: no free VIF for {} (all {} in use)", i.name(), kProxyMaxVifs);
            return;
        }
        ProxyVif pv{*v, ifindex, i.address(), i.name()};
        vif_info_[ifindex] = pv;
        actions_.vif_add(pv);
    } else if (!want && have) {
        vifs_.release(ifindex);
        for (auto it = mfc_.begin(); it != mfc_.end();) {
            if (it->second.iif == ifindex) {
                actions_.mfc_del(it->first);
                it = mfc_.erase(it);
            } else {
                ++it;
            }
        }
        actions_.vif_del(vif_info_[ifindex]);
        vif_info_.erase(ifindex);
        reprogram_all();
    }
}

void IgmpCore::handle(const KernelNoCache& ev) {
    if (shut_down_ || !proxy_mode() || !vifs_.find(ev.iif)) return;
    const SGKey sg{ev.source, ev.group};
    if (!mfc_.count(sg) && mfc_.size() >= kProxyMaxMfcEntries) return;
    program(sg, ev.iif);
}

void IgmpCore::handle(const MfcIdle& ev) {
    if (mfc_.erase(ev.sg)) actions_.mfc_del(ev.sg);
}

size_t IgmpCore::handle(const ClearGroups& ev) {
    if (shut_down_) return 0;
    size_t n = 0;
    for (auto& [ifindex, i] : ifs_)
        if (ev.interface.empty() || ev.interface == i->name()) n += i->clear_groups(ev.group);
    return n;
}

void IgmpCore::program(const SGKey& sg, int iif) {
    const auto views = downstream_views(sg.group);
    ProxyMfc e;
    e.sg = sg;
    e.iif = iif;
    e.iif_vif = vifs_.find(iif).value_or(-1);
    e.oifs = proxy_oifs(sg.source, sg.group, iif, upstream_, views);
    for (int o : e.oifs)
        e.oif_vifs.push_back(vifs_.find(o).value_or(-1));
    auto it = mfc_.find(sg);
    if (it != mfc_.end() && it->second == e) return;
    mfc_[sg] = e;
    actions_.mfc_set(e);
}

void IgmpCore::reprogram(Ipv4Address group) {
    std::vector<std::pair<SGKey, int>> todo;
    for (auto it = mfc_.lower_bound(SGKey{Ipv4Address(), Ipv4Address()}); it != mfc_.end(); ++it)
        if (it->first.group == group) todo.emplace_back(it->first, it->second.iif);
    for (const auto& [sg, iif] : todo)
        program(sg, iif);
}

void IgmpCore::reprogram_all() {
    std::vector<std::pair<SGKey, int>> todo;
    for (const auto& [sg, e] : mfc_)
        todo.emplace_back(sg, e.iif);
    for (const auto& [sg, iif] : todo)
        program(sg, iif);
}

void IgmpCore::shutdown() {
    if (shut_down_) return;
    for (auto& [ifindex, i] : ifs_)
        i->stop();
    proxy_host_.set_active(false);
    for (const auto& [sg, e] : mfc_)
        actions_.mfc_del(sg);
    mfc_.clear();
    for (const auto& [ifindex, v] : vif_info_)
        actions_.vif_del(v);
    vif_info_.clear();
    vifs_ = ProxyVifTable();
    shut_down_ = true;
}

}  // namespace fanout::igmp
