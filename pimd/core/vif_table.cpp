// VIF index allocation (see vif_table.hpp).
#include "pimd/core/vif_table.hpp"

namespace fanout::pim {

std::string_view to_string(VifError e) {
    switch (e) {
        case VifError::kTableFull:
            return "vif-table-full";
        case VifError::kAlreadyExists:
            return "vif-exists";
    }
    return "unknown";
}

Result<VifAdd, VifError> VifTable::allocate(VifAdd v) {
    for (int i = 0; i < kMaxVifs; ++i) {
        auto& slot = slots_[static_cast<size_t>(i)];
        if (!slot) {
            v.vif_index = i;
            slot = v;
            return v;
        }
    }
    ++full_errors_;
    return make_err(VifError::kTableFull);
}

Result<VifAdd, VifError> VifTable::add_interface(int ifindex, Ipv4Address local_address,
                                                 const std::string& name) {
    if (vif_of(ifindex)) return make_err(VifError::kAlreadyExists);
    VifAdd v;
    v.kind = VifKind::kInterface;
    v.ifindex = ifindex;
    v.local_address = local_address;
    v.name = name;
    return allocate(std::move(v));
}

Result<VifAdd, VifError> VifTable::add_register() {
    if (register_vif()) return make_err(VifError::kAlreadyExists);
    VifAdd v;
    v.kind = VifKind::kRegister;
    v.name = "pimreg";
    return allocate(std::move(v));
}

std::optional<VifDel> VifTable::remove_interface(int ifindex) {
    for (auto& slot : slots_) {
        if (slot && slot->kind == VifKind::kInterface && slot->ifindex == ifindex) {
            VifDel d{slot->vif_index, ifindex};
            slot.reset();
            return d;
        }
    }
    return std::nullopt;
}

std::optional<VifDel> VifTable::remove_register() {
    for (auto& slot : slots_) {
        if (slot && slot->kind == VifKind::kRegister) {
            VifDel d{slot->vif_index, 0};
            slot.reset();
            return d;
        }
    }
    return std::nullopt;
}

std::optional<int> VifTable::vif_of(int ifindex) const {
    for (const auto& slot : slots_)
        if (slot && slot->kind == VifKind::kInterface && slot->ifindex == ifindex) return slot->vif_index;
    return std::nullopt;
}

std::optional<int> VifTable::register_vif() const {
    for (const auto& slot : slots_)
        if (slot && slot->kind == VifKind::kRegister) return slot->vif_index;
    return std::nullopt;
}

const VifAdd* VifTable::at(int vif_index) const {
    if (vif_index < 0 || vif_index >= kMaxVifs) return nullptr;
    const auto& slot = slots_[static_cast<size_t>(vif_index)];
    return slot ? &*slot : nullptr;
}

size_t VifTable::size() const {
    size_t n = 0;
    for (const auto& slot : slots_)
        if (slot) ++n;
    return n;
}

}  // namespace fanout::pim
