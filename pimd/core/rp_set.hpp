// Group-to-RP mapping and the SSM range.
//  RFC 7761 4.7.1 "Group-to-RP Mapping": longest match on group range, then the highest priority (lowest
//    value), then the hash function of 4.7.2, then the highest RP address.
//  RFC 7761 4.7.2 "Hash Function": Value(G,M,C(i)) = (1103515245 * ((1103515245 * (G&M) + 12345) XOR C(i))
//    + 12345) mod 2^31, M = hash mask (hash mask length, default 30 here: "a hash mask length of 30 bits
//    [gives] ... four consecutive groups to the same RP", as RFC 5059 recommends for IPv4).
//  RFC 7761 4.8 "Source-Specific Multicast": groups in the SSM range (232.0.0.0/8 by default, configurable)
//    have no RP: rp_for() answers nothing for them.
// (The RFC text was not available in the local corpus; these sections are quoted from the RFC as known.)
//
// Where the mappings come from, in order of precedence (a tier is used only when none above it matches G):
//   1. static entries marked `override` ("per-group override": they win over dynamically learned ones),
//   2. dynamic entries (learned by BSR, RFC 5059, later; each with its priority and the BSR's hash mask),
//   3. static entries without override (a fallback when nothing was learned for the group).
// Static entries have priority 0. 224.0.0.0/24 (link-local) and non-multicast addresses have no RP.
//
// Reconfiguration: keep a copy of the old set and ask the new one which of your groups changed RP:
//   RpSet before = rp_set; rp_set.set_config(cfg); auto changed = rp_set.changes_since(before, groups);
// RP reachability is not decided here: the TIB tracks each RP address in RpfTracker.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "common/core/ip.hpp"

namespace fanout::pim {

inline constexpr uint8_t kDefaultHashMaskLen = 30;

enum class RpOrigin : uint8_t { kStaticOverride, kDynamic, kStatic };
std::string_view to_string(RpOrigin o);

struct StaticRp {
    Ipv4Address rp;
    std::vector<Ipv4Prefix> groups{addr::kMulticast};  // default: every group (224.0.0.0/4)
    bool override_dynamic = false;
    bool operator==(const StaticRp&) const = default;
};

// One RP-set entry learned dynamically (BSR): lower priority value is preferred (RFC 5059 / 7761 4.7.1).
struct DynamicRp {
    Ipv4Address rp;
    Ipv4Prefix group_range;
    uint8_t priority = 192;
    bool operator==(const DynamicRp&) const = default;
};

struct RpSetConfig {
    std::vector<StaticRp> static_rps;
    std::vector<Ipv4Prefix> ssm_ranges{addr::kDefaultSsm};
    uint8_t hash_mask_len = kDefaultHashMaskLen;  // used for static entries
    bool operator==(const RpSetConfig&) const = default;
};

// The mapping chosen for a group.
struct RpMapping {
    Ipv4Address rp;
    Ipv4Prefix group_range;
    RpOrigin origin = RpOrigin::kStatic;
    uint8_t priority = 0;
    bool operator==(const RpMapping&) const = default;
};

// A group whose answer differs between two RP sets (nullopt: no RP, e.g. SSM or unmapped).
struct RpChange {
    Ipv4Address group;
    std::optional<Ipv4Address> old_rp;
    std::optional<Ipv4Address> new_rp;
    bool operator==(const RpChange&) const = default;
};

// RFC 7761 4.7.2 hash mask for a mask length (0..32).
constexpr uint32_t rp_hash_mask(uint8_t len) {
    return Ipv4Prefix::mask_for(len);
}
// RFC 7761 4.7.2 Value(G, M, C): 31-bit result.
uint32_t rp_hash_value(Ipv4Address group, uint32_t mask, Ipv4Address rp);

class RpSet {
  public:
    explicit RpSet(RpSetConfig cfg = {});

    void set_config(RpSetConfig cfg);
    // Replaces the dynamic (BSR) RP set; hash_mask_len is the one the BSR announced.
    void set_dynamic(std::vector<DynamicRp> rps, uint8_t hash_mask_len = kDefaultHashMaskLen);

    bool is_ssm(Ipv4Address group) const;
    std::optional<RpMapping> mapping_for(Ipv4Address group) const;
    std::optional<Ipv4Address> rp_for(Ipv4Address group) const;

    // The groups (of `groups`) whose RP differs between `before` and this set.
    std::vector<RpChange> changes_since(const RpSet& before, std::span<const Ipv4Address> groups) const;

    const RpSetConfig& config() const { return cfg_; }
    const std::vector<DynamicRp>& dynamic_rps() const { return dynamic_; }
    uint8_t dynamic_hash_mask_len() const { return dynamic_mask_len_; }

  private:
    std::optional<RpMapping> best_in_tier(Ipv4Address group, RpOrigin tier) const;

    RpSetConfig cfg_;
    std::vector<DynamicRp> dynamic_;
    uint8_t dynamic_mask_len_ = kDefaultHashMaskLen;
    // The last group asked for and its mapping: a new (S,G) asks for RP(G) many times while it is evaluated.
    // Forgotten when either set changes; a copy of the set may keep it (the copy has the same sets).
    mutable std::optional<Ipv4Address> memo_group_;
    mutable std::optional<RpMapping> memo_mapping_;
};

}  // namespace fanout::pim
