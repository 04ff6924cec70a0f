// RFC 7761 4.4.2 (Receiving Register Messages at the RP), 4.9.3 / 4.9.4, 4.11. See register_rp.hpp.
#include "pimd/core/register_rp.hpp"

#include "common/core/log.hpp"
#include "common/packet/pim_register.hpp"

namespace fanout::pim {

namespace {
// Bound on per-sender rate-limit buckets (senders can be spoofed): past it the table starts over.
constexpr size_t kMaxSenderBuckets = 4096;

bool in_any(const std::vector<Ipv4Prefix>& list, Ipv4Address a) {
    if (list.empty()) return true;
    for (const auto& p : list)
        if (p.contains(a)) return true;
    return false;
}
}  // namespace

std::string_view to_string(RegisterRpDrop d) {
    switch (d) {
        case RegisterRpDrop::kNotMyAddress:
            return "not-my-address";
        case RegisterRpDrop::kFiltered:
            return "filtered";
        case RegisterRpDrop::kRateLimited:
            return "rate-limited";
        case RegisterRpDrop::kBadInner:
            return "bad-inner";
        case RegisterRpDrop::kPmbrMismatch:
            return "pmbr-mismatch";
        case RegisterRpDrop::kOwnSource:
            return "own-source";
        case RegisterRpDrop::kCount:
            break;
    }
    return "?";
}

std::string_view to_string(RegisterStopReason r) {
    switch (r) {
        case RegisterStopReason::kNotRp:
            return "not-rp";
        case RegisterStopReason::kSsm:
            return "ssm";
        case RegisterStopReason::kFiltered:
            return "filtered";
        case RegisterStopReason::kPmbr:
            return "pmbr";
        case RegisterStopReason::kSptOrNoOlist:
            return "spt-or-no-receivers";
        case RegisterStopReason::kCount:
            break;
    }
    return "?";
}

RegisterRp::RegisterRp(RegisterHost& host, TimerService& timers, PimActions& actions, RegisterRpConfig cfg)
    : host_(host), timers_(timers), actions_(actions), cfg_(std::move(cfg)) {}

void RegisterRp::set_config(RegisterRpConfig cfg) {
    cfg_ = std::move(cfg);
    buckets_.clear();
}

bool RegisterRp::accepts(const SGKey& sg) const {
    return in_any(cfg_.accept_sources, sg.source) && in_any(cfg_.accept_groups, sg.group);
}

const RegisterRpSgState* RegisterRp::find(const SGKey& sg) const {
    auto it = states_.find(sg);
    return it == states_.end() ? nullptr : &it->second;
}

bool RegisterRp::rate_ok(Ipv4Address sender) {
    if (cfg_.rate_limit_pps == 0) return true;
    auto it = buckets_.find(sender);
    if (it == buckets_.end()) {
        if (buckets_.size() >= kMaxSenderBuckets) buckets_.clear();
        it = buckets_.emplace(sender, TokenBucket(cfg_.rate_limit_pps, cfg_.rate_limit_burst, timers_.now()))
                 .first;
    }
    return it->second.take(timers_.now());
}

RegisterRpSgState& RegisterRp::record(const SGKey& sg) {
    auto [it, fresh] = states_.try_emplace(sg);
    RegisterRpSgState& st = it->second;
    if (fresh) {
        st.sg = sg;
        st.first_seen = timers_.now();
    }
    st.last_seen = timers_.now();
    st.expiry = TimerHandle(timers_, rp_keepalive_period(), [this, sg] { states_.erase(sg); });
    return st;
}

void RegisterRp::send_register_stop(Ipv4Address from, Ipv4Address to, const SGKey& sg, RegisterStopReason why,
                                    RegisterRpSgState* st) {
    auto msg = packet::encode_register_stop(packet::RegisterStop{packet::EncodedGroup{sg.group}, sg.source});
    auto route = host_.unicast_route(to);
    actions_.send_pim(route ? route->ifindex : 0, from, to, msg);
    ++counters_.register_stops_sent[static_cast<size_t>(why)];
    if (st) ++st->register_stops_sent;
    FANOUT_LOG_DEBUG(LogCategory::kRegister, "register-stop {} to {} ({})", sg.to_string(), to.to_string(),
                     to_string(why));
}

RxOutcome RegisterRp::receive_register(const PimRxContext& ctx) {
    auto reg = packet::decode_register(ctx.message);
    if (!reg) return RxOutcome::decode_error(reg.error());
    const Ipv4Address outer_src = ctx.rx.src;
    const Ipv4Address outer_dst = ctx.rx.dst;
    const SGKey sg = reg->inner_sg;
    const bool null_reg = reg->null_register;
    ++(null_reg ? counters_.null_registers_rx : counters_.registers_rx);
    MacroInputs in = host_.macro_inputs();

    std::optional<RegisterRpDrop> early;
    if (in.router.is_local_address(outer_src))
        early = RegisterRpDrop::kOwnSource;
    else if (!in.router.is_local_address(outer_dst))
        early = RegisterRpDrop::kNotMyAddress;
    else if (!rate_ok(outer_src))
        early = RegisterRpDrop::kRateLimited;
    else if (!sg.group.is_multicast() || sg.group.is_link_local_multicast())
        early = RegisterRpDrop::kBadInner;
    if (early) {
        drop(*early);
        return RxOutcome::accepted();
    }
    if (!accepts(sg)) {
        drop(RegisterRpDrop::kFiltered);
        if (cfg_.register_stop_on_filtered)
            send_register_stop(outer_dst, outer_src, sg, RegisterStopReason::kFiltered, nullptr);
        return RxOutcome::accepted();
    }
    if (host_.is_ssm(sg.group)) {
        send_register_stop(outer_dst, outer_src, sg, RegisterStopReason::kSsm, nullptr);
        return RxOutcome::accepted();
    }
    auto rp = in.router.rp(sg.group);
    const AnycastRegisterDecision any = anycast_decision(in.router, rp, outer_src, outer_dst);
    const bool from_member = any.kind == AnycastRegisterKind::kFromMember;  // RFC 4610 step 7
    if (!rp || !in.router.is_local_address(*rp) || (outer_dst != *rp && !from_member)) {
        send_register_stop(outer_dst, outer_src, sg, RegisterStopReason::kNotRp, nullptr);  // note (*)
        return RxOutcome::accepted();
    }

    RegisterRpSgState& st = record(sg);
    if (reg->border) {
        if (!st.pmbr) {
            st.pmbr = outer_src;
        } else if (*st.pmbr != outer_src) {
            send_register_stop(outer_dst, outer_src, sg, RegisterStopReason::kPmbr, &st);
            drop(RegisterRpDrop::kPmbrMismatch);
            return RxOutcome::accepted();
        }
    }
    st.last_sender = outer_src;
    const SGEntry* e = in.tib.find(sg);
    const bool spt_bit = e && e->spt_bit;
    const bool switch_desired = host_.switch_to_spt_desired(sg);
    bool sent_register_stop = false;
    if (spt_bit || (switch_desired && inherited_olist_sg(in, sg).empty())) {
        send_register_stop(outer_dst, outer_src, sg, RegisterStopReason::kSptOrNoOlist, &st);
        sent_register_stop = true;
    }
    std::optional<Duration> kat;
    if (spt_bit || switch_desired) kat = sent_register_stop ? rp_keepalive_period() : cfg_.keepalive_period;
    st.forwarded_last = !spt_bit && !null_reg;
    if (null_reg) {
        ++st.null_registers;
    } else {
        ++st.registers;
        st.bytes += reg->inner.size();
        if (st.registers == 1 && reg->inner.size() <= kMaxKeptPacket)
            st.first_packet.assign(reg->inner.begin(), reg->inner.end());
    }
    if (st.forwarded_last) ++counters_.forwarded;
    host_.register_learned(sg, kat);  // may change the TIB: `e` is not used past this point
    // RFC 4610: a member's Register is processed and never forwarded again (step 6); a DR's goes on.
    if (from_member) ++counters_.anycast.from_member;
    if (any.kind == AnycastRegisterKind::kFromDr) forward_to_members(any, ctx);
    return RxOutcome::accepted();
}

// RFC 4610 section 3: only when RP(G) is the set's anycast address.
AnycastRegisterDecision RegisterRp::anycast_decision(const RouterView& router, std::optional<Ipv4Address> rp,
                                                     Ipv4Address outer_src, Ipv4Address outer_dst) const {
    if (!cfg_.anycast || !rp || *rp != cfg_.anycast->address) return AnycastRegisterDecision{};
    const Ipv4Address self =
        own_member_address(*cfg_.anycast, [&router](Ipv4Address a) { return router.is_local_address(a); });
    return decide_register(*cfg_.anycast, self, outer_src, outer_dst);
}

// Steps 4-5: the Register (or Null-Register) as received, from our member address, to every other member. A
// member without a unicast route (down, cut off) is skipped and counted; the others still get their copy.
void RegisterRp::forward_to_members(const AnycastRegisterDecision& d, const PimRxContext& ctx) {
    ++counters_.anycast.from_dr;
    if (d.forward_to.empty()) {
        ++counters_.anycast.not_a_member;
        return;
    }
    for (Ipv4Address member : d.forward_to) {
        auto route = host_.unicast_route(member);
        if (!route) {
            ++counters_.anycast.unreachable;
            FANOUT_LOG_DEBUG(LogCategory::kRegister, "anycast-rp: no route to member {}: copy not sent",
                             member.to_string());
            continue;
        }
        actions_.send_pim(route->ifindex, d.forward_source, member, ctx.message);
        ++counters_.anycast.forwarded;
        FANOUT_LOG_DEBUG(LogCategory::kRegister, "anycast-rp: Register from {} forwarded to {} as {}",
                         ctx.rx.src.to_string(), member.to_string(), d.forward_source.to_string());
    }
}

}  // namespace fanout::pim
