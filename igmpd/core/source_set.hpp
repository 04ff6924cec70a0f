// Source sets and filter modes, in the notation of RFC 3376 section 6.4 ("A+B" union, "A*B" intersection,
// "A-B" difference), and the merge of several (filter mode, source list) pairs into one: RFC 3376 3.2
// (interface state from socket states), used by RFC 4605 4.1 to build the proxy's membership database from
// the downstream interfaces and here to merge static configuration into learned state.
//
// A SourceSet is a sorted vector without duplicates (cheap to copy, compare and diff; sets of a group are
// small, bounded by max_sources_per_group).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/core/ip.hpp"

namespace fanout::igmp {

enum class FilterMode : uint8_t { kInclude, kExclude };
const char* to_string(FilterMode m);  // "INCLUDE" | "EXCLUDE"

using SourceSet = std::vector<Ipv4Address>;

// Sorts and removes duplicates.
SourceSet make_source_set(std::vector<Ipv4Address> v);
bool set_contains(const SourceSet& a, Ipv4Address s);
SourceSet set_union(const SourceSet& a, const SourceSet& b);         // A+B
SourceSet set_intersection(const SourceSet& a, const SourceSet& b);  // A*B
SourceSet set_difference(const SourceSet& a, const SourceSet& b);    // A-B
std::string to_string(const SourceSet& s);                           // "{10.0.0.1,10.0.0.2}"

// A (filter mode, source list) pair: INCLUDE {} means "not interested".
struct FilterState {
    FilterMode mode = FilterMode::kInclude;
    SourceSet sources;
    bool empty() const { return mode == FilterMode::kInclude && sources.empty(); }
    // Whether traffic from source s is wanted (RFC 3376 6.3 read on the exported state).
    bool wants(Ipv4Address s) const {
        return mode == FilterMode::kInclude ? set_contains(sources, s) : !set_contains(sources, s);
    }
    bool operator==(const FilterState&) const = default;
};

// RFC 3376 3.2: "if any of the socket records has a filter mode of EXCLUDE, then the interface record's
// filter mode is EXCLUDE, and the interface record's source list is the intersection of the source lists of
// all socket records in EXCLUDE mode, minus those source addresses that appear in any socket record in
// INCLUDE mode"; otherwise INCLUDE with "the union of the source lists of all the socket records".
FilterState merge_filter_states(std::span<const FilterState> states);
FilterState merge_filter_states(const FilterState& a, const FilterState& b);

}  // namespace fanout::igmp
