// Register-beacon scheduler: per tunnel interface, one data-bearing PIM Register (beacon_packet.hpp) per
// published (S,G), unicast to the RP every interval with the egress pinned to the tunnel (the wiring sends
// with IP_PKTINFO ifindex, so no route to the RP is needed). Pure core in the style of pim_core.hpp: inputs
// are method calls, time comes from the injected TimerService, randomness from Random, output goes through
// BeaconActions. No I/O, no clock reads.
//
// Behaviour:
// - Timers: one per published (S,G), re-armed at deadline + interval (no drift). A beacon with no groups has
//   no timer; a paused beacon has none either.
// - Start/resume/group add: the first group of the batch is sent at once (the RP hears the beacon
//   immediately), the others at uniform random offsets in [0, min(first_send_spread, interval)], so 500
//   groups do not leave in one burst; then each every interval.
// - Link feed (link_changed/link_removed, from netlink in the wiring): a beacon runs while its interface is
//   up with an IPv4 address (the outer source); down or address-less pauses it (timers cancelled, counters
//   kept), back up resumes it as above. An address change while up only changes the next packets' source.
// - Register-Stops (RFC 7761 4.4.1: the RP asks the DR to stop encapsulating): for a beaconed (S,G) they are
//   expected and deliberately ignored -- counted per beacon and per group, never acted on; the beacon keeps
//   beaconing. A (*,G) Register-Stop (source 0.0.0.0) counts for every published (S,G) of G. The scheduler
//   owns no TIB state and never touches PimCore: the same Register-Stop still goes to the core, where the
//   register subsystem treats it by its own rules.
// - Changes at run time: add_beacon/remove_beacon/add_groups/remove_groups (the CLI) and apply_config (the
//   config file at start and on reload: a diff, so untouched groups keep their timers and counters). Every
//   path goes through make_beacon_config (beacon_config.hpp), the single home of the defaults.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/core/clock.hpp"
#include "common/core/random.hpp"
#include "common/core/result.hpp"
#include "pimd/core/beacon/beacon_config.hpp"

namespace fanout::pim {

// One beacon packet to send: `pim` (the Register) from `source` to `rp`, out of `ifindex` only.
struct BeaconSend {
    std::string_view interface;
    int ifindex = 0;
    Ipv4Address source;
    Ipv4Address rp;
    SGKey sg;
    std::span<const uint8_t> pim;
};

// A failed send: errno and its text (the core keeps per-errno counts for `show ip pim beacon`).
struct BeaconSendError {
    int error = 0;
    std::string text;
};

class BeaconActions {
  public:
    virtual ~BeaconActions() = default;
    virtual std::optional<BeaconSendError> send_beacon(const BeaconSend& s) = 0;
};

struct BeaconGroupState {
    std::vector<uint8_t> pim;  // the Register, built once per (S,G) and heartbeat
    TimerHandle timer;
    uint64_t packets_sent = 0;
    uint64_t send_errors = 0;
    uint64_t register_stops = 0;
    std::optional<TimePoint> last_send;
};

struct BeaconErrorCount {
    uint64_t count = 0;
    std::string text;  // the last text seen for this errno
};

// Link state of an interface as the wiring reports it.
struct BeaconLink {
    int ifindex = 0;
    bool up = false;
    Ipv4Address local;  // the primary IPv4 address (0.0.0.0: none)
    bool usable() const { return up && !local.is_unspecified(); }
};

struct BeaconState {
    BeaconConfig config;
    std::map<SGKey, BeaconGroupState> groups;
    bool running = false;  // link usable and timers armed (groups may still be empty)
    uint64_t packets_sent = 0;
    uint64_t send_errors = 0;
    std::map<int, BeaconErrorCount> errors;  // errno -> count
    uint64_t register_stops = 0;
    std::optional<Ipv4Address> last_register_stop_from;
    std::optional<TimePoint> last_send;
    std::optional<TimePoint> last_register_stop;
    uint64_t pauses = 0;
    TimePoint created;
};

// What apply_config changed (for the reload log line).
struct BeaconDiff {
    size_t beacons_added = 0;
    size_t beacons_removed = 0;
    size_t beacons_changed = 0;  // rp, interval, heartbeat or spread changed
    size_t groups_added = 0;
    size_t groups_removed = 0;
};

class BeaconScheduler {
  public:
    BeaconScheduler(TimerService& timers, Random& rng, BeaconActions& actions);
    ~BeaconScheduler();
    BeaconScheduler(const BeaconScheduler&) = delete;
    BeaconScheduler& operator=(const BeaconScheduler&) = delete;

    // Creates the beacon of spec.interface, or replaces its parameters (groups diffed, counters kept).
    Result<BeaconDiff, std::string> add_beacon(const BeaconSpec& spec);
    // False when the interface has no beacon.
    bool remove_beacon(const std::string& interface);
    // Adds / removes published (S,G)s of an existing beacon (errors: no beacon, invalid (S,G)). Removing
    // the last group stops the beacon's timers; the beacon stays configured.
    Result<size_t, std::string> add_groups(const std::string& interface, const std::vector<SGKey>& sgs);
    Result<size_t, std::string> remove_groups(const std::string& interface, const std::vector<SGKey>& sgs);
    // The whole `beacons:` configuration (start-up and reload). All specs are validated first; on error
    // nothing changes. Beacons absent from specs are removed.
    Result<BeaconDiff, std::string> apply_config(const std::vector<BeaconSpec>& specs);

    void link_changed(const std::string& name, const BeaconLink& link);
    void link_removed(const std::string& name);

    // A Register-Stop received on ifindex from `from` for sg; true when it matched a beacon (counted).
    bool register_stop_received(int ifindex, Ipv4Address from, SGKey sg);

    const std::map<std::string, BeaconState>& beacons() const { return beacons_; }
    const BeaconState* find(const std::string& interface) const;
    std::optional<BeaconLink> link(const std::string& name) const;
    TimePoint now() const { return timers_.now(); }

  private:
    Result<BeaconDiff, std::string> apply_one(BeaconConfig cfg);
    void update_params(BeaconState& b, const BeaconConfig& cfg);
    size_t add_group_set(BeaconState& b, const std::vector<SGKey>& sgs);
    void start_groups(BeaconState& b, const std::vector<SGKey>& sgs);
    void arm(BeaconState& b, const SGKey& sg, TimePoint deadline);
    void fire(std::string interface, SGKey sg, TimePoint deadline);
    void send(BeaconState& b, const SGKey& sg, BeaconGroupState& g);
    void pause(BeaconState& b);
    void resume(BeaconState& b);
    bool usable(const BeaconState& b) const;
    Duration spread(const BeaconState& b) const;

    TimerService& timers_;
    Random& rng_;
    BeaconActions& actions_;
    std::map<std::string, BeaconState> beacons_;
    std::map<std::string, BeaconLink> links_;
};

}  // namespace fanout::pim
