// The MSDP core (RFC 3618; anycast RP with MSDP: RFC 3446, RFC 4611): a sans-IO object like the PIM core
// (pimd/core/pim_core.hpp). Inputs: TCP happenings reported by the wiring (connected, accepted, closed, bytes
// received), active local sources from the register path (sa_origin_add/remove), (*,G) receiver changes from
// PIM; timers fire through the injected TimerService. Outputs: MsdpActions (listen/connect/send/close) and
// MsdpPimHooks (learned SAs, expiries, encapsulated data).
//
// What it implements:
//   - one connection state machine per peer (msdp_peer_fsm.hpp, RFC 3618 11;
//   Hold/KeepAlive/ConnectRetry 5.3-5.5)
//   - SA origination (RFC 3618 section 3, 5.1): an SA for every (S,G) this router is the RP for, RP field =
//     the configured originator address (never the peering address), sent at once for a new source (with its
//     first data packet when given, section 14) and re-sent every SA-Advertisement-Period, packed by the
//     codec's splitter (255 entries / 9192 octets per TLV)
//   - SA reception (RFC 3618 10.1.3 peer-RPF rules, in the pragmatic form FRR and EOS use; 10.2 mesh groups):
//       accept when the peer is in a mesh group (no RPF check), or is our only peer, or is the originating
//       RP, or is the RPF peer toward the RP: the RIB next hop to the RP is the peer, or is the same next hop
//       as the one to the peer (peering between loopbacks)
//     else drop, counted rpf-fail. Then per entry: validity, local origin, inbound filter, per-peer SA limit,
//     cache bound (all counted); accepted entries enter the SA cache (sa_cache.hpp, SA-State timer 5.2)
//   - forwarding (10.1, 10.2): accepted entries go to every other Established peer, except the peer they came
//     from and, when that peer is in a mesh group, the members of the same mesh group; outbound filters apply
//   - PIM interaction (RFC 3618 section 6): a cached entry is announced to PIM (on_sa_learned) when its group
//     has (*,G) receivers: on arrival, on refresh, and when receivers appear later
//     (on_star_g_receivers_appeared: the late-receiver case, INTEROP.md item 4); announced entries that
//     leave the cache are reported with on_sa_expired
//   - a peer going down flushes the SAs learned from it (they would otherwise linger for the SA-State period
//     with no peer refreshing them)
#pragma once

#include <map>
#include <memory>
#include <span>
#include <vector>

#include "common/core/clock.hpp"
#include "pimd/core/msdp/msdp_actions.hpp"
#include "pimd/core/msdp/msdp_config.hpp"
#include "pimd/core/msdp/msdp_peer_fsm.hpp"
#include "pimd/core/msdp/sa_cache.hpp"

namespace fanout::msdp {

struct MsdpCoreCounters {
    uint64_t unknown_peer_connections = 0;  // incoming TCP from an address that is not a configured peer
    uint64_t rejected_connections = 0;      // from a configured peer in a state that cannot take it
    uint64_t events_for_unknown_peer = 0;   // wiring reported something for an address we do not know
    uint64_t no_originator = 0;             // sources not advertised: no originator address configured
    uint64_t originated_tlvs = 0;           // SA TLVs sent for local sources
    uint64_t forwarded_entries = 0;         // SA entries forwarded to other peers
    uint64_t filtered_out = 0;              // entries kept from a peer by its outbound filter
    uint64_t data_delivered = 0;            // encapsulated packets handed to PIM
    uint64_t announced = 0;                 // on_sa_learned calls
    uint64_t expired = 0;                   // cache entries that timed out
};

class MsdpCore final : private MsdpPeerOwner {
  public:
    MsdpCore(MsdpConfig config, TimerService& timers, MsdpActions& actions, MsdpRpfLookup& rpf,
             MsdpPimHooks& pim);
    ~MsdpCore() override;
    MsdpCore(const MsdpCore&) = delete;
    MsdpCore& operator=(const MsdpCore&) = delete;

    // Enables every configured peer and starts the SA-Advertisement timer.
    void start();

    // Reload: applies the difference. An added, removed or changed peer is reset alone (its session closed,
    // the SAs learned from it flushed); a changed local address or timer set resets every peer; the
    // originator address and the cache bound apply to unchanged sessions at once. Returns the reset peers.
    std::vector<Ipv4Address> reconfigure(MsdpConfig next);

    // From the TCP layer.
    void tcp_connected(Ipv4Address peer);
    // An incoming connection: true when taken; on false the wiring closes the socket.
    bool tcp_accepted(Ipv4Address peer);
    void tcp_closed(Ipv4Address peer, MsdpCloseCause cause);
    void tcp_received(Ipv4Address peer, std::span<const uint8_t> bytes);

    // From the register path (and directly connected sources): this router is the RP for S's group.
    // first_packet (a whole IPv4 packet) rides in the first SA when encapsulate_data is on.
    void sa_origin_add(SGKey sg, std::span<const uint8_t> first_packet = {});
    void sa_origin_remove(SGKey sg);

    // From PIM.
    void on_star_g_receivers_appeared(Ipv4Address group);
    void on_star_g_receivers_gone(Ipv4Address group);

    // State.
    const MsdpConfig& config() const { return config_; }
    const std::map<Ipv4Address, std::unique_ptr<MsdpPeer>>& peers() const { return peers_; }
    const MsdpPeer* find_peer(Ipv4Address addr) const;
    const SaCache& sa_cache() const { return cache_; }
    const std::map<SGKey, TimePoint>& originated() const { return originated_; }
    const MsdpCoreCounters& counters() const { return counters_; }
    TimePoint now() const { return timers_.now(); }
    Duration sa_advertisement_remaining() const { return advertise_.remaining(); }

  private:
    MsdpPeer* peer(Ipv4Address addr);
    void ensure_listening();
    MsdpPeer& add_peer(const MsdpPeerConfig& pc);
    // MsdpPeerOwner
    void peer_listen_needed() override { ensure_listening(); }
    void peer_established(MsdpPeer& p) override;
    void peer_down(MsdpPeer& p) override;
    void peer_message(MsdpPeer& p, const packet::MsdpMessage& msg) override;

    void receive_sa(MsdpPeer& from, const packet::MsdpSourceActive& sa);
    bool peer_rpf_ok(const MsdpPeer& from, Ipv4Address rp);
    void maybe_announce(SaCacheEntry& e);
    void forward(const MsdpPeer& from, Ipv4Address rp, const std::vector<packet::MsdpSaEntry>& entries,
                 std::span<const uint8_t> data);
    // Sends entries (after p's outbound filter) with RP rp to p, split into TLVs. Returns TLVs sent.
    size_t send_sa(MsdpPeer& p, Ipv4Address rp, const std::vector<packet::MsdpSaEntry>& entries,
                   std::span<const uint8_t> data);
    void advertise_originated(MsdpPeer& p);
    void arm_advertisement();

    MsdpConfig config_;
    TimerService& timers_;
    MsdpActions& actions_;
    MsdpRpfLookup& rpf_;
    MsdpPimHooks& pim_;
    std::map<Ipv4Address, std::unique_ptr<MsdpPeer>> peers_;
    SaCache cache_;
    std::map<SGKey, TimePoint> originated_;
    TimerHandle advertise_;
    MsdpCoreCounters counters_;
    bool listening_ = false;
};

}  // namespace fanout::msdp
