// The igmpd daemon's wiring (shared/ARCHITECTURE.md: "igmpd/main.cpp ... is wiring"): one EventLoop turning
// real happenings into IgmpCore events and executing its actions (igmpd/core/igmp_actions.hpp).
//
//   netlink links/addresses (InterfaceSource) -> IgmpCore InterfaceChanged / InterfaceRemoved (every link:
//                                                the core runs IGMP only on configured ones and uses the
//                                                others' addresses to recognise its own packets); an
//                                                IgmpSocket interface socket for every configured, enabled
//                                                link that exists
//   IgmpSocket (one raw socket per interface)  -> common/packet IPv4 + IGMP decode -> RxIgmp, or
//                                                RxDecodeError (counted by DecodeErrorKind)
//   send_igmp                                  -> IgmpSocket::send (TTL 1, TOS 0xc0, Router Alert)
//   membership_changed (non-proxy interfaces)  -> IpcClient to pimd: a snapshot on every (re)connect, then
//                                                deltas (LINUX-MROUTE.md: pimd must own a VIF on each IGMP
//                                                interface, or v2 reports never reach igmpd)
//   proxy mode (RFC 4605; igmp_actions.hpp)    -> igmpd owns the kernel MRT table: vif_add/vif_del/mfc_set/
//                                                mfc_del on LinuxKernelMrt (MRT_INIT at the first VIF);
//                                                NOCACHE upcalls -> KernelNoCache; entries whose packet
//                                                counter did not move for an idle period -> MfcIdle
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "common/core/random.hpp"
#include "common/packet/decode_error.hpp"
#include "common/sys/event_loop.hpp"
#include "common/sys/interface_source.hpp"
#include "common/sys/ipc_link.hpp"
#include "common/sys/kernel_mrt.hpp"
#include "common/sys/raw_socket.hpp"
#include "igmpd/core/igmp_core.hpp"
#include "igmpd/igmpd_config.hpp"

namespace fanout::igmpd {

// How often proxy MFC entries are checked for traffic (an entry idle for a whole period is removed).
inline constexpr Duration kProxyIdleCheck = std::chrono::seconds(60);

// Receive-path counters of the wiring (before the core sees a packet).
struct RxCounters {
    uint64_t packets = 0;  // handed to the core
    uint64_t decode_errors = 0;
    packet::DecodeErrorCounters by_kind;  // IPv4 or IGMP decode failures
};

// The link to pimd as seen from igmpd.
struct IpcCounters {
    uint64_t snapshots = 0;         // full snapshots handed to the link (one per connect)
    uint64_t snapshot_records = 0;  // Membership frames in those snapshots
    uint64_t updates = 0;           // Membership deltas sent (or left to the next snapshot when down)
    uint64_t removes = 0;           // MembershipRemoved deltas
};

// Proxy mode: kernel MRT operations.
struct MrtCounters {
    uint64_t vif_adds = 0, vif_dels = 0, mfc_sets = 0, mfc_dels = 0, errors = 0, idle_removed = 0;
    std::string last_error;
};

igmp::InterfaceChanged to_interface_changed(const InterfaceInfo& info);
// The IPC form of a core membership record.
sys::ipc::Membership to_ipc(const igmp::MembershipRecord& r);

class IgmpDaemon : public igmp::IgmpActions {
  public:
    // Opens the IGMP socket and netlink and starts; `mrt` is used only in proxy mode (MRT_INIT happens when
    // the first proxy VIF is added). The error names what failed and why.
    static Result<std::unique_ptr<IgmpDaemon>, std::string> start(sys::EventLoop& loop,
                                                                  std::shared_ptr<const IgmpdConfig> config,
                                                                  std::unique_ptr<sys::KernelMrt> mrt);
    ~IgmpDaemon() override;
    IgmpDaemon(const IgmpDaemon&) = delete;
    IgmpDaemon& operator=(const IgmpDaemon&) = delete;

    // A validated new configuration (SIGHUP, `reload`): ConfigChanged to the core (it diffs), interface
    // sockets opened/closed, the IPC link started/stopped.
    void reload(std::shared_ptr<const IgmpdConfig> config);
    // Clean shutdown: core.shutdown() (memberships withdrawn over IPC, proxy MFCs and VIFs removed),
    // MRT_DONE.
    void stop();

    // Operator input `clear ip igmp group [G]` (see igmp_events.hpp): the number of groups dropped.
    // (`clear ip igmp statistics` touches no counter: it is a display baseline,
    // igmpd_statistics_baseline.hpp.)
    size_t clear_groups(std::optional<Ipv4Address> group, const std::string& ifname = {});

    const IgmpdConfig& config() const { return *config_; }
    const igmp::IgmpCore& core() const { return *core_; }
    const sys::InterfaceSource& interfaces() const { return ifsrc_; }
    const sys::IgmpSocket& socket() const { return sock_; }
    const sys::IpcClient* ipc() const { return ipc_.get(); }
    const IpcCounters& ipc_counters() const { return ipc_counters_; }
    const std::map<std::pair<int, Ipv4Address>, sys::ipc::Membership>& exported() const { return exported_; }
    const sys::KernelMrt& mrt() const { return *mrt_; }
    bool mrt_open() const { return mrt_open_; }
    const MrtCounters& mrt_counters() const { return mrt_counters_; }
    const RxCounters& rx_counters() const { return rx_; }
    uint64_t reloads() const { return reloads_; }
    std::string ifname_of(int ifindex) const;

  private:
    IgmpDaemon(sys::EventLoop& loop, std::shared_ptr<const IgmpdConfig> config,
               std::unique_ptr<sys::KernelMrt> mrt, sys::IgmpSocket sock);
    Result<Unit, std::string> open_rest();
    void on_interface_change(const InterfaceChange& c);
    void sync_socket(const InterfaceInfo& info);
    void sync_local_addresses();
    void on_readable(int ifindex);
    // The interface's IGMP socket and its watch open, or closed (the watch goes first).
    void open_socket(int ifindex, const std::string& name);
    void close_socket(int ifindex);
    void on_upcalls();
    void check_idle();
    void sync_ipc();
    bool exports(int ifindex) const;
    bool ensure_mrt();
    void mrt_error(const std::string& what, const sys::MrtError& e);

    // IgmpActions
    void send_igmp(int ifindex, Ipv4Address src, Ipv4Address dst, std::span<const uint8_t> message) override;
    void membership_changed(const igmp::MembershipRecord& record) override;
    void vif_add(const igmp::ProxyVif& v) override;
    void vif_del(const igmp::ProxyVif& v) override;
    void mfc_set(const igmp::ProxyMfc& m) override;
    void mfc_del(const SGKey& sg) override;

    sys::EventLoop& loop_;
    std::shared_ptr<const IgmpdConfig> config_;
    std::unique_ptr<sys::KernelMrt> mrt_;
    bool mrt_open_ = false;
    sys::IgmpSocket sock_;
    SeededRandom rng_;
    sys::InterfaceSource ifsrc_;
    std::unique_ptr<igmp::IgmpCore> core_;
    std::unique_ptr<sys::IpcClient> ipc_;
    std::string ipc_path_;
    std::map<std::pair<int, Ipv4Address>, sys::ipc::Membership> exported_;
    std::map<SGKey, uint64_t> idle_packets_;
    std::map<int, sys::Watch> igmp_watches_;  // ifindex -> the watch of its IGMP socket
    sys::Watch upcall_watch_;
    TimerHandle idle_timer_;
    RxCounters rx_;
    IpcCounters ipc_counters_;
    MrtCounters mrt_counters_;
    uint64_t reloads_ = 0;
    bool stopped_ = false;
};

}  // namespace fanout::igmpd
