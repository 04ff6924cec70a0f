// The kernel VIF table as the core allocates it (shared/LINUX-MROUTE.md): one VIF per interface running PIM
// or having IGMP receivers, plus the PIM register VIF (VIFF_REGISTER) added by the register subsystem.
// Indexes 0..kMaxVifs-1 (Linux MAXVIFS = 32); the lowest free index is used, so an index freed by a removed
// interface is reused. Past 32 the allocation fails with a clear error that the core counts and shows.
//
// The table only allocates and remembers; the core emits the VifAdd / VifDel actions.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "common/core/result.hpp"
#include "pimd/core/pim_actions.hpp"

namespace fanout::pim {

enum class VifError : uint8_t {
    kTableFull,      // all kMaxVifs indexes in use
    kAlreadyExists,  // this ifindex (or the register VIF) already has a VIF
};
std::string_view to_string(VifError e);

class VifTable {
  public:
    // Allocates a VIF for an interface. The returned VifAdd is what to hand to PimActions::vif_add.
    Result<VifAdd, VifError> add_interface(int ifindex, Ipv4Address local_address, const std::string& name);
    // Allocates the register VIF.
    Result<VifAdd, VifError> add_register();
    // Frees the VIF of ifindex; returns the VifDel to emit, or nothing when it had none.
    std::optional<VifDel> remove_interface(int ifindex);
    std::optional<VifDel> remove_register();

    // The VIF index of ifindex, if it has one.
    std::optional<int> vif_of(int ifindex) const;
    std::optional<int> register_vif() const;
    // The VIF at index i (nullptr when free).
    const VifAdd* at(int vif_index) const;
    size_t size() const;
    uint64_t full_errors() const { return full_errors_; }

  private:
    Result<VifAdd, VifError> allocate(VifAdd v);
    std::array<std::optional<VifAdd>, kMaxVifs> slots_;
    uint64_t full_errors_ = 0;
};

}  // namespace fanout::pim
