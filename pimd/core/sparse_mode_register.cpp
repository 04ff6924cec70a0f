// The register path inside the PIM-SM subsystem: SparseMode as the RegisterHost of RegisterDr (RFC 7761
// 4.4.1, "Sending Register Messages from the DR") and RegisterRp (4.4.2, "Receiving Register Messages at the
// RP"), the Register / Register-Stop handlers, the register VIF and the register settings. The forwarding
// side (register VIF in the (S,G) olist at the DR, register VIF as the shared-tree iif at the RP) is in
// sparse_mode_forwarding.cpp; the register decisions themselves are in register_dr.cpp / register_rp.cpp.
//
// 4.4.2: "If the RP has (*,G) receivers ... it will ... forward the decapsulated packet, and ... join toward
// S"; register_learned() creates (S,G) with the C (register-learned) and N (may notify MSDP) flags and the
// KeepaliveTimer the RP logic chose, then JoinDesired(S,G) = KAT running AND inherited_olist(S,G) != NULL
// sends the (S,G) Join toward S on the group's re-evaluation.
#include "common/core/log.hpp"
#include "pimd/core/pim_core.hpp"
#include "pimd/core/sparse_mode.hpp"

namespace fanout::pim {

RegisterDrConfig register_dr_config(const PimConfig& c) {
    RegisterDrConfig r;
    r.timers = RegisterTimers{c.register_suppression_time, c.register_probe_time};
    r.register_source = c.register_source;
    r.rate_limit_pps = c.register_rate_limit_pps;
    r.rate_limit_burst = c.register_rate_limit_burst;
    return r;
}

RegisterRpConfig register_rp_config(const PimConfig& c) {
    RegisterRpConfig r;
    r.timers = RegisterTimers{c.register_suppression_time, c.register_probe_time};
    r.keepalive_period = c.keepalive_period;
    r.accept_sources = c.accept_register_sources;
    r.accept_groups = c.accept_register_groups;
    r.rate_limit_pps = c.register_rp_rate_limit_pps;
    r.rate_limit_burst = c.register_rp_rate_limit_burst;
    r.anycast = c.anycast_rp;
    return r;
}

void SparseMode::apply_register_config() {
    auto dr = register_dr_config(core_.config());
    if (!(dr == register_dr_.config())) register_dr_.set_config(dr);
    auto rp = register_rp_config(core_.config());
    if (!(rp == register_rp_.config())) register_rp_.set_config(std::move(rp));
}

// The DR needs the register VIF for any sparse group with an RP; it is added once, when PIM first runs on
// an interface (a full VIF table is counted by PimCore and retried at the next interface event).
void SparseMode::ensure_register_vif() {
    if (core_.vifs().register_vif()) return;
    auto r = core_.add_register_vif();
    if (!r) FANOUT_LOG_WARN("pim: no register VIF: {}", to_string(r.error()));
}

bool SparseMode::i_am_rp(Ipv4Address group) const {
    auto r = rp(group);
    return r && !is_ssm(group) && is_local_address(*r);
}

// ---- inputs ----

RxOutcome SparseMode::receive_register(const PimRxContext& ctx) {
    RxOutcome out = register_rp_.receive_register(ctx);
    finish();
    return out;
}

RxOutcome SparseMode::receive_register_stop(const PimRxContext& ctx) {
    RxOutcome out = register_dr_.receive_register_stop(ctx);
    finish();
    return out;
}

// ---- RegisterHost ----

std::optional<RpfRoute> SparseMode::unicast_route(Ipv4Address dst) {
    return rib_proxy_.lookup(dst);
}

std::optional<Ipv4Address> SparseMode::interface_address(int ifindex) const {
    const PimInterface* pif = core_.find_interface(ifindex);
    if (!pif || pif->link().addresses.empty()) return std::nullopt;
    return pif->link().addresses.front().addr;
}

// The register tunnel of (S,G) was added or removed outside a group re-evaluation (Register-Stop received,
// Register-Stop Timer): the forwarding entry follows. Inside one, update_forwarding() runs right after the
// register machines were re-evaluated.
void SparseMode::register_vif_changed(const SGKey& sg) {
    if (busy_ > 0) return;
    update_forwarding(sg.group);
    finish_deferred();
}

void SparseMode::register_learned(const SGKey& sg, std::optional<Duration> keepalive) {
    SGEntry* e = sg_entry(sg);
    if (!e) return;
    e->flags.register_learned = true;
    e->flags.msdp_notify = true;
    if (keepalive) restart_keepalive(*e, *keepalive);
    FANOUT_LOG_DEBUG(LogCategory::kRegister, "register: {} learned at the RP (KAT {})", sg.to_string(),
                     keepalive ? std::to_string(to_seconds(*keepalive)) + " s" : std::string("unchanged"));
    recompute_source(sg);
}

}  // namespace fanout::pim
