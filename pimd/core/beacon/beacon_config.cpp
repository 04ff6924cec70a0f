// Register-beacon defaults and validation: the one place they live (see beacon_config.hpp).
#include "pimd/core/beacon/beacon_config.hpp"

namespace fanout::pim {

namespace {

std::optional<std::string> check_published(const std::set<SGKey>& published) {
    for (const SGKey& sg : published) {
        if (!sg.source.is_unicast())
            return "published " + sg.to_string() + ": source is not a unicast address";
        if (!sg.group.is_multicast()) return "published " + sg.to_string() + ": group is not multicast";
        if (sg.group.is_link_local_multicast())
            return "published " + sg.to_string() + ": group is link-local (224.0.0.0/24 is never forwarded)";
    }
    return std::nullopt;
}

}  // namespace

Result<BeaconConfig, std::string> make_beacon_config(const BeaconSpec& spec) {
    BeaconConfig c;
    c.interface = spec.interface;
    if (c.interface.empty()) return make_err(std::string("interface: missing"));
    c.rp = spec.rp.value_or(kDefaultBeaconRp);
    if (c.rp.is_unspecified()) c.rp = kDefaultBeaconRp;
    if (!c.rp.is_unicast()) return make_err("rp " + c.rp.to_string() + ": not a unicast address");
    c.interval = spec.interval.value_or(kDefaultBeaconInterval);
    if (c.interval < kMinBeaconInterval || c.interval > kMaxBeaconInterval)
        return make_err(std::string("interval: out of range [100ms, 1h]"));
    c.published.insert(spec.published.begin(), spec.published.end());
    if (auto e = check_published(c.published)) return make_err(*e);
    if (c.published.size() > kMaxPublishedGroups)
        return make_err("published: " + std::to_string(c.published.size()) + " (S,G)s, at most " +
                        std::to_string(kMaxPublishedGroups) + " per beacon");
    c.heartbeat = spec.heartbeat.value_or(BeaconHeartbeat{});
    if (c.heartbeat.payload.size() > kMaxHeartbeatPayload)
        return make_err("heartbeat payload: " + std::to_string(c.heartbeat.payload.size()) +
                        " bytes, at most " + std::to_string(kMaxHeartbeatPayload));
    c.first_send_spread = spec.first_send_spread.value_or(kDefaultFirstSendSpread);
    if (c.first_send_spread < Duration::zero()) return make_err(std::string("first-send-spread: negative"));
    return c;
}

}  // namespace fanout::pim
