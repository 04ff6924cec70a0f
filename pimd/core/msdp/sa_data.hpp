// The data packet an MSDP SA may carry (RFC 3618 section 14 "Encapsulated data packets", 12.2.1 the SA
// message's data field): what an RP with (*,G) receivers does with it. RFC 3618 leaves the forwarding to the
// RP ("the packet is forwarded down the shared tree"); Fanout forwards it exactly as the RP forwards a
// decapsulated Register's inner packet (RFC 7761 4.4.2): wrapped in a data Register from RP(G) to RP(G),
// sent to ourselves, decapsulated by the kernel onto the register VIF, forwarded by the (S,G) MFC entry whose
// iif is the register VIF (pimd/msdp_service.hpp has the daemon side).
//
// sa_data_register() checks, in this order, each failure a drop reason:
//   malformed     not a sane IPv4 packet: version 4, IHL >= 5, header checksum, IHL*4 <= Total Length <= the
//                 data present (common/packet/ipv4.hpp); a fragment
//   sg-mismatch   inner source / destination are not the SA entry's (S,G)
//   ttl-expired   TTL <= 1 (the kernel forwards only TTL > 1)
//   not-rp        RP(G) is not one of our addresses: no register-VIF shared tree here
//   no-receivers  no (*,G) receivers
// and otherwise returns the Register (around the first Total Length octets: trailing padding is dropped)
// and the address to send it from and to.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "common/core/ip.hpp"
#include "pimd/core/macros.hpp"

namespace fanout::msdp {

enum class SaDataDrop : uint8_t {
    kMalformed,
    kSgMismatch,
    kTtlExpired,
    kNotRp,
    kNoReceivers,
    kNoSink,  // (MsdpService) the daemon did not connect the data path
    kCount
};
std::string_view to_string(SaDataDrop d);

struct SaDataRegister {
    Ipv4Address rp;                // RP(G), one of our addresses: outer source and destination
    std::vector<uint8_t> message;  // the PIM Register (checksum over its 8-byte header)
};

std::variant<SaDataRegister, SaDataDrop> sa_data_register(SGKey sg, std::span<const uint8_t> ipv4_packet,
                                                          const pim::RouterView& router, bool has_receivers);

}  // namespace fanout::msdp
