// FakeKernelMrt: see fake_kernel_mrt.hpp. Rules mirror LinuxKernelMrt (kernel_mrt_linux.cpp).
#include "common/sys/fake_kernel_mrt.hpp"

namespace fanout::sys {
namespace {

const char* pim_mode_name(PimMode m) {
    switch (m) {
        case PimMode::kOff:
            return "off";
        case PimMode::kOn:
            return "on";
        case PimMode::kOnWithWrongVifWhole:
            return "wrvifwhole";
    }
    return "?";
}

}  // namespace

std::string describe_mfc(const MfcEntry& e) {
    std::string s = e.key().to_string() + " iif " + std::to_string(e.iif) + " oifs ";
    if (e.oifs.empty()) return s + "-";
    bool first = true;
    for (const auto& [vif, ttl] : e.oifs) {
        if (!first) s += ",";
        first = false;
        s += std::to_string(vif) + ":" + std::to_string(ttl);
    }
    return s;
}

std::optional<MrtError> FakeKernelMrt::record(std::string line) {
    for (auto it = failures_.begin(); it != failures_.end(); ++it) {
        if (line.rfind(it->first, 0) != 0) continue;
        MrtError e = std::move(it->second);
        failures_.erase(it);
        calls_.push_back(line + " -> error");
        return e;
    }
    calls_.push_back(std::move(line));
    return std::nullopt;
}

std::optional<MrtError> FakeKernelMrt::not_initialised(const std::string& what) const {
    if (initialised_) return std::nullopt;
    return MrtError{EBADF, what + ": the multicast routing socket is not initialised (call init first)"};
}

std::vector<std::string> FakeKernelMrt::take_calls() {
    std::vector<std::string> out;
    out.swap(calls_);
    return out;
}

Result<Unit, MrtError> FakeKernelMrt::init(const MrtOptions& options) {
    if (initialised_) return make_err(MrtError{EALREADY, "MRT_INIT: already initialised"});
    if (auto e = record("init table " + std::to_string(options.table) + " pim " + pim_mode_name(options.pim) +
                        " assert " + (options.assert_upcalls ? "on" : "off")))
        return make_err(*e);
    initialised_ = true;
    options_ = options;
    pim_ = options.pim;
    assert_ = options.assert_upcalls;
    return Unit{};
}

void FakeKernelMrt::done() {
    if (!initialised_) return;
    // Same order as the real one: our MFCs, then our VIFs, then MRT_DONE.
    for (const auto& [key, e] : mfcs_)
        calls_.push_back("del_mfc " + key.to_string());
    for (const auto& [index, v] : vifs_)
        calls_.push_back("del_vif " + std::to_string(index));
    calls_.push_back("done");
    mfcs_.clear();
    vifs_.clear();
    initialised_ = false;
}

Result<Unit, MrtError> FakeKernelMrt::set_pim_mode(PimMode mode) {
    if (auto e = not_initialised("MRT_PIM")) return make_err(*e);
    if (auto e = record(std::string("set_pim ") + pim_mode_name(mode))) return make_err(*e);
    pim_ = mode;
    return Unit{};
}

Result<Unit, MrtError> FakeKernelMrt::set_assert(bool on) {
    if (auto e = not_initialised("MRT_ASSERT")) return make_err(*e);
    if (auto e = record(std::string("set_assert ") + (on ? "on" : "off"))) return make_err(*e);
    assert_ = on;
    return Unit{};
}

Result<Unit, MrtError> FakeKernelMrt::add_vif(VifIndex index, int ifindex) {
    if (auto e = check_vif_index(index, "MRT_ADD_VIF")) return make_err(*e);
    if (auto e = not_initialised("MRT_ADD_VIF")) return make_err(*e);
    VifInfo want{index, ifindex, false};
    auto it = vifs_.find(index);
    if (it != vifs_.end() && it->second == want) return Unit{};
    if (auto e = record("add_vif " + std::to_string(index) + " ifindex " + std::to_string(ifindex)))
        return make_err(*e);
    if (it != vifs_.end())
        return make_err(MrtError{EADDRINUSE, "MRT_ADD_VIF " + std::to_string(index) + " failed: VIF " +
                                                 std::to_string(index) + " is already in use"});
    vifs_[index] = want;
    return Unit{};
}

Result<Unit, MrtError> FakeKernelMrt::add_register_vif(VifIndex index) {
    if (auto e = check_vif_index(index, "MRT_ADD_VIF register")) return make_err(*e);
    if (auto e = not_initialised("MRT_ADD_VIF register")) return make_err(*e);
    auto it = vifs_.find(index);
    if (it != vifs_.end() && it->second.register_vif) return Unit{};
    if (auto e = record("add_register_vif " + std::to_string(index))) return make_err(*e);
    if (it != vifs_.end())
        return make_err(MrtError{EADDRINUSE, "MRT_ADD_VIF register " + std::to_string(index) +
                                                 " failed: VIF " + std::to_string(index) +
                                                 " is already in use"});
    vifs_[index] = VifInfo{index, 0, true};
    return Unit{};
}

Result<Unit, MrtError> FakeKernelMrt::del_vif(VifIndex index) {
    if (auto e = check_vif_index(index, "MRT_DEL_VIF")) return make_err(*e);
    if (auto e = not_initialised("MRT_DEL_VIF")) return make_err(*e);
    if (auto e = record("del_vif " + std::to_string(index))) return make_err(*e);
    if (vifs_.erase(index) == 0)
        return make_err(
            MrtError{EADDRNOTAVAIL, "MRT_DEL_VIF " + std::to_string(index) + " failed: no such VIF"});
    for (auto& [key, e] : mfcs_) {
        if (e.oifs.erase(index) != 0) calls_.push_back("add_mfc " + describe_mfc(e));
    }
    return Unit{};
}

Result<Unit, MrtError> FakeKernelMrt::add_mfc(const MfcEntry& entry) {
    if (auto e = not_initialised("MRT_ADD_MFC")) return make_err(*e);
    if (auto e = check_mfc_entry(entry, vifs_)) return make_err(*e);
    auto it = mfcs_.find(entry.key());
    if (it != mfcs_.end() && it->second == entry) return Unit{};
    if (auto e = record("add_mfc " + describe_mfc(entry))) return make_err(*e);
    mfcs_[entry.key()] = entry;
    return Unit{};
}

Result<Unit, MrtError> FakeKernelMrt::del_mfc(Ipv4Address source, Ipv4Address group) {
    if (auto e = not_initialised("MRT_DEL_MFC")) return make_err(*e);
    SGKey key{source, group};
    if (auto e = record("del_mfc " + key.to_string())) return make_err(*e);
    if (mfcs_.erase(key) == 0)
        return make_err(MrtError{ENOENT, "MRT_DEL_MFC " + key.to_string() + " failed: no such entry"});
    sg_counters_.erase(key);
    return Unit{};
}

Result<SgCounters, MrtError> FakeKernelMrt::get_sg_counters(Ipv4Address source, Ipv4Address group) {
    SGKey key{source, group};
    std::string what = "SIOCGETSGCNT " + key.to_string();
    if (auto e = not_initialised(what)) return make_err(*e);
    if (mfcs_.count(key) == 0) return make_err(MrtError{EADDRNOTAVAIL, what + " failed: no such entry"});
    auto it = sg_counters_.find(key);
    return it == sg_counters_.end() ? SgCounters{} : it->second;
}

Result<VifCounters, MrtError> FakeKernelMrt::get_vif_counters(VifIndex index) {
    std::string what = "SIOCGETVIFCNT " + std::to_string(index);
    if (auto e = check_vif_index(index, what.c_str())) return make_err(*e);
    if (auto e = not_initialised(what)) return make_err(*e);
    if (vifs_.count(index) == 0) return make_err(MrtError{EADDRNOTAVAIL, what + " failed: no such VIF"});
    auto it = vif_counters_.find(index);
    return it == vif_counters_.end() ? VifCounters{} : it->second;
}

std::vector<Upcall> FakeKernelMrt::read_upcalls(size_t budget) {
    std::vector<Upcall> out;
    while (!pending_.empty() && out.size() < budget) {
        Upcall u = std::move(pending_.front());
        pending_.pop_front();
        counters_.count(u.type);
        out.push_back(std::move(u));
    }
    return out;
}

}  // namespace fanout::sys
