// The host side of an IGMP proxy on its upstream interface: RFC 4605 4.1 (the proxy "performs the host
// portion of IGMP on the upstream interface" with the merged membership database of its downstream
// interfaces), RFC 3376 5.1 (state-change reports and their retransmission), 5.2 (delayed responses to
// queries), 7.2.1 (host compatibility mode: Older Version Querier Present timers), RFC 2236 3 (v2 host:
// reports, leaves). Randomness (response delays, retransmission spacing) comes from the injected Random.
//
// Per group, pending work is state that owns its timers:
//   - state-change retransmissions (5.1): a filter-mode retransmission count (TO_IN/TO_EX records while > 0),
//     else per-source ALLOW / BLOCK counts; each sent report decrements them; the next one goes out at a
//     random point of (0, Unsolicited Report Interval]. In v1/v2 mode a join is reported Robustness times.
//   - a pending query response (5.2 rules 3-5): group-wide or for a recorded source list.
// Simplifications (documented): no report suppression in v1/v2 mode (a proxy answering a report someone else
// sent costs one packet); the v1/v2 unsolicited interval is RFC 2236's 10 s.
#pragma once

#include <cstdint>
#include <functional>
#include <map>

#include "common/core/clock.hpp"
#include "common/core/random.hpp"
#include "common/packet/igmp.hpp"
#include "igmpd/core/igmp_config.hpp"
#include "igmpd/core/source_set.hpp"

namespace fanout::igmp {

class ProxyHost {
  public:
    // Sends one IGMP message out of the active upstream (the core fills ifindex and source address).
    using Sender = std::function<void(Ipv4Address dst, const packet::IgmpMessage&)>;

    ProxyHost(TimerService& timers, Random& rng, Sender send)
        : timers_(timers), rng_(rng), send_(std::move(send)) {}
    ProxyHost(const ProxyHost&) = delete;
    ProxyHost& operator=(const ProxyHost&) = delete;

    // The upstream interface's settings (robustness, query interval, response interval, version cap, MTU).
    void configure(const IgmpInterfaceConfig& upstream, uint32_t mtu);
    // The active upstream changed (or went away: active false). A new upstream gets the whole database as
    // state changes from nothing.
    void set_active(bool active);
    // The merged membership of the group changed (INCLUDE {} = no longer wanted).
    void set_membership(Ipv4Address group, const FilterState& merged);
    // A query received on the active upstream.
    void query_received(const packet::IgmpMessage& query);

    bool active() const { return active_; }
    const std::map<Ipv4Address, FilterState>& database() const { return database_; }
    // Host compatibility mode on the upstream (7.2.1): 1, 2 or 3.
    uint8_t compat_version() const;
    Duration older_querier_remaining(uint8_t version) const;
    Duration general_response_remaining() const { return general_response_.remaining(); }

  private:
    struct Pending {
        uint32_t mode_retransmissions = 0;      // 5.1 filter-mode-change record
        std::map<Ipv4Address, uint32_t> allow;  // 5.1 source-list-change records
        std::map<Ipv4Address, uint32_t> block;
        uint32_t join_retransmissions = 0;  // v1/v2 unsolicited reports
        TimerHandle retransmit;
        TimerHandle query_response;  // 5.2
        bool query_group_wide = false;
        SourceSet query_sources;
        bool idle() const {
            return mode_retransmissions == 0 && allow.empty() && block.empty() && join_retransmissions == 0 &&
                   !query_response.armed();
        }
    };

    void state_change(Ipv4Address group, const FilterState& before, const FilterState& after);
    void send_state_change(Ipv4Address group);
    void schedule_retransmission(Ipv4Address group, Pending& p);
    void on_retransmit(Ipv4Address group);
    void schedule_group_response(Ipv4Address group, Duration delay, const SourceSet& sources);
    void on_group_response(Ipv4Address group);
    void on_general_response();
    void send_v3(std::vector<packet::IgmpGroupRecord> records);
    void send_v1v2_report(Ipv4Address group);
    void forget_if_idle(Ipv4Address group);
    Duration unsolicited_interval() const;
    Duration older_querier_timeout() const;

    TimerService& timers_;
    Random& rng_;
    Sender send_;
    IgmpInterfaceConfig config_;
    uint32_t mtu_ = 1500;
    bool active_ = false;
    std::map<Ipv4Address, FilterState> database_;
    std::map<Ipv4Address, Pending> pending_;
    TimerHandle general_response_;
    TimerHandle v1_querier_present_;
    TimerHandle v2_querier_present_;
};

}  // namespace fanout::igmp
