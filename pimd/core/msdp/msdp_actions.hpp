// The MSDP core's southbound and PIM-facing interfaces (sans-IO, shared/ARCHITECTURE.md):
//   MsdpActions   what the core asks the TCP layer to do (pimd/msdp_wiring.hpp implements it with
//                 common/sys/tcp_stream; tests record the calls).
//   MsdpRpfLookup the unicast RIB, for the peer-RPF check of RFC 3618 10.1.3 (the wiring implements it over
//                 common/sys/rib_lookup; tests use a map).
//   MsdpPimHooks  the PIM sparse-mode side: learned SAs become (S,G) joins toward S when the router has (*,G)
//                 receivers (RFC 3618 section 6 "a router ... with (*,G) state ... joins (S,G)"), and the
//                 data packets carried in SAs go down the shared tree (section 14). RecordingMsdpPimHooks
//                 (tests) stands in for it until the sparse-mode engine implements it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/core/ip.hpp"

namespace fanout::msdp {

// Why a TCP connection went away (reported by the wiring, or decided by the core).
enum class MsdpCloseCause : uint8_t {
    kRemoteClosed,    // FIN/RST from the peer
    kSocketError,     // read/write error
    kConnectFailed,   // active open refused / timed out
    kOutputOverflow,  // the peer does not read: the bounded output queue filled up
};

constexpr std::string_view to_string(MsdpCloseCause c) {
    switch (c) {
        case MsdpCloseCause::kRemoteClosed:
            return "remote-closed";
        case MsdpCloseCause::kSocketError:
            return "socket-error";
        case MsdpCloseCause::kConnectFailed:
            return "connect-failed";
        case MsdpCloseCause::kOutputOverflow:
            return "output-overflow";
    }
    return "?";
}

class MsdpActions {
  public:
    virtual ~MsdpActions() = default;
    // Listen on TCP port 639 at local (asked once, when the first passive peer is enabled).
    virtual void listen(Ipv4Address local) = 0;
    // Install (or, with an empty password, remove) the TCP_MD5SIG key for peer on the listener.
    virtual void set_listen_md5(Ipv4Address peer, const std::string& password) = 0;
    // Active open from local to peer:639 (with the MD5 key when not empty). The wiring answers with
    // MsdpCore::tcp_connected(peer) or MsdpCore::tcp_closed(peer, kConnectFailed).
    virtual void connect(Ipv4Address peer, Ipv4Address local, const std::string& md5_password) = 0;
    // Queue bytes on peer's connection (one or more complete TLVs).
    virtual void send(Ipv4Address peer, std::span<const uint8_t> bytes) = 0;
    // Close peer's connection (or abandon a pending connect). The wiring does not call back for it.
    virtual void close(Ipv4Address peer) = 0;
};

class MsdpRpfLookup {
  public:
    virtual ~MsdpRpfLookup() = default;
    // The next hop of the unicast route to addr (addr itself when directly connected); nothing when there is
    // no route.
    virtual std::optional<Ipv4Address> next_hop(Ipv4Address addr) = 0;
};

class MsdpPimHooks {
  public:
    virtual ~MsdpPimHooks() = default;
    // A cached SA for a group with (*,G) receivers: join (S,G) toward S. Called once per entry while
    // announced (again after on_star_g_receivers_gone + on_star_g_receivers_appeared).
    virtual void on_sa_learned(SGKey sg, Ipv4Address rp) = 0;
    // An announced entry left the SA cache (SA-State timer expiry, peer down): (S,G) may be pruned.
    virtual void on_sa_expired(SGKey sg) = 0;
    // Whether the router has (*,G) state with receivers (joined (*,G) or local members).
    virtual bool has_star_g_receivers(Ipv4Address group) = 0;
    // A data packet carried in an accepted SA (a whole IPv4 packet), for forwarding down the (*,G) tree.
    virtual void on_sa_data(SGKey sg, std::span<const uint8_t> ipv4_packet) = 0;
};

}  // namespace fanout::msdp
