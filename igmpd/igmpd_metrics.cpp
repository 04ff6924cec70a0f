// igmpd metric rules (see igmpd_metrics.hpp). Families, by status command:
//   show ip igmp statistics   messages rx/tx by type, records by type, drops by reason, decode errors by
//   kind,
//                             socket counters (kernel drops included)
//   show ip igmp interface    interfaces by state, querier role, groups per interface
//   show ip igmp groups       groups by interface and filter mode
//   show ip igmp sources      IGMPv3 source records
//   show ip igmp proxy        proxy MFC entries and merged membership
//   show ipc                  the link to pimd
#include "igmpd/igmpd_metrics.hpp"

namespace fanout::igmpd {

using sys::MetricRule;
using K = sys::MetricRuleKind;
using T = MetricType;

namespace {

using Cmd = std::vector<std::string>;

std::vector<MetricRule> statistics_rules() {
    Cmd st{"show", "ip", "igmp", "statistics"};
    return {
        {st, "/rx", K::keyed, "fanout_igmp_rx_messages_total", "IGMP messages accepted, by type", T::counter,
         "type"},
        {st, "/tx", K::keyed, "fanout_igmp_tx_messages_total", "IGMP messages sent, by type", T::counter,
         "type"},
        {st, "/rx_records", K::keyed, "fanout_igmp_rx_records_total",
         "IGMPv3 group records received, by type", T::counter, "type"},
        {st, "/drops", K::keyed, "fanout_igmp_drops_total", "IGMP packets or records dropped, by reason",
         T::counter, "reason"},
        {st, "/decode_errors", K::keyed, "fanout_igmp_decode_errors_total",
         "IGMP messages that failed to decode, by error kind", T::counter, "kind"},
        {st, "/wiring/decode_errors_by_kind", K::keyed, "fanout_igmp_ip_decode_errors_total",
         "packets that failed IPv4 decode before IGMP, by error kind", T::counter, "kind"},
        {st, "/socket", K::leaves, "fanout_igmp_socket", "IGMP raw socket counter", T::counter},
    };
}

std::vector<MetricRule> table_rules() {
    Cmd ifs{"show", "ip", "igmp", "interface"};
    Cmd grp{"show", "ip", "igmp", "groups"};
    Cmd px{"show", "ip", "igmp", "proxy"};
    return {
        {ifs, "/interfaces", K::count_by, "fanout_igmp_interfaces", "IGMP interfaces, by state", T::gauge,
         "state"},
        {ifs, "/interfaces", K::sum_by, "fanout_igmp_interface_is_querier",
         "1 when this router is querier on the interface", T::gauge, "name", "am_querier"},
        {ifs, "/interfaces", K::sum_by, "fanout_igmp_interface_groups", "IGMP groups per interface", T::gauge,
         "name", "groups"},
        {ifs, "/interfaces", K::sum_by, "fanout_igmp_interface_querier_changes_total",
         "querier changes per interface", T::counter, "name", "querier_changes"},
        {grp, "/groups", K::count, "fanout_igmp_groups", "IGMP groups with state", T::gauge},
        {grp, "/groups", K::count_by, "fanout_igmp_groups_by_mode", "IGMP groups, by filter mode", T::gauge,
         "mode"},
        {{"show", "ip", "igmp", "sources"},
         "/sources",
         K::count,
         "fanout_igmp_sources",
         "IGMPv3 source records",
         T::gauge},
        {px, "/mfc", K::count, "fanout_igmp_proxy_mfc_entries", "proxy forwarding entries", T::gauge},
        {px, "/membership", K::count, "fanout_igmp_proxy_membership", "proxy merged membership records",
         T::gauge},
    };
}

std::vector<MetricRule> link_rules() {
    Cmd ipc{"show", "ipc"};
    return {
        {ipc, "/connected", K::value, "fanout_ipc_connected", "1 when connected to pimd", T::gauge},
        {ipc, "/exported_records", K::value, "fanout_ipc_exported_records", "membership records exported",
         T::gauge},
        {ipc, "/reconnects", K::value, "fanout_ipc_reconnects_total", "reconnections to pimd", T::counter},
        {ipc, "/records_sent", K::value, "fanout_ipc_records_sent_total", "membership records sent to pimd",
         T::counter},
    };
}

}  // namespace

std::vector<MetricRule> igmpd_metric_rules() {
    std::vector<MetricRule> rules;
    for (auto part : {statistics_rules(), table_rules(), link_rules()})
        rules.insert(rules.end(), part.begin(), part.end());
    return rules;
}

}  // namespace fanout::igmpd
