// Per-type acceptance policy for received PIM messages (RFC 7761 4.9.x; see pim_dispatch.hpp).
#include "pimd/core/pim_dispatch.hpp"

namespace fanout::pim {

MessagePolicy policy_for(packet::PimType t) {
    using packet::PimType;
    switch (t) {
        case PimType::kHello:
            return {.link_scoped = true, .all_pim_routers = true, .from_neighbor = false};
        case PimType::kJoinPrune:
        case PimType::kAssert:
        case PimType::kStateRefresh:
            return {.link_scoped = true, .all_pim_routers = true, .from_neighbor = true};
        case PimType::kGraft:
        case PimType::kGraftAck:
            return {.link_scoped = true, .all_pim_routers = false, .from_neighbor = true};
        case PimType::kBootstrap:
            return {.link_scoped = true, .all_pim_routers = false, .from_neighbor = false};
        case PimType::kRegister:
        case PimType::kRegisterStop:
        case PimType::kCandidateRpAdvertisement:
            return {.link_scoped = false, .all_pim_routers = false, .from_neighbor = false};
    }
    // A raw type value outside the enum: never dispatched (the core drops it as unsupported first).
    return {};
}

}  // namespace fanout::pim
