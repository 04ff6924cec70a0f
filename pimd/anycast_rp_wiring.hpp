// RFC 4610 (Anycast-RP using PIM) register forwarding in the daemon: every PIM Register (and Null-Register)
// received for the anycast RP address from a router outside the Anycast-RP set (a DR) is copied, unchanged,
// to every other member, sent from this router's own member address (section 3 steps 4-5); a Register from a
// member is never forwarded again (step 6). The PIM-SM core processes every Register as usual (RFC
// 7761 4.4.2) whether or not it was forwarded, and answers with Register-Stops to the outer source (RFC 4610
// section 4: the DR for its Registers, the member for forwarded ones). The decision is
// pimd/core/anycast_rp.hpp's; the Register checksum covers the PIM header only (RFC 7761 4.9.3), so the bytes
// are re-sent as received.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "pimd/core/anycast_rp.hpp"
#include "pimd/sys_actions.hpp"

namespace fanout::pimd {

struct AnycastRpCounters {
    uint64_t from_dr = 0;      // Registers from a DR for the anycast address
    uint64_t from_member = 0;  // Registers forwarded by another member (processed, not forwarded)
    uint64_t forwarded = 0;    // copies sent to other members
    uint64_t forward_errors = 0;
    uint64_t not_a_member = 0;  // Registers from a DR while none of the members is one of our addresses
};

class AnycastRpForwarder {
  public:
    using IsLocal = std::function<bool(Ipv4Address)>;
    AnycastRpForwarder(PimTransmitter& tx, IsLocal is_local) : tx_(tx), is_local_(std::move(is_local)) {}

    void set_config(std::optional<pim::AnycastRpConfig> config) { config_ = std::move(config); }
    // A received PIM message (the IPv4 payload) with its outer addresses.
    void on_rx(Ipv4Address src, Ipv4Address dst, std::span<const uint8_t> pim);

    const std::optional<pim::AnycastRpConfig>& config() const { return config_; }
    const AnycastRpCounters& counters() const { return counters_; }

  private:
    PimTransmitter& tx_;
    IsLocal is_local_;
    std::optional<pim::AnycastRpConfig> config_;
    AnycastRpCounters counters_;
};

}  // namespace fanout::pimd
