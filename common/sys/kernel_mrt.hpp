// KernelMrt: the narrow southbound interface to the kernel's IPv4 multicast routing table (MRT_* socket
// options, VIFs, MFC entries, upcalls, counters). LinuxKernelMrt (kernel_mrt_linux.hpp) is the real one;
// FakeKernelMrt (fake_kernel_mrt.hpp) records calls for tests. Only pimd owns a KernelMrt: the kernel allows
// one mroute socket per table, and upcalls arrive on it. Kernel behaviour: /work/shared/LINUX-MROUTE.md;
// linux/mroute.h.
//
// (*,G) entries. The kernel accepts an MFC whose origin is 0.0.0.0, but looks it up only as a fallback when
// no (S,G) matches, and only when the *arrival* VIF has a TTL threshold < 255 in that entry (ipmr.c
// mr_mfc_find_any(): a design for static proxies); it never forwards such a packet back out of its arrival
// VIF. A packet on a non-parent VIF then fails the wrong-iif check (a WRONGVIF upcall, once in 3 s per
// entry). So a PIM (*,G) works only with the iif listed among the oifs, and it suppresses the NOCACHE upcalls
// PIM learns sources from: pimd adds the register VIF as an oif, whose WHOLEPKT upcalls stand for them
// (pimd/core/sparse_mode_forwarding.cpp). add_mfc() passes a 0.0.0.0 source through unchanged.
#pragma once

#include <cerrno>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/core/ip.hpp"
#include "common/core/result.hpp"

namespace fanout::sys {

using VifIndex = uint16_t;
// MAXVIFS in linux/mroute.h: an index >= 32 is ENFILE. Past 32 interfaces another table (and socket) is
// needed.
inline constexpr VifIndex kMaxVifs = 32;
// RT_TABLE_DEFAULT: the table /proc/net/ip_mr_* shows.
inline constexpr uint32_t kDefaultMrtTable = 253;

struct MrtError {
    int error = 0;        // errno (EADDRINUSE, ENOPROTOOPT, ENFILE...)
    std::string message;  // complete, human-readable, names the operation and the cause
};

// What MRT_PIM is set to. kOnWithWrongVifWhole asks for IGMPMSG_WRVIFWHOLE instead of WRONGVIF.
enum class PimMode : uint8_t { kOff, kOn, kOnWithWrongVifWhole };

struct MrtOptions {
    uint32_t table = kDefaultMrtTable;
    PimMode pim = PimMode::kOn;
    bool assert_upcalls = true;  // MRT_ASSERT: WRONGVIF upcalls
    // SO_RCVBUF(FORCE) for the upcall queue. The default ~208 KB holds ~256 NOCACHE upcalls.
    int receive_buffer_bytes = 8 * 1024 * 1024;
};

// An MFC entry: (S,G), incoming VIF and outgoing VIFs with their TTL thresholds (a packet leaves VIF i when
// its TTL > threshold; 1 forwards everything that may be forwarded).
struct MfcEntry {
    Ipv4Address source;
    Ipv4Address group;
    VifIndex iif = 0;
    std::map<VifIndex, uint8_t> oifs;  // vif -> ttl threshold (1..254)
    bool operator==(const MfcEntry&) const = default;
    SGKey key() const { return SGKey{source, group}; }
};

struct VifInfo {
    VifIndex index = 0;
    int ifindex = 0;  // 0 for the register VIF
    bool register_vif = false;
    bool operator==(const VifInfo&) const = default;
};

struct SgCounters {
    uint64_t packets = 0;
    uint64_t bytes = 0;
    uint64_t wrong_if = 0;
    bool operator==(const SgCounters&) const = default;
};

struct VifCounters {
    uint64_t in_packets = 0;
    uint64_t out_packets = 0;
    uint64_t in_bytes = 0;
    uint64_t out_bytes = 0;
    bool operator==(const VifCounters&) const = default;
};

// IGMPMSG_* in linux/mroute.h.
enum class UpcallType : uint8_t { kNoCache = 1, kWrongVif = 2, kWholePacket = 3, kWrongVifWhole = 4 };

struct Upcall {
    UpcallType type = UpcallType::kNoCache;
    VifIndex vif = 0;  // arrival VIF (the register VIF for WHOLEPKT)
    Ipv4Address source;
    Ipv4Address group;
    // WHOLEPKT / WRVIFWHOLE: the whole data packet (IPv4 header first) after the 20-byte igmpmsg header.
    std::vector<uint8_t> packet;
    bool operator==(const Upcall&) const = default;
};

struct UpcallCounters {
    uint64_t nocache = 0;
    uint64_t wrongvif = 0;
    uint64_t wholepkt = 0;
    uint64_t wrvifwhole = 0;
    uint64_t malformed = 0;  // too short, unknown type, non-zero byte 9
    uint64_t overruns = 0;   // upcalls the kernel dropped because the socket buffer was full (SO_RXQ_OVFL)
    uint64_t receive_errors = 0;  // recvmsg errors other than EAGAIN

    // One upcall of type t read (the kernel's and the fake's readers count alike).
    void count(UpcallType t) {
        switch (t) {
            case UpcallType::kNoCache:
                ++nocache;
                return;
            case UpcallType::kWrongVif:
                ++wrongvif;
                return;
            case UpcallType::kWholePacket:
                ++wholepkt;
                return;
            case UpcallType::kWrongVifWhole:
                ++wrvifwhole;
                return;
        }
    }
};

class KernelMrt {
  public:
    virtual ~KernelMrt() = default;

    // MRT_TABLE (non-default table) then MRT_INIT, then MRT_PIM and MRT_ASSERT set explicitly (they persist
    // across owners). Errors: no multicast routing in the kernel, table owned by another daemon.
    virtual Result<Unit, MrtError> init(const MrtOptions& options) = 0;
    // Removes the MFCs and VIFs we added and MRT_DONE. Safe to call twice.
    virtual void done() = 0;

    virtual Result<Unit, MrtError> set_pim_mode(PimMode mode) = 0;
    virtual Result<Unit, MrtError> set_assert(bool on) = 0;

    virtual Result<Unit, MrtError> add_vif(VifIndex index, int ifindex) = 0;
    // VIFF_REGISTER: the first one creates the pimreg device (pimregN for table N).
    virtual Result<Unit, MrtError> add_register_vif(VifIndex index) = 0;
    // Also removes the VIF from the oif sets of installed MFCs (re-programming them), so a later VIF with the
    // same index does not revive stale oifs.
    virtual Result<Unit, MrtError> del_vif(VifIndex index) = 0;

    // Adds or updates in place.
    virtual Result<Unit, MrtError> add_mfc(const MfcEntry& entry) = 0;
    virtual Result<Unit, MrtError> del_mfc(Ipv4Address source, Ipv4Address group) = 0;

    virtual Result<SgCounters, MrtError> get_sg_counters(Ipv4Address source, Ipv4Address group) = 0;
    virtual Result<VifCounters, MrtError> get_vif_counters(VifIndex index) = 0;

    // What we installed (never read back from the kernel).
    virtual const std::map<VifIndex, VifInfo>& vifs() const = 0;
    virtual const std::map<SGKey, MfcEntry>& mfcs() const = 0;

    // Readable when upcalls are pending (-1 for a fake without one).
    virtual int upcall_fd() const = 0;
    // Up to budget upcalls; empty when none is pending.
    virtual std::vector<Upcall> read_upcalls(size_t budget = 256) = 0;
    virtual const UpcallCounters& upcall_counters() const = 0;
};

// Shared by the real and the fake MRT so both enforce the same rules.
inline std::optional<MrtError> check_vif_index(VifIndex index, const char* operation) {
    if (index < kMaxVifs) return std::nullopt;
    return MrtError{
        ENFILE, std::string(operation) + ": VIF index " + std::to_string(index) +
                    " is out of range: the kernel allows at most " + std::to_string(kMaxVifs) + " VIFs (0.." +
                    std::to_string(kMaxVifs - 1) +
                    ") per multicast routing table (MAXVIFS); use another table for more interfaces"};
}

// The kernel keeps only oifs whose VIF exists when the entry is added (ipmr_update_thresholds) and accepts a
// missing iif silently, so both are checked here against the VIFs we own: our view then matches the kernel's.
inline std::optional<MrtError> check_mfc_entry(const MfcEntry& e, const std::map<VifIndex, VifInfo>& vifs) {
    // Runs for every MFC add: the message is built only when the entry is refused.
    auto what = [&e] { return "add MFC " + e.key().to_string(); };
    auto refuse = [&what](int error, const std::string& reason) {
        return MrtError{error, what() + ": " + reason};
    };
    if (!e.group.is_multicast()) return refuse(EINVAL, "group is not a multicast address");
    if (e.iif >= kMaxVifs) return check_vif_index(e.iif, what().c_str());
    if (vifs.count(e.iif) == 0) return refuse(ENODEV, "iif VIF " + std::to_string(e.iif) + " does not exist");
    for (const auto& [vif, ttl] : e.oifs) {
        if (vif >= kMaxVifs) return check_vif_index(vif, what().c_str());
        if (vifs.count(vif) == 0) return refuse(ENODEV, "oif VIF " + std::to_string(vif) + " does not exist");
        // For (S,G) the kernel would send packets back out of the interface they came in on.
        if (vif == e.iif && !e.source.is_unspecified())
            return refuse(EINVAL, "the iif VIF " + std::to_string(vif) + " is also an oif");
        if (ttl == 0 || ttl == 255)
            return refuse(EINVAL, "oif VIF " + std::to_string(vif) + " has TTL threshold " +
                                      std::to_string(ttl) + " (0 and 255 mean \"not an oif\"; use 1..254)");
    }
    return std::nullopt;
}

inline const char* upcall_type_name(UpcallType t) {
    switch (t) {
        case UpcallType::kNoCache:
            return "NOCACHE";
        case UpcallType::kWrongVif:
            return "WRONGVIF";
        case UpcallType::kWholePacket:
            return "WHOLEPKT";
        case UpcallType::kWrongVifWhole:
            return "WRVIFWHOLE";
    }
    return "?";
}

}  // namespace fanout::sys
