// RFC 3376 3.2 (merging) and 6.4 (set notation). See source_set.hpp.
#include "igmpd/core/source_set.hpp"

#include <algorithm>
#include <iterator>

namespace fanout::igmp {

const char* to_string(FilterMode m) {
    switch (m) {
        case FilterMode::kInclude:
            return "INCLUDE";
        case FilterMode::kExclude:
            return "EXCLUDE";
    }
    return "?";
}

SourceSet make_source_set(std::vector<Ipv4Address> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
}

bool set_contains(const SourceSet& a, Ipv4Address s) {
    return std::binary_search(a.begin(), a.end(), s);
}

SourceSet set_union(const SourceSet& a, const SourceSet& b) {
    SourceSet out;
    out.reserve(a.size() + b.size());
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

SourceSet set_intersection(const SourceSet& a, const SourceSet& b) {
    SourceSet out;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

SourceSet set_difference(const SourceSet& a, const SourceSet& b) {
    SourceSet out;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

std::string to_string(const SourceSet& s) {
    std::string out = "{";
    for (size_t i = 0; i < s.size(); ++i) {
        if (i) out += ",";
        out += s[i].to_string();
    }
    return out + "}";
}

FilterState merge_filter_states(std::span<const FilterState> states) {
    bool any_exclude = false;
    SourceSet exclude_common;  // intersection of EXCLUDE lists
    SourceSet include_all;     // union of INCLUDE lists
    for (const auto& st : states) {
        if (st.mode == FilterMode::kExclude) {
            exclude_common = any_exclude ? set_intersection(exclude_common, st.sources) : st.sources;
            any_exclude = true;
        } else {
            include_all = set_union(include_all, st.sources);
        }
    }
    if (any_exclude) return FilterState{FilterMode::kExclude, set_difference(exclude_common, include_all)};
    return FilterState{FilterMode::kInclude, std::move(include_all)};
}

FilterState merge_filter_states(const FilterState& a, const FilterState& b) {
    const FilterState both[] = {a, b};
    return merge_filter_states(both);
}

}  // namespace fanout::igmp
