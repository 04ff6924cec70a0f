// pimd's PIM-SM status commands (see pimd_sm_status.hpp).
#include "pimd/pimd_sm_status.hpp"

#include <cctype>

#include "pimd/core/assert.hpp"
#include "pimd/core/pim_core.hpp"
#include "pimd/core/register_status.hpp"
#include "pimd/core/sparse_mode.hpp"

namespace fanout::pimd {

using nlohmann::json;
using sys::render_table;

namespace {
std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}
std::string ms_text(std::optional<int64_t> ms) {
    if (!ms) return "-";
    if (*ms < 0) return "forever";
    return sys::format_hms(ms);
}
std::string core_if_name(const pim::PimCore& core, int ifindex) {
    const pim::PimInterface* p = core.find_interface(ifindex);
    return p ? p->name() : "ifindex" + std::to_string(ifindex);
}
}  // namespace

PimJoinView pim_join_view(const PimDaemon& d) {
    return {pim::join_status(d.core())};
}

PimUpstreamView pim_upstream_view(const PimDaemon& d) {
    PimUpstreamView v{pim::upstream_status(d.core()), {}};
    const auto& sm = d.core().sparse();
    auto reg = pim::register_status(sm.register_dr(), sm.register_rp(), d.core().now());
    for (const auto& r : v.rows) {
        std::optional<UpstreamRegister> cell;
        for (const auto& e : reg.entries)
            if (r.kind == "(S,G)" && e.role == "dr" && e.source.to_string() == r.source &&
                e.group.to_string() == r.group)
                cell = UpstreamRegister{e.state, e.register_stop_timer_ms};
        v.registers.push_back(cell);
    }
    return v;
}

PimAssertView pim_assert_view(const PimDaemon& d) {
    PimAssertView v;
    for (const pim::AssertEntryStatus& s : d.core().sparse().asserts().status()) {
        if (s.state == pim::AssertState::kNoInfo) continue;
        PimAssertRow r;
        r.interface = core_if_name(d.core(), s.ifindex);
        r.source = s.star_g ? "*" : s.source.to_string();
        r.group = s.group.to_string();
        r.state = lower(pim::to_string(s.state));
        r.winner = s.winner.to_string();
        r.winner_rpt_bit = s.winner_metric.rpt_bit;
        r.winner_preference = s.winner_metric.preference;
        r.winner_metric = s.winner_metric.metric;
        r.timer_ms = std::chrono::duration_cast<std::chrono::milliseconds>(s.timer_remaining).count();
        v.rows.push_back(std::move(r));
    }
    return v;
}

PimRpfView pim_rpf_view(const PimDaemon& d) {
    return {pim::rpf_status(d.core())};
}

std::map<SGKey, std::string> core_mroute_flags(const PimDaemon& d) {
    std::map<SGKey, std::string> out;
    for (const pim::MrouteStatus& m : pim::mroute_status(d.core())) {
        // "*": the (*,G) kernel entry's source, 0.0.0.0 (sparse_mode_forwarding.cpp)
        auto s = m.source == "*" ? std::optional<Ipv4Address>(Ipv4Address()) : Ipv4Address::parse(m.source);
        auto g = Ipv4Address::parse(m.group);
        if (s && g) out[SGKey{*s, *g}] = m.flags;
    }
    return out;
}

json to_json(const PimJoinView& v) {
    json a = json::array();
    for (const auto& r : v.rows)
        a.push_back(r);
    return {{"joins", a}};
}

std::string to_text(const PimJoinView& v) {
    if (v.rows.empty()) return "No join state\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : v.rows)
        rows.push_back({r.interface, r.source, r.group, r.kind, r.state, ms_text(r.expiry_ms),
                        ms_text(r.prune_pending_ms)});
    return render_table({"Interface", "Source", "Group", "Kind", "State", "Expires", "PrunePend"}, rows);
}

json to_json(const PimUpstreamView& v) {
    json a = json::array();
    for (size_t i = 0; i < v.rows.size(); ++i) {
        json row = v.rows[i];
        const auto& reg = i < v.registers.size() ? v.registers[i] : std::nullopt;
        row["register_state"] = reg ? json(reg->state) : json(nullptr);
        row["register_stop_timer_ms"] =
            reg && reg->register_stop_timer_ms ? json(*reg->register_stop_timer_ms) : json(nullptr);
        a.push_back(row);
    }
    return {{"upstream", a}};
}

std::string to_text(const PimUpstreamView& v) {
    if (v.rows.empty()) return "No upstream state\n";
    std::vector<std::vector<std::string>> rows;
    for (size_t i = 0; i < v.rows.size(); ++i) {
        const auto& r = v.rows[i];
        const auto& reg = i < v.registers.size() ? v.registers[i] : std::nullopt;
        rows.push_back({r.rpf_interface.empty() ? "-" : r.rpf_interface, r.source, r.group, r.kind, r.state,
                        r.rpf_neighbor.empty() ? "-" : r.rpf_neighbor, ms_text(r.join_timer_ms),
                        r.spt_bit ? "yes" : "no", ms_text(r.keepalive_ms), reg ? reg->state : "-",
                        reg ? ms_text(reg->register_stop_timer_ms) : "-", sys::format_hms(r.uptime_ms)});
    }
    return render_table({"Iif", "Source", "Group", "Kind", "State", "RPF nbr", "JoinTimer", "SPT", "KATimer",
                         "Register", "RSTimer", "Uptime"},
                        rows);
}

json to_json(const PimAssertView& v) {
    json a = json::array();
    for (const auto& r : v.rows)
        a.push_back({{"interface", r.interface},
                     {"source", r.source},
                     {"group", r.group},
                     {"state", r.state},
                     {"winner", r.winner},
                     {"winner_metric",
                      {{"rpt_bit", r.winner_rpt_bit},
                       {"preference", r.winner_preference},
                       {"metric", r.winner_metric}}},
                     {"timer_ms", r.timer_ms}});
    return {{"asserts", a}};
}

std::string to_text(const PimAssertView& v) {
    if (v.rows.empty()) return "No assert state\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : v.rows)
        rows.push_back({r.interface, r.source, r.group, r.state, r.winner,
                        std::to_string(r.winner_preference) + "/" + std::to_string(r.winner_metric) +
                            (r.winner_rpt_bit ? " rpt" : ""),
                        sys::format_hms(r.timer_ms)});
    return render_table({"Interface", "Source", "Group", "State", "Winner", "Pref/Metric", "Timer"}, rows);
}

json to_json(const PimRpfView& v) {
    json a = json::array();
    for (const auto& r : v.rows)
        a.push_back(r);
    return {{"rpf", a}};
}

std::string to_text(const PimRpfView& v) {
    if (v.rows.empty()) return "No RPF lookups\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : v.rows)
        rows.push_back({r.address, r.interface.empty() ? "-" : r.interface,
                        r.next_hop.empty() ? "-" : r.next_hop, r.rpf_neighbor.empty() ? "-" : r.rpf_neighbor,
                        r.reachable ? "yes" : "no"});
    return render_table({"Address", "Interface", "Next hop", "RPF nbr", "Reachable"}, rows);
}

void register_pim_sm_commands(sys::StatusServer& s, std::function<const PimDaemon*()> daemon) {
    auto add = [&](std::vector<std::string> path, const char* help, auto build) {
        s.add({std::move(path), help, {}},
              [daemon, build](const std::vector<std::string>&) -> Result<sys::ShowOutput, std::string> {
                  const PimDaemon* d = daemon();
                  if (!d) return make_err(std::string("pimd is not running (starting or stopping)"));
                  return sys::ShowOutput::of(build(*d));
              });
    };
    add({"show", "ip", "pim", "join"}, "PIM-SM downstream join state per interface",
        [](const PimDaemon& d) { return pim_join_view(d); });
    add({"show", "ip", "pim", "upstream"}, "PIM-SM upstream state: RPF neighbor, Join Timer, SPT bit",
        [](const PimDaemon& d) { return pim_upstream_view(d); });
    add({"show", "ip", "pim", "assert"}, "PIM assert state per interface: winner, metric, timer",
        [](const PimDaemon& d) { return pim_assert_view(d); });
    add({"show", "ip", "pim", "rpf"}, "RPF of sources and RPs: interface, next hop, RPF neighbor",
        [](const PimDaemon& d) { return pim_rpf_view(d); });
}

}  // namespace fanout::pimd
