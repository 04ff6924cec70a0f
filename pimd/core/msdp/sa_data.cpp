// RFC 3618 section 14 / 12.2.1: an SA's data packet down the shared tree (see sa_data.hpp).
#include "pimd/core/msdp/sa_data.hpp"

#include "common/packet/ipv4.hpp"
#include "common/packet/pim_register.hpp"

namespace fanout::msdp {

std::string_view to_string(SaDataDrop d) {
    switch (d) {
        case SaDataDrop::kMalformed:
            return "malformed";
        case SaDataDrop::kSgMismatch:
            return "sg-mismatch";
        case SaDataDrop::kTtlExpired:
            return "ttl-expired";
        case SaDataDrop::kNotRp:
            return "not-rp";
        case SaDataDrop::kNoReceivers:
            return "no-receivers";
        case SaDataDrop::kNoSink:
            return "no-sink";
        case SaDataDrop::kCount:
            break;
    }
    return "?";
}

std::variant<SaDataRegister, SaDataDrop> sa_data_register(SGKey sg, std::span<const uint8_t> ipv4_packet,
                                                          const pim::RouterView& router, bool has_receivers) {
    auto ip = packet::decode_ipv4(ipv4_packet);
    if (!ip || ip->header.is_fragment()) return SaDataDrop::kMalformed;
    if (ip->header.src != sg.source || ip->header.dst != sg.group) return SaDataDrop::kSgMismatch;
    if (ip->header.ttl <= 1) return SaDataDrop::kTtlExpired;
    auto rp = router.rp(sg.group);
    if (!rp || !router.is_local_address(*rp)) return SaDataDrop::kNotRp;
    if (!has_receivers) return SaDataDrop::kNoReceivers;
    return SaDataRegister{*rp, packet::encode_register(ipv4_packet.first(ip->header.total_length))};
}

}  // namespace fanout::msdp
