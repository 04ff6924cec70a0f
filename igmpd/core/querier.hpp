// Querier election and the general query schedule of one interface: RFC 3376 6.6.2 (querier election),
// 8.5 (Other Querier Present Interval), 8.6 / 8.7 (startup queries), 4.1.6 / 4.1.7 (a non-querier adopts the
// querier's QRV and QQI), RFC 2236 3 (the same election for IGMPv2). Transition table: querier.cpp.
#pragma once

#include <cstdint>
#include <variant>

#include "common/core/clock.hpp"
#include "common/core/ip.hpp"
#include "igmpd/core/igmp_config.hpp"

namespace fanout::igmp {

class QuerierHost {
  public:
    virtual ~QuerierHost() = default;
    virtual TimerService& timers() = 0;
    virtual EffectiveTimers effective_timers() const = 0;
    virtual Duration startup_query_interval() const = 0;
    virtual uint32_t startup_query_count() const = 0;
    virtual void send_general_query() = 0;
    // We became (am_querier) or stopped being the querier, or the querier's address changed.
    virtual void querier_changed(bool am_querier) = 0;
};

enum class QuerierStateKind : uint8_t { kStopped, kQuerier, kNonQuerier };
const char* to_string(QuerierStateKind k);

class Querier {
  public:
    explicit Querier(QuerierHost& host) : host_(host) {}
    Querier(const Querier&) = delete;
    Querier& operator=(const Querier&) = delete;

    // The interface starts running with address own: we are the querier until a lower address is heard.
    void start(Ipv4Address own);
    void stop();
    // Our address changed while running: re-run the election against the current querier.
    void address_changed(Ipv4Address own);
    // A query from src (any version, never one of ours). Returns true when src is (now) the querier, i.e.
    // the caller should adopt its QRV/QQI.
    bool query_received(Ipv4Address src);

    QuerierStateKind state() const;
    bool is_querier() const { return state() == QuerierStateKind::kQuerier; }
    // The querier's address: ours while querier, the other router's otherwise (0 when stopped).
    Ipv4Address querier_address() const;
    Duration general_query_remaining() const;
    Duration other_querier_present_remaining() const;
    uint32_t startup_queries_left() const;

  private:
    struct Stopped {};
    struct IsQuerier {
        TimerHandle general_query;
        uint32_t startup_left = 0;
    };
    struct NonQuerier {
        TimerHandle other_querier_present;
        Ipv4Address querier;
    };
    void become_querier(bool startup);
    void become_non_querier(Ipv4Address querier);
    void on_general_query_timer();
    void on_other_querier_present_timer();

    QuerierHost& host_;
    Ipv4Address own_;
    std::variant<Stopped, IsQuerier, NonQuerier> state_;
};

}  // namespace fanout::igmp
