// LinuxKernelMrt: KernelMrt on the kernel's mroute socket (a raw IPPROTO_IGMP socket that did MRT_INIT).
// Facts relied on: /work/shared/LINUX-MROUTE.md (sections "The multicast routing (mroute) socket",
// "Structures", "MFC entries", "Upcalls on the mroute socket", "Register VIF"); linux/mroute.h;
// net/ipv4/ipmr.c.
//
// - MRT_PIM also sets the assert flag and records WRVIFWHOLE only when its on/off value changes, so init()
// sets
//   MRT_PIM to 0 and then to the wanted mode, and MRT_ASSERT last.
// - The socket gets an 8 MB receive buffer (SO_RCVBUFFORCE, else SO_RCVBUF) and a classic BPF filter that
// keeps
//   only upcalls: byte 9 of an igmpmsg is 0 where a real IGMP packet has protocol 2. SO_RXQ_OVFL reports how
//   many upcalls the kernel dropped for lack of buffer.
// - We keep our own table of VIFs and MFCs; the kernel is never dumped on a hot path.
#pragma once

#include <functional>
#include <optional>
#include <span>

#include "common/sys/kernel_mrt.hpp"
#include "common/sys/unix_socket.hpp"

namespace fanout::sys {

// Decodes one datagram read from the mroute socket (struct igmpmsg, then the packet for WHOLEPKT/WRVIFWHOLE).
// nullopt when it is shorter than 20 bytes, byte 9 is not 0 (real IGMP) or the type is unknown.
std::optional<Upcall> parse_upcall(std::span<const uint8_t> datagram);

class LinuxKernelMrt final : public KernelMrt {
  public:
    LinuxKernelMrt() = default;
    ~LinuxKernelMrt() override;
    LinuxKernelMrt(const LinuxKernelMrt&) = delete;
    LinuxKernelMrt& operator=(const LinuxKernelMrt&) = delete;

    Result<Unit, MrtError> init(const MrtOptions& options) override;
    void done() override;
    Result<Unit, MrtError> set_pim_mode(PimMode mode) override;
    Result<Unit, MrtError> set_assert(bool on) override;

    Result<Unit, MrtError> add_vif(VifIndex index, int ifindex) override;
    Result<Unit, MrtError> add_register_vif(VifIndex index) override;
    Result<Unit, MrtError> del_vif(VifIndex index) override;

    Result<Unit, MrtError> add_mfc(const MfcEntry& entry) override;
    Result<Unit, MrtError> del_mfc(Ipv4Address source, Ipv4Address group) override;

    Result<SgCounters, MrtError> get_sg_counters(Ipv4Address source, Ipv4Address group) override;
    Result<VifCounters, MrtError> get_vif_counters(VifIndex index) override;

    const std::map<VifIndex, VifInfo>& vifs() const override { return vifs_; }
    const std::map<SGKey, MfcEntry>& mfcs() const override { return mfcs_; }

    int upcall_fd() const override { return sock_.get(); }
    std::vector<Upcall> read_upcalls(size_t budget = 256) override;
    const UpcallCounters& upcall_counters() const override { return counters_; }

    uint32_t table() const { return options_.table; }
    // The receive buffer the kernel actually granted (SO_RCVBUF reads back twice the requested size).
    int receive_buffer_bytes() const;

  private:
    Result<Unit, MrtError> not_initialised(const std::string& what) const;
    // setsockopt(IPPROTO_IP, name); a failure's message names what() (built only then: MFC adds are hot).
    Result<Unit, MrtError> set_option(int name, const void* value, unsigned len,
                                      const std::function<std::string()>& what);
    Result<Unit, MrtError> add_vif_raw(VifIndex index, uint8_t flags, int ifindex, const char* what);
    Result<Unit, MrtError> write_mfc(const MfcEntry& entry);
    Result<Unit, MrtError> setup_receive_path();

    UniqueFd sock_;
    MrtOptions options_;
    std::map<VifIndex, VifInfo> vifs_;
    std::map<SGKey, MfcEntry> mfcs_;
    UpcallCounters counters_;
    uint32_t last_drop_count_ = 0;
    std::vector<uint8_t> buf_;
};

}  // namespace fanout::sys
