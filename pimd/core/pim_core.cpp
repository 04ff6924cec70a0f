// The PIM core: interfaces, VIFs and the receive path (RFC 7761 4.3, 4.9; see pim_core.hpp).
#include "pimd/core/pim_core.hpp"

#include <algorithm>

#include "common/core/log.hpp"
#include "common/packet/pim_hello.hpp"
#include "pimd/core/sparse_mode.hpp"

namespace fanout::pim {

PimCore::PimCore(PimConfig config, TimerService& timers, Random& rng, PimActions& actions)
    : config_(std::move(config)),
      timers_(timers),
      rng_(rng),
      actions_(actions),
      started_at_(timers.now()),
      ctx_{timers_, rng_, actions_, counters_, observers_} {
    handlers_.set(packet::PimType::kHello, [this](const PimRxContext& c) { return receive_hello(c); });
    sparse_ = std::make_unique<SparseMode>(*this);
    handlers_.set(packet::PimType::kJoinPrune,
                  [this](const PimRxContext& c) { return sparse_->receive_join_prune(c); });
    handlers_.set(packet::PimType::kRegister,
                  [this](const PimRxContext& c) { return sparse_->receive_register(c); });
    handlers_.set(packet::PimType::kRegisterStop,
                  [this](const PimRxContext& c) { return sparse_->receive_register_stop(c); });
    add_observer(sparse_.get());
}

PimCore::~PimCore() {
    // Interfaces first: their goodbyes and observer calls must not reach a half-destroyed subsystem.
    remove_observer(sparse_.get());
    pim_ifs_.clear();
    sparse_.reset();
}

void PimCore::handle(const MembershipChanged& ev) {
    if (!shut_down_) sparse_->handle(ev);
}

void PimCore::handle(const RouteChanged& ev) {
    if (!shut_down_) sparse_->handle(ev);
}

void PimCore::handle(const KernelUpcall& ev) {
    if (!shut_down_) sparse_->handle(ev);
}

size_t PimCore::handle(const ClearMroutes& ev) {
    return shut_down_ ? 0 : sparse_->clear_mroutes(ev.group);
}

void PimCore::handle(std::span<const KernelUpcall> batch) {
    if (!shut_down_) sparse_->handle(batch);
}

void PimCore::remove_observer(PimObserver* o) {
    observers_.erase(std::remove(observers_.begin(), observers_.end(), o), observers_.end());
}

PimInterface* PimCore::find_interface(int ifindex) {
    auto it = pim_ifs_.find(ifindex);
    return it == pim_ifs_.end() ? nullptr : it->second.get();
}

const PimInterface* PimCore::find_interface(int ifindex) const {
    auto it = pim_ifs_.find(ifindex);
    return it == pim_ifs_.end() ? nullptr : it->second.get();
}

const PimInterface* PimCore::find_interface(const std::string& name) const {
    for (const auto& [i, p] : pim_ifs_)
        if (p->name() == name) return p.get();
    return nullptr;
}

std::string_view PimCore::vif_error(int ifindex) const {
    auto it = vif_errors_.find(ifindex);
    return it == vif_errors_.end() ? std::string_view{} : it->second;
}

bool PimCore::is_local_address(Ipv4Address addr) const {
    for (const auto& [i, l] : links_)
        for (const auto& a : l.addresses)
            if (a.addr == addr) return true;
    return false;
}

// ---- interfaces and VIFs ----

namespace {
// The kernel drops the IPv4 routes through an interface that goes down, or through a gateway of an address
// it loses, without a route notification (rtnetlink reports only the IPv6 ones): RPF answers through it
// must be looked up again (RpfTracker::interface_lost).
bool routes_may_be_lost(const InterfaceChanged* before, const InterfaceChanged& now) {
    if (!now.up) return true;
    if (!before) return false;
    for (const auto& a : before->addresses)
        if (std::find(now.addresses.begin(), now.addresses.end(), a) == now.addresses.end()) return true;
    return false;
}
}  // namespace

void PimCore::handle(const InterfaceChanged& ev) {
    if (shut_down_) return;
    auto before = links_.find(ev.ifindex);
    const bool lost = routes_may_be_lost(before == links_.end() ? nullptr : &before->second, ev);
    links_[ev.ifindex] = ev;
    sync_interface(ev.ifindex);
    if (lost) sparse_->interface_lost(ev.ifindex);
}

void PimCore::handle(const InterfaceRemoved& ev) {
    if (shut_down_) return;
    auto it = links_.find(ev.ifindex);
    if (it == links_.end()) return;
    it->second.up = false;  // gone: nothing can be sent on it any more
    if (auto* pif = find_interface(ev.ifindex)) pif->update_link(it->second);
    pim_ifs_.erase(ev.ifindex);
    links_.erase(it);
    sync_vif(ev.ifindex);
    sparse_->interface_lost(ev.ifindex);
}

void PimCore::handle(const ConfigChanged& ev) {
    if (shut_down_) return;
    config_ = ev.config;
    for (const auto& [ifindex, link] : links_)
        sync_interface(ifindex);
    sparse_->config_changed();
}

void PimCore::sync_interface(int ifindex) {
    const bool want_vif = vif_wanted(ifindex);
    if (want_vif) sync_vif(ifindex);  // the VIF exists before PIM starts on the interface
    const auto& link = links_.at(ifindex);
    const PimInterfaceConfig* cfg = config_.find_interface(link.name);
    auto it = pim_ifs_.find(ifindex);
    if (cfg) {
        if (it == pim_ifs_.end()) {
            pim_ifs_.emplace(ifindex, std::make_unique<PimInterface>(ctx_, link, *cfg));
        } else {
            if (!(it->second->config() == *cfg)) it->second->update_config(*cfg);
            it->second->update_link(link);
        }
    } else if (it != pim_ifs_.end()) {
        it->second->shutdown("not-configured");
        pim_ifs_.erase(it);
    }
    if (!want_vif) sync_vif(ifindex);  // ... and goes after PIM stopped
}

bool PimCore::vif_wanted(int ifindex) const {
    auto it = links_.find(ifindex);
    if (it == links_.end()) return false;
    const auto& l = it->second;
    const PimInterfaceConfig* cfg = config_.find_interface(l.name);
    return cfg && (cfg->enabled || cfg->igmp) && l.up && l.multicast && !l.loopback;
}

void PimCore::sync_vif(int ifindex) {
    const bool want = vif_wanted(ifindex);
    const bool have = vifs_.vif_of(ifindex).has_value();
    if (want && !have) {
        const auto& l = links_.at(ifindex);
        Ipv4Address local = l.addresses.empty() ? Ipv4Address{} : l.addresses.front().addr;
        auto r = vifs_.add_interface(ifindex, local, l.name);
        if (!r) {
            if (r.error() == VifError::kTableFull) ++counters_.vif_table_full;
            vif_errors_[ifindex] = to_string(r.error());
            FANOUT_LOG_WARN("pim: no VIF for {} (ifindex {}): {} ({} VIFs max)", l.name, ifindex,
                            to_string(r.error()), kMaxVifs);
            return;
        }
        vif_errors_.erase(ifindex);
        actions_.vif_add(*r);
    } else if (!want) {
        vif_errors_.erase(ifindex);
        if (auto d = vifs_.remove_interface(ifindex)) {
            actions_.vif_del(*d);
            retry_vifs();
        }
    }
}

void PimCore::retry_vifs() {
    std::vector<int> waiting;
    for (const auto& [ifindex, err] : vif_errors_)
        waiting.push_back(ifindex);
    for (int ifindex : waiting)
        if (vif_wanted(ifindex)) sync_vif(ifindex);
}

Result<VifAdd, VifError> PimCore::add_register_vif() {
    auto r = vifs_.add_register();
    if (r) {
        actions_.vif_add(*r);
    } else if (r.error() == VifError::kTableFull) {
        ++counters_.vif_table_full;
    }
    return r;
}

void PimCore::remove_register_vif() {
    if (auto d = vifs_.remove_register()) {
        actions_.vif_del(*d);
        retry_vifs();
    }
}

void PimCore::shutdown() {
    if (shut_down_) return;
    for (auto& [ifindex, pif] : pim_ifs_)
        pif->shutdown("shutdown");
    for (int i = 0; i < kMaxVifs; ++i) {
        if (const VifAdd* v = vifs_.at(i)) {
            VifDel d{v->vif_index, v->ifindex};
            actions_.vif_del(d);
        }
    }
    vifs_ = VifTable{};
    vif_errors_.clear();
    shut_down_ = true;
}

// ---- receive path ----

void PimCore::handle(const RxPim& ev) {
    if (shut_down_) return;
    PimInterface* pif = nullptr;
    auto type = packet::PimType::kHello;
    RxOutcome out = receive(ev, pif, type);
    count(out, pif, type);
}

RxOutcome PimCore::receive(const RxPim& rx, PimInterface*& pif, packet::PimType& type) {
    if (links_.find(rx.ifindex) == links_.end()) return RxOutcome::dropped(PimDropReason::kUnknownInterface);
    pif = find_interface(rx.ifindex);
    if (is_local_address(rx.src)) return RxOutcome::dropped(PimDropReason::kOwnAddress);
    auto view = packet::decode_pim_message(rx.payload);
    if (!view) return RxOutcome::decode_error(view.error());
    type = view->header.type;
    if (!packet::is_known_pim_type(static_cast<uint8_t>(type)))
        return RxOutcome::dropped(PimDropReason::kUnsupportedType);
    const MessagePolicy policy = policy_for(type);
    if (policy.link_scoped) {
        if (!pif) return RxOutcome::dropped(PimDropReason::kNotPimInterface);
        if (!pif->is_up()) return RxOutcome::dropped(PimDropReason::kInterfaceDown);
    }
    if (!rx.src.is_unicast()) return RxOutcome::dropped(PimDropReason::kBadSource);
    if (policy.all_pim_routers && rx.dst != addr::kAllPimRouters)
        return RxOutcome::dropped(PimDropReason::kBadDestination);
    const Neighbor* nbr = (pif && pif->is_up()) ? pif->neighbors()->find(rx.src) : nullptr;
    if (policy.from_neighbor && !nbr) return RxOutcome::dropped(PimDropReason::kNotNeighbor);
    const PimMessageHandler* handler = handlers_.find(type);
    if (!handler) return RxOutcome::dropped(PimDropReason::kUnsupportedType);
    PimRxContext ctx{rx, pif, nbr, view->header, rx.payload, view->body};
    return (*handler)(ctx);
}

RxOutcome PimCore::receive_hello(const PimRxContext& ctx) {
    auto hello = packet::decode_hello_body(ctx.body);
    if (!hello) return RxOutcome::decode_error(hello.error());
    if (!hello->malformed_options.empty()) {
        counters_.hello_options_ignored += hello->malformed_options.size();
        FANOUT_LOG_DEBUG(LogCategory::kPacket, "pim: hello from {} on {}: {} malformed option(s) ignored",
                         ctx.rx.src.to_string(), ctx.iface->name(), hello->malformed_options.size());
    }
    return ctx.iface->receive_hello(ctx.rx.src, *hello);
}

void PimCore::count(const RxOutcome& out, PimInterface* pif, packet::PimType type) {
    switch (out.kind) {
        case RxOutcome::Kind::kAccepted:
            counters_.count_rx(type);
            return;
        case RxOutcome::Kind::kDecodeError:
            counters_.decode_errors.count(out.error);
            counters_.count_drop(PimDropReason::kDecodeError);
            FANOUT_LOG_DEBUG(LogCategory::kPacket, "pim: decode error {} ({})",
                             packet::to_string(out.error.kind), out.error.what);
            break;
        case RxOutcome::Kind::kDropped:
            counters_.count_drop(out.reason);
            FANOUT_LOG_DEBUG(LogCategory::kPacket, "pim: {} dropped: {}", packet::to_string(type),
                             to_string(out.reason));
            break;
    }
    if (pif) pif->count_drop();
}

}  // namespace fanout::pim
