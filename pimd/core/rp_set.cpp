// RFC 7761 4.7.1 (group-to-RP mapping), 4.7.2 (hash function), 4.8 (SSM range). See rp_set.hpp.
#include "pimd/core/rp_set.hpp"

namespace fanout::pim {

std::string_view to_string(RpOrigin o) {
    switch (o) {
        case RpOrigin::kStaticOverride:
            return "static-override";
        case RpOrigin::kDynamic:
            return "dynamic";
        case RpOrigin::kStatic:
            return "static";
    }
    return "unknown";
}

uint32_t rp_hash_value(Ipv4Address group, uint32_t mask, Ipv4Address rp) {
    // Arithmetic modulo 2^32 then reduced modulo 2^31 equals the exact computation modulo 2^31: bits at 2^31
    // and above never influence the lower 31 bits of a product or a sum, and XOR is bitwise.
    constexpr uint32_t a = 1103515245u;
    constexpr uint32_t c = 12345u;
    uint32_t inner = a * (group.value() & mask) + c;
    uint32_t value = a * (inner ^ rp.value()) + c;
    return value & 0x7fffffffu;
}

RpSet::RpSet(RpSetConfig cfg) : cfg_(std::move(cfg)) {}

void RpSet::set_config(RpSetConfig cfg) {
    cfg_ = std::move(cfg);
    memo_group_.reset();
}

void RpSet::set_dynamic(std::vector<DynamicRp> rps, uint8_t hash_mask_len) {
    dynamic_ = std::move(rps);
    dynamic_mask_len_ = hash_mask_len;
    memo_group_.reset();
}

bool RpSet::is_ssm(Ipv4Address group) const {
    if (!group.is_multicast()) return false;
    for (const auto& p : cfg_.ssm_ranges)
        if (p.contains(group)) return true;
    return false;
}

namespace {

struct Best {
    std::optional<RpMapping> m;
    uint32_t hash = 0;
    // 4.7.1: longest match, then lowest priority value, then highest hash, then highest RP address.
    void offer(const RpMapping& cand, uint32_t cand_hash) {
        if (m) {
            if (cand.group_range.length() != m->group_range.length()) {
                if (cand.group_range.length() < m->group_range.length()) return;
            } else if (cand.priority != m->priority) {
                if (cand.priority > m->priority) return;
            } else if (cand_hash != hash) {
                if (cand_hash < hash) return;
            } else if (cand.rp <= m->rp) {
                return;
            }
        }
        m = cand;
        hash = cand_hash;
    }
};

}  // namespace

std::optional<RpMapping> RpSet::best_in_tier(Ipv4Address group, RpOrigin tier) const {
    Best best;
    switch (tier) {
        case RpOrigin::kStaticOverride:
        case RpOrigin::kStatic: {
            bool want_override = tier == RpOrigin::kStaticOverride;
            uint32_t mask = rp_hash_mask(cfg_.hash_mask_len);
            for (const auto& s : cfg_.static_rps) {
                if (s.override_dynamic != want_override) continue;
                for (const auto& range : s.groups)
                    if (range.contains(group))
                        best.offer(RpMapping{s.rp, range, tier, 0}, rp_hash_value(group, mask, s.rp));
            }
            break;
        }
        case RpOrigin::kDynamic: {
            uint32_t mask = rp_hash_mask(dynamic_mask_len_);
            for (const auto& d : dynamic_)
                if (d.group_range.contains(group))
                    best.offer(RpMapping{d.rp, d.group_range, tier, d.priority},
                               rp_hash_value(group, mask, d.rp));
            break;
        }
    }
    return best.m;
}

std::optional<RpMapping> RpSet::mapping_for(Ipv4Address group) const {
    if (memo_group_ == group) return memo_mapping_;
    std::optional<RpMapping> found;
    if (group.is_multicast() && !group.is_link_local_multicast() && !is_ssm(group))
        for (auto tier : {RpOrigin::kStaticOverride, RpOrigin::kDynamic, RpOrigin::kStatic})
            if ((found = best_in_tier(group, tier))) break;
    memo_group_ = group;
    memo_mapping_ = found;
    return found;
}

std::optional<Ipv4Address> RpSet::rp_for(Ipv4Address group) const {
    auto m = mapping_for(group);
    if (!m) return std::nullopt;
    return m->rp;
}

std::vector<RpChange> RpSet::changes_since(const RpSet& before, std::span<const Ipv4Address> groups) const {
    std::vector<RpChange> out;
    for (auto g : groups) {
        auto old_rp = before.rp_for(g);
        auto new_rp = rp_for(g);
        if (old_rp != new_rp) out.push_back(RpChange{g, old_rp, new_rp});
    }
    return out;
}

}  // namespace fanout::pim
