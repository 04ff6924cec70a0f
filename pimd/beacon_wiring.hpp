// Register-beacon adapter for the pimd daemon: runs pim::BeaconScheduler (pimd/core/beacon/) on the daemon's
// EventLoop and sends through the PIM raw socket with PimSocket::send_unicast(rp, pim, ifindex, local):
// IP_PKTINFO pins the egress to the tunnel per packet (no route to the RP is needed) and sets the outer
// source to the tunnel's address; the kernel adds the outer header with TTL 64, TOS 0xc0, DF, id 0
// (beacon_packet.hpp).
//
// Hooking it into pimd (for the pimd wiring engineer; nothing else is needed):
//   1. config:  cfg.beacons = parse_beacons_section(root);             (beacon_config_yaml.hpp)
//   2. start:   beacons_ = std::make_unique<BeaconService>(loop_, rng_, beacon_actions_);  where
//               beacon_actions_ is a PimSocketBeaconActions(*sock_); then beacons_->apply_config(cfg.beacons)
//               and the same apply_config(new_cfg.beacons) in reload() (a diff: untouched groups keep going).
//   3. links:   in on_interface_change(c): beacons_->on_interface_change(c);  (every netlink change; PIM need
//               not run on the tunnel)
//   4. receive: in on_pim_readable, for each RxPacket (before handing it to the core): beacons_->on_rx(pkt);
//               it only counts Register-Stops for beaconed (S,G)s and never consumes the packet.
//   5. status:  register_beacon_commands(server, [this] { return beacons_.get(); });  -> show ip pim beacon
// The CLI's run-time add/remove (`ip pim beacon ...`, `no ip pim beacon ...`, pimd/beacon_commands.hpp) calls
// beacons_->scheduler().add_beacon/remove_groups; register_beacon_commands registers them.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/core/interface_table.hpp"
#include "common/core/random.hpp"
#include "common/sys/raw_socket.hpp"
#include "common/sys/status_server.hpp"
#include "pimd/core/beacon/beacon_scheduler.hpp"
#include "pimd/core/beacon/beacon_status.hpp"

namespace fanout::pimd {

// BeaconActions over the PIM raw socket.
class PimSocketBeaconActions final : public pim::BeaconActions {
  public:
    explicit PimSocketBeaconActions(sys::PimSocket& sock) : sock_(sock) {}
    std::optional<pim::BeaconSendError> send_beacon(const pim::BeaconSend& s) override;

  private:
    sys::PimSocket& sock_;
};

// The link state the beacon needs from a netlink interface: ifindex, up (admin and carrier), primary address.
pim::BeaconLink beacon_link_of(const InterfaceInfo& info);

class BeaconService {
  public:
    BeaconService(TimerService& timers, Random& rng, pim::BeaconActions& actions)
        : sched_(timers, rng, actions) {}

    Result<pim::BeaconDiff, std::string> apply_config(const std::vector<pim::BeaconSpec>& specs) {
        return sched_.apply_config(specs);
    }
    void on_interface_change(const InterfaceChange& c);
    // Counts a Register-Stop for a beaconed (S,G); true when it matched. Anything else is left alone.
    bool on_rx(const sys::RxPacket& pkt);

    pim::BeaconScheduler& scheduler() { return sched_; }
    const pim::BeaconScheduler& scheduler() const { return sched_; }
    uint64_t register_stops_seen() const { return register_stops_seen_; }

  private:
    pim::BeaconScheduler sched_;
    uint64_t register_stops_seen_ = 0;  // every Register-Stop looked at (matched or not)
};

// `show ip pim beacon [IFNAME]`.
sys::CommandSpec beacon_command_spec();
Result<sys::ShowOutput, std::string> show_beacon(const BeaconService* service,
                                                 const std::vector<std::string>& args);
// Registers show ip pim beacon and the run-time `ip pim beacon` / `no ip pim beacon` (beacon_commands.hpp).
void register_beacon_commands(sys::StatusServer& server, std::function<const BeaconService*()> service);

}  // namespace fanout::pimd
