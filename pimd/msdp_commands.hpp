// pimd's MSDP and anycast-RP status commands, text (FRR-like tables) and JSON:
//   show ip msdp peer           peer, local, state, role, uptime, SA count, mesh group, description
//   show ip msdp sa             source, group, RP, peer (or local), announced to PIM, uptime, expiry
//   show ip msdp sa-cache       the same as `show ip msdp sa`
//   show ip msdp mesh-group     mesh groups and their members' states
//   show ip msdp statistics     per-peer TLV/SA/keepalive counters and every drop and down reason,
//                               core, TCP wiring and service counters (since `clear ip msdp statistics`)
//   clear ip msdp statistics    show ip msdp statistics counts from now on; show metrics keeps the totals
//   show ip pim anycast-rp      the RFC 4610 set: anycast address, members, our own member address
#pragma once

#include <functional>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "common/sys/status_server.hpp"
#include "pimd/core/anycast_rp.hpp"
#include "pimd/msdp_service.hpp"

namespace fanout::pimd {

struct AnycastRpView {
    std::optional<pim::AnycastRpConfig> config;
    Ipv4Address self;                 // our member address (0.0.0.0: none of the members is local)
    pim::AnycastRpCounters counters;  // RegisterRp's (the RP forwards the Registers it processed)
};

// The counters show ip msdp statistics shows (the display baseline of `clear ip msdp statistics`).
struct MsdpCounterTotals {
    std::map<Ipv4Address, msdp::MsdpPeerCounters> peers;
    msdp::MsdpCoreCounters core;
    MsdpWiringCounters tcp;
    MsdpServiceCounters service;
};
// s's running totals (no peers and a zero core when MSDP is not configured).
MsdpCounterTotals msdp_counter_totals(const MsdpService& s);
// The counts of `now` since `base`; a peer without a baseline counts from 0 (it came after the clear).
MsdpCounterTotals msdp_counters_since(const MsdpCounterTotals& now, const MsdpCounterTotals& base);
// {"peers": {address: counters}, "core": {...}, "tcp": {...}, "service": {...}} as show ip msdp statistics
// has them.
nlohmann::json to_json(const MsdpCounterTotals& c);

struct MsdpCommandSources {
    std::function<const MsdpService*()> msdp;               // null when pimd is not running
    std::function<std::optional<AnycastRpView>()> anycast;  // nullopt when pimd is not running
};

void register_msdp_commands(sys::StatusServer& server, MsdpCommandSources sources);

// Renderings (also used by the unit tests).
sys::ShowOutput msdp_peer_output(const MsdpService& s);
sys::ShowOutput msdp_sa_output(const MsdpService& s);
sys::ShowOutput msdp_mesh_group_output(const MsdpService& s);
// base: what clear ip msdp statistics took (null: the running totals).
sys::ShowOutput msdp_statistics_output(const MsdpService& s, const MsdpCounterTotals* base = nullptr);
sys::ShowOutput anycast_rp_output(const AnycastRpView& v);

}  // namespace fanout::pimd
