// pimd metric rules (see pimd_metrics.hpp). Families, by status command:
//   show ip pim statistics   messages rx/tx by type, drops by reason, decode errors by kind, socket, kernel,
//                            upcall and static-mroute counters, route lookups and RPF answers, reloads
//   show ip pim interface    interfaces by state, DR role
//   show ip pim neighbor     neighbors per interface
//   show ip mroute           kernel MFC entries by state, packets/bytes/wrong-if summed per group
//   show ip multicast vif    VIFs
//   show ipc, show ip igmp-membership   the igmpd link and its membership records
//   show ip pim beacon       register beacons: packets sent, send errors, Register-Stops per beacon
//   show ip pim register / assert / upstream / anycast-rp, show ip msdp peer / sa / statistics
#include "pimd/pimd_metrics.hpp"

namespace fanout::pimd {

using sys::MetricRule;
using K = sys::MetricRuleKind;
using T = MetricType;

namespace {

using Cmd = std::vector<std::string>;

std::vector<MetricRule> statistics_rules() {
    Cmd st{"show", "ip", "pim", "statistics"};
    return {
        {st, "/pim/rx", K::keyed, "fanout_pim_rx_messages_total", "PIM messages accepted, by type",
         T::counter, "type"},
        {st, "/pim/tx", K::keyed, "fanout_pim_tx_messages_total", "PIM messages sent, by type", T::counter,
         "type"},
        {st, "/pim/drops", K::keyed, "fanout_pim_drops_total", "PIM packets dropped, by reason", T::counter,
         "reason"},
        {st, "/pim/decode_errors", K::keyed, "fanout_pim_decode_errors_total",
         "PIM packets that failed to decode, by error kind", T::counter, "kind"},
        {st, "/socket", K::leaves, "fanout_pim_socket", "PIM raw socket counter", T::counter},
        {st, "/kernel", K::leaves, "fanout_pim_kernel", "kernel MRT operations", T::counter},
        {st, "/upcalls", K::leaves, "fanout_pim_upcalls", "kernel upcalls", T::counter},
        {st, "/upcall_backlog/waiting", K::value, "fanout_pim_upcall_backlog_waiting",
         "upcalls read and not yet handed to the PIM-SM core", T::gauge},
        {st, "/upcall_backlog/peak", K::value, "fanout_pim_upcall_backlog_peak",
         "the most upcalls ever waiting at once", T::gauge},
        {st, "/upcall_backlog/limit", K::value, "fanout_pim_upcall_backlog_limit",
         "how many upcalls may wait (upcalls past it stay in the kernel's socket)", T::gauge},
        {st, "/upcall_backlog/newest_first_chunks", K::value,
         "fanout_pim_upcall_backlog_newest_first_chunks_total", "upcall chunks served newest first",
         T::counter},
        {st, "/upcall_backlog/oldest_first_chunks", K::value,
         "fanout_pim_upcall_backlog_oldest_first_chunks_total", "upcall chunks served oldest first",
         T::counter},
        {st, "/upcall_backlog/refused", K::value, "fanout_pim_upcall_backlog_refused_total",
         "upcalls the backlog had no room for", T::counter},
        {st, "/static_mroutes", K::leaves, "fanout_pim_static_mroutes", "static mroute operations",
         T::counter},
        {st, "/sparse", K::leaves, "fanout_pim_sparse",
         "PIM-SM processing (join/prune entries, state machine "
         "transitions, upcalls, negative entries, SPT switches, entries refused by max-sg-entries)",
         T::counter},
        {st, "/rib", K::leaves, "fanout_pim_rib",
         "netlink route lookups, route notifications and route monitor overruns", T::counter},
        {st, "/rpf", K::leaves, "fanout_pim_rpf",
         "RPF answers: lookups, route changes, interfaces lost, re-resolutions, answers changed", T::counter},
        {st, "/pim/mroute_clears", K::value, "fanout_pim_mroute_clears_total", "clear ip mroute commands run",
         T::counter},
        {st, "/pim/mroutes_cleared", K::value, "fanout_pim_mroutes_cleared_total",
         "kernel multicast routes deleted by clear ip mroute", T::counter},
        {st, "/reloads", K::value, "fanout_pim_reloads_total", "configuration reloads applied", T::counter},
    };
}

std::vector<MetricRule> table_rules() {
    Cmd ifs{"show", "ip", "pim", "interface"};
    Cmd nbr{"show", "ip", "pim", "neighbor"};
    Cmd mr{"show", "ip", "mroute"};
    return {
        {ifs, "/interfaces", K::count_by, "fanout_pim_interfaces", "PIM interfaces, by state", T::gauge,
         "state"},
        {ifs, "/interfaces", K::sum_by, "fanout_pim_interface_neighbors",
         "PIM neighbors per interface (as show ip pim interface)", T::gauge, "name", "neighbor_count"},
        {ifs, "/interfaces", K::sum_by, "fanout_pim_interface_is_dr",
         "1 when this router is DR on the interface", T::gauge, "name", "i_am_dr"},
        {nbr, "/neighbors", K::count, "fanout_pim_neighbors", "PIM neighbors", T::gauge},
        {mr, "/routes", K::count, "fanout_mroutes", "multicast routes (kernel MFC entries and static ones)",
         T::gauge},
        {mr, "/routes", K::count_by, "fanout_mroutes_by_state", "multicast routes, by state", T::gauge,
         "state"},
        {mr, "/routes", K::sum_by, "fanout_mroute_packets", "packets forwarded (kernel counters), per group",
         T::gauge, "group", "packets"},
        {mr, "/routes", K::sum_by, "fanout_mroute_bytes", "bytes forwarded (kernel counters), per group",
         T::gauge, "group", "bytes"},
        {mr, "/routes", K::sum_by, "fanout_mroute_wrong_if", "packets on the wrong interface, per group",
         T::gauge, "group", "wrong_if"},
        {{"show", "ip", "multicast", "vif"}, "/vifs", K::count, "fanout_vifs", "kernel VIFs", T::gauge},
        {{"show", "ip", "multicast", "vif"},
         "/errors",
         K::count,
         "fanout_vif_errors",
         "interfaces without a VIF (see show ip multicast vif)",
         T::gauge},
    };
}

std::vector<MetricRule> link_rules() {
    Cmd ipc{"show", "ipc"};
    Cmd bc{"show", "ip", "pim", "beacon"};
    return {
        {ipc, "/connected", K::value, "fanout_ipc_connected", "1 when igmpd is connected", T::gauge},
        {ipc, "/records", K::value, "fanout_ipc_membership_records", "membership records from igmpd",
         T::gauge},
        {ipc, "/stale", K::value, "fanout_ipc_membership_stale", "stale membership records", T::gauge},
        {ipc, "/table_counters", K::leaves, "fanout_ipc_membership", "membership table counter", T::counter},
        {ipc, "/link_counters", K::leaves, "fanout_ipc_link", "IPC link counter", T::counter},
        {bc, "/beacons", K::count, "fanout_beacons", "register beacons configured", T::gauge},
        {bc, "/beacons", K::sum_by, "fanout_beacon_packets_sent_total", "register beacon packets sent",
         T::counter, "interface", "packets_sent"},
        {bc, "/beacons", K::sum_by, "fanout_beacon_send_errors_total", "register beacon send errors",
         T::counter, "interface", "send_errors"},
        {bc, "/beacons", K::sum_by, "fanout_beacon_register_stops_total",
         "Register-Stops received for beacons (counted and ignored)", T::counter, "interface",
         "register_stops"},
    };
}

// Tables other parts of pimd register as they are wired in; a rule whose command is absent is skipped.
std::vector<MetricRule> optional_rules() {
    return {
        {{"show", "ip", "pim", "register"},
         "/entries",
         K::count_by,
         "fanout_pim_registers",
         "register states, by role (dr, rp)",
         T::gauge,
         "role"},
        {{"show", "ip", "pim", "register"},
         "/counters",
         K::leaves,
         "fanout_pim_register",
         "register counter",
         T::counter},
        {{"show", "ip", "pim", "assert"},
         "/asserts",
         K::count_by,
         "fanout_pim_asserts",
         "assert entries, by state",
         T::gauge,
         "state"},
        {{"show", "ip", "pim", "upstream"},
         "/upstream",
         K::count,
         "fanout_pim_upstream",
         "upstream (join) states",
         T::gauge},
        {{"show", "ip", "msdp", "peer"},
         "",
         K::count_by,
         "fanout_msdp_peers",
         "MSDP peers, by state",
         T::gauge,
         "state"},
        {{"show", "ip", "msdp", "peer"},
         "",
         K::sum_by,
         "fanout_msdp_peer_sa_count",
         "SAs learned, per peer",
         T::gauge,
         "peer",
         "sa_count"},
        {{"show", "ip", "msdp", "sa"},
         "",
         K::count,
         "fanout_msdp_sa_entries",
         "MSDP SA-cache entries (learned and "
         "originated)",
         T::gauge},
        {{"show", "ip", "msdp", "statistics"},
         "/core",
         K::leaves,
         "fanout_msdp",
         "MSDP core counter",
         T::counter},
        {{"show", "ip", "msdp", "statistics"},
         "/service",
         K::leaves,
         "fanout_msdp_service",
         "MSDP service counter",
         T::counter},
        {{"show", "ip", "pim", "anycast-rp"},
         "/counters",
         K::leaves,
         "fanout_anycast_rp",
         "RFC 4610 register forwarding counter",
         T::counter},
    };
}

}  // namespace

std::vector<MetricRule> pimd_metric_rules() {
    std::vector<MetricRule> rules;
    for (auto part : {statistics_rules(), table_rules(), link_rules(), optional_rules()})
        rules.insert(rules.end(), part.begin(), part.end());
    return rules;
}

}  // namespace fanout::pimd
