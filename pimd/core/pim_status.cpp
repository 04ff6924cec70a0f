// Status snapshots and their JSON form (see pim_status.hpp).
#include "pimd/core/pim_status.hpp"

#include "pimd/core/pim_core.hpp"
#include "pimd/core/sparse_mode.hpp"

namespace fanout::pim {

namespace {

int64_t ms(Duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

InterfaceStatus one_interface(const PimCore& core, const PimInterface& p) {
    InterfaceStatus s;
    s.ifindex = p.ifindex();
    s.name = p.name();
    s.state = std::string(to_string(p.state()));
    s.down_reason = std::string(p.down_reason());
    s.address = p.primary_address();
    s.secondary_addresses = p.secondary_addresses();
    s.dr = p.dr();
    s.i_am_dr = p.i_am_dr();
    s.dr_priority = p.config().dr_priority;
    s.generation_id = p.generation_id();
    s.neighbor_count = p.neighbor_count();
    s.hello_interval_ms = ms(p.config().hello_interval);
    s.hello_holdtime_s = p.config().effective_holdtime_s();
    if (const HelloSender* h = p.hello_sender()) s.next_hello_ms = ms(h->next_periodic_in());
    s.vif = core.vifs().vif_of(p.ifindex());
    s.vif_error = std::string(core.vif_error(p.ifindex()));
    s.lan_delay_enabled = p.lan_delay_enabled();
    s.effective_propagation_delay_ms = ms(p.effective_propagation_delay());
    s.effective_override_interval_ms = ms(p.effective_override_interval());
    s.suppression_enabled = p.suppression_enabled();
    s.counters = p.counters();
    return s;
}

}  // namespace

std::vector<InterfaceStatus> interface_status(const PimCore& core, const std::string& name) {
    std::vector<InterfaceStatus> out;
    for (const auto& [ifindex, p] : core.interfaces())
        if (name.empty() || p->name() == name) out.push_back(one_interface(core, *p));
    return out;
}

std::vector<NeighborStatus> neighbor_status(const PimCore& core, const std::string& name) {
    std::vector<NeighborStatus> out;
    const TimePoint now = core.now();
    for (const auto& [ifindex, p] : core.interfaces()) {
        if (!name.empty() && p->name() != name) continue;
        const NeighborTable* table = p->neighbors();
        if (!table) continue;
        for (const auto& [addr, n] : table->all()) {
            NeighborStatus s;
            s.interface = p->name();
            s.ifindex = ifindex;
            s.address = addr;
            s.uptime_ms = ms(now - n.up_since);
            if (!n.never_expires()) s.expires_ms = ms(n.liveness.remaining());
            s.holdtime_s = n.hello.holdtime_s;
            s.dr_priority = n.hello.dr_priority;
            s.generation_id = n.hello.generation_id;
            s.lan_prune_delay = n.hello.lan_prune_delay;
            s.options = n.hello.options_seen;
            s.secondary_addresses.assign(n.secondary_addresses.begin(), n.secondary_addresses.end());
            s.is_dr = p->dr() == addr;
            out.push_back(std::move(s));
        }
    }
    return out;
}

StatisticsStatus statistics_status(const PimCore& core) {
    StatisticsStatus s;
    const PimCounters& c = core.counters();
    for (uint8_t t = 0; t < kPimTypeSlots; ++t) {
        if (!packet::is_known_pim_type(t)) continue;
        auto name = std::string(packet::to_string(static_cast<packet::PimType>(t)));
        s.rx[name] = c.rx_by_type[t];
        s.tx[name] = c.tx_by_type[t];
    }
    for (size_t r = 0; r < static_cast<size_t>(PimDropReason::kCount); ++r)
        s.drops[std::string(to_string(static_cast<PimDropReason>(r)))] = c.drops[r];
    for (size_t k = 0; k < static_cast<size_t>(packet::DecodeErrorKind::kCount); ++k)
        s.decode_errors[std::string(packet::kDecodeErrorNames[k])] = c.decode_errors.by_kind[k];
    s.vif_table_full = c.vif_table_full;
    s.hello_options_ignored = c.hello_options_ignored;
    s.mroute_clears = core.sparse().mfc().counters().clears;
    s.mroutes_cleared = core.sparse().mfc().counters().cleared;
    return s;
}

}  // namespace fanout::pim
