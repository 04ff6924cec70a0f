// `show ip pim register` (see register_commands.hpp).
#include "pimd/register_commands.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/sys/status_text.hpp"
#include "pimd/core/register_status.hpp"
#include "pimd/core/sparse_mode.hpp"

namespace fanout::pimd {

namespace {

struct RegisterView {
    pim::RegisterStatus status;
};

std::string timer_text(const std::optional<int64_t>& ms) {
    if (!ms) return "-";
    return std::to_string(*ms / 1000) + "." + std::to_string((*ms % 1000) / 100) + "s";
}

nlohmann::json to_json(const RegisterView& v) {
    nlohmann::json j;
    pim::to_json(j, v.status);
    return j;
}

std::string drops_text(const std::map<std::string, uint64_t>& drops) {
    std::string s;
    for (const auto& [why, n] : drops)
        s += (s.empty() ? "" : ",") + why + "=" + std::to_string(n);
    return s.empty() ? "-" : s;
}

std::string to_text(const RegisterView& v) {
    std::string out;
    if (v.status.entries.empty()) {
        out = "No register state\n";
    } else {
        std::vector<std::vector<std::string>> rows;
        for (const auto& e : v.status.entries)
            rows.push_back({e.role, e.source.to_string(), e.group.to_string(), e.state,
                            e.role == "dr" ? e.rp.to_string() : (e.sender ? e.sender->to_string() : "-"),
                            timer_text(e.register_stop_timer_ms), std::to_string(e.packets),
                            std::to_string(e.bytes), std::to_string(e.null_registers),
                            std::to_string(e.register_stops), drops_text(e.drops)});
        out = sys::render_table({"Role", "Source", "Group", "State", "RP/Sender", "RSTimer", "Packets",
                                 "Bytes", "NullReg", "RegStop", "Drops"},
                                rows);
    }
    const auto& c = v.status.counters;
    out += "DR: registers sent " + std::to_string(c.dr.registers_sent) + ", null-registers sent " +
           std::to_string(c.dr.null_registers_sent) + ", register-stops received " +
           std::to_string(c.dr.register_stops_rx) + " (wildcard " +
           std::to_string(c.dr.register_stops_wildcard) + ", unknown " +
           std::to_string(c.dr.register_stops_unknown) + ")\n";
    out += "RP: registers received " + std::to_string(c.rp.registers_rx) + ", null-registers received " +
           std::to_string(c.rp.null_registers_rx) + ", forwarded " + std::to_string(c.rp.forwarded) + "\n";
    std::string drops, stops;
    for (size_t i = 0; i < c.dr.drops.size(); ++i)
        if (c.dr.drops[i])
            drops += " dr:" + std::string(to_string(static_cast<pim::RegisterDrDrop>(i))) + "=" +
                     std::to_string(c.dr.drops[i]);
    for (size_t i = 0; i < c.rp.drops.size(); ++i)
        if (c.rp.drops[i])
            drops += " rp:" + std::string(to_string(static_cast<pim::RegisterRpDrop>(i))) + "=" +
                     std::to_string(c.rp.drops[i]);
    for (size_t i = 0; i < c.rp.register_stops_sent.size(); ++i)
        if (c.rp.register_stops_sent[i])
            stops += " " + std::string(to_string(static_cast<pim::RegisterStopReason>(i))) + "=" +
                     std::to_string(c.rp.register_stops_sent[i]);
    out += "Register-Stops sent:" + (stops.empty() ? std::string(" none") : stops) + "\n";
    out += "Drops:" + (drops.empty() ? std::string(" none") : drops) + "\n";
    return out;
}

}  // namespace

pim::RegisterStatus register_totals(const PimDaemon& d) {
    const auto& sm = d.core().sparse();
    return pim::register_status(sm.register_dr(), sm.register_rp(), d.core().now());
}

AnycastRpView anycast_rp_view(const PimDaemon& d) {
    AnycastRpView v{d.config().anycast_rp, Ipv4Address(), d.core().sparse().register_rp().counters().anycast};
    if (v.config)
        v.self =
            pim::own_member_address(*v.config, [&d](Ipv4Address a) { return d.core().is_local_address(a); });
    return v;
}

void register_register_commands(sys::StatusServer& server, std::function<const PimDaemon*()> daemon,
                                std::shared_ptr<const StatisticsBaseline> baseline) {
    server.add({{"show", "ip", "pim", "register"},
                "register path: (S,G) registered by this DR / learned at this RP, timers, counters, drops",
                {}},
               [daemon, baseline](const std::vector<std::string>&) -> Result<sys::ShowOutput, std::string> {
                   const PimDaemon* d = daemon();
                   if (!d) return make_err(std::string("pimd is not running (starting or stopping)"));
                   RegisterView v{register_totals(*d)};
                   v.status.counters = baseline->display(v.status.counters);
                   return sys::ShowOutput::of(v);
               });
}

}  // namespace fanout::pimd
