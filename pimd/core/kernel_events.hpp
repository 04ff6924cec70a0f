// Kernel upcalls as core inputs (shared/ARCHITECTURE.md "KernelUpcall"; shared/LINUX-MROUTE.md "Upcalls on
// the mroute socket"). The wiring reads struct igmpmsg from the mroute socket (or RTM_NEWCACHEREPORT), maps
// it to a KernelUpcall and hands it to the core, which routes it:
//   kNoCache      first packet of an unresolved (S,G) arrived on `vif` -> the TIB (RFC 7761 4.2: data packet
//                 forwarding / register decisions, 4.4: CouldRegister on the DR)
//   kWrongVif     (S,G) data arrived on `vif`, which is not the entry's iif -> Assert (RFC 7761 4.6.1/4.6.2
//                 "An (S,G) data packet arrives on interface I": the trigger when I is in the olist); also
//                 the SPT switch trigger (4.2.2 Update_SPTbit) when it arrives on the SPT interface
//   kWholePacket  a packet forwarded to the register VIF, whole (IPv4 header first) -> the DR's Register
//                 encapsulation (4.4.1)
//   kWrongVifWhole  MRT_PIM = 4 variant of kWrongVif carrying the whole packet
// Rates (LINUX-MROUTE.md): NOCACHE re-fires every ~10 s while unresolved, WRONGVIF at most once per (S,G) per
// 3 s, WHOLEPKT is unlimited (the register code throttles).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/core/ip.hpp"

namespace fanout::pim {

// IGMPMSG_* values of linux/mroute.h.
enum class KernelUpcallType : uint8_t {
    kNoCache = 1,
    kWrongVif = 2,
    kWholePacket = 3,
    kWrongVifWhole = 4,
};

constexpr std::string_view to_string(KernelUpcallType t) {
    switch (t) {
        case KernelUpcallType::kNoCache:
            return "nocache";
        case KernelUpcallType::kWrongVif:
            return "wrongvif";
        case KernelUpcallType::kWholePacket:
            return "wholepkt";
        case KernelUpcallType::kWrongVifWhole:
            return "wrvifwhole";
    }
    return "unknown";
}

struct KernelUpcall {
    KernelUpcallType type = KernelUpcallType::kNoCache;
    int vif = -1;  // arrival VIF (the register VIF for kWholePacket)
    Ipv4Address source;
    Ipv4Address group;
    // kWholePacket / kWrongVifWhole: the data packet, IPv4 header first (empty for the others).
    std::vector<uint8_t> packet;

    SGKey key() const { return SGKey{source, group}; }
    bool operator==(const KernelUpcall&) const = default;
};

}  // namespace fanout::pim
