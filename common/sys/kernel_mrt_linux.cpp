// LinuxKernelMrt: the kernel mroute socket. See kernel_mrt_linux.hpp and /work/shared/LINUX-MROUTE.md.
#include "common/sys/kernel_mrt_linux.hpp"

// clang-format off
#include <netinet/in.h>
#include <linux/filter.h>
#include <linux/mroute.h>
// clang-format on
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <array>
#include <cstring>

#include "common/core/latency_probe.hpp"
#include "common/core/log.hpp"
#include "common/sys/raw_socket.hpp"

namespace fanout::sys {
namespace {

static_assert(sizeof(vifctl) == 16, "struct vifctl layout (LINUX-MROUTE.md)");
static_assert(sizeof(mfcctl) == 60, "struct mfcctl layout (LINUX-MROUTE.md)");
static_assert(sizeof(igmpmsg) == 20, "struct igmpmsg layout (LINUX-MROUTE.md)");
static_assert(MAXVIFS == kMaxVifs, "MAXVIFS");

constexpr size_t kIgmpMsgBytes = 20;
constexpr size_t kUpcallBufferBytes = 65536 + kIgmpMsgBytes;

std::string errno_text(int e) {
    return std::strerror(e);
}

// Adds the cause to a failed MRT_* call where errno has a specific meaning here.
std::string explain(int e, uint32_t table) {
    switch (e) {
        case EADDRINUSE:
            return "multicast routing table " + std::to_string(table) +
                   " is already owned by another process (another pimd, FRR, smcroute...); only one MRT_INIT "
                   "socket per table is allowed (" +
                   errno_text(e) + ")";
        case ENOPROTOOPT:
        case EOPNOTSUPP:
            return "this kernel has no IPv4 multicast routing support (CONFIG_IP_MROUTE, "
                   "CONFIG_IP_MROUTE_MULTIPLE_TABLES for a non-default table, CONFIG_IP_PIMSM_V2 for "
                   "MRT_PIM) (" +
                   errno_text(e) + ")";
        case EACCES:
        case EPERM:
            return "needs CAP_NET_ADMIN (" + errno_text(e) + ")";
        default:
            return errno_text(e);
    }
}

mfcctl to_mfcctl(const MfcEntry& e) {
    mfcctl m{};
    m.mfcc_origin.s_addr = e.source.network_order();
    m.mfcc_mcastgrp.s_addr = e.group.network_order();
    m.mfcc_parent = e.iif;
    for (const auto& [vif, ttl] : e.oifs)
        m.mfcc_ttls[vif] = ttl;
    return m;
}

std::string vif_text(VifIndex index) {
    return "VIF " + std::to_string(index);
}

}  // namespace

std::optional<Upcall> parse_upcall(std::span<const uint8_t> d) {
    if (d.size() < kIgmpMsgBytes || d[9] != 0) return std::nullopt;
    Upcall u;
    switch (d[8]) {
        case IGMPMSG_NOCACHE:
            u.type = UpcallType::kNoCache;
            break;
        case IGMPMSG_WRONGVIF:
            u.type = UpcallType::kWrongVif;
            break;
        case IGMPMSG_WHOLEPKT:
            u.type = UpcallType::kWholePacket;
            break;
        case IGMPMSG_WRVIFWHOLE:
            u.type = UpcallType::kWrongVifWhole;
            break;
        default:
            return std::nullopt;
    }
    u.vif = static_cast<VifIndex>(d[10] | (d[11] << 8));
    u.source = Ipv4Address(d[12], d[13], d[14], d[15]);
    u.group = Ipv4Address(d[16], d[17], d[18], d[19]);
    if (u.type == UpcallType::kWholePacket || u.type == UpcallType::kWrongVifWhole) {
        u.packet.assign(d.begin() + kIgmpMsgBytes, d.end());
    }
    return u;
}

LinuxKernelMrt::~LinuxKernelMrt() {
    done();
}

Result<Unit, MrtError> LinuxKernelMrt::not_initialised(const std::string& what) const {
    return make_err(
        MrtError{EBADF, what + ": the multicast routing socket is not initialised (call init first)"});
}

Result<Unit, MrtError> LinuxKernelMrt::set_option(int name, const void* value, unsigned len,
                                                  const std::function<std::string()>& what) {
    if (::setsockopt(sock_.get(), IPPROTO_IP, name, value, len) != 0) {
        int e = errno;
        return make_err(MrtError{e, what() + " failed: " + explain(e, options_.table)});
    }
    return Unit{};
}

Result<Unit, MrtError> LinuxKernelMrt::init(const MrtOptions& options) {
    if (sock_.valid()) return make_err(MrtError{EALREADY, "MRT_INIT: already initialised"});
    auto sock = open_raw_socket(IPPROTO_IGMP);
    if (!sock)
        return make_err(
            MrtError{sock.error().error, "cannot open the mroute socket: " + sock.error().to_string()});
    sock_ = std::move(sock.value());
    options_ = options;
    int one = 1;
    Result<Unit, MrtError> r = setup_receive_path();
    if (r && options.table != kDefaultMrtTable) {
        uint32_t t = options.table;
        r = set_option(MRT_TABLE, &t, sizeof(t), [&] { return "MRT_TABLE " + std::to_string(t); });
    }
    if (r)
        r = set_option(MRT_INIT, &one, sizeof(one),
                       [&] { return "MRT_INIT (table " + std::to_string(options.table) + ")"; });
    if (r) r = set_pim_mode(options.pim);
    if (r) r = set_assert(options.assert_upcalls);
    if (!r) {
        sock_.reset();  // closing the socket undoes MRT_INIT
        return r;
    }
    FANOUT_LOG_DEBUG(LogCategory::kKernel, "mroute socket initialised for table {}", options.table);
    return Unit{};
}

Result<Unit, MrtError> LinuxKernelMrt::setup_receive_path() {
    int fd = sock_.get();
    // Classic BPF: A = byte 9; keep the datagram when it is 0 (an upcall), else drop it (real IGMP, protocol
    // 2).
    std::array<sock_filter, 4> code{{
        {BPF_LD | BPF_B | BPF_ABS, 0, 0, 9},
        {BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0},
        {BPF_RET | BPF_K, 0, 0, 0xffffffffu},
        {BPF_RET | BPF_K, 0, 0, 0},
    }};
    sock_fprog prog{static_cast<unsigned short>(code.size()), code.data()};
    if (::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) != 0) {
        int e = errno;
        return make_err(MrtError{e, "SO_ATTACH_FILTER on the mroute socket: " + errno_text(e)});
    }
    int size = options_.receive_buffer_bytes;
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0 &&
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) != 0) {
        int e = errno;
        return make_err(
            MrtError{e, "SO_RCVBUF " + std::to_string(size) + " on the mroute socket: " + errno_text(e)});
    }
    int one = 1;
    if (::setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one)) != 0) {
        int e = errno;
        return make_err(MrtError{e, "SO_RXQ_OVFL on the mroute socket: " + errno_text(e)});
    }
    buf_.resize(kUpcallBufferBytes);
    return Unit{};
}

int LinuxKernelMrt::receive_buffer_bytes() const {
    int v = 0;
    socklen_t len = sizeof(v);
    if (::getsockopt(sock_.get(), SOL_SOCKET, SO_RCVBUF, &v, &len) != 0) return -1;
    return v;
}

void LinuxKernelMrt::done() {
    if (!sock_.valid()) return;
    for (const auto& [key, e] : mfcs_) {
        mfcctl m = to_mfcctl(e);
        if (::setsockopt(sock_.get(), IPPROTO_IP, MRT_DEL_MFC, &m, sizeof(m)) != 0)
            FANOUT_LOG_WARN("MRT_DEL_MFC {} at shutdown: {}", key.to_string(), errno_text(errno));
    }
    for (const auto& [index, v] : vifs_) {
        vifctl vc{};
        vc.vifc_vifi = index;
        if (::setsockopt(sock_.get(), IPPROTO_IP, MRT_DEL_VIF, &vc, sizeof(vc)) != 0)
            FANOUT_LOG_WARN("MRT_DEL_VIF {} at shutdown: {}", index, errno_text(errno));
    }
    mfcs_.clear();
    vifs_.clear();
    int one = 1;
    if (::setsockopt(sock_.get(), IPPROTO_IP, MRT_DONE, &one, sizeof(one)) != 0)
        FANOUT_LOG_WARN("MRT_DONE: {}", errno_text(errno));
    sock_.reset();
}

Result<Unit, MrtError> LinuxKernelMrt::set_pim_mode(PimMode mode) {
    if (!sock_.valid()) return not_initialised("MRT_PIM");
    int off = 0;
    // The kernel records a new mode only when the on/off value changes: go through 0 to set it exactly.
    if (auto r = set_option(MRT_PIM, &off, sizeof(off), [&] { return std::string("MRT_PIM 0"); });
        !r && mode != PimMode::kOff)
        return r;
    if (mode == PimMode::kOff) return Unit{};
    int v = mode == PimMode::kOnWithWrongVifWhole ? IGMPMSG_WRVIFWHOLE : 1;
    return set_option(MRT_PIM, &v, sizeof(v), [&] { return "MRT_PIM " + std::to_string(v); });
}

Result<Unit, MrtError> LinuxKernelMrt::set_assert(bool on) {
    if (!sock_.valid()) return not_initialised("MRT_ASSERT");
    int v = on ? 1 : 0;
    return set_option(MRT_ASSERT, &v, sizeof(v), [&] { return "MRT_ASSERT " + std::to_string(v); });
}

Result<Unit, MrtError> LinuxKernelMrt::add_vif_raw(VifIndex index, uint8_t flags, int ifindex,
                                                   const char* what) {
    if (auto err = check_vif_index(index, what)) return make_err(*err);
    if (!sock_.valid()) return not_initialised(what);
    vifctl vc{};
    vc.vifc_vifi = index;
    vc.vifc_flags = flags;
    vc.vifc_threshold = 1;
    vc.vifc_lcl_ifindex = ifindex;
    std::string text = std::string(what) + " " + std::to_string(index) +
                       (ifindex != 0 ? " (ifindex " + std::to_string(ifindex) + ")" : "");
    if (::setsockopt(sock_.get(), IPPROTO_IP, MRT_ADD_VIF, &vc, sizeof(vc)) != 0) {
        int e = errno;
        std::string cause = e == EADDRINUSE ? vif_text(index) + " is already in use (" + errno_text(e) + ")"
                                            : explain(e, options_.table);
        return make_err(MrtError{e, text + " failed: " + cause});
    }
    vifs_[index] = VifInfo{index, ifindex, (flags & VIFF_REGISTER) != 0};
    return Unit{};
}

Result<Unit, MrtError> LinuxKernelMrt::add_vif(VifIndex index, int ifindex) {
    auto it = vifs_.find(index);
    if (it != vifs_.end() && it->second == VifInfo{index, ifindex, false}) return Unit{};
    return add_vif_raw(index, VIFF_USE_IFINDEX, ifindex, "MRT_ADD_VIF");
}

Result<Unit, MrtError> LinuxKernelMrt::add_register_vif(VifIndex index) {
    auto it = vifs_.find(index);
    if (it != vifs_.end() && it->second.register_vif) return Unit{};
    return add_vif_raw(index, VIFF_REGISTER, 0, "MRT_ADD_VIF register");
}

Result<Unit, MrtError> LinuxKernelMrt::del_vif(VifIndex index) {
    if (auto err = check_vif_index(index, "MRT_DEL_VIF")) return make_err(*err);
    if (!sock_.valid()) return not_initialised("MRT_DEL_VIF");
    vifctl vc{};
    vc.vifc_vifi = index;
    if (::setsockopt(sock_.get(), IPPROTO_IP, MRT_DEL_VIF, &vc, sizeof(vc)) != 0) {
        int e = errno;
        return make_err(
            MrtError{e, "MRT_DEL_VIF " + std::to_string(index) + " failed: " + explain(e, options_.table)});
    }
    vifs_.erase(index);
    // Re-program entries that forward to it, or re-adding the index later would revive these oifs.
    Result<Unit, MrtError> result = Unit{};
    for (auto& [key, e] : mfcs_) {
        if (e.oifs.erase(index) == 0) continue;
        if (auto r = write_mfc(e); !r && result) result = r;
    }
    return result;
}

Result<Unit, MrtError> LinuxKernelMrt::write_mfc(const MfcEntry& entry) {
    mfcctl m = to_mfcctl(entry);
    FANOUT_PROBE(kMfcAddStart);
    auto r = set_option(MRT_ADD_MFC, &m, sizeof(m), [&] { return "MRT_ADD_MFC " + entry.key().to_string(); });
    FANOUT_PROBE(kMfcAddDone);
    return r;
}

Result<Unit, MrtError> LinuxKernelMrt::add_mfc(const MfcEntry& entry) {
    if (!sock_.valid()) return not_initialised("MRT_ADD_MFC");
    if (auto err = check_mfc_entry(entry, vifs_)) return make_err(*err);
    auto it = mfcs_.find(entry.key());
    if (it != mfcs_.end() && it->second == entry) return Unit{};
    if (auto r = write_mfc(entry); !r) return r;
    mfcs_[entry.key()] = entry;
    return Unit{};
}

Result<Unit, MrtError> LinuxKernelMrt::del_mfc(Ipv4Address source, Ipv4Address group) {
    if (!sock_.valid()) return not_initialised("MRT_DEL_MFC");
    SGKey key{source, group};
    MfcEntry e;
    e.source = source;
    e.group = group;
    mfcctl m = to_mfcctl(e);
    if (::setsockopt(sock_.get(), IPPROTO_IP, MRT_DEL_MFC, &m, sizeof(m)) != 0) {
        int err = errno;
        if (err == ENOENT) mfcs_.erase(key);  // the kernel has none: neither do we
        return make_err(MrtError{err, "MRT_DEL_MFC " + key.to_string() + " failed: " +
                                          (err == ENOENT ? "no such entry" : explain(err, options_.table))});
    }
    mfcs_.erase(key);
    return Unit{};
}

Result<SgCounters, MrtError> LinuxKernelMrt::get_sg_counters(Ipv4Address source, Ipv4Address group) {
    // Sampled for every flow every few seconds: the description is built only for an error.
    auto what = [&] { return "SIOCGETSGCNT " + SGKey{source, group}.to_string(); };
    if (!sock_.valid()) return make_err(MrtError{EBADF, what() + ": the mroute socket is not initialised"});
    sioc_sg_req req{};
    req.src.s_addr = source.network_order();
    req.grp.s_addr = group.network_order();
    if (::ioctl(sock_.get(), SIOCGETSGCNT, &req) != 0) {
        int e = errno;
        return make_err(
            MrtError{e, what() + " failed: " + (e == EADDRNOTAVAIL ? "no such entry" : errno_text(e))});
    }
    return SgCounters{req.pktcnt, req.bytecnt, req.wrong_if};
}

Result<VifCounters, MrtError> LinuxKernelMrt::get_vif_counters(VifIndex index) {
    std::string what = "SIOCGETVIFCNT " + std::to_string(index);
    if (auto err = check_vif_index(index, what.c_str())) return make_err(*err);
    if (!sock_.valid()) return make_err(MrtError{EBADF, what + ": the mroute socket is not initialised"});
    sioc_vif_req req{};
    req.vifi = index;
    if (::ioctl(sock_.get(), SIOCGETVIFCNT, &req) != 0) {
        int e = errno;
        return make_err(
            MrtError{e, what + " failed: " + (e == EADDRNOTAVAIL ? "no such VIF" : errno_text(e))});
    }
    return VifCounters{req.icount, req.ocount, req.ibytes, req.obytes};
}

std::vector<Upcall> LinuxKernelMrt::read_upcalls(size_t budget) {
    std::vector<Upcall> out;
    if (!sock_.valid()) return out;
    for (size_t i = 0; i < budget; ++i) {
        alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(uint32_t))> ctrl{};
        iovec iov{buf_.data(), buf_.size()};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = ctrl.data();
        msg.msg_controllen = ctrl.size();
        ssize_t n = ::recvmsg(sock_.get(), &msg, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) ++counters_.receive_errors;
            break;
        }
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SO_RXQ_OVFL) continue;
            uint32_t drops = 0;
            std::memcpy(&drops, CMSG_DATA(c), sizeof(drops));
            if (drops > last_drop_count_) counters_.overruns += drops - last_drop_count_;
            last_drop_count_ = drops;
        }
        if ((msg.msg_flags & MSG_TRUNC) != 0) {
            ++counters_.malformed;
            continue;
        }
        auto u = parse_upcall(std::span<const uint8_t>(buf_.data(), static_cast<size_t>(n)));
        if (!u) {
            ++counters_.malformed;
            continue;
        }
        counters_.count(u->type);
        out.push_back(std::move(*u));
    }
    return out;
}

}  // namespace fanout::sys
