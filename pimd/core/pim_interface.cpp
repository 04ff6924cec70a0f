// One PIM interface: RFC 7761 4.3.1 (Hellos), 4.3.2 (neighbors, DR), 4.3.3 (LAN Prune Delay), 4.3.4
// (secondary addresses). See pim_interface.hpp for the states and the rules applied on each change.
#include "pimd/core/pim_interface.hpp"

#include <algorithm>

#include "common/core/log.hpp"
#include "pimd/core/dr_election.hpp"
#include "pimd/core/lan_prune_delay.hpp"

namespace fanout::pim {

std::string_view to_string(PimIfState s) {
    switch (s) {
        case PimIfState::kDown:
            return "down";
        case PimIfState::kUp:
            return "up";
    }
    return "unknown";
}

std::string_view to_string(NeighborDownReason r) {
    switch (r) {
        case NeighborDownReason::kExpired:
            return "expired";
        case NeighborDownReason::kGoodbye:
            return "goodbye";
        case NeighborDownReason::kFiltered:
            return "filtered";
        case NeighborDownReason::kInterfaceDown:
            return "interface-down";
    }
    return "unknown";
}

PimInterface::Up::Up(PimInterface& owner, uint32_t genid)
    : generation_id(genid),
      since(owner.ctx_.timers.now()),
      neighbors(owner.ctx_.timers, owner.cfg_.max_neighbors,
                [&owner](Ipv4Address a) { owner.on_neighbor_expired(a); }),
      hello(owner.ctx_.timers, owner.ctx_.rng, owner.cfg_.hello_interval, owner.cfg_.triggered_hello_delay,
            [&owner] { owner.send_hello(owner.cfg_.effective_holdtime_s(), owner.primary_address()); }) {}

PimInterface::PimInterface(PimContext& ctx, const InterfaceChanged& link, const PimInterfaceConfig& cfg)
    : ctx_(ctx), ifindex_(link.ifindex), name_(link.name), link_(link), cfg_(cfg) {
    reevaluate();
}

PimInterface::~PimInterface() = default;

Ipv4Address PimInterface::primary_address() const {
    return link_.addresses.empty() ? Ipv4Address{} : link_.addresses.front().addr;
}

std::vector<Ipv4Address> PimInterface::secondary_addresses() const {
    std::vector<Ipv4Address> out;
    for (size_t i = 1; i < link_.addresses.size(); ++i)
        out.push_back(link_.addresses[i].addr);
    return out;
}

bool PimInterface::is_local_address(Ipv4Address a) const {
    return std::any_of(link_.addresses.begin(), link_.addresses.end(),
                       [a](const IfAddress& x) { return x.addr == a; });
}

std::string_view PimInterface::wanted_down_reason() const {
    if (!cfg_.enabled) return "disabled";
    if (link_.loopback) return "loopback";
    if (!link_.up) return "link-down";
    if (!link_.multicast) return "no-multicast";
    if (link_.addresses.empty()) return "no-address";
    return "";
}

void PimInterface::reevaluate() {
    auto why = wanted_down_reason();
    if (why.empty() && !up_) {
        go_up();
    } else if (!why.empty()) {
        if (up_) {
            bool can_send = link_.up && link_.multicast && !link_.addresses.empty();
            go_down(why, can_send ? std::optional(primary_address()) : std::nullopt);
        }
        down_reason_ = why;
    }
}

void PimInterface::go_up() {
    up_ = std::make_unique<Up>(*this, ctx_.rng.next_u32());
    down_reason_ = "";
    FANOUT_LOG_DEBUG(LogCategory::kEvents, "pim: {} up, genid {:#x}", name_, up_->generation_id);
    notify([&](PimObserver& o) { o.on_interface_up(*this); });
    run_dr_election();
    up_->hello.start();
}

void PimInterface::go_down(std::string_view why, std::optional<Ipv4Address> goodbye_from) {
    if (!up_) return;
    if (goodbye_from && !goodbye_from->is_unspecified()) send_hello(0, *goodbye_from);
    notify([&](PimObserver& o) { o.on_interface_down(*this); });
    std::unique_ptr<Up> old = std::move(up_);
    down_reason_ = why;
    for (const auto& [addr, n] : old->neighbors.all()) {
        ++counters_.neighbors_down;
        notify([&, a = addr](PimObserver& o) {
            o.on_neighbor_down(*this, a, NeighborDownReason::kInterfaceDown);
        });
    }
    if (!old->dr.is_unspecified()) {
        ++counters_.dr_changes;
        notify([&](PimObserver& o) { o.on_dr_changed(*this, old->dr, Ipv4Address{}); });
    }
    FANOUT_LOG_DEBUG(LogCategory::kEvents, "pim: {} down ({})", name_, why);
}

void PimInterface::shutdown(std::string_view why) {
    bool can_send = link_.up && link_.multicast && !link_.addresses.empty();
    go_down(why, can_send ? std::optional(primary_address()) : std::nullopt);
    down_reason_ = why;
}

void PimInterface::update_link(const InterfaceChanged& link) {
    const Ipv4Address old_primary = primary_address();
    const auto old_secondaries = secondary_addresses();
    link_ = link;
    name_ = link.name;
    if (!up_) {
        reevaluate();
        return;
    }
    if (auto why = wanted_down_reason(); !why.empty()) {
        // Goodbye from the address neighbors know us by, if the link can still carry it.
        bool can_send = link_.up && link_.multicast;
        go_down(why, can_send ? std::optional(old_primary) : std::nullopt);
        return;
    }
    if (primary_address() != old_primary) {
        send_hello(0, old_primary);  // 4.3.1: goodbye with the old address ...
        up_->hello.mark_stale();
        up_->hello.send_now();  // ... then a hello with the new one
        run_dr_election();
    } else if (secondary_addresses() != old_secondaries && cfg_.announce_secondary_addresses) {
        up_->hello.send_now();
    }
}

void PimInterface::update_config(const PimInterfaceConfig& cfg) {
    const PimInterfaceConfig old = cfg_;
    cfg_ = cfg;
    if (!up_) {
        reevaluate();
        return;
    }
    if (!wanted_down_reason().empty()) {
        reevaluate();
        return;
    }
    up_->neighbors.set_max_neighbors(cfg_.max_neighbors);
    up_->hello.set_triggered_delay(cfg_.triggered_hello_delay);
    up_->hello.set_period(cfg_.hello_interval);
    if (old.neighbor_filter != cfg_.neighbor_filter) apply_neighbor_filter();
    const bool hello_changed =
        old.effective_holdtime_s() != cfg_.effective_holdtime_s() || old.dr_priority != cfg_.dr_priority ||
        old.propagation_delay != cfg_.propagation_delay || old.override_interval != cfg_.override_interval ||
        old.tracking_support != cfg_.tracking_support ||
        old.send_lan_prune_delay != cfg_.send_lan_prune_delay ||
        old.announce_secondary_addresses != cfg_.announce_secondary_addresses ||
        old.hello_interval != cfg_.hello_interval;
    if (hello_changed) up_->hello.send_now();
    if (old.dr_priority != cfg_.dr_priority) run_dr_election();
}

packet::Hello PimInterface::build_hello(uint16_t holdtime_s) const {
    packet::Hello h;
    h.holdtime_s = holdtime_s;
    if (cfg_.send_lan_prune_delay) {
        auto ms = [](Duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
        packet::LanPruneDelay lpd;
        lpd.tracking_support = cfg_.tracking_support;
        lpd.propagation_delay_ms =
            static_cast<uint16_t>(std::clamp<int64_t>(ms(cfg_.propagation_delay), 0, 0x7fff));
        lpd.override_interval_ms =
            static_cast<uint16_t>(std::clamp<int64_t>(ms(cfg_.override_interval), 0, 0xffff));
        h.lan_prune_delay = lpd;
    }
    h.dr_priority = cfg_.dr_priority;
    h.generation_id = generation_id();
    if (cfg_.announce_secondary_addresses) h.address_list = secondary_addresses();
    return h;
}

void PimInterface::send_hello(uint16_t holdtime_s, Ipv4Address src) {
    auto bytes = packet::encode_hello(build_hello(holdtime_s));
    ++counters_.hellos_tx;
    ctx_.counters.count_tx(packet::PimType::kHello);
    ctx_.actions.send_pim(ifindex_, src, addr::kAllPimRouters, bytes);
}

void PimInterface::send(Ipv4Address dst, std::span<const uint8_t> message) {
    if (!up_ || message.empty()) return;
    ctx_.counters.count_tx(static_cast<packet::PimType>(message[0] & 0xf));
    ctx_.actions.send_pim(ifindex_, primary_address(), dst, message);
}

void PimInterface::ensure_hello_sent() {
    if (up_) up_->hello.ensure_sent();
}

RxOutcome PimInterface::receive_hello(Ipv4Address src, const packet::Hello& hello) {
    if (!up_) return RxOutcome::dropped(PimDropReason::kInterfaceDown);
    if (!cfg_.neighbor_allowed(src)) {
        ++counters_.neighbors_filtered;
        return RxOutcome::dropped(PimDropReason::kNeighborFiltered);
    }
    HelloUpdate upd = up_->neighbors.apply_hello(src, NeighborHello::from(hello));
    if (upd.verdict == HelloVerdict::kLimit) {
        ++counters_.neighbor_limit_drops;
        return RxOutcome::dropped(PimDropReason::kNeighborLimit);
    }
    ++counters_.hellos_rx;
    const Neighbor* n = up_->neighbors.find(src);
    switch (upd.verdict) {
        case HelloVerdict::kNew:
            ++counters_.neighbors_up;
            FANOUT_LOG_DEBUG(LogCategory::kEvents, "pim: {} neighbor {} up", name_, src.to_string());
            notify([&](PimObserver& o) { o.on_neighbor_up(*this, *n); });
            up_->hello.trigger();
            break;
        case HelloVerdict::kRestarted:
            ++counters_.neighbor_restarts;
            notify([&](PimObserver& o) { o.on_neighbor_restarted(*this, *n); });
            up_->hello.trigger();
            break;
        case HelloVerdict::kRefreshed:
            if (upd.secondaries_changed) notify([&](PimObserver& o) { o.on_neighbor_changed(*this, *n); });
            break;
        case HelloVerdict::kGoodbye:
            ++counters_.neighbors_down;
            notify([&](PimObserver& o) { o.on_neighbor_down(*this, src, NeighborDownReason::kGoodbye); });
            break;
        case HelloVerdict::kUnknownGoodbye:
        case HelloVerdict::kLimit:
            break;
    }
    for (const auto& [addr, from] : upd.conflicts) {
        ++counters_.secondary_conflicts;
        FANOUT_LOG_WARN("pim: {}: secondary address {} moved from neighbor {} to {}", name_, addr.to_string(),
                        from.to_string(), src.to_string());
        if (const Neighbor* other = up_->neighbors.find(from))
            notify([&](PimObserver& o) { o.on_neighbor_changed(*this, *other); });
    }
    run_dr_election();
    return RxOutcome::accepted();
}

void PimInterface::run_dr_election() {
    if (!up_) return;
    const DrCandidate me{primary_address(), cfg_.dr_priority};
    std::vector<DrCandidate> others;
    others.reserve(up_->neighbors.size());
    for (const auto& [addr, n] : up_->neighbors.all())
        others.push_back({addr, n.hello.dr_priority});
    const Ipv4Address dr = elect_dr(me, others);
    if (dr == up_->dr) return;
    const Ipv4Address old = up_->dr;
    up_->dr = dr;
    ++counters_.dr_changes;
    FANOUT_LOG_DEBUG(LogCategory::kEvents, "pim: {} DR {} -> {}", name_, old.to_string(), dr.to_string());
    notify([&](PimObserver& o) { o.on_dr_changed(*this, old, dr); });
}

void PimInterface::on_neighbor_expired(Ipv4Address primary) {
    neighbor_down(primary, NeighborDownReason::kExpired);
}

void PimInterface::neighbor_down(Ipv4Address primary, NeighborDownReason why) {
    if (!up_ || !up_->neighbors.remove(primary)) return;
    ++counters_.neighbors_down;
    FANOUT_LOG_DEBUG(LogCategory::kEvents, "pim: {} neighbor {} down ({})", name_, primary.to_string(),
                     to_string(why));
    notify([&](PimObserver& o) { o.on_neighbor_down(*this, primary, why); });
    run_dr_election();
}

void PimInterface::apply_neighbor_filter() {
    std::vector<Ipv4Address> gone;
    for (const auto& [addr, n] : up_->neighbors.all())
        if (!cfg_.neighbor_allowed(addr)) gone.push_back(addr);
    for (auto a : gone)
        neighbor_down(a, NeighborDownReason::kFiltered);
}

const Neighbor* PimInterface::find_neighbor(Ipv4Address addr) const {
    return up_ ? up_->neighbors.find_by_any_address(addr) : nullptr;
}

std::vector<NeighborLanPruneDelay> PimInterface::neighbor_lan_delays() const {
    std::vector<NeighborLanPruneDelay> out;
    if (!up_) return out;
    for (const auto& [addr, n] : up_->neighbors.all())
        out.push_back(n.hello.lan_prune_delay);
    return out;
}

bool PimInterface::lan_delay_enabled() const {
    return pim::lan_delay_enabled(neighbor_lan_delays());
}
Duration PimInterface::effective_propagation_delay() const {
    return pim::effective_propagation_delay(cfg_.propagation_delay, neighbor_lan_delays());
}
Duration PimInterface::effective_override_interval() const {
    return pim::effective_override_interval(cfg_.override_interval, neighbor_lan_delays());
}
bool PimInterface::suppression_enabled() const {
    return pim::suppression_enabled(neighbor_lan_delays());
}
Duration PimInterface::jp_override_interval() const {
    return pim::jp_override_interval(cfg_.propagation_delay, cfg_.override_interval, neighbor_lan_delays());
}

}  // namespace fanout::pim
