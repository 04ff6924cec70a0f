// Router-side state of one multicast group on one interface: RFC 3376 6.2 (filter mode, group timer, source
// records), 6.3 (forwarding), 6.4.1 / 6.4.2 (the record tables, every row), 6.5 (timer expiry, switching
// filter modes), 6.6.1 (timer updates on queries), 6.6.3.1 / 6.6.3.2 (building and retransmitting
// group-specific and group-and-source-specific queries) and 7.3 (per-group Older Version Host Present timers
// and the compatibility translations of 7.3.2). Transition tables: group_state.cpp.
//
// The state is a std::variant: Include{sources} or Exclude{group timer, sources}; each source record owns its
// timer. In EXCLUDE (X,Y), X are the sources whose timer runs and Y those whose timer is not armed ("timer =
// 0"). A transition assigns the variant, so the old mode's timers die with it (ARCHITECTURE.md).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>

#include "common/core/clock.hpp"
#include "common/core/ip.hpp"
#include "common/packet/igmp_report.hpp"
#include "igmpd/core/igmp_config.hpp"
#include "igmpd/core/source_set.hpp"

namespace fanout::igmp {

class GroupState;

// Group compatibility mode (RFC 3376 7.3.1).
enum class CompatMode : uint8_t { kV1 = 1, kV2 = 2, kV3 = 3 };

// What a group needs from the interface that holds it.
class GroupHost {
  public:
    virtual ~GroupHost() = default;
    virtual TimerService& timers() = 0;
    virtual EffectiveTimers effective_timers() const = 0;
    // Only the querier acts on "Send Q(...)" (6.6.3.2: "encountered by a querier"); a non-querier lowers
    // its timers when it hears the querier's own queries (6.6.1).
    virtual bool is_querier() const = 0;
    virtual bool immediate_leave() const = 0;
    // Send one group-specific (sources empty) or group-and-source-specific query for g.
    virtual void send_specific_query(const GroupState& g, bool suppress, const SourceSet& sources) = 0;
    // The exported state (filter_state()) may have changed.
    virtual void group_changed(GroupState& g) = 0;
    // The group's state is INCLUDE {} and nothing is pending: the host deletes it. Called last; the group
    // must not be touched afterwards.
    virtual void group_empty(GroupState& g) = 0;
    // One row of 6.4.1 / 6.4.2 was applied (counted and logged by the host).
    virtual void row_applied(const GroupState& g, FilterMode before, packet::IgmpRecordType type,
                             const SourceSet& sources) = 0;
};

struct SourceRecord {
    TimerHandle timer;             // armed: forwarded (A, or X in EXCLUDE); not armed in EXCLUDE: Y
    uint32_t retransmissions = 0;  // 6.6.3.2: pending group-and-source-specific query retransmissions
};
using SourceMap = std::map<Ipv4Address, SourceRecord>;

class GroupState {
  public:
    GroupState(GroupHost& host, Ipv4Address group, TimePoint created);
    GroupState(const GroupState&) = delete;
    GroupState& operator=(const GroupState&) = delete;

    // Applies one record as RFC 3376 6.4.1 / 6.4.2 say, in the router's current state. The caller has
    // already applied the compatibility translations (translate_for_compat) and the source limit.
    void apply(packet::IgmpRecordType type, const SourceSet& sources);
    // 7.3.1: an IGMPv1 / IGMPv2 report (re)starts the matching Older Version Host Present timer.
    void older_host_present(CompatMode version);
    // 6.6.1: a group-specific query with the S flag clear was received: lower the group timer to lmqt.
    void lower_group_timer(Duration lmqt);
    // 6.6.1: a group-and-source-specific query with the S flag clear: lower the timers of those sources.
    void lower_source_timers(const SourceSet& sources, Duration lmqt);

    Ipv4Address group() const { return group_; }
    FilterMode mode() const;
    // The state as exported: INCLUDE (A) -> INCLUDE A; EXCLUDE (X,Y) -> EXCLUDE Y.
    FilterState filter_state() const;
    const SourceMap& sources() const;
    // Group timer remaining (zero in INCLUDE mode).
    Duration group_timer_remaining() const;
    CompatMode compat_mode() const;
    Duration v1_host_timer_remaining() const { return v1_host_.remaining(); }
    Duration v2_host_timer_remaining() const { return v2_host_.remaining(); }
    uint32_t group_query_retransmissions() const { return group_retransmissions_; }
    TimePoint created() const { return created_; }
    Ipv4Address last_reporter() const { return last_reporter_; }
    void set_last_reporter(Ipv4Address a) { last_reporter_ = a; }
    // 6.3: is traffic from s forwarded?
    bool forwards(Ipv4Address s) const;
    // INCLUDE {} with no query pending: nothing left to keep.
    bool is_empty() const;

  private:
    struct Include {
        SourceMap sources;  // A
    };
    struct Exclude {
        TimerHandle group_timer;
        SourceMap sources;  // X (timer armed) and Y (not armed)
    };

    void apply_include(packet::IgmpRecordType type, const SourceSet& b);
    void apply_exclude(packet::IgmpRecordType type, const SourceSet& a);
    void to_exclude(const SourceSet& b, bool send_query);
    void arm_source(SourceRecord& r, Ipv4Address s, Duration after);
    void arm_source_at(SourceRecord& r, Ipv4Address s, TimePoint deadline);
    void arm_group_timer(Exclude& ex, Duration after);
    void send_q_group();
    void send_q_group_sources(const SourceSet& x);
    void transmit_pending_queries();
    void on_source_timer(Ipv4Address s);
    void on_group_timer();
    void on_retransmit_timer();
    void expire_group();  // 6.5 group timer expiry, without finish()
    void finish();        // report the change, or ask the host to delete an empty group (last call)
    SourceMap& source_map();
    SourceSet set_x() const;  // forwarded sources (A in INCLUDE, X in EXCLUDE)
    SourceSet set_y() const;  // EXCLUDE only: blocked sources

    GroupHost& host_;
    Ipv4Address group_;
    TimePoint created_;
    Ipv4Address last_reporter_;
    std::variant<Include, Exclude> state_;
    TimerHandle v1_host_;                 // 7.3.1 IGMPv1 Host Present
    TimerHandle v2_host_;                 // 7.3.1 IGMPv2 Host Present
    uint32_t group_retransmissions_ = 0;  // 6.6.3.1
    TimerHandle retransmit_;              // next specific-query retransmission (every LMQI)
    bool queries_pending_ = false;        // a row asked for queries: transmit once the row is done
    bool expire_now_ = false;             // immediate leave: a row asked for Q(G)
};

// RFC 3376 7.3.2: what a v3 record becomes in an older group compatibility mode. Returns false when the
// record is ignored (BLOCK in v1/v2 mode); TO_EX source lists are emptied.
bool translate_for_compat(CompatMode mode, packet::IgmpRecordType type, SourceSet& sources);

}  // namespace fanout::igmp
