// Register-beacon adapter (beacon_wiring.hpp).
#include "pimd/beacon_wiring.hpp"

#include <cstring>

#include "common/packet/ipv4.hpp"
#include "common/packet/pim_header.hpp"
#include "common/packet/pim_register.hpp"
#include "pimd/beacon_commands.hpp"

namespace fanout::pimd {

std::optional<pim::BeaconSendError> PimSocketBeaconActions::send_beacon(const pim::BeaconSend& s) {
    auto r = sock_.send_unicast(s.rp, s.pim, s.ifindex, s.source);
    if (r.ok()) return std::nullopt;
    return pim::BeaconSendError{r.error().error, std::strerror(r.error().error)};
}

pim::BeaconLink beacon_link_of(const InterfaceInfo& info) {
    pim::BeaconLink l;
    l.ifindex = info.ifindex;
    l.up = info.admin_up && info.oper_up;
    if (auto a = info.primary_address()) l.local = a->addr;
    return l;
}

void BeaconService::on_interface_change(const InterfaceChange& c) {
    if (c.kind == InterfaceChangeKind::kLinkRemoved) {
        if (c.old_info) sched_.link_removed(c.old_info->name);
        return;
    }
    if (!c.new_info) return;
    // A rename: the old name's link is gone.
    if (c.old_info && c.old_info->name != c.new_info->name) sched_.link_removed(c.old_info->name);
    sched_.link_changed(c.new_info->name, beacon_link_of(*c.new_info));
}

bool BeaconService::on_rx(const sys::RxPacket& pkt) {
    auto ip = packet::decode_ipv4(pkt.packet);
    if (!ip || ip->header.protocol != packet::kIpProtoPim || ip->header.is_fragment()) return false;
    auto rs = packet::decode_register_stop(ip->payload);
    if (!rs) return false;
    ++register_stops_seen_;
    return sched_.register_stop_received(pkt.ifindex, ip->header.src, SGKey{rs->source, rs->group.group});
}

sys::CommandSpec beacon_command_spec() {
    return {{"show", "ip", "pim", "beacon"},
            "register beacons: RP, interval, groups, packets sent, Register-Stops, send errors",
            {{"IFNAME", sys::kArgInterface, true, "only this tunnel interface"}}};
}

Result<sys::ShowOutput, std::string> show_beacon(const BeaconService* service,
                                                 const std::vector<std::string>& args) {
    if (!service) return make_err(std::string("register beacons not running"));
    std::optional<std::string> ifname;
    if (!args.empty()) ifname = args[0];
    pim::BeaconStatusView v = pim::beacon_status(service->scheduler(), ifname);
    nlohmann::json j = v;
    return sys::ShowOutput{std::move(j), pim::to_text(v)};
}

void register_beacon_commands(sys::StatusServer& server, std::function<const BeaconService*()> service) {
    server.add(beacon_command_spec(),
               [service](const std::vector<std::string>& args) { return show_beacon(service(), args); });
    // The run-time commands change state: the accessor hands out the const view every show command uses,
    // and the object it points to is the (non-const) service the daemon owns (as the clear commands do).
    auto mut = [service] { return const_cast<BeaconService*>(service()); };
    server.add(beacon_add_command_spec(),
               [mut](const std::vector<std::string>& args) { return beacon_add_group(mut(), args); });
    server.add(beacon_remove_command_spec(),
               [mut](const std::vector<std::string>& args) { return beacon_remove_group(mut(), args); });
}

}  // namespace fanout::pimd
