// Conversions between the system layer and the PIM core's PIM-SM inputs (see core_adapters.hpp).
#include "pimd/core_adapters.hpp"

namespace fanout::pimd {

pim::KernelUpcall to_core_upcall(const sys::Upcall& u) {
    pim::KernelUpcall k;
    switch (u.type) {
        case sys::UpcallType::kNoCache:
            k.type = pim::KernelUpcallType::kNoCache;
            break;
        case sys::UpcallType::kWrongVif:
            k.type = pim::KernelUpcallType::kWrongVif;
            break;
        case sys::UpcallType::kWholePacket:
            k.type = pim::KernelUpcallType::kWholePacket;
            break;
        case sys::UpcallType::kWrongVifWhole:
            k.type = pim::KernelUpcallType::kWrongVifWhole;
            break;
    }
    k.vif = u.vif;
    k.source = u.source;
    k.group = u.group;
    k.packet = u.packet;
    return k;
}

pim::MembershipChanged to_membership_changed(sys::MembershipChange change, const sys::MembershipEntry& e) {
    pim::MembershipChanged m;
    m.ifindex = static_cast<int>(e.ifindex);
    m.group = e.group;
    if (change == sys::MembershipChange::kRemoved) return m;  // INCLUDE {}
    m.mode = e.mode == sys::ipc::FilterMode::kExclude ? pim::FilterMode::kExclude : pim::FilterMode::kInclude;
    m.sources = e.sources;
    return m;
}

pim::RpfRoute to_core_route(const sys::RpfRoute& r) {
    pim::RpfRoute c;
    c.prefix = r.prefix;
    c.ifindex = r.oif;
    c.gateway = r.gateway;
    c.protocol = r.protocol;
    c.connected = r.connected();
    c.metric = r.metric;
    return c;
}

pim::RpSetConfig to_rp_set_config(const PimdConfig& c) {
    pim::RpSetConfig r;
    for (const auto& rp : c.rps)
        r.static_rps.push_back(pim::StaticRp{rp.address, rp.groups, rp.override_dynamic});
    r.ssm_ranges = c.ssm_ranges;
    return r;
}

pim::SptThreshold to_spt_threshold(const SptSwitchover& s) {
    switch (s.mode) {
        case SptSwitchover::Mode::kImmediate:
            return {pim::SptThresholdMode::kImmediate, 0};
        case SptSwitchover::Mode::kNever:
            return {pim::SptThresholdMode::kNever, 0};
        case SptSwitchover::Mode::kThreshold:
            return {pim::SptThresholdMode::kRate, s.kbps};
    }
    return {};
}

std::optional<pim::RpfRoute> NetlinkRibView::lookup(Ipv4Address addr) {
    auto r = rib_.lookup(addr);
    if (!r) return std::nullopt;
    return to_core_route(r.value());
}

std::optional<pim::SgCounterSample> KernelCounterSource::sg_counters(const SGKey& key) {
    if (mrt_.mfcs().count(key) == 0) return std::nullopt;
    auto c = mrt_.get_sg_counters(key.source, key.group);
    if (!c) return std::nullopt;
    return pim::SgCounterSample{c->packets, c->bytes};
}

}  // namespace fanout::pimd
