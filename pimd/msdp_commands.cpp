// pimd's MSDP (RFC 3618) and anycast-RP (RFC 4610) status commands (see msdp_commands.hpp).
#include "pimd/msdp_commands.hpp"

#include <memory>
#include <nlohmann/json.hpp>

#include "common/sys/counters_since.hpp"
#include "common/sys/status_text.hpp"
#include "pimd/core/msdp/msdp_status.hpp"

namespace fanout::pimd {

using nlohmann::json;
using sys::ShowOutput;

namespace {

constexpr const char* kNotConfigured = "MSDP is not configured (no msdp: section)\n";

ShowOutput not_configured() {
    return ShowOutput{json{{"enabled", false}}, kNotConfigured};
}

std::string hms_s(int64_t s) {
    return sys::format_hms(s * 1000);
}

std::string counters_text(const msdp::MsdpPeerCounters& c) {
    std::string out = "    tlvs in/out " + std::to_string(c.tlvs_in) + "/" + std::to_string(c.tlvs_out) +
                      ", SA entries in/out " + std::to_string(c.sa_in) + "/" + std::to_string(c.sa_out) +
                      ", keepalives in/out " + std::to_string(c.keepalives_in) + "/" +
                      std::to_string(c.keepalives_out) + ", established " + std::to_string(c.established) +
                      "\n    drops:";
    for (size_t i = 0; i < c.drops.size(); ++i)
        out += " " + std::string(msdp::to_string(static_cast<msdp::MsdpDrop>(i))) + "=" +
               std::to_string(c.drops[i]);
    out += "\n    downs:";
    for (size_t i = 0; i < c.downs.size(); ++i)
        out += " " + std::string(msdp::to_string(static_cast<msdp::MsdpDownReason>(i))) + "=" +
               std::to_string(c.downs[i]);
    return out + "\n";
}

json core_counters_json(const msdp::MsdpCoreCounters& c) {
    return json{{"unknown_peer_connections", c.unknown_peer_connections},
                {"rejected_connections", c.rejected_connections},
                {"events_for_unknown_peer", c.events_for_unknown_peer},
                {"no_originator", c.no_originator},
                {"originated_tlvs", c.originated_tlvs},
                {"forwarded_entries", c.forwarded_entries},
                {"filtered_out", c.filtered_out},
                {"data_delivered", c.data_delivered},
                {"announced", c.announced},
                {"expired", c.expired}};
}

json wiring_counters_json(const MsdpWiringCounters& c) {
    return json{{"listen_errors", c.listen_errors},
                {"connect_errors", c.connect_errors},
                {"md5_errors", c.md5_errors},
                {"refused_accepts", c.refused_accepts},
                {"send_without_stream", c.send_without_stream},
                {"last_error", c.last_error}};
}

json service_counters_json(const MsdpServiceCounters& c) {
    json drops = json::object();
    for (size_t i = 0; i < c.sa_data_drops.size(); ++i)
        drops[std::string(msdp::to_string(static_cast<msdp::SaDataDrop>(i)))] = c.sa_data_drops[i];
    return json{{"scans", c.scans},
                {"origin_added", c.origin_added},
                {"origin_removed", c.origin_removed},
                {"receivers_appeared", c.receivers_appeared},
                {"receivers_gone", c.receivers_gone},
                {"sa_joins", c.sa_joins},
                {"sa_joins_dropped", c.sa_joins_dropped},
                {"sa_expired", c.sa_expired},
                {"sa_data_packets", c.sa_data_packets},
                {"sa_data_forwarded", c.sa_data_forwarded},
                {"sa_data_drops", drops},
                {"origin_with_data", c.origin_with_data},
                {"starts", c.starts},
                {"reconfigures", c.reconfigures},
                {"peer_resets", c.peer_resets}};
}

std::string flat_text(const std::string& title, const json& j) {
    std::string out = title + ":";
    for (const auto& [k, v] : j.items())
        out += " " + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
    return out + "\n";
}

}  // namespace

ShowOutput msdp_peer_output(const MsdpService& s) {
    const msdp::MsdpCore* core = s.core();
    if (!core) return not_configured();
    auto peers = msdp::peer_status(*core);
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : peers)
        rows.push_back({p.peer.to_string(), p.local.to_string(), p.state, p.role, hms_s(p.uptime_s),
                        std::to_string(p.sa_count), p.mesh_group.value_or("-"), p.md5 ? "yes" : "no",
                        p.last_down_reason, p.description});
    std::string text = sys::render_table({"Peer", "Local", "State", "Role", "Uptime", "SA-Count",
                                          "Mesh-group", "MD5", "Last-down", "Description"},
                                         rows);
    return ShowOutput{json(peers), text};
}

ShowOutput msdp_sa_output(const MsdpService& s) {
    const msdp::MsdpCore* core = s.core();
    if (!core) return not_configured();
    auto sas = msdp::sa_status(*core);
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : sas)
        rows.push_back({e.source.to_string(), e.group.to_string(), e.rp.to_string(),
                        e.local ? "local" : (e.peer ? e.peer->to_string() : "-"),
                        e.local ? "-" : (e.announced ? "yes" : "no"), hms_s(e.uptime_s),
                        e.expires_s ? hms_s(*e.expires_s) : "-"});
    std::string text =
        sys::render_table({"Source", "Group", "RP", "Peer", "SPT-join", "Uptime", "Expires"}, rows);
    text += std::to_string(core->originated().size()) + " originated, " +
            std::to_string(core->sa_cache().size()) + " cached (max " +
            std::to_string(core->sa_cache().max_entries()) + ")\n";
    return ShowOutput{json(sas), text};
}

ShowOutput msdp_mesh_group_output(const MsdpService& s) {
    const msdp::MsdpCore* core = s.core();
    if (!core) return not_configured();
    auto groups = msdp::mesh_group_status(*core);
    std::string text;
    for (const auto& g : groups) {
        text += "Mesh group " + g.name + ", source " + g.source.to_string() + "\n";
        std::vector<std::vector<std::string>> rows;
        for (const auto& [addr, state] : g.members)
            rows.push_back({addr.to_string(), state});
        text += sys::render_table({"Member", "State"}, rows);
    }
    if (groups.empty()) text = "no mesh groups\n";
    return ShowOutput{json(groups), text};
}

MsdpCounterTotals msdp_counter_totals(const MsdpService& s) {
    MsdpCounterTotals t;
    if (const msdp::MsdpCore* core = s.core()) {
        for (const auto& [addr, p] : core->peers())
            t.peers.emplace(addr, p->counters());
        t.core = core->counters();
    }
    if (s.io()) t.tcp = s.io()->counters();
    t.service = s.counters();
    return t;
}

MsdpCounterTotals msdp_counters_since(const MsdpCounterTotals& now, const MsdpCounterTotals& base) {
    using sys::since;
    using sys::since_fields;
    MsdpCounterTotals v = now;
    for (auto& [addr, p] : v.peers) {
        auto it = base.peers.find(addr);
        if (it == base.peers.end()) continue;
        using P = msdp::MsdpPeerCounters;
        since_fields(p, it->second, &P::tlvs_in, &P::tlvs_out, &P::sa_in, &P::sa_out, &P::keepalives_in,
                     &P::keepalives_out, &P::established, &P::unexpected_events);
        since(p.drops, it->second.drops);
        since(p.downs, it->second.downs);
    }
    using C = msdp::MsdpCoreCounters;
    since_fields(v.core, base.core, &C::unknown_peer_connections, &C::rejected_connections,
                 &C::events_for_unknown_peer, &C::no_originator, &C::originated_tlvs, &C::forwarded_entries,
                 &C::filtered_out, &C::data_delivered, &C::announced, &C::expired);
    using W = MsdpWiringCounters;
    since_fields(v.tcp, base.tcp, &W::listen_errors, &W::connect_errors, &W::md5_errors, &W::refused_accepts,
                 &W::send_without_stream);
    using S = MsdpServiceCounters;
    since_fields(v.service, base.service, &S::scans, &S::origin_added, &S::origin_removed,
                 &S::receivers_appeared, &S::receivers_gone, &S::sa_joins, &S::sa_joins_dropped,
                 &S::sa_expired, &S::sa_data_packets, &S::sa_data_forwarded, &S::origin_with_data, &S::starts,
                 &S::reconfigures, &S::peer_resets);
    since(v.service.sa_data_drops, base.service.sa_data_drops);
    return v;
}

json to_json(const MsdpCounterTotals& c) {
    json peers = json::object();
    for (const auto& [addr, p] : c.peers)
        peers[addr.to_string()] = json(p);
    return json{{"peers", peers},
                {"core", core_counters_json(c.core)},
                {"tcp", wiring_counters_json(c.tcp)},
                {"service", service_counters_json(c.service)}};
}

ShowOutput msdp_statistics_output(const MsdpService& s, const MsdpCounterTotals* base) {
    const msdp::MsdpCore* core = s.core();
    if (!core) return not_configured();
    MsdpCounterTotals totals = msdp_counter_totals(s);
    const MsdpCounterTotals c = base ? msdp_counters_since(totals, *base) : totals;
    std::string text;
    for (const auto& [addr, p] : core->peers())
        text += "Peer " + addr.to_string() + " (" + std::string(msdp::to_string(p->state())) +
                ", rx buffered " + std::to_string(p->rx_buffered()) + " bytes)\n" +
                counters_text(c.peers.at(addr));
    json counters = to_json(c);
    json peers = counters["peers"];
    json core_j = counters["core"];
    json wiring_j = s.io() ? counters["tcp"] : json::object();
    json service_j = counters["service"];
    text += flat_text("core", core_j) + flat_text("tcp", wiring_j) + flat_text("service", service_j);
    text += "SA cache " + std::to_string(core->sa_cache().size()) + "/" +
            std::to_string(core->sa_cache().max_entries()) + ", originated " +
            std::to_string(core->originated().size()) + ", SA joins " + std::to_string(s.sa_joins().size()) +
            "\n";
    json j{{"peers", peers},
           {"core", core_j},
           {"tcp", wiring_j},
           {"service", service_j},
           {"sa_cache", core->sa_cache().size()},
           {"sa_cache_max", core->sa_cache().max_entries()},
           {"originated", core->originated().size()},
           {"sa_joins", s.sa_joins().size()}};
    return ShowOutput{j, text};
}

ShowOutput anycast_rp_output(const AnycastRpView& v) {
    if (!v.config) return ShowOutput{json{{"enabled", false}}, "anycast-RP (RFC 4610) is not configured\n"};
    json members = json::array();
    std::vector<std::vector<std::string>> rows;
    for (auto m : v.config->members) {
        members.push_back(json{{"address", m.to_string()}, {"self", m == v.self}});
        rows.push_back({v.config->address.to_string(), m.to_string(), m == v.self ? "self" : "peer"});
    }
    json j{{"enabled", true},
           {"address", v.config->address.to_string()},
           {"self", v.self.is_unspecified() ? json(nullptr) : json(v.self.to_string())},
           {"members", members},
           {"counters", json{{"from_dr", v.counters.from_dr},
                             {"from_member", v.counters.from_member},
                             {"forwarded", v.counters.forwarded},
                             {"unreachable", v.counters.unreachable},
                             {"not_a_member", v.counters.not_a_member}}}};
    std::string text = sys::render_table({"Anycast-RP", "Member", "Role"}, rows);
    text += "Registers from DRs " + std::to_string(v.counters.from_dr) + ", from members " +
            std::to_string(v.counters.from_member) + ", copies forwarded " +
            std::to_string(v.counters.forwarded) + ", members unreachable " +
            std::to_string(v.counters.unreachable) + ", not a member " +
            std::to_string(v.counters.not_a_member) + "\n";
    if (v.self.is_unspecified()) text += "warning: none of the members is a local address\n";
    return ShowOutput{j, text};
}

void register_msdp_commands(sys::StatusServer& server, MsdpCommandSources sources) {
    using HandlerResult = Result<ShowOutput, std::string>;
    auto with = [msdp = sources.msdp](ShowOutput (*render)(const MsdpService&)) {
        return [msdp, render](const std::vector<std::string>&) -> HandlerResult {
            const MsdpService* s = msdp ? msdp() : nullptr;
            if (!s) return make_err(std::string("pimd is not running (starting or stopping)"));
            return render(*s);
        };
    };
    server.add({{"show", "ip", "msdp", "peer"}, "MSDP peers: state, role, uptime, SA count, mesh group", {}},
               with(msdp_peer_output));
    server.add({{"show", "ip", "msdp", "sa"}, "MSDP SA cache and originated sources", {}},
               with(msdp_sa_output));
    server.add({{"show", "ip", "msdp", "sa-cache"}, "MSDP SA cache and originated sources", {}},
               with(msdp_sa_output));
    server.add({{"show", "ip", "msdp", "mesh-group"}, "MSDP mesh groups and member states", {}},
               with(msdp_mesh_group_output));
    auto base = std::make_shared<std::optional<MsdpCounterTotals>>();
    server.add({{"show", "ip", "msdp", "statistics"},
                "MSDP per-peer counters, drops, down reasons (since `clear ip msdp statistics`, if one ran)",
                {}},
               [msdp = sources.msdp, base](const std::vector<std::string>&) -> HandlerResult {
                   const MsdpService* s = msdp ? msdp() : nullptr;
                   if (!s) return make_err(std::string("pimd is not running (starting or stopping)"));
                   return msdp_statistics_output(*s, *base ? &**base : nullptr);
               });
    server.add(
        {{"clear", "ip", "msdp", "statistics"},
         "show ip msdp statistics counts from now on (per peer, core, TCP, service); show metrics keeps "
         "the running totals",
         {}},
        [msdp = sources.msdp, base](const std::vector<std::string>&) -> HandlerResult {
            const MsdpService* s = msdp ? msdp() : nullptr;
            if (!s) return make_err(std::string("pimd is not running (starting or stopping)"));
            if (!s->core()) return not_configured();
            *base = msdp_counter_totals(*s);
            return ShowOutput{json{{"cleared", "msdp statistics"}}, "MSDP statistics cleared\n"};
        });
    server.add({{"show", "ip", "pim", "anycast-rp"}, "the RFC 4610 anycast-RP set", {}},
               [anycast = sources.anycast](const std::vector<std::string>&) -> HandlerResult {
                   auto v = anycast ? anycast() : std::nullopt;
                   if (!v) return make_err(std::string("pimd is not running (starting or stopping)"));
                   return anycast_rp_output(*v);
               });
}

}  // namespace fanout::pimd
