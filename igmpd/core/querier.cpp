// Querier election, RFC 3376 6.6.2: "Multicast routers ... elect a single querier per subnet ... by IP
// address. When a router receives a query with a lower IP address, it sets the Other-Querier-Present timer
// to Other Querier Present Interval and ceases to send queries on the network if it was the previously
// elected querier. After its Other-Querier Present timer expires, it should begin sending General Queries."
// Startup (8.6, 8.7): Startup Query Count general queries, Startup Query Interval apart, then one every QI.
//
//   State       Event                              New state    Actions
//   Stopped     start(own)                         Querier      send GQ now; SQC-1 more every SQI, then QI
//   Querier     GQ timer fires                     Querier      send GQ; rearm (SQI while startup, else QI)
//   Querier     query from src < own               NonQuerier   querier=src; OQP timer = OQPI
//   Querier     query from src >= own              Querier      (ignored for the election)
//   NonQuerier  query from src < own               NonQuerier   querier=src; OQP timer = OQPI
//   NonQuerier  query from src >= own              NonQuerier   (ignored)
//   NonQuerier  OQP timer fires                    Querier      send GQ now, then every QI
//   NonQuerier  address_changed(own <= querier)    Querier      send GQ now, then every QI
//   Querier/NQ  stop                               Stopped      timers die with the state
// A non-querier never sends general queries: it has no general query timer (it is not part of its state).
#include "igmpd/core/querier.hpp"

#include "common/core/log.hpp"

namespace fanout::igmp {

const char* to_string(QuerierStateKind k) {
    switch (k) {
        case QuerierStateKind::kStopped:
            return "stopped";
        case QuerierStateKind::kQuerier:
            return "querier";
        case QuerierStateKind::kNonQuerier:
            return "non-querier";
    }
    return "?";
}

QuerierStateKind Querier::state() const {
    if (std::holds_alternative<IsQuerier>(state_)) return QuerierStateKind::kQuerier;
    if (std::holds_alternative<NonQuerier>(state_)) return QuerierStateKind::kNonQuerier;
    return QuerierStateKind::kStopped;
}

Ipv4Address Querier::querier_address() const {
    if (const auto* nq = std::get_if<NonQuerier>(&state_)) return nq->querier;
    if (std::holds_alternative<IsQuerier>(state_)) return own_;
    return Ipv4Address();
}

Duration Querier::general_query_remaining() const {
    if (const auto* q = std::get_if<IsQuerier>(&state_)) return q->general_query.remaining();
    return Duration::zero();
}

Duration Querier::other_querier_present_remaining() const {
    if (const auto* nq = std::get_if<NonQuerier>(&state_)) return nq->other_querier_present.remaining();
    return Duration::zero();
}

uint32_t Querier::startup_queries_left() const {
    if (const auto* q = std::get_if<IsQuerier>(&state_)) return q->startup_left;
    return 0;
}

void Querier::start(Ipv4Address own) {
    own_ = own;
    become_querier(true);
}

void Querier::stop() {
    if (std::holds_alternative<Stopped>(state_)) return;
    state_ = Stopped{};
    FANOUT_LOG_DEBUG(LogCategory::kFsm, "igmp querier {}: stopped", own_.to_string());
}

void Querier::address_changed(Ipv4Address own) {
    own_ = own;
    if (const auto* nq = std::get_if<NonQuerier>(&state_); nq && own <= nq->querier) become_querier(false);
}

bool Querier::query_received(Ipv4Address src) {
    if (std::holds_alternative<Stopped>(state_) || src >= own_) return false;
    become_non_querier(src);
    return true;
}

void Querier::become_querier(bool startup) {
    const bool was = is_querier();
    IsQuerier q;
    q.startup_left = startup ? host_.startup_query_count() : 1;
    state_ = std::move(q);
    FANOUT_LOG_DEBUG(LogCategory::kFsm, "igmp querier {}: -> querier", own_.to_string());
    if (!was) host_.querier_changed(true);
    on_general_query_timer();
}

void Querier::become_non_querier(Ipv4Address querier) {
    const bool changed = querier_address() != querier;
    NonQuerier nq;
    nq.querier = querier;
    state_ = std::move(nq);  // the general query timer (if any) dies with the querier state
    auto& st = std::get<NonQuerier>(state_);
    st.other_querier_present =
        TimerHandle(host_.timers(), host_.effective_timers().other_querier_present_interval(),
                    [this] { on_other_querier_present_timer(); });
    if (changed) {
        FANOUT_LOG_DEBUG(LogCategory::kFsm, "igmp querier {}: -> non-querier ({})", own_.to_string(),
                         querier.to_string());
        host_.querier_changed(false);
    }
}

void Querier::on_general_query_timer() {
    auto& q = std::get<IsQuerier>(state_);
    host_.send_general_query();
    if (q.startup_left > 0) --q.startup_left;
    const Duration next =
        q.startup_left > 0 ? host_.startup_query_interval() : host_.effective_timers().query_interval;
    q.general_query = TimerHandle(host_.timers(), next, [this] { on_general_query_timer(); });
}

void Querier::on_other_querier_present_timer() {
    become_querier(false);
}

}  // namespace fanout::igmp
