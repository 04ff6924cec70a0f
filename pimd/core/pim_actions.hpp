// Outputs of the PIM core: a narrow southbound interface. The daemon wiring implements it with the PIM raw
// socket and the kernel MRT socket; tests and the conformance driver record the calls.
//
// The core never waits for an action's result: a failed send is the network's business (PIM is soft state),
// and kernel failures are reported back by the wiring as events when they matter.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "common/core/ip.hpp"

namespace fanout::pim {

// Linux MAXVIFS: the kernel's multicast routing table holds at most 32 virtual interfaces.
inline constexpr int kMaxVifs = 32;

enum class VifKind : uint8_t {
    kInterface,  // a real interface, added by ifindex (VIFF_USE_IFINDEX)
    kRegister,   // the PIM register VIF (VIFF_REGISTER): decapsulated/encapsulated Register data
};

// MRT_ADD_VIF.
struct VifAdd {
    int vif_index = -1;
    VifKind kind = VifKind::kInterface;
    int ifindex = 0;            // kInterface: the link
    Ipv4Address local_address;  // the interface's primary address (0 for the register VIF)
    std::string name;           // for logs and status only
    bool operator==(const VifAdd&) const = default;
};

// MRT_DEL_VIF.
struct VifDel {
    int vif_index = -1;
    int ifindex = 0;
    bool operator==(const VifDel&) const = default;
};

class PimActions {
  public:
    virtual ~PimActions() = default;
    // Sends one encoded PIM message (header and checksum included) out of ifindex, from src (the interface's
    // primary address) to dst (ALL-PIM-ROUTERS 224.0.0.13 or a unicast neighbor/RP), IP TTL 1 for link-local
    // messages. The bytes are valid only during the call.
    virtual void send_pim(int ifindex, Ipv4Address src, Ipv4Address dst,
                          std::span<const uint8_t> message) = 0;
    virtual void vif_add(const VifAdd& vif) = 0;
    virtual void vif_del(const VifDel& vif) = 0;
};

}  // namespace fanout::pim
