// Outputs of the PIM core: a narrow southbound interface. The daemon wiring implements it with the PIM raw
// socket and the kernel MRT socket; tests and the conformance driver record the calls.
//
// The core never waits for an action's result: a failed send is the network's business (PIM is soft state),
// and kernel failures are reported back by the wiring as events when they matter.
#pragma once

#include <array>
#include <bitset>
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

// MRT_ADD_MFC: one kernel forwarding entry (shared/LINUX-MROUTE.md "MFC entries"). A packet of (S,G) arriving
// on iif_vif leaves VIF i when oifs[i] is set and its TTL > ttls[i]. An entry with no oifs is a valid
// "negative" entry: it resolves the (S,G) (stops NOCACHE upcalls) and drops the traffic.
// Adding an existing (S,G) updates it in place. Only mfc_sync.hpp (MfcSync) emits these. Source 0.0.0.0 is
// the (*,G) entry (sparse_mode_forwarding.cpp): its iif is listed among its oifs, as the kernel requires.
struct MfcEntry {
    Ipv4Address source;
    Ipv4Address group;
    int iif_vif = -1;  // the incoming VIF (RPF interface, or the register VIF on the RP)
    std::bitset<kMaxVifs> oifs;
    std::array<uint8_t, kMaxVifs> ttls{};  // threshold per oif; MfcEntry::kDefaultTtl for a set oif

    static constexpr uint8_t kDefaultTtl = 1;
    SGKey key() const { return SGKey{source, group}; }
    // Adds/removes VIF v as an oif with the given TTL threshold (ttl 0 for a cleared slot).
    void set_oif(int v, uint8_t ttl = kDefaultTtl) {
        oifs.set(static_cast<size_t>(v));
        ttls[static_cast<size_t>(v)] = ttl;
    }
    void clear_oif(int v) {
        oifs.reset(static_cast<size_t>(v));
        ttls[static_cast<size_t>(v)] = 0;
    }
    bool has_oif(int v) const { return v >= 0 && v < kMaxVifs && oifs.test(static_cast<size_t>(v)); }
    bool operator==(const MfcEntry&) const = default;
};

// MRT_DEL_MFC (the kernel matches (S,G) only; iif_vif is the parent that was installed, for logs/fakes).
struct MfcDel {
    Ipv4Address source;
    Ipv4Address group;
    int iif_vif = -1;
    SGKey key() const { return SGKey{source, group}; }
    bool operator==(const MfcDel&) const = default;
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
    // Installs or updates (in place) the kernel forwarding entry of (S,G).
    virtual void mfc_set(const MfcEntry& entry) = 0;
    virtual void mfc_del(const MfcDel& entry) = 0;
};

}  // namespace fanout::pim
