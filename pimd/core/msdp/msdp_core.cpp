// The MSDP core: RFC 3618 sections 3 and 5.1 (origination, SA-Advertisement timer), 6 (SA cache and joins),
// 10.1.3 (peer-RPF rules), 10.2 (mesh groups), 14 (encapsulated data); RFC 3446 / 4611 (anycast RP with
// MSDP). See msdp_core.hpp for the rules as implemented.
#include "pimd/core/msdp/msdp_core.hpp"

#include <algorithm>

#include "common/core/log.hpp"

namespace fanout::msdp {

MsdpCore::MsdpCore(MsdpConfig config, TimerService& timers, MsdpActions& actions, MsdpRpfLookup& rpf,
                   MsdpPimHooks& pim)
    : config_(std::move(config)),
      timers_(timers),
      actions_(actions),
      rpf_(rpf),
      pim_(pim),
      cache_(timers, config_.max_sa_cache, [this](const SaCacheEntry& e) {
          ++counters_.expired;
          if (e.announced) pim_.on_sa_expired(e.sg);
      }) {
    for (const auto& pc : config_.peers)
        add_peer(pc);
}

MsdpPeer& MsdpCore::add_peer(const MsdpPeerConfig& pc) {
    auto p = std::make_unique<MsdpPeer>(pc, config_, timers_, actions_, static_cast<MsdpPeerOwner&>(*this));
    return *peers_.insert_or_assign(pc.address, std::move(p)).first->second;
}

std::vector<Ipv4Address> MsdpCore::reconfigure(MsdpConfig next) {
    const bool reset_all = next.local_address != config_.local_address || next.timers != config_.timers;
    std::map<Ipv4Address, const MsdpPeerConfig*> wanted;
    for (const auto& pc : next.peers)
        wanted[pc.address] = &pc;
    std::vector<Ipv4Address> reset;
    for (auto it = peers_.begin(); it != peers_.end();) {
        auto w = wanted.find(it->first);
        if (!reset_all && w != wanted.end() && *w->second == it->second->config()) {
            ++it;
            continue;
        }
        reset.push_back(it->first);
        it->second->disable();  // closes the session; peer_down flushes its SAs
        if (listening_ && !it->second->config().md5_password.empty()) actions_.set_listen_md5(it->first, "");
        it = peers_.erase(it);
    }
    const bool relisten = listen_address(next) != listen_address(config_);
    config_ = std::move(next);  // in place: the remaining peers keep their reference to it
    cache_.set_max_entries(config_.max_sa_cache);
    if (relisten) listening_ = false;
    for (const auto& pc : config_.peers) {
        if (peers_.count(pc.address)) continue;
        if (std::find(reset.begin(), reset.end(), pc.address) == reset.end()) reset.push_back(pc.address);
        MsdpPeer& p = add_peer(pc);
        if (listening_ && !pc.md5_password.empty()) actions_.set_listen_md5(pc.address, pc.md5_password);
        p.enable();
    }
    if (!peers_.empty()) ensure_listening();
    return reset;
}

MsdpCore::~MsdpCore() = default;

void MsdpCore::start() {
    if (!peers_.empty()) ensure_listening();
    for (auto& [addr, p] : peers_)
        p->enable();
    arm_advertisement();
}

void MsdpCore::ensure_listening() {
    if (listening_) return;
    listening_ = true;
    actions_.listen(listen_address(config_));
    for (const auto& pc : config_.peers)
        if (!pc.md5_password.empty()) actions_.set_listen_md5(pc.address, pc.md5_password);
}

MsdpPeer* MsdpCore::peer(Ipv4Address addr) {
    auto it = peers_.find(addr);
    if (it == peers_.end()) return nullptr;
    return it->second.get();
}

const MsdpPeer* MsdpCore::find_peer(Ipv4Address addr) const {
    auto it = peers_.find(addr);
    return it == peers_.end() ? nullptr : it->second.get();
}

void MsdpCore::tcp_connected(Ipv4Address addr) {
    if (auto* p = peer(addr)) return p->tcp_connected();
    ++counters_.events_for_unknown_peer;
}

bool MsdpCore::tcp_accepted(Ipv4Address addr) {
    auto* p = peer(addr);
    if (!p) {
        ++counters_.unknown_peer_connections;
        FANOUT_LOG_DEBUG(LogCategory::kMsdp, "msdp: connection from unconfigured {} refused",
                         addr.to_string());
        return false;
    }
    if (p->tcp_accepted()) return true;
    ++counters_.rejected_connections;
    return false;
}

void MsdpCore::tcp_closed(Ipv4Address addr, MsdpCloseCause cause) {
    if (auto* p = peer(addr)) return p->tcp_closed(cause);
    ++counters_.events_for_unknown_peer;
}

void MsdpCore::tcp_received(Ipv4Address addr, std::span<const uint8_t> bytes) {
    if (auto* p = peer(addr)) return p->receive(bytes);
    ++counters_.events_for_unknown_peer;
}

void MsdpCore::peer_established(MsdpPeer& p) {
    advertise_originated(p);
}

void MsdpCore::peer_down(MsdpPeer& p) {
    cache_.remove_peer(p.address(), [this](const SaCacheEntry& e) {
        if (e.announced) pim_.on_sa_expired(e.sg);
    });
}

void MsdpCore::peer_message(MsdpPeer& p, const packet::MsdpMessage& msg) {
    if (const auto* sa = std::get_if<packet::MsdpSourceActive>(&msg)) return receive_sa(p, *sa);
    // SA-Request / SA-Response (12.2.2, 12.2.3; removed from use by RFC 3618's caching requirement): skipped.
    ++p.counters().drop(MsdpDrop::kSaRequest);
}

// RFC 3618 10.1.3 and 10.2, pragmatic form (see msdp_core.hpp).
bool MsdpCore::peer_rpf_ok(const MsdpPeer& from, Ipv4Address rp) {
    if (from.config().mesh_group) return true;
    if (peers_.size() == 1) return true;
    if (from.address() == rp) return true;
    auto nh = rpf_.next_hop(rp);
    if (!nh) return false;
    if (*nh == from.address()) return true;
    auto peer_nh = rpf_.next_hop(from.address());
    return peer_nh && *peer_nh == *nh;
}

void MsdpCore::maybe_announce(SaCacheEntry& e) {
    if (e.announced || !pim_.has_star_g_receivers(e.sg.group)) return;
    e.announced = true;
    ++counters_.announced;
    pim_.on_sa_learned(e.sg, e.rp);
}

void MsdpCore::receive_sa(MsdpPeer& from, const packet::MsdpSourceActive& sa) {
    auto& c = from.counters();
    c.sa_in += sa.entries.size();
    if (!peer_rpf_ok(from, sa.rp)) {
        c.drop(MsdpDrop::kRpfFail) += sa.entries.size();
        return;
    }
    std::vector<packet::MsdpSaEntry> accepted;
    bool first_accepted = false;
    for (size_t i = 0; i < sa.entries.size(); ++i) {
        const auto& e = sa.entries[i];
        const SGKey sg{e.source, e.group};
        MsdpDrop drop = MsdpDrop::kCount;
        if (!e.group.is_multicast() || !e.source.is_unicast())
            drop = MsdpDrop::kInvalidEntry;
        else if (originated_.count(sg))
            drop = MsdpDrop::kLocalOrigin;
        else if (!from.config().sa_filter_in.permits(sg))
            drop = MsdpDrop::kFilterIn;
        else {
            switch (
                cache_.learn(sg, sa.rp, from.address(), config_.timers.sa_state, from.config().sa_limit)) {
                case SaLearnResult::kPeerLimit:
                    drop = MsdpDrop::kSaLimit;
                    break;
                case SaLearnResult::kCacheFull:
                    drop = MsdpDrop::kCacheFull;
                    break;
                case SaLearnResult::kNew:
                case SaLearnResult::kRefreshed:
                    maybe_announce(*cache_.find(sg));
                    break;
            }
        }
        if (drop != MsdpDrop::kCount) {
            ++c.drop(drop);
            continue;
        }
        if (i == 0) first_accepted = true;
        accepted.push_back(e);
    }
    if (accepted.empty()) return;
    // Section 14: the encapsulated packet belongs to the first entry.
    std::span<const uint8_t> data;
    if (first_accepted && !sa.data.empty()) {
        data = sa.data;
        const SGKey first{sa.entries[0].source, sa.entries[0].group};
        if (pim_.has_star_g_receivers(first.group)) {
            ++counters_.data_delivered;
            pim_.on_sa_data(first, data);
        }
    }
    forward(from, sa.rp, accepted, data);
}

void MsdpCore::forward(const MsdpPeer& from, Ipv4Address rp, const std::vector<packet::MsdpSaEntry>& entries,
                       std::span<const uint8_t> data) {
    const auto& mesh = from.config().mesh_group;
    for (auto& [addr, p] : peers_) {
        if (p.get() == &from || !p->established()) continue;
        if (mesh && p->config().mesh_group == mesh) continue;  // 10.2: never back into the mesh group
        const auto before = p->counters().sa_out;
        send_sa(*p, rp, entries, data);
        counters_.forwarded_entries += p->counters().sa_out - before;
    }
}

size_t MsdpCore::send_sa(MsdpPeer& p, Ipv4Address rp, const std::vector<packet::MsdpSaEntry>& entries,
                         std::span<const uint8_t> data) {
    std::vector<packet::MsdpSaEntry> out;
    out.reserve(entries.size());
    for (const auto& e : entries) {
        if (p.config().sa_filter_out.permits(SGKey{e.source, e.group}))
            out.push_back(e);
        else
            ++counters_.filtered_out;
    }
    // The data packet belongs to the first entry: drop it when that entry was filtered out.
    if (out.empty() || entries.empty() || !(out.front() == entries.front())) data = {};
    size_t sent = 0;
    for (const auto& tlv : packet::encode_msdp_source_active(rp, out, data)) {
        const size_t count = tlv.size() > 3 ? tlv[3] : 0;  // Entry Count octet (12.2.1)
        if (!p.send_tlv(tlv, count)) break;
        ++sent;
    }
    return sent;
}

void MsdpCore::advertise_originated(MsdpPeer& p) {
    if (originated_.empty()) return;
    if (config_.originator_address.is_unspecified()) {
        ++counters_.no_originator;
        return;
    }
    std::vector<packet::MsdpSaEntry> entries;
    entries.reserve(originated_.size());
    for (const auto& [sg, since] : originated_)
        entries.push_back(packet::MsdpSaEntry{sg.group, sg.source});
    counters_.originated_tlvs += send_sa(p, config_.originator_address, entries, {});
}

// 5.1: originated SAs are re-sent every SA-Advertisement-Period.
void MsdpCore::arm_advertisement() {
    advertise_ = TimerHandle(timers_, config_.timers.sa_advertisement, [this] {
        for (auto& [addr, p] : peers_)
            if (p->established()) advertise_originated(*p);
        arm_advertisement();
    });
}

void MsdpCore::sa_origin_add(SGKey sg, std::span<const uint8_t> first_packet) {
    if (!originated_.emplace(sg, timers_.now()).second) return;
    if (config_.originator_address.is_unspecified()) {
        ++counters_.no_originator;
        return;
    }
    const std::vector<packet::MsdpSaEntry> entry{packet::MsdpSaEntry{sg.group, sg.source}};
    const auto data = config_.encapsulate_data ? first_packet : std::span<const uint8_t>{};
    for (auto& [addr, p] : peers_)
        if (p->established())
            counters_.originated_tlvs += send_sa(*p, config_.originator_address, entry, data);
}

void MsdpCore::sa_origin_remove(SGKey sg) {
    // No withdrawal exists in MSDP: peers' entries time out after their SA-State period.
    originated_.erase(sg);
}

void MsdpCore::on_star_g_receivers_appeared(Ipv4Address group) {
    for (auto* e : cache_.entries_for_group(group))
        maybe_announce(*e);
}

void MsdpCore::on_star_g_receivers_gone(Ipv4Address group) {
    for (auto* e : cache_.entries_for_group(group))
        e->announced = false;
}

}  // namespace fanout::msdp
