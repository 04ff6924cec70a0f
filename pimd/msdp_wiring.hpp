// MsdpTcpWiring: the I/O adapter between the pure MSDP core (pimd/core/msdp/msdp_core.hpp, RFC 3618) and
// TCP on the daemon's EventLoop (common/sys/tcp_stream.hpp: port 639, bounded queues, TCP_MD5SIG). It
// implements MsdpActions (listen / connect / send / close) and feeds connection events and received bytes
// back to the core, which frames them with the codec's stream framer. MsdpRibRpf implements the core's
// MsdpRpfLookup over the netlink RibLookup.
//
// Hooking it into pimd/main.cpp (after the EventLoop, the RibLookup and the PIM side exist):
//   fanout::pimd::MsdpTcpWiring msdp_io(loop);
//   fanout::pimd::MsdpRibRpf msdp_rpf(rib);                     // rib: fanout::sys::RibLookup&
//   fanout::msdp::MsdpCore msdp(msdp_config, loop, msdp_io, msdp_rpf, pim_hooks);  // pim_hooks:
//   MsdpPimHooks& msdp_io.attach(msdp); msdp.start();
// then register path -> msdp.sa_origin_add/remove, (*,G) receiver changes -> msdp.on_star_g_receivers_*,
// status -> msdp::peer_status(msdp) / sa_status / mesh_group_status. Destroy msdp_io after msdp is no longer
// fed (declare it before the core, as above, so it outlives it).
//
// Connection rules: one stream per peer address. An accepted connection replaces a pending active open to the
// same peer when the core takes it (and is closed when the core refuses it). Closes the core asks for are
// silent; closes seen by the socket (remote close, error, refused, output overflow) are reported to the core
// on a later loop turn than the send that caused them, so the core is never re-entered from inside send().
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/sys/event_loop.hpp"
#include "common/sys/rib_lookup.hpp"
#include "common/sys/tcp_stream.hpp"
#include "pimd/core/msdp/msdp_actions.hpp"
#include "pimd/core/msdp/msdp_core.hpp"

namespace fanout::pimd {

struct MsdpWiringCounters {
    uint64_t listen_errors = 0;
    uint64_t connect_errors = 0;  // local failures (socket, bind, MD5)
    uint64_t md5_errors = 0;
    uint64_t refused_accepts = 0;  // connections the core did not take
    uint64_t send_without_stream = 0;
    std::string last_error;
};

class MsdpTcpWiring final : public msdp::MsdpActions {
  public:
    explicit MsdpTcpWiring(sys::EventLoop& loop, sys::TcpStreamOptions options = {},
                           uint16_t port = packet::kMsdpTcpPort);
    ~MsdpTcpWiring() override;
    MsdpTcpWiring(const MsdpTcpWiring&) = delete;
    MsdpTcpWiring& operator=(const MsdpTcpWiring&) = delete;

    // The core to feed; call before core.start().
    void attach(msdp::MsdpCore& core) { core_ = &core; }

    // MsdpActions
    void listen(Ipv4Address local) override;
    void set_listen_md5(Ipv4Address peer, const std::string& password) override;
    void connect(Ipv4Address peer, Ipv4Address local, const std::string& md5_password) override;
    void send(Ipv4Address peer, std::span<const uint8_t> bytes) override;
    void close(Ipv4Address peer) override;

    const MsdpWiringCounters& counters() const { return counters_; }
    uint16_t listen_port() const { return listener_ ? listener_->port() : 0; }
    size_t stream_count() const { return streams_.size(); }

  private:
    struct Conn {
        std::unique_ptr<sys::TcpStream> stream;
        uint64_t generation = 0;
    };
    sys::TcpStreamCallbacks callbacks(Ipv4Address peer, uint64_t generation);
    bool current(Ipv4Address peer, uint64_t generation) const;
    void retire(Ipv4Address peer);
    void on_accept(sys::UniqueFd fd, Ipv4Address remote);
    void error(uint64_t& counter, const std::string& what);

    sys::EventLoop& loop_;
    sys::TcpStreamOptions options_;
    uint16_t port_;
    msdp::MsdpCore* core_ = nullptr;
    std::unique_ptr<sys::TcpListener> listener_;
    std::map<Ipv4Address, Conn> streams_;
    std::vector<std::unique_ptr<sys::TcpStream>> retired_;  // destroyed on a later loop turn
    uint64_t next_generation_ = 1;
    MsdpWiringCounters counters_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// MsdpRpfLookup over the kernel FIB: the next hop of the route to an address (the address itself when it is
// directly connected or local).
class MsdpRibRpf final : public msdp::MsdpRpfLookup {
  public:
    explicit MsdpRibRpf(sys::RibLookup& rib) : rib_(rib) {}
    std::optional<Ipv4Address> next_hop(Ipv4Address addr) override;

  private:
    sys::RibLookup& rib_;
};

}  // namespace fanout::pimd
