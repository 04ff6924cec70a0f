// Register-beacon configuration (issue #8; design: shared/reference/000_c004819f65b97456.txt, "Client-
// Originated PIM Register beacon"). A beacon is configured per tunnel interface and periodically unicasts one
// data-bearing PIM Register (RFC 7761 4.9.3) per published (S,G) to the RP, so that the RP learns the source
// from a Register (C flag), sets N ("may notify MSDP") and originates the MSDP SA (RFC 3618) even when
// border-router source injection is suppressed.
//
// Every path that creates or changes a beacon (the config file, reload, the run-time API the CLI calls)
// hands a BeaconSpec to make_beacon_config(). That function is the ONLY place defaults are applied:
//   rp        10.0.0.0 when not given (or given as 0.0.0.0) -- kDefaultBeaconRp
//   interval  10 s                                            -- kDefaultBeaconInterval
//   heartbeat UDP 5765 -> 5765, payload 44 5a 00 01 ("DZ" + version 1)
// (The reference implementation shipped a bug where one path skipped its defaulting step and sent to a nil
// RP; here nothing can build a BeaconConfig without going through make_beacon_config.)
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/core/clock.hpp"
#include "common/core/ip.hpp"
#include "common/core/result.hpp"

namespace fanout::pim {

// The anycast RP address of the design (the RP every client beacons to).
inline constexpr Ipv4Address kDefaultBeaconRp{10, 0, 0, 0};
inline constexpr Duration kDefaultBeaconInterval = std::chrono::seconds(10);
inline constexpr Duration kMinBeaconInterval = std::chrono::milliseconds(100);
inline constexpr Duration kMaxBeaconInterval = std::chrono::hours(1);
inline constexpr uint16_t kDefaultHeartbeatPort = 5765;
inline constexpr std::array<uint8_t, 4> kDefaultHeartbeatPayload{0x44, 0x5a, 0x00, 0x01};
// Largest heartbeat payload: outer 20 + PIM 8 + inner 20 + UDP 8 + payload stays under a 1476-byte GRE MTU.
inline constexpr size_t kMaxHeartbeatPayload = 1400;
// Most published (S,G)s one beacon carries (the bound of its group table, on every path: file, reload, CLI).
inline constexpr size_t kMaxPublishedGroups = 4096;
// The first sends of a beacon's groups (start, resume, group added) are spread uniformly over at most this
// window (never more than the interval) so 500 groups do not leave in one burst.
inline constexpr Duration kDefaultFirstSendSpread = std::chrono::seconds(1);

struct BeaconHeartbeat {
    uint16_t source_port = kDefaultHeartbeatPort;
    uint16_t dest_port = kDefaultHeartbeatPort;
    std::vector<uint8_t> payload{kDefaultHeartbeatPayload.begin(), kDefaultHeartbeatPayload.end()};
    bool operator==(const BeaconHeartbeat&) const = default;
};

// What a caller asks for; unset fields take the defaults above.
struct BeaconSpec {
    std::string interface;          // the tunnel interface (required)
    std::optional<Ipv4Address> rp;  // unset or 0.0.0.0: kDefaultBeaconRp
    std::optional<Duration> interval;
    std::vector<SGKey> published;  // duplicates are merged
    std::optional<BeaconHeartbeat> heartbeat;
    std::optional<Duration> first_send_spread;
};

// A validated beacon with every default applied. Build only through make_beacon_config.
struct BeaconConfig {
    std::string interface;
    Ipv4Address rp;
    Duration interval{};
    std::set<SGKey> published;
    BeaconHeartbeat heartbeat;
    Duration first_send_spread{};
    bool operator==(const BeaconConfig&) const = default;
};

// Applies the defaults and validates: interface non-empty; RP a unicast address; interval within
// [kMinBeaconInterval, kMaxBeaconInterval]; each source unicast; each group multicast and not link-local
// (224.0.0.0/24 is never forwarded); at most kMaxPublishedGroups (S,G)s; payload at most
// kMaxHeartbeatPayload bytes; spread >= 0.
// The error names the offending field ("published (198.18.0.1,10.1.1.1): group is not multicast").
Result<BeaconConfig, std::string> make_beacon_config(const BeaconSpec& spec);

}  // namespace fanout::pim
