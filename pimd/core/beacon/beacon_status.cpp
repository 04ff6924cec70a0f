// `show ip pim beacon` snapshot and text rendering (beacon_status.hpp).
#include "pimd/core/beacon/beacon_status.hpp"

#include <algorithm>
#include <chrono>

namespace fanout::pim {

namespace {

int64_t ms(Duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

std::optional<int64_t> ago(TimePoint now, const std::optional<TimePoint>& t) {
    if (!t) return std::nullopt;
    return ms(now - *t);
}

std::string show_ms(const std::optional<int64_t>& v, const std::string& suffix) {
    if (!v) return "-";
    return std::to_string(*v / 1000) + "." + std::to_string((*v % 1000) / 100) + "s" + suffix;
}

std::string table(const std::vector<std::string>& headers,
                  const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> width(headers.size());
    for (size_t i = 0; i < headers.size(); ++i)
        width[i] = headers[i].size();
    for (const auto& r : rows)
        for (size_t i = 0; i < r.size() && i < width.size(); ++i)
            width[i] = std::max(width[i], r[i].size());
    auto line = [&](const std::vector<std::string>& cells) {
        std::string out;
        for (size_t i = 0; i < cells.size(); ++i) {
            out += cells[i];
            if (i + 1 < cells.size()) out += std::string(width[i] - cells[i].size() + 2, ' ');
        }
        return out + "\n";
    };
    std::string out = line(headers);
    for (const auto& r : rows)
        out += line(r);
    return out;
}

BeaconStatus one(const BeaconScheduler& s, const BeaconState& b) {
    const TimePoint now = s.now();
    BeaconStatus st;
    st.interface = b.config.interface;
    auto link = s.link(b.config.interface);
    if (link) st.ifindex = link->ifindex;
    if (link && !link->local.is_unspecified()) st.local_address = link->local;
    st.state = !b.running ? "interface-down" : b.groups.empty() ? "idle" : "running";
    st.rp = b.config.rp;
    st.interval_ms = ms(b.config.interval);
    st.udp_source_port = b.config.heartbeat.source_port;
    st.udp_dest_port = b.config.heartbeat.dest_port;
    st.payload = hex_bytes(b.config.heartbeat.payload);
    st.packets_sent = b.packets_sent;
    st.last_send_ms_ago = ago(now, b.last_send);
    st.register_stops = b.register_stops;
    st.last_register_stop_from = b.last_register_stop_from;
    st.send_errors = b.send_errors;
    for (const auto& [err, e] : b.errors)
        st.errors.push_back({err, e.text, e.count});
    for (const auto& [sg, g] : b.groups) {
        BeaconGroupStatus gs{sg, g.packets_sent, g.send_errors, g.register_stops, ago(now, g.last_send), {}};
        if (g.timer.armed()) gs.next_send_in_ms = ms(g.timer.remaining());
        st.groups.push_back(gs);
    }
    return st;
}

}  // namespace

std::string hex_bytes(const std::vector<uint8_t>& b) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (uint8_t x : b) {
        out += kDigits[x >> 4];
        out += kDigits[x & 0xf];
    }
    return out;
}

BeaconStatusView beacon_status(const BeaconScheduler& s, const std::optional<std::string>& interface) {
    BeaconStatusView v;
    for (const auto& [name, b] : s.beacons())
        if (!interface || *interface == name) v.beacons.push_back(one(s, b));
    return v;
}

std::string to_text(const BeaconStatusView& v) {
    if (v.beacons.empty()) return "No register beacons configured\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& b : v.beacons)
        rows.push_back({b.interface, b.state, b.rp.to_string(),
                        b.local_address ? b.local_address->to_string() : "-", show_ms(b.interval_ms, ""),
                        std::to_string(b.groups.size()), std::to_string(b.packets_sent),
                        show_ms(b.last_send_ms_ago, " ago"), std::to_string(b.register_stops),
                        std::to_string(b.send_errors)});
    std::string out = table({"Interface", "State", "RP", "Source", "Interval", "Groups", "Sent", "Last send",
                             "Reg-Stops", "Errors"},
                            rows);
    for (const auto& b : v.beacons) {
        out += "\n" + b.interface + ": UDP " + std::to_string(b.udp_source_port) + " -> " +
               std::to_string(b.udp_dest_port) + ", payload " + b.payload + "\n";
        std::vector<std::vector<std::string>> g;
        for (const auto& x : b.groups)
            g.push_back({x.sg.source.to_string(), x.sg.group.to_string(), std::to_string(x.packets_sent),
                         show_ms(x.last_send_ms_ago, " ago"), show_ms(x.next_send_in_ms, ""),
                         std::to_string(x.register_stops), std::to_string(x.send_errors)});
        if (!g.empty())
            out += table({"Source", "Group", "Sent", "Last send", "Next send", "Reg-Stops", "Errors"}, g);
        for (const auto& e : b.errors)
            out += "  send error errno " + std::to_string(e.error) + " (" + e.text +
                   "): " + std::to_string(e.count) + "\n";
    }
    return out;
}

}  // namespace fanout::pim
