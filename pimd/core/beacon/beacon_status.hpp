// `show ip pim beacon [IFNAME]`: a typed snapshot of the register beacons (beacon_scheduler.hpp), rendered to
// JSON (stable snake_case keys, what tests assert on) and to text (what people read).
//
// JSON (to_json, header-only over the JSON type like pim_status_json.hpp: nlohmann/json.hpp cannot be
// included in the pure pimd_core sources):
//   {"beacons": [{"interface": "tun500", "ifindex": 7, "state": "running", "rp": "10.0.0.0",
//     "local_address": "169.254.0.1", "interval_ms": 10000, "udp_source_port": 5765, "udp_dest_port": 5765,
//     "payload": "445a0001", "packets_sent": 12, "last_send_ms_ago": 800, "register_stops": 3,
//     "last_register_stop_from": "10.0.0.0", "send_errors": 1,
//     "errors": [{"errno": 101, "error": "Network is unreachable", "count": 1}],
//     "groups": [{"source": "148.51.120.0", "group": "233.84.178.0", "packets_sent": 12,
//                 "last_send_ms_ago": 800, "next_send_in_ms": 9200, "register_stops": 3,
//                 "send_errors": 1}]}]}
// state: "running", "idle" (running, no groups), "interface-down" (unknown, down or without an address).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pimd/core/beacon/beacon_scheduler.hpp"

namespace fanout::pim {

struct BeaconGroupStatus {
    SGKey sg;
    uint64_t packets_sent = 0;
    uint64_t send_errors = 0;
    uint64_t register_stops = 0;
    std::optional<int64_t> last_send_ms_ago;
    std::optional<int64_t> next_send_in_ms;
};

struct BeaconErrorStatus {
    int error = 0;
    std::string text;
    uint64_t count = 0;
};

struct BeaconStatus {
    std::string interface;
    std::optional<int> ifindex;
    std::string state;
    Ipv4Address rp;
    std::optional<Ipv4Address> local_address;
    int64_t interval_ms = 0;
    uint16_t udp_source_port = 0;
    uint16_t udp_dest_port = 0;
    std::string payload;  // hex
    uint64_t packets_sent = 0;
    std::optional<int64_t> last_send_ms_ago;
    uint64_t register_stops = 0;
    std::optional<Ipv4Address> last_register_stop_from;
    uint64_t send_errors = 0;
    std::vector<BeaconErrorStatus> errors;
    std::vector<BeaconGroupStatus> groups;
};

struct BeaconStatusView {
    std::vector<BeaconStatus> beacons;
};

// All beacons, or only interface's (empty when it has none).
BeaconStatusView beacon_status(const BeaconScheduler& s, const std::optional<std::string>& interface = {});
// Text: one summary table (Interface, State, RP, Source address, Interval, Groups, Sent, Last send,
// Reg-Stops, Errors), then per beacon its groups and its errors by errno.
std::string to_text(const BeaconStatusView& v);
std::string hex_bytes(const std::vector<uint8_t>& b);

namespace beacon_json {
template <typename Json, typename T>
Json opt(const std::optional<T>& v) {
    return v ? Json(*v) : Json(nullptr);
}
template <typename Json>
Json opt_addr(const std::optional<Ipv4Address>& v) {
    return v ? Json(v->to_string()) : Json(nullptr);
}
}  // namespace beacon_json

template <typename Json>
void to_json(Json& j, const BeaconGroupStatus& g) {
    j = Json{{"source", g.sg.source.to_string()},
             {"group", g.sg.group.to_string()},
             {"packets_sent", g.packets_sent},
             {"send_errors", g.send_errors},
             {"register_stops", g.register_stops},
             {"last_send_ms_ago", beacon_json::opt<Json>(g.last_send_ms_ago)},
             {"next_send_in_ms", beacon_json::opt<Json>(g.next_send_in_ms)}};
}

template <typename Json>
void to_json(Json& j, const BeaconErrorStatus& e) {
    j = Json{{"errno", e.error}, {"error", e.text}, {"count", e.count}};
}

template <typename Json>
void to_json(Json& j, const BeaconStatus& b) {
    Json groups = Json::array();
    for (const auto& g : b.groups)
        groups.push_back(Json(g));
    Json errors = Json::array();
    for (const auto& e : b.errors)
        errors.push_back(Json(e));
    j = Json{{"interface", b.interface},
             {"ifindex", beacon_json::opt<Json>(b.ifindex)},
             {"state", b.state},
             {"rp", b.rp.to_string()},
             {"local_address", beacon_json::opt_addr<Json>(b.local_address)},
             {"interval_ms", b.interval_ms},
             {"udp_source_port", b.udp_source_port},
             {"udp_dest_port", b.udp_dest_port},
             {"payload", b.payload},
             {"packets_sent", b.packets_sent},
             {"last_send_ms_ago", beacon_json::opt<Json>(b.last_send_ms_ago)},
             {"register_stops", b.register_stops},
             {"last_register_stop_from", beacon_json::opt_addr<Json>(b.last_register_stop_from)},
             {"send_errors", b.send_errors},
             {"errors", errors},
             {"groups", groups}};
}

template <typename Json>
void to_json(Json& j, const BeaconStatusView& v) {
    Json beacons = Json::array();
    for (const auto& b : v.beacons)
        beacons.push_back(Json(b));
    j = Json{{"beacons", beacons}};
}

}  // namespace fanout::pim
