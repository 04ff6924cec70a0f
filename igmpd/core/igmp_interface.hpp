// The IGMP router side of one interface: RFC 3376 section 6 (router behaviour), 7.2 / 7.3 (older versions),
// 9.2 (report checks); RFC 2236 (v2 routers: leaves, group-specific queries); RFC 4604 2.2.1 (SSM range:
// only INCLUDE-mode requests). It owns the querier election (querier.hpp) and the groups (group_state.hpp),
// applies the receive checks, SSM filter and limits, and exports each group's membership (merged with the
// static configuration) when it changes.
//
// Receive path of a message that reached the router side, in order (each failure one counted drop reason):
//   interface running -> report source on a local subnet or 0.0.0.0 (reports) -> v3 report has Router Alert
//   -> v3 report while the router runs v1/v2 -> per group: link-local group -> SSM range accepts only
//   INCLUDE-mode requests -> v2 leave in v1 mode -> group limit -> compatibility (7.3.2) -> source limit.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/core/clock.hpp"
#include "igmpd/core/group_state.hpp"
#include "igmpd/core/igmp_actions.hpp"
#include "igmpd/core/igmp_config.hpp"
#include "igmpd/core/igmp_counters.hpp"
#include "igmpd/core/igmp_events.hpp"
#include "igmpd/core/querier.hpp"

namespace fanout::igmp {

class IgmpInterface;

// What the interfaces share with the core.
struct IgmpContext {
    TimerService& timers;
    IgmpActions& actions;
    IgmpCounters& counters;
    const IgmpConfig* config = nullptr;
    // Called after the exported membership of (interface, group) changed and was sent to actions.
    std::function<void(IgmpInterface&, Ipv4Address)> membership_changed;
    // Called when the interface became or stopped being the querier.
    std::function<void(IgmpInterface&)> querier_changed;
};

// Logs a warning at most once per window (a burst of drops logs once).
class BurstLog {
  public:
    bool should_log(TimePoint now);

  private:
    bool ever_ = false;
    TimePoint last_{};
};

class IgmpInterface final : public GroupHost, public QuerierHost {
  public:
    IgmpInterface(IgmpContext& ctx, int ifindex, std::string name, IgmpInterfaceConfig config);
    ~IgmpInterface() override;
    IgmpInterface(const IgmpInterface&) = delete;
    IgmpInterface& operator=(const IgmpInterface&) = delete;

    // Link state (up, addresses) and configuration changes; start or stop the router side as needed.
    void set_link(const InterfaceChanged& link);
    void set_config(const IgmpInterfaceConfig& config);
    // Stops the router side: every exported membership is withdrawn.
    void stop();

    // `clear ip igmp group`: drops the dynamic state of group (all when unset), exports the change and, when
    // querier, sends a General Query so live receivers re-report. Returns the number of groups dropped.
    size_t clear_groups(std::optional<Ipv4Address> group);
    // A message for the router side (the core has done the interface lookup and own-address check).
    void receive(const RxIgmp& rx);

    int ifindex() const { return ifindex_; }
    const std::string& name() const { return name_; }
    const IgmpInterfaceConfig& config() const { return config_; }
    const InterfaceChanged& link() const { return link_; }
    bool link_usable() const { return link_.up && !link_.addresses.empty(); }
    // The router side runs: enabled, up, with an address, and not a proxy upstream.
    bool running() const { return running_; }
    Ipv4Address address() const { return link_.addresses.empty() ? Ipv4Address() : link_.addresses[0].addr; }
    bool has_address(Ipv4Address a) const;
    const Querier& querier() const { return querier_; }
    uint8_t effective_version() const;
    Duration older_querier_remaining(uint8_t version) const;
    const std::map<Ipv4Address, std::unique_ptr<GroupState>>& groups() const { return groups_; }
    // Exported memberships (non-empty ones), by group.
    const std::map<Ipv4Address, FilterState>& memberships() const { return exported_; }
    FilterState membership(Ipv4Address group) const;
    bool is_static_group(Ipv4Address group) const;
    const IgmpInterfaceCounters& counters() const { return counters_; }
    TimePoint started_at() const { return started_at_; }

    // GroupHost / QuerierHost.
    TimerService& timers() override { return ctx_.timers; }
    EffectiveTimers effective_timers() const override;
    bool is_querier() const override { return querier_.is_querier(); }
    bool immediate_leave() const override { return config_.immediate_leave; }
    void send_specific_query(const GroupState& g, bool suppress, const SourceSet& sources) override;
    void group_changed(GroupState& g) override;
    void group_empty(GroupState& g) override;
    void row_applied(const GroupState& g, FilterMode before, packet::IgmpRecordType type,
                     const SourceSet& sources) override;
    Duration startup_query_interval() const override { return config_.effective_startup_query_interval(); }
    uint32_t startup_query_count() const override { return config_.effective_startup_query_count(); }
    void send_general_query() override;
    void querier_changed(bool am_querier) override;

  private:
    void evaluate();
    void start();
    void on_query(const RxIgmp& rx);
    void adopt_from_querier(const packet::IgmpQueryV3& q);
    void older_querier_heard(uint8_t version);
    void on_v1v2_report(Ipv4Address src, Ipv4Address group, CompatMode version);
    void on_leave(Ipv4Address src, Ipv4Address group);
    void on_v3_report(const RxIgmp& rx, const packet::IgmpReportV3& r);
    void apply_record(Ipv4Address src, const packet::IgmpGroupRecord& rec);
    GroupState* find_or_create(Ipv4Address group);
    bool group_acceptable(Ipv4Address group);
    void limit_sources(const GroupState& g, SourceSet& sources);
    void drop(IgmpDropReason r, uint64_t n = 1);
    void send(Ipv4Address dst, const packet::IgmpMessage& m);
    void export_group(Ipv4Address group);
    void export_all();
    FilterState static_membership(Ipv4Address group) const;

    IgmpContext& ctx_;
    int ifindex_;
    std::string name_;
    IgmpInterfaceConfig config_;
    InterfaceChanged link_;
    bool running_ = false;
    TimePoint started_at_{};
    Querier querier_;
    // QRV / QQI adopted from the querier while we are not the querier (4.1.6, 4.1.7).
    std::optional<uint32_t> adopted_robustness_;
    std::optional<Duration> adopted_query_interval_;
    TimerHandle v1_querier_present_;  // 8.12 Older Version Querier Present (router fallback, 7.2.1)
    TimerHandle v2_querier_present_;
    std::map<Ipv4Address, std::unique_ptr<GroupState>> groups_;
    std::map<Ipv4Address, FilterState> exported_;
    IgmpInterfaceCounters counters_;
    BurstLog group_limit_log_;
    BurstLog source_limit_log_;
};

}  // namespace fanout::igmp
