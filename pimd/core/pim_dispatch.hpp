// Receive-path dispatch: after the core has verified a PIM message's header and checksum, it applies the
// per-type acceptance policy below and hands the message to the handler registered for its type. A subsystem
// (join/prune, assert, register, bootstrap, PIM-DM...) plugs in with PimCore::handlers().set(type, fn) from
// PimCore's constructor; a type with no handler is dropped as "unsupported-type".
//
// Acceptance policy (RFC 7761):
//  - 4.9.2 Hello, 4.9.5 Join/Prune, 4.9.6 Assert are multicast to ALL-PIM-ROUTERS (224.0.0.13) on a link and
//    are accepted only on interfaces running PIM; anything else is "bad-destination".
//  - 4.5 / 4.6: Join/Prune and Assert are accepted only from a neighbor ("neighbors will not accept
//  Join/Prune
//    or Assert messages from a router unless they have first heard a Hello message from that router", 4.3.1).
//  - 4.9.3 Register, 4.9.4 Register-Stop, 4.9.8 Candidate-RP-Advertisement are unicast and may arrive on any
//    interface (a Register comes in wherever the route to the DR points), PIM-enabled or not.
//  - 4.9.7 Bootstrap: multicast hop by hop on PIM interfaces, or unicast to a new neighbor (RFC 5059 3.2).
//  - RFC 3973 (PIM-DM) Graft/Graft-Ack are unicast between neighbors on a PIM interface; State Refresh is
//    multicast to ALL-PIM-ROUTERS from a neighbor.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>

#include "common/packet/pim_header.hpp"
#include "pimd/core/pim_counters.hpp"
#include "pimd/core/pim_events.hpp"

namespace fanout::pim {

class PimInterface;
struct Neighbor;

// What became of one received message. Exactly one of: accepted, a decode error (counted by kind, and as a
// "decode-error" drop), or a drop with a reason.
struct RxOutcome {
    enum class Kind : uint8_t { kAccepted, kDecodeError, kDropped };
    Kind kind = Kind::kAccepted;
    packet::DecodeError error{};
    PimDropReason reason = PimDropReason::kDecodeError;

    static RxOutcome accepted() { return {}; }
    static RxOutcome decode_error(const packet::DecodeError& e) { return {Kind::kDecodeError, e, {}}; }
    static RxOutcome dropped(PimDropReason r) { return {Kind::kDropped, {}, r}; }
};

// Everything a handler gets about a verified message.
struct PimRxContext {
    const RxPim& rx;
    PimInterface* iface = nullptr;       // nullptr for unicast types arriving on a non-PIM interface
    const Neighbor* neighbor = nullptr;  // the sender when it is a neighbor on iface
    packet::PimHeader header;
    std::span<const uint8_t> message;  // the whole PIM message (header included)
    std::span<const uint8_t> body;     // after the 4-byte header
};

using PimMessageHandler = std::function<RxOutcome(const PimRxContext&)>;

struct MessagePolicy {
    bool link_scoped = true;       // needs a PIM interface that is up
    bool all_pim_routers = false;  // must be sent to 224.0.0.13
    bool from_neighbor = false;    // must come from a known neighbor
};

// The policy for a known type (a switch over every PimType: adding a type forces a decision here).
MessagePolicy policy_for(packet::PimType t);

class PimHandlerTable {
  public:
    void set(packet::PimType t, PimMessageHandler h) { slots_[index(t)] = std::move(h); }
    const PimMessageHandler* find(packet::PimType t) const {
        const auto& h = slots_[index(t)];
        return h ? &h : nullptr;
    }

  private:
    static size_t index(packet::PimType t) { return static_cast<size_t>(t) & 0xf; }
    std::array<PimMessageHandler, kPimTypeSlots> slots_;
};

}  // namespace fanout::pim
