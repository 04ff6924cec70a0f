// Local membership as PIM-SM sees it, RFC 7761 4.1.2 ("Local Membership ... the result of the local
// membership mechanism (such as IGMP or MLD) running on that interface") and the 4.1.6 inputs
// local_receiver_include(*,G,I), local_receiver_include(S,G,I) and local_receiver_exclude(S,G,I).
//
// igmpd reports one full record per (interface, group): the RFC 3376 filter mode and source list (IGMPv1/v2
// joins and IGMPv3 EXCLUDE({}) are EXCLUDE with no sources; a leave is INCLUDE({})). RFC 7761 4.1.6:
//   local_receiver_include(*,G,I): "local members on interface I desire to receive all traffic sent to G
//       (possibly excluding traffic from a specific set of sources)" -> mode EXCLUDE.
//   local_receiver_include(S,G,I): "local members on interface I desire to receive traffic sent
//       specifically by S to G" -> mode INCLUDE and S listed.
//   local_receiver_exclude(S,G,I): "local_receiver_include(*,G,I) is true but none of the local members
//       desire to receive traffic from S" -> mode EXCLUDE and S listed.
// For SSM groups (4.8) only the INCLUDE form has a meaning (no (*,G) state exists for them); the TIB decides.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "common/core/clock.hpp"
#include "common/core/ip.hpp"
#include "pimd/core/if_set.hpp"
#include "pimd/core/last_lookup.hpp"

namespace fanout::pim {

enum class FilterMode : uint8_t { kInclude, kExclude };
std::string_view to_string(FilterMode m);

// Input from igmpd: the complete current record of (ifindex, group). INCLUDE with no sources removes it.
struct MembershipChanged {
    int ifindex = 0;
    Ipv4Address group;
    FilterMode mode = FilterMode::kInclude;
    std::vector<Ipv4Address> sources;
};

struct MembershipRecord {
    FilterMode mode = FilterMode::kInclude;
    std::set<Ipv4Address> sources;
    TimePoint since;
    bool operator==(const MembershipRecord& o) const { return mode == o.mode && sources == o.sources; }
};

class LocalMembership {
  public:
    // Applies a record; returns the previous record (nullopt when there was none) when anything changed,
    // and sets `changed`.
    std::optional<MembershipRecord> apply(const MembershipChanged& ev, TimePoint now, bool& changed);
    // Drops every record of an interface; returns the groups that had one.
    std::vector<Ipv4Address> remove_interface(int ifindex);

    const MembershipRecord* find(int ifindex, Ipv4Address group) const;
    // Interfaces with a record for group, ascending.
    IfSet interfaces_of(Ipv4Address group) const;
    // Sources listed in an INCLUDE record of group on any interface.
    std::set<Ipv4Address> included_sources(Ipv4Address group) const {
        return sources_in(group, FilterMode::kInclude);
    }
    // Sources listed in an EXCLUDE record of group on any interface.
    std::set<Ipv4Address> excluded_sources(Ipv4Address group) const {
        return sources_in(group, FilterMode::kExclude);
    }
    std::vector<Ipv4Address> groups() const;

    bool receiver_include(Ipv4Address group, int ifindex) const;                      // (*,G,I)
    bool receiver_include(Ipv4Address source, Ipv4Address group, int ifindex) const;  // (S,G,I)
    bool receiver_exclude(Ipv4Address source, Ipv4Address group, int ifindex) const;  // (S,G,I)

    const std::map<Ipv4Address, std::map<int, MembershipRecord>>& all() const { return by_group_; }
    size_t size() const;

  private:
    using Records = std::map<int, MembershipRecord>;
    std::set<Ipv4Address> sources_in(Ipv4Address group, FilterMode mode) const;
    // The records of group (nullptr: none); the macros ask about one group many times in a row.
    const Records* records_of(Ipv4Address group) const;

    std::map<Ipv4Address, Records> by_group_;
    mutable LastLookup<Ipv4Address, const Records>
        last_group_;  // forgotten on every change (last_lookup.hpp)
};

}  // namespace fanout::pim
