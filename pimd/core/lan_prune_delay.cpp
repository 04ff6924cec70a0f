// LAN Prune Delay macros, RFC 7761 4.3.3 (pseudo-code quoted in lan_prune_delay.hpp).
#include "pimd/core/lan_prune_delay.hpp"

#include "pimd/core/pim_config.hpp"

namespace fanout::pim {

bool lan_delay_enabled(std::span<const NeighborLanPruneDelay> neighbors) {
    for (const auto& n : neighbors)
        if (!n) return false;
    return true;
}

Duration effective_propagation_delay(Duration own_propagation_delay,
                                     std::span<const NeighborLanPruneDelay> neighbors) {
    if (!lan_delay_enabled(neighbors)) return kDefaultPropagationDelay;
    Duration delay = own_propagation_delay;
    for (const auto& n : neighbors) {
        Duration d = std::chrono::milliseconds(n->propagation_delay_ms);
        if (d > delay) delay = d;
    }
    return delay;
}

Duration effective_override_interval(Duration own_override_interval,
                                     std::span<const NeighborLanPruneDelay> neighbors) {
    if (!lan_delay_enabled(neighbors)) return kDefaultOverrideInterval;
    Duration delay = own_override_interval;
    for (const auto& n : neighbors) {
        Duration d = std::chrono::milliseconds(n->override_interval_ms);
        if (d > delay) delay = d;
    }
    return delay;
}

bool suppression_enabled(std::span<const NeighborLanPruneDelay> neighbors) {
    if (!lan_delay_enabled(neighbors)) return true;
    for (const auto& n : neighbors)
        if (!n->tracking_support) return true;
    return false;
}

Duration jp_override_interval(Duration own_propagation_delay, Duration own_override_interval,
                              std::span<const NeighborLanPruneDelay> neighbors) {
    return effective_propagation_delay(own_propagation_delay, neighbors) +
           effective_override_interval(own_override_interval, neighbors);
}

}  // namespace fanout::pim
