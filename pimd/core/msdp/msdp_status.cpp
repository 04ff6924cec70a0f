// Status snapshots of the MSDP core (RFC 3618 peers and SA cache), rendered by msdp_status.hpp.
#include "pimd/core/msdp/msdp_status.hpp"

namespace fanout::msdp {

namespace {
int64_t secs(Duration d) {
    return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}
int64_t millis(Duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}
}  // namespace

std::vector<MsdpPeerStatus> peer_status(const MsdpCore& core) {
    std::vector<MsdpPeerStatus> out;
    for (const auto& [addr, p] : core.peers()) {
        MsdpPeerStatus s;
        s.peer = addr;
        s.local = p->local();
        s.description = p->config().description;
        s.state = std::string(to_string(p->state()));
        s.role = p->active() ? "active" : "passive";
        s.uptime_s = secs(core.now() - p->state_since());
        s.sa_count = core.sa_cache().count_from(addr);
        s.mesh_group = p->config().mesh_group;
        s.md5 = !p->config().md5_password.empty();
        s.last_down_reason = std::string(p->last_down_reason());
        s.hold_remaining_ms = millis(p->hold_remaining());
        s.keepalive_remaining_ms = millis(p->keepalive_remaining());
        s.connect_retry_remaining_ms = millis(p->connect_retry_remaining());
        s.counters = p->counters();
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<MsdpSaStatus> sa_status(const MsdpCore& core) {
    std::vector<MsdpSaStatus> out;
    for (const auto& [sg, since] : core.originated()) {
        MsdpSaStatus s;
        s.source = sg.source;
        s.group = sg.group;
        s.rp = core.config().originator_address;
        s.local = true;
        s.uptime_s = secs(core.now() - since);
        out.push_back(s);
    }
    for (const auto& [sg, e] : core.sa_cache().entries()) {
        MsdpSaStatus s;
        s.source = sg.source;
        s.group = sg.group;
        s.rp = e.rp;
        s.peer = e.peer;
        s.announced = e.announced;
        s.uptime_s = secs(core.now() - e.learned_at);
        s.expires_s = secs(e.sa_state.remaining());
        out.push_back(s);
    }
    return out;
}

std::vector<MsdpMeshGroupStatus> mesh_group_status(const MsdpCore& core) {
    std::map<std::string, MsdpMeshGroupStatus> groups;
    for (const auto& [addr, p] : core.peers()) {
        if (!p->config().mesh_group) continue;
        auto& g = groups[*p->config().mesh_group];
        g.name = *p->config().mesh_group;
        g.source = core.config().local_address;
        g.members.emplace_back(addr, std::string(to_string(p->state())));
    }
    std::vector<MsdpMeshGroupStatus> out;
    for (auto& [name, g] : groups)
        out.push_back(std::move(g));
    return out;
}

}  // namespace fanout::msdp
