// Run-time beacon configuration from the `fanout` shell (issue #8: "published groups can be added and removed
// at run time (CLI and reload) without restarting pimd; removing the last group stops the beacon"):
//
//   ip pim beacon IFNAME group SOURCE GROUP [rp A] [interval SECONDS]
//       publishes (SOURCE,GROUP) on IFNAME's beacon, creating the beacon if IFNAME has none. rp and interval
//       change the beacon's parameters; when the beacon is created without them they take the defaults of
//       make_beacon_config (RP 10.0.0.0, 10 s), the same single place the config file and reload use.
//   no ip pim beacon IFNAME group SOURCE GROUP
//       stops publishing (SOURCE,GROUP); removing the last group stops the beacon's sends (it stays listed
//       with no groups until the next reload, which re-applies the file).
//
// Both go through BeaconScheduler::add_beacon / remove_groups, so the validation and limits are those of the
// `beacons:` section (interval [100ms, 1h], unicast RP and source, multicast non-link-local group, at most
// kMaxPublishedGroups per beacon). Like FRR without `write memory`, a change lives until the next reload or
// restart, which applies pimd.yaml again. Errors are one line (the shell exits non-zero on them).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/core/ip.hpp"
#include "common/core/result.hpp"
#include "common/sys/status_server.hpp"
#include "pimd/beacon_wiring.hpp"

namespace fanout::pimd {

// The arguments after the command path, parsed (keywords checked, values typed).
struct BeaconGroupCommand {
    std::string interface;
    SGKey sg;
    std::optional<Ipv4Address> rp;
    std::optional<Duration> interval;
};

// args: IFNAME "group" SOURCE GROUP, then (add only) any of "rp A", "interval SECONDS" once each.
Result<BeaconGroupCommand, std::string> parse_beacon_group_command(const std::vector<std::string>& args,
                                                                   bool allow_options);

// The handlers (service null: pimd not running).
Result<sys::ShowOutput, std::string> beacon_add_group(BeaconService* service,
                                                      const std::vector<std::string>& args);
Result<sys::ShowOutput, std::string> beacon_remove_group(BeaconService* service,
                                                         const std::vector<std::string>& args);

sys::CommandSpec beacon_add_command_spec();
sys::CommandSpec beacon_remove_command_spec();

}  // namespace fanout::pimd
