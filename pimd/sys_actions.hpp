// PimActions (the PIM core's outputs) executed on the system: PIM messages through the raw PIM socket,
// VIFs and MFC entries through the kernel's multicast routing table (KernelMrt).
//
// - send_pim: multicast destinations (ALL-PIM-ROUTERS) leave by the given ifindex with TTL 1, TOS 0xc0
//   (PimSocket::send_multicast); unicast ones are sent with TTL 64, TOS 0xc0 from the given source and, when
//   the core names an interface, pinned to it (IP_PKTINFO) so a neighbor on that link gets it even without a
//   route (shared/LINUX-MROUTE.md "The PIM socket").
// - vif_add / vif_del: MRT_ADD_VIF (VIFF_USE_IFINDEX, or VIFF_REGISTER) / MRT_DEL_VIF. KernelMrt::del_vif
//   also clears the VIF from installed MFC oifs. Listeners hear about every VIF change (static mroutes are
//   re-resolved on it).
// - mfc_set / mfc_del: MRT_ADD_MFC / MRT_DEL_MFC.
// Failures are logged and counted, never fatal: the core does not wait for action results.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/sys/kernel_mrt.hpp"
#include "common/sys/raw_socket.hpp"
#include "pimd/core/pim_actions.hpp"

namespace fanout::pimd {

// What SysActions needs from the PIM socket (PimSocket in production, a recorder in tests).
class PimTransmitter {
  public:
    virtual ~PimTransmitter() = default;
    virtual Result<Unit, sys::SocketError> send_multicast(int ifindex, Ipv4Address group,
                                                          std::span<const uint8_t> pim) = 0;
    virtual Result<Unit, sys::SocketError> send_unicast(Ipv4Address dst, std::span<const uint8_t> pim,
                                                        std::optional<int> egress_ifindex,
                                                        std::optional<Ipv4Address> source) = 0;
};

class PimSocketTransmitter final : public PimTransmitter {
  public:
    explicit PimSocketTransmitter(sys::PimSocket& sock) : sock_(sock) {}
    Result<Unit, sys::SocketError> send_multicast(int ifindex, Ipv4Address group,
                                                  std::span<const uint8_t> pim) override {
        return sock_.send_multicast(ifindex, group, pim);
    }
    Result<Unit, sys::SocketError> send_unicast(Ipv4Address dst, std::span<const uint8_t> pim,
                                                std::optional<int> egress_ifindex,
                                                std::optional<Ipv4Address> source) override {
        return sock_.send_unicast(dst, pim, egress_ifindex, source);
    }

  private:
    sys::PimSocket& sock_;
};

struct SysActionsCounters {
    uint64_t pim_sent = 0;
    uint64_t pim_send_errors = 0;
    uint64_t vif_adds = 0;
    uint64_t vif_dels = 0;
    uint64_t vif_errors = 0;
    uint64_t mfc_sets = 0;
    uint64_t mfc_dels = 0;
    uint64_t mfc_errors = 0;
};

// Converts the core's MFC entry (bitset of oifs with TTL thresholds) to KernelMrt's.
sys::MfcEntry to_kernel_mfc(const pim::MfcEntry& e);

class SysActions final : public pim::PimActions {
  public:
    SysActions(PimTransmitter& tx, sys::KernelMrt& mrt) : tx_(tx), mrt_(mrt) {}

    void send_pim(int ifindex, Ipv4Address src, Ipv4Address dst, std::span<const uint8_t> message) override;
    void vif_add(const pim::VifAdd& vif) override;
    void vif_del(const pim::VifDel& vif) override;
    void mfc_set(const pim::MfcEntry& entry) override;
    void mfc_del(const pim::MfcDel& entry) override;

    // Called after every VIF change that reached the kernel (add or delete).
    void add_vif_listener(std::function<void()> cb) { vif_listeners_.push_back(std::move(cb)); }

    // The kernel's answer to the last MRT_ADD_VIF of each VIF index that failed ("" once it succeeds).
    const std::map<int, std::string>& vif_errors() const { return vif_errors_; }
    const std::string& last_error() const { return last_error_; }
    const SysActionsCounters& counters() const { return counters_; }

  private:
    void vifs_changed();
    void fail(uint64_t& counter, const std::string& what);

    PimTransmitter& tx_;
    sys::KernelMrt& mrt_;
    std::vector<std::function<void()>> vif_listeners_;
    std::map<int, std::string> vif_errors_;
    std::string last_error_;
    SysActionsCounters counters_;
};

}  // namespace fanout::pimd
