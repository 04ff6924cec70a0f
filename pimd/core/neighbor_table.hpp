// The PIM neighbors of one interface, RFC 7761 4.3.2 (what is recorded per neighbor, Neighbor Liveness
// Timer), 4.3.1 (GenID: "When a Hello message with a new GenID is received from a neighbor, any old Hello
// information about that neighbor SHOULD be discarded and superseded by the information from the new Hello
// message"), 4.3.4 (secondary address lists) and 4.9.2 (Holdtime: 0xffff never times out, 0 times out at
// once).
//
// Per neighbor (4.3.2): primary address (the hello's IP source), genid, dr_priority (+ present), the LAN
// Prune Delay option (4.3.3), and neighbor.timeout: "the Neighbor Liveness Timer ... reset to Hello_Holdtime
// (from the Hello Holdtime option) whenever a Hello message is received containing a Holdtime option, or to
// Default_Hello_Holdtime if the Hello message does not contain the Holdtime option. Neighbor state is deleted
// when the neighbor timeout expires."
//
// Secondary addresses (4.3.4): "the list of secondary addresses in the message completely replaces any
// previously associated secondary addresses for that neighbor. If a received Hello message does not contain
// an Address List Hello option, then all secondary addresses associated with the neighbor must be deleted."
// The sender's primary address in its own list is ignored. "All the advertised secondary addresses ... must
// be checked against those previously advertised by all other PIM neighbors on that interface. If there is a
// conflict ... only the most recently received mapping MUST be maintained" (the conflict is reported to the
// caller, which counts and logs it).
//
// The table owns each neighbor's liveness timer (a RAII member of the Neighbor): removing a neighbor cancels
// it. An expiry calls the on_expired callback with the neighbor's primary address; the callback removes it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "common/core/clock.hpp"
#include "common/core/ip.hpp"
#include "common/packet/pim_hello.hpp"

namespace fanout::pim {

// Default_Hello_Holdtime (4.11) for hellos without the Holdtime option.
inline constexpr uint16_t kDefaultHelloHoldtimeS = 105;

// What one hello told us about its sender (built from packet::Hello).
struct NeighborHello {
    uint16_t holdtime_s = kDefaultHelloHoldtimeS;
    bool holdtime_present = false;
    std::optional<uint32_t> dr_priority;
    std::optional<uint32_t> generation_id;
    std::optional<packet::LanPruneDelay> lan_prune_delay;
    std::optional<packet::StateRefreshCapable> state_refresh;
    std::vector<Ipv4Address> secondary_addresses;
    std::vector<uint16_t> options_seen;  // option types in the hello, in order (unknown ones included)

    static NeighborHello from(const packet::Hello& h);
};

struct Neighbor {
    Ipv4Address primary_address;
    TimePoint up_since;  // first hello (or last GenID change)
    TimePoint last_hello;
    NeighborHello hello;                        // the most recent hello's information
    std::set<Ipv4Address> secondary_addresses;  // after conflict resolution and primary removal
    TimerHandle liveness;                       // Neighbor Liveness Timer; not armed when holdtime is 0xffff

    bool never_expires() const { return hello.holdtime_s == 0xffff; }
};

enum class HelloVerdict : uint8_t {
    kNew,             // a neighbor we had not heard
    kRefreshed,       // a known neighbor, same GenID
    kRestarted,       // a known neighbor with a new GenID (treated as new: old information discarded)
    kGoodbye,         // holdtime 0 from a known neighbor: removed
    kUnknownGoodbye,  // holdtime 0 from a source that is not a neighbor: nothing to do
    kLimit,           // a new neighbor past the bound: not added
};

struct HelloUpdate {
    HelloVerdict verdict = HelloVerdict::kRefreshed;
    bool secondaries_changed = false;
    // (secondary address, neighbor it was taken from) for each 4.3.4 conflict.
    std::vector<std::pair<Ipv4Address, Ipv4Address>> conflicts;
};

class NeighborTable {
  public:
    using ExpiredFn = std::function<void(Ipv4Address primary)>;
    NeighborTable(TimerService& timers, size_t max_neighbors, ExpiredFn on_expired);

    NeighborTable(const NeighborTable&) = delete;
    NeighborTable& operator=(const NeighborTable&) = delete;

    // Applies a hello from `source` (its primary address).
    HelloUpdate apply_hello(Ipv4Address source, const NeighborHello& hello);
    // Removes a neighbor (expiry, filter, interface down). False when unknown.
    bool remove(Ipv4Address primary);
    void clear() { by_primary_.clear(); }

    const Neighbor* find(Ipv4Address primary) const;
    // The neighbor whose primary OR secondary address is addr (e.g. an RPF next hop, a J/P upstream
    // neighbor).
    const Neighbor* find_by_any_address(Ipv4Address addr) const;

    const std::map<Ipv4Address, Neighbor>& all() const { return by_primary_; }
    size_t size() const { return by_primary_.size(); }
    bool empty() const { return by_primary_.empty(); }
    void set_max_neighbors(size_t n) { max_neighbors_ = n; }

  private:
    void arm_liveness(Neighbor& n);
    // Replaces n's secondary list with `wanted` (minus n's primary), stealing conflicting addresses.
    void set_secondaries(Neighbor& n, const std::vector<Ipv4Address>& wanted, HelloUpdate& out);

    TimerService& timers_;
    size_t max_neighbors_;
    ExpiredFn on_expired_;
    std::map<Ipv4Address, Neighbor> by_primary_;
};

}  // namespace fanout::pim
