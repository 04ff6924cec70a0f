// RFC 4610 sections 3 and 4: Register forwarding between the members of an Anycast-RP set (see
// anycast_rp_wiring.hpp).
#include "pimd/anycast_rp_wiring.hpp"

#include "common/core/log.hpp"

namespace fanout::pimd {

namespace {
constexpr uint8_t kPimTypeRegister = 1;  // RFC 7761 4.9: PIM message type 1
}

void AnycastRpForwarder::on_rx(Ipv4Address src, Ipv4Address dst, std::span<const uint8_t> pim) {
    if (!config_ || pim.size() < 8 || (pim[0] & 0x0f) != kPimTypeRegister) return;
    const Ipv4Address self = pim::own_member_address(*config_, is_local_);
    const pim::AnycastRegisterDecision d = pim::decide_register(*config_, self, src, dst);
    switch (d.kind) {
        case pim::AnycastRegisterKind::kNotAnycast:
            return;
        case pim::AnycastRegisterKind::kFromMember:
            ++counters_.from_member;
            return;
        case pim::AnycastRegisterKind::kFromDr:
            break;
    }
    ++counters_.from_dr;
    if (d.forward_to.empty()) {
        ++counters_.not_a_member;
        return;
    }
    for (Ipv4Address member : d.forward_to) {
        auto r = tx_.send_unicast(member, pim, std::nullopt, d.forward_source);
        if (r) {
            ++counters_.forwarded;
            FANOUT_LOG_DEBUG(LogCategory::kPacket, "anycast-rp: Register from {} forwarded to {} as {}",
                             src.to_string(), member.to_string(), d.forward_source.to_string());
        } else {
            ++counters_.forward_errors;
            FANOUT_LOG_DEBUG(LogCategory::kPacket, "anycast-rp: forwarding to {} failed: {}",
                             member.to_string(), r.error().to_string());
        }
    }
}

}  // namespace fanout::pimd
