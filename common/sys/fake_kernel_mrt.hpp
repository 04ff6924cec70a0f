// FakeKernelMrt: a recording KernelMrt for tests and conformance runs. Every call is recorded in order as one
// line of text ("add_vif 0 ifindex 3", "add_mfc (198.18.0.2,239.1.1.1) iif 0 oifs 1:1,2:1"...); it enforces
// the same rules as LinuxKernelMrt (32 VIFs, iif/oif VIFs must exist, del_vif clears and re-programs oifs,
// in-place MFC update, skip of identical re-adds) and lets a test inject upcalls, counters and failures.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "common/sys/kernel_mrt.hpp"

namespace fanout::sys {

// "(S,G) iif N oifs a:t,b:t" (oifs "-" when empty).
std::string describe_mfc(const MfcEntry& e);

class FakeKernelMrt final : public KernelMrt {
  public:
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

    int upcall_fd() const override { return -1; }
    std::vector<Upcall> read_upcalls(size_t budget = 256) override;
    const UpcallCounters& upcall_counters() const override { return counters_; }

    // ---- test controls
    const std::vector<std::string>& calls() const { return calls_; }
    // Returns the calls recorded so far and forgets them.
    std::vector<std::string> take_calls();
    void inject_upcall(Upcall u) { pending_.push_back(std::move(u)); }
    size_t pending_upcalls() const { return pending_.size(); }
    // Counters returned for an installed (S,G) / existing VIF (zero until set).
    void set_sg_counters(Ipv4Address source, Ipv4Address group, SgCounters c) {
        sg_counters_[{source, group}] = c;
    }
    void set_vif_counters(VifIndex index, VifCounters c) { vif_counters_[index] = c; }
    // The next call whose recorded line starts with op ("add_mfc", "add_vif", "init"...) fails with error
    // (it is still recorded, with " -> error" appended) and changes nothing.
    void fail_next(std::string op, MrtError error) { failures_.push_back({std::move(op), std::move(error)}); }
    bool initialised() const { return initialised_; }
    PimMode pim_mode() const { return pim_; }
    bool assert_on() const { return assert_; }
    uint32_t table() const { return options_.table; }

  private:
    // Records line; returns the injected failure for it, if any.
    std::optional<MrtError> record(std::string line);
    std::optional<MrtError> not_initialised(const std::string& what) const;

    bool initialised_ = false;
    MrtOptions options_;
    PimMode pim_ = PimMode::kOff;
    bool assert_ = false;
    std::map<VifIndex, VifInfo> vifs_;
    std::map<SGKey, MfcEntry> mfcs_;
    std::map<SGKey, SgCounters> sg_counters_;
    std::map<VifIndex, VifCounters> vif_counters_;
    std::deque<Upcall> pending_;
    UpcallCounters counters_;
    std::vector<std::string> calls_;
    std::vector<std::pair<std::string, MrtError>> failures_;
};

}  // namespace fanout::sys
