// PimActions on the PIM raw socket and the kernel MRT (see sys_actions.hpp).
#include "pimd/sys_actions.hpp"

#include "common/core/log.hpp"

namespace fanout::pimd {

sys::MfcEntry to_kernel_mfc(const pim::MfcEntry& e) {
    sys::MfcEntry k;
    k.source = e.source;
    k.group = e.group;
    k.iif = static_cast<sys::VifIndex>(e.iif_vif < 0 ? 0 : e.iif_vif);
    for (int v = 0; v < pim::kMaxVifs; ++v) {
        if (!e.oifs.test(static_cast<size_t>(v))) continue;
        uint8_t ttl = e.ttls[static_cast<size_t>(v)];
        k.oifs[static_cast<sys::VifIndex>(v)] = (ttl == 0 || ttl == 255) ? pim::MfcEntry::kDefaultTtl : ttl;
    }
    return k;
}

void SysActions::fail(uint64_t& counter, const std::string& what) {
    ++counter;
    last_error_ = what;
    FANOUT_LOG_WARN("pimd: {}", what);
}

void SysActions::send_pim(int ifindex, Ipv4Address src, Ipv4Address dst, std::span<const uint8_t> message) {
    Result<Unit, sys::SocketError> r =
        dst.is_multicast()
            ? tx_.send_multicast(ifindex, dst, message)
            : tx_.send_unicast(dst, message, ifindex > 0 ? std::optional<int>(ifindex) : std::nullopt,
                               src.is_unspecified() ? std::nullopt : std::optional<Ipv4Address>(src));
    if (r) {
        ++counters_.pim_sent;
        FANOUT_LOG_DEBUG(LogCategory::kPacket, "pim tx {} -> {} ifindex {} ({} bytes)", src.to_string(),
                         dst.to_string(), ifindex, message.size());
        return;
    }
    // Soft state: a lost send is the network's business; log at debug level after the first few.
    ++counters_.pim_send_errors;
    last_error_ = r.error().to_string();
    if (counters_.pim_send_errors <= 10 || log::debug_enabled(LogCategory::kPacket))
        FANOUT_LOG_WARN("pimd: send to {} on ifindex {} failed: {}", dst.to_string(), ifindex, last_error_);
}

void SysActions::vif_add(const pim::VifAdd& vif) {
    auto index = static_cast<sys::VifIndex>(vif.vif_index);
    auto r =
        vif.kind == pim::VifKind::kRegister ? mrt_.add_register_vif(index) : mrt_.add_vif(index, vif.ifindex);
    if (!r) {
        vif_errors_[vif.vif_index] = r.error().message;
        fail(counters_.vif_errors,
             "VIF " + std::to_string(vif.vif_index) + " (" + vif.name + "): " + r.error().message);
        return;
    }
    vif_errors_.erase(vif.vif_index);
    ++counters_.vif_adds;
    FANOUT_LOG_DEBUG(LogCategory::kKernel, "kernel: VIF {} added for {} (ifindex {})", vif.vif_index,
                     vif.name, vif.ifindex);
    vifs_changed();
}

void SysActions::vif_del(const pim::VifDel& vif) {
    vif_errors_.erase(vif.vif_index);
    auto index = static_cast<sys::VifIndex>(vif.vif_index);
    if (mrt_.vifs().count(index) == 0) return;  // its add failed: nothing to delete
    auto r = mrt_.del_vif(index);
    if (!r) {
        fail(counters_.vif_errors, "delete VIF " + std::to_string(vif.vif_index) + ": " + r.error().message);
        return;
    }
    ++counters_.vif_dels;
    FANOUT_LOG_DEBUG(LogCategory::kKernel, "kernel: VIF {} deleted (ifindex {})", vif.vif_index, vif.ifindex);
    vifs_changed();
}

void SysActions::mfc_set(const pim::MfcEntry& entry) {
    auto r = mrt_.add_mfc(to_kernel_mfc(entry));
    if (!r) {
        fail(counters_.mfc_errors, r.error().message);
        return;
    }
    ++counters_.mfc_sets;
}

void SysActions::mfc_del(const pim::MfcDel& entry) {
    if (mrt_.mfcs().count(entry.key()) == 0) return;
    auto r = mrt_.del_mfc(entry.source, entry.group);
    if (!r) {
        fail(counters_.mfc_errors, r.error().message);
        return;
    }
    ++counters_.mfc_dels;
}

void SysActions::vifs_changed() {
    for (auto& cb : vif_listeners_)
        cb();
}

}  // namespace fanout::pimd
