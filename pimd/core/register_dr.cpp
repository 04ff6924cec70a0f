// RFC 7761 4.4.1 (Sending Register Messages from the DR), 4.9.3 / 4.9.4 (Register / Register-Stop formats).
// See register_dr.hpp for what this module decides and how it is wired.
#include "pimd/core/register_dr.hpp"

#include <algorithm>

#include "common/core/checksum.hpp"
#include "common/core/log.hpp"
#include "common/packet/pim_register.hpp"
#include "pimd/core/pim_core.hpp"

namespace fanout::pim {

std::string_view to_string(RegisterDrDrop d) {
    switch (d) {
        case RegisterDrDrop::kNotJoined:
            return "not-joined";
        case RegisterDrDrop::kRateLimited:
            return "rate-limited";
        case RegisterDrDrop::kNoRp:
            return "no-rp";
        case RegisterDrDrop::kBadPacket:
            return "bad-packet";
        case RegisterDrDrop::kTtlExpired:
            return "ttl-expired";
        case RegisterDrDrop::kCount:
            break;
    }
    return "?";
}

bool on_subnet(const PimInterface& pif, Ipv4Address s) {
    for (const auto& a : pif.link().addresses)
        if (a.prefix_len < 32 && a.subnet().contains(s)) return true;
    return false;
}

bool directly_connected(const PimCore& core, Ipv4Address s) {
    for (const auto& [ifindex, pif] : core.interfaces())
        if ((pif->config().enabled || pif->config().igmp) && on_subnet(*pif, s)) return true;
    return false;
}

// ---- TokenBucket ----

TokenBucket::TokenBucket(uint32_t rate_per_s, uint32_t burst, TimePoint now)
    : rate_(rate_per_s), burst_(std::max<uint32_t>(burst, 1)), tokens_(burst_), last_(now) {}

bool TokenBucket::take(TimePoint now) {
    if (rate_ == 0) return true;
    if (now > last_) {
        tokens_ = std::min(burst_, tokens_ + to_seconds(now - last_) * rate_);
        last_ = now;
    }
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
}

// ---- RegisterDr ----

RegisterDr::RegisterDr(RegisterHost& host, TimerService& timers, Random& rng, PimActions& actions,
                       RegisterDrConfig cfg)
    : host_(host), timers_(timers), actions_(actions), cfg_(cfg), machine_(timers, rng, *this, cfg.timers) {}

void RegisterDr::set_config(RegisterDrConfig cfg) {
    cfg_ = cfg;
    machine_.set_timers(cfg.timers);
    for (auto& [sg, st] : states_)
        st.bucket = TokenBucket(cfg_.rate_limit_pps, cfg_.rate_limit_burst, timers_.now());
}

const SGRegisterState* RegisterDr::find(const SGKey& sg) const {
    auto it = states_.find(sg);
    return it == states_.end() ? nullptr : &it->second;
}

std::optional<Ipv4Address> RegisterDr::current_rp(Ipv4Address group) const {
    if (host_.is_ssm(group)) return std::nullopt;
    return host_.macro_inputs().router.rp(group);
}

bool RegisterDr::could_register(const SGKey& sg) const {
    MacroInputs in = host_.macro_inputs();
    const SGEntry* e = in.tib.find(sg);
    if (!e || !e->keepalive_running()) return false;
    int iif = in.router.rpf_interface(sg.source);
    if (iif == 0 || !in.router.i_am_dr(iif)) return false;
    // A DR that is itself RP(G) has nothing to tunnel: the source's packets reach the shared tree here
    // natively (4.2: the (S,G) entry forwards on inherited_olist(S,G) from RPF_interface(S)). Registering to
    // ourselves would loop every packet through the register VIF and back (WRONGVIF on the decapsulated
    // copy).
    if (auto rp = in.router.rp(sg.group); rp && in.router.is_local_address(*rp)) return false;
    return host_.directly_connected(sg.source);
}

bool RegisterDr::register_vif_wanted(const SGKey& sg) const {
    const SGRegisterState* st = find(sg);
    return st && st->state() == RegisterDrState::kJoin && could_register(sg);
}

// Feeds the events the current facts imply. CouldRegister is evaluated first: an RP change on an entry that
// can no longer register is moot. A group without an RP cannot register (nowhere to send): treated as
// CouldRegister -> False.
void RegisterDr::reevaluate(const SGKey& sg) {
    auto rp = current_rp(sg.group);
    bool could = rp && could_register(sg);
    auto it = states_.find(sg);
    if (!could) {
        if (it != states_.end()) {
            run(sg, RegisterDrEvent::kCouldRegisterFalse);
            states_.erase(sg);
            if (auto g = sources_by_group_.find(sg.group); g != sources_by_group_.end()) {
                g->second.erase(sg.source);
                if (g->second.empty()) sources_by_group_.erase(g);
            }
        }
        return;
    }
    if (it == states_.end()) {
        SGRegisterState st{sg,
                           RegNoInfo{},
                           *rp,
                           timers_.now(),
                           TokenBucket(cfg_.rate_limit_pps, cfg_.rate_limit_burst, timers_.now()),
                           {}};
        states_.emplace(sg, std::move(st));
        sources_by_group_[sg.group].insert(sg.source);
        run(sg, RegisterDrEvent::kCouldRegisterTrue);
        return;
    }
    if (it->second.rp != *rp) {
        FANOUT_LOG_DEBUG(LogCategory::kRegister, "register {}: RP {} -> {}", sg.to_string(),
                         it->second.rp.to_string(), rp->to_string());
        it->second.rp = *rp;
        run(sg, RegisterDrEvent::kRpChanged);
    }
}

void RegisterDr::group_changed(Ipv4Address group) {
    std::vector<SGKey> keys;
    if (auto g = sources_by_group_.find(group); g != sources_by_group_.end())
        for (auto src : g->second)
            keys.push_back(SGKey{src, group});
    for (auto src : host_.macro_inputs().tib.sources_of(group))
        keys.push_back(SGKey{src, group});
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const auto& sg : keys)
        reevaluate(sg);
}

void RegisterDr::interface_changed(int ifindex) {
    (void)ifindex;  // DR(I) affects the (S,G)s whose RPF interface is I: cheap enough to recheck them all
    reevaluate_all();
}

void RegisterDr::reevaluate_all() {
    std::vector<SGKey> keys;
    for (const auto& [sg, st] : states_)
        keys.push_back(sg);
    for (const auto& [sg, e] : host_.macro_inputs().tib.sg())
        keys.push_back(sg);
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const auto& sg : keys)
        reevaluate(sg);
}

void RegisterDr::run(const SGKey& sg, RegisterDrEvent ev) {
    auto it = states_.find(sg);
    if (it == states_.end()) return;
    RegisterDrState before = it->second.state();
    machine_.handle(sg, it->second.fsm, ev);
    // `it` stays valid: hooks never erase.
    if (it->second.state() != before) it->second.since = timers_.now();
}

// ---- hooks ----

void RegisterDr::register_stop_timer_expired(const SGKey& sg) {
    // A machine whose CouldRegister went false without a reevaluate() call must not keep probing.
    reevaluate(sg);
    auto it = states_.find(sg);
    if (it == states_.end()) return;
    RegisterDrState s = it->second.state();
    if (s == RegisterDrState::kJoinPending || s == RegisterDrState::kPrune)
        run(sg, RegisterDrEvent::kRegisterStopTimerExpires);
}

void RegisterDr::send_null_register(const SGKey& sg) {
    auto it = states_.find(sg);
    if (it == states_.end()) return;
    auto msg = packet::encode_null_register(sg);
    send_to_rp(it->second.rp, msg);
    ++it->second.counters.null_registers_sent;
    ++counters_.null_registers_sent;
}

void RegisterDr::tunnel_changed(const SGKey& sg) {
    host_.register_vif_changed(sg);
}

// ---- sending ----

Ipv4Address RegisterDr::register_source_for(Ipv4Address rp) {
    if (cfg_.register_source) {
        if (host_.macro_inputs().router.is_local_address(*cfg_.register_source)) return *cfg_.register_source;
        ++counters_.register_source_not_local;
    }
    auto route = host_.unicast_route(rp);
    if (route && route->ifindex > 0)
        if (auto a = host_.interface_address(route->ifindex)) return *a;
    return Ipv4Address{};
}

void RegisterDr::send_to_rp(Ipv4Address rp, std::span<const uint8_t> message) {
    auto route = host_.unicast_route(rp);
    int ifindex = route ? route->ifindex : 0;
    actions_.send_pim(ifindex, register_source_for(rp), rp, message);
}

void RegisterDr::drop(SGRegisterState* st, RegisterDrDrop why) {
    ++counters_.drops[static_cast<size_t>(why)];
    if (st) ++st->counters.drops[static_cast<size_t>(why)];
}

// 4.4.1 "Encapsulating Data Packets in the Register Tunnel".
void RegisterDr::whole_packet(const KernelUpcall& up) {
    auto it = states_.find(up.key());
    SGRegisterState* st = it == states_.end() ? nullptr : &it->second;
    if (!st) {
        ++counters_.upcalls_unknown;
        drop(nullptr, RegisterDrDrop::kNotJoined);
        return;
    }
    const auto& p = up.packet;
    if (p.size() < 20 || (p[0] >> 4) != 4 || (p[0] & 0x0f) < 5 || p.size() < size_t(p[0] & 0x0f) * 4 ||
        Ipv4Address((uint32_t(p[12]) << 24) | (uint32_t(p[13]) << 16) | (uint32_t(p[14]) << 8) | p[15]) !=
            up.source ||
        Ipv4Address((uint32_t(p[16]) << 24) | (uint32_t(p[17]) << 16) | (uint32_t(p[18]) << 8) | p[19]) !=
            up.group)
        return drop(st, RegisterDrDrop::kBadPacket);
    if (st->state() != RegisterDrState::kJoin || !could_register(up.key()))
        return drop(st, RegisterDrDrop::kNotJoined);
    if (!current_rp(up.group)) return drop(st, RegisterDrDrop::kNoRp);
    if (p[8] <= 1) return drop(st, RegisterDrDrop::kTtlExpired);
    if (!st->bucket.take(timers_.now())) return drop(st, RegisterDrDrop::kRateLimited);

    std::vector<uint8_t> inner(p.begin(), p.end());
    size_t ihl = size_t(inner[0] & 0x0f) * 4;
    inner[8] = static_cast<uint8_t>(inner[8] - 1);
    inner[10] = inner[11] = 0;
    uint16_t c = internet_checksum(std::span<const uint8_t>(inner.data(), ihl));
    inner[10] = static_cast<uint8_t>(c >> 8);
    inner[11] = static_cast<uint8_t>(c & 0xff);
    auto msg = packet::encode_register(inner);
    send_to_rp(st->rp, msg);
    ++st->counters.packets_encapsulated;
    st->counters.bytes_encapsulated += inner.size();
    ++counters_.registers_sent;
}

// ---- Register-Stop ----

void RegisterDr::register_stop_for(const SGKey& sg) {
    auto it = states_.find(sg);
    if (it == states_.end()) return;
    ++it->second.counters.register_stops_received;
    run(sg, RegisterDrEvent::kRegisterStopReceived);
}

RxOutcome RegisterDr::receive_register_stop(const PimRxContext& ctx) {
    auto rs = packet::decode_register_stop(ctx.message);
    if (!rs) return RxOutcome::decode_error(rs.error());
    ++counters_.register_stops_rx;
    Ipv4Address group = rs->group.group;
    if (rs->source.is_unspecified()) {
        ++counters_.register_stops_wildcard;
        std::vector<SGKey> keys;
        for (const auto& [sg, st] : states_)
            if (sg.group == group && st.state() != RegisterDrState::kNoInfo) keys.push_back(sg);
        if (keys.empty()) ++counters_.register_stops_unknown;
        for (const auto& sg : keys)
            register_stop_for(sg);
    } else {
        SGKey sg{rs->source, group};
        if (!states_.count(sg)) ++counters_.register_stops_unknown;
        register_stop_for(sg);
    }
    FANOUT_LOG_DEBUG(LogCategory::kRegister, "register-stop ({},{}) from {}", rs->source.to_string(),
                     group.to_string(), ctx.rx.src.to_string());
    return RxOutcome::accepted();
}

}  // namespace fanout::pim
