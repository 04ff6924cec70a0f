// RFC 3376 6 (router side), 7.2 / 7.3 (older versions), 9.2; RFC 2236 3; RFC 4604 2.2.1. See
// igmp_interface.hpp for the receive path.
#include "igmpd/core/igmp_interface.hpp"

#include <algorithm>

#include "common/core/log.hpp"
#include "common/packet/igmp.hpp"

namespace fanout::igmp {

using packet::IgmpRecordType;

namespace {
constexpr Duration kBurstWindow = std::chrono::seconds(10);

uint32_t tenths(Duration d) {
    return static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count() / 100);
}
uint32_t whole_seconds(Duration d) {
    return static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(d).count());
}
}  // namespace

bool BurstLog::should_log(TimePoint now) {
    if (ever_ && now - last_ < kBurstWindow) return false;
    ever_ = true;
    last_ = now;
    return true;
}

IgmpInterface::IgmpInterface(IgmpContext& ctx, int ifindex, std::string name, IgmpInterfaceConfig config)
    : ctx_(ctx), ifindex_(ifindex), name_(std::move(name)), config_(std::move(config)), querier_(*this) {
    link_.ifindex = ifindex;
    link_.name = name_;
}

IgmpInterface::~IgmpInterface() {
    groups_.clear();  // group timers die before the querier and the rest
}

bool IgmpInterface::has_address(Ipv4Address a) const {
    for (const auto& ia : link_.addresses)
        if (ia.addr == a) return true;
    return false;
}

void IgmpInterface::set_link(const InterfaceChanged& link) {
    const Ipv4Address old = address();
    link_ = link;
    name_ = link.name;
    if (running_ && link_usable() && address() != old) querier_.address_changed(address());
    evaluate();
}

void IgmpInterface::set_config(const IgmpInterfaceConfig& config) {
    const bool statics_changed =
        config.static_groups != config_.static_groups || config.static_sources != config_.static_sources;
    config_ = config;
    evaluate();
    if (running_ && statics_changed) export_all();
}

void IgmpInterface::evaluate() {
    const bool want = config_.enabled && link_usable() && config_.proxy_role != ProxyRole::kUpstream;
    if (want && !running_) start();
    if (!want && running_) stop();
}

void IgmpInterface::start() {
    running_ = true;
    started_at_ = ctx_.timers.now();
    adopted_robustness_.reset();
    adopted_query_interval_.reset();
    FANOUT_LOG_DEBUG(LogCategory::kIgmp, "igmp {}: router side starts ({})", name_, address().to_string());
    export_all();  // static memberships
    querier_.start(address());
}

void IgmpInterface::stop() {
    if (!running_) return;
    running_ = false;
    querier_.stop();
    v1_querier_present_.cancel();
    v2_querier_present_.cancel();
    counters_.groups_deleted += groups_.size();
    groups_.clear();
    auto exported = std::move(exported_);
    exported_.clear();
    for (const auto& [group, st] : exported) {
        ctx_.actions.membership_changed(MembershipRecord{ifindex_, name_, group, FilterMode::kInclude, {}});
        if (ctx_.membership_changed) ctx_.membership_changed(*this, group);
    }
    FANOUT_LOG_DEBUG(LogCategory::kIgmp, "igmp {}: router side stopped", name_);
}

uint8_t IgmpInterface::effective_version() const {
    uint8_t v = config_.version;
    if (config_.follow_older_querier) {
        if (v1_querier_present_.armed()) v = 1;
        if (v2_querier_present_.armed()) v = std::min<uint8_t>(v, 2);
    }
    return v;
}

Duration IgmpInterface::older_querier_remaining(uint8_t version) const {
    return version == 1 ? v1_querier_present_.remaining() : v2_querier_present_.remaining();
}

EffectiveTimers IgmpInterface::effective_timers() const {
    EffectiveTimers t;
    t.robustness = adopted_robustness_.value_or(config_.robustness);
    t.query_interval = adopted_query_interval_.value_or(config_.query_interval);
    t.query_response_interval = config_.query_response_interval;
    t.last_member_query_interval = config_.last_member_query_interval;
    t.last_member_query_count = config_.last_member_query_count.value_or(t.robustness);
    t.configured_oqpi = config_.other_querier_present_interval;
    return t;
}

void IgmpInterface::drop(IgmpDropReason r, uint64_t n) {
    ctx_.counters.count_drop(r, n);
    counters_.drops += n;
    FANOUT_LOG_DEBUG(LogCategory::kIgmp, "igmp {}: dropped ({})", name_, to_string(r));
}

void IgmpInterface::send(Ipv4Address dst, const packet::IgmpMessage& m) {
    auto bytes = packet::encode_igmp(m);
    ctx_.counters.tx.count(m);
    counters_.tx.count(m);
    ctx_.actions.send_igmp(ifindex_, address(), dst, bytes);
}

// ---- receive --------------------------------------------------------------------------------------------

void IgmpInterface::receive(const RxIgmp& rx) {
    if (!running_) return drop(IgmpDropReason::kInterfaceDown);
    const auto& m = rx.message;
    const bool is_query = m.index() <= 2;
    if (!is_query && !rx.src.is_unspecified()) {  // RFC 3376 9.2: reports from our subnets (or 0.0.0.0)
        bool on_link = false;
        for (const auto& ia : link_.addresses)
            on_link = on_link || ia.subnet().contains(rx.src);
        if (!on_link) return drop(IgmpDropReason::kForeignSubnet);
    }
    if (is_query) return on_query(rx);
    ctx_.counters.rx.count(m);
    counters_.rx.count(m);
    if (const auto* r1 = std::get_if<packet::IgmpReportV1>(&m))
        return on_v1v2_report(rx.src, r1->group, CompatMode::kV1);
    if (const auto* r2 = std::get_if<packet::IgmpReportV2>(&m))
        return on_v1v2_report(rx.src, r2->group, CompatMode::kV2);
    if (const auto* l = std::get_if<packet::IgmpLeaveV2>(&m)) return on_leave(rx.src, l->group);
    if (const auto* r3 = std::get_if<packet::IgmpReportV3>(&m)) return on_v3_report(rx, *r3);
}

void IgmpInterface::on_query(const RxIgmp& rx) {
    if (rx.src.is_unspecified()) return drop(IgmpDropReason::kQueryBadSource);
    ctx_.counters.rx.count(rx.message);
    counters_.rx.count(rx.message);
    const auto t = effective_timers();
    if (std::holds_alternative<packet::IgmpQueryV1>(rx.message)) {
        older_querier_heard(1);
        querier_.query_received(rx.src);
        return;
    }
    if (const auto* q2 = std::get_if<packet::IgmpQueryV2>(&rx.message)) {
        older_querier_heard(2);
        querier_.query_received(rx.src);
        // RFC 2236 3: a non-querier lowers its timer to LMQC * Max Response Time of a group-specific query.
        if (!q2->group.is_unspecified())
            if (auto it = groups_.find(q2->group); it != groups_.end())
                it->second->lower_group_timer(std::chrono::milliseconds(100) * q2->max_resp_time *
                                              t.last_member_query_count);
        return;
    }
    const auto& q3 = std::get<packet::IgmpQueryV3>(rx.message);
    // Adopt first: the Other Querier Present timer armed by the election uses the adopted QRV and QQI.
    if (querier_.state() != QuerierStateKind::kStopped && rx.src < address()) adopt_from_querier(q3);
    querier_.query_received(rx.src);
    if (q3.is_general() || q3.suppress_router_processing) return;  // 6.6.1: S set -> no timer updates
    auto it = groups_.find(q3.group);
    if (it == groups_.end()) return;
    // 6.6.1 with LMQT = LMQC * the query's Max Resp Time (the querier's LMQI, RFC 3376 8.8).
    const Duration lmqt =
        std::chrono::milliseconds(100) * q3.max_resp_tenths() * effective_timers().last_member_query_count;
    if (q3.sources.empty())
        it->second->lower_group_timer(lmqt);
    else
        it->second->lower_source_timers(make_source_set(q3.sources), lmqt);
}

// 4.1.6 / 4.1.7: "Routers adopt the QRV value from the most recently received Query as their own [Robustness
// Variable] value, unless that most recently received QRV was zero"; the same for QQI.
void IgmpInterface::adopt_from_querier(const packet::IgmpQueryV3& q) {
    if (q.qrv != 0) adopted_robustness_ = q.qrv;
    if (q.qqic != 0) adopted_query_interval_ = std::chrono::seconds(q.qqi_seconds());
}

// 7.2.1 / 8.12: a v1 or v2 querier is on the link; fall back to its version while we keep hearing it.
void IgmpInterface::older_querier_heard(uint8_t version) {
    if (!config_.follow_older_querier || version >= config_.version) return;
    const uint8_t before = effective_version();
    auto& timer = version == 1 ? v1_querier_present_ : v2_querier_present_;
    timer = TimerHandle(ctx_.timers, effective_timers().older_querier_present_timeout(), [this] {
        FANOUT_LOG_INFO("igmp {}: no older querier heard any more: back to IGMPv{}", name_,
                        effective_version());
    });
    if (effective_version() != before)
        FANOUT_LOG_WARN("igmp {}: IGMPv{} querier on the link: running IGMPv{}", name_, version,
                        effective_version());
}

bool IgmpInterface::group_acceptable(Ipv4Address group) {
    if (!group.is_multicast()) {
        drop(IgmpDropReason::kBadGroup);
        return false;
    }
    if (group.is_link_local_multicast()) {
        drop(IgmpDropReason::kLinkLocalGroup);
        return false;
    }
    return true;
}

void IgmpInterface::on_v1v2_report(Ipv4Address src, Ipv4Address group, CompatMode version) {
    if (!group_acceptable(group)) return;
    if (ctx_.config->is_ssm(group)) return drop(IgmpDropReason::kSsmAsmRequest);
    GroupState* g = find_or_create(group);
    if (!g) return;
    g->set_last_reporter(src);
    g->older_host_present(version);                // 7.3.1
    g->apply(IgmpRecordType::kModeIsExclude, {});  // 7.3.2: report = IS_EX({})
}

void IgmpInterface::on_leave(Ipv4Address src, Ipv4Address group) {
    if (!group_acceptable(group)) return;
    if (ctx_.config->is_ssm(group)) return drop(IgmpDropReason::kSsmAsmRequest);
    if (effective_version() == 1)
        return drop(IgmpDropReason::kLeaveInV1Mode);  // 7.2.1: v1 routers ignore leaves
    auto it = groups_.find(group);
    if (it == groups_.end()) return;
    GroupState& g = *it->second;
    if (g.compat_mode() == CompatMode::kV1) return drop(IgmpDropReason::kLeaveInV1Mode);  // 7.3.2
    g.set_last_reporter(src);
    g.apply(IgmpRecordType::kChangeToIncludeMode, {});  // 7.3.2: leave = TO_IN({})
}

void IgmpInterface::on_v3_report(const RxIgmp& rx, const packet::IgmpReportV3& r) {
    if (!rx.router_alert) return drop(IgmpDropReason::kNoRouterAlert);
    if (effective_version() < 3) return drop(IgmpDropReason::kOlderRouterVersion);
    if (r.unknown_records_skipped) drop(IgmpDropReason::kUnknownRecordType, r.unknown_records_skipped);
    for (const auto& rec : r.records) {
        ctx_.counters.rx.count_record(rec.type);
        counters_.rx.count_record(rec.type);
        apply_record(rx.src, rec);
    }
}

void IgmpInterface::apply_record(Ipv4Address src, const packet::IgmpGroupRecord& rec) {
    if (!group_acceptable(rec.group)) return;
    const bool exclude_type =
        rec.type == IgmpRecordType::kModeIsExclude || rec.type == IgmpRecordType::kChangeToExcludeMode;
    if (exclude_type && ctx_.config->is_ssm(rec.group)) return drop(IgmpDropReason::kSsmAsmRequest);
    SourceSet sources = make_source_set(rec.sources);
    auto it = groups_.find(rec.group);
    GroupState* g = it == groups_.end() ? nullptr : it->second.get();
    if (!g) {
        // INCLUDE {} (no state) + BLOCK / an empty IS_IN, ALLOW, TO_IN stays INCLUDE {}: nothing to create.
        const bool creates =
            exclude_type || (rec.type != IgmpRecordType::kBlockOldSources && !sources.empty());
        if (!creates) return;
        g = find_or_create(rec.group);
        if (!g) return;
    }
    if (!translate_for_compat(g->compat_mode(), rec.type, sources)) {
        drop(IgmpDropReason::kBlockInOlderMode);
        if (g->is_empty()) group_empty(*g);
        return;
    }
    limit_sources(*g, sources);
    g->set_last_reporter(src);
    g->apply(rec.type, sources);  // may delete g
}

// Keeps the sources the group already has and as many new ones (in address order) as max_sources allows.
void IgmpInterface::limit_sources(const GroupState& g, SourceSet& sources) {
    const auto& have = g.sources();
    size_t room =
        config_.max_sources_per_group > have.size() ? config_.max_sources_per_group - have.size() : 0;
    SourceSet kept;
    uint64_t cut = 0;
    for (auto s : sources) {
        if (have.count(s)) {
            kept.push_back(s);
        } else if (room > 0) {
            kept.push_back(s);
            --room;
        } else {
            ++cut;
        }
    }
    if (!cut) return;
    drop(IgmpDropReason::kSourceLimit, cut);
    if (source_limit_log_.should_log(ctx_.timers.now()))
        FANOUT_LOG_WARN("igmp {}: group {} at max-sources-per-group {}: {} source(s) dropped", name_,
                        g.group().to_string(), config_.max_sources_per_group, cut);
    sources = std::move(kept);
}

GroupState* IgmpInterface::find_or_create(Ipv4Address group) {
    if (auto it = groups_.find(group); it != groups_.end()) return it->second.get();
    if (groups_.size() >= config_.max_groups) {
        drop(IgmpDropReason::kGroupLimit);
        if (group_limit_log_.should_log(ctx_.timers.now()))
            FANOUT_LOG_WARN("igmp {}: max-groups {} reached: reports for new groups dropped", name_,
                            config_.max_groups);
        return nullptr;
    }
    ++counters_.groups_created;
    auto [it, ok] = groups_.emplace(group, std::make_unique<GroupState>(*this, group, ctx_.timers.now()));
    return it->second.get();
}

// ---- GroupHost / QuerierHost ----------------------------------------------------------------------------

void IgmpInterface::send_specific_query(const GroupState& g, bool suppress, const SourceSet& sources) {
    const auto t = effective_timers();
    const uint8_t v = effective_version();
    if (v == 1) return;  // IGMPv1 has no group-specific queries
    if (v == 2) {
        if (!sources.empty()) return;  // nor does IGMPv2 have source-specific ones
        packet::IgmpQueryV2 q;
        q.max_resp_time =
            static_cast<uint8_t>(std::clamp<uint32_t>(tenths(t.last_member_query_interval), 1, 255));
        q.group = g.group();
        return send(g.group(), q);
    }
    const size_t per_packet = std::max<size_t>(1, packet::igmp_v3_query_max_sources(link_.mtu));
    size_t i = 0;
    do {
        packet::IgmpQueryV3 q;
        q.max_resp_code = packet::igmp_max_resp_code(tenths(t.last_member_query_interval));
        q.group = g.group();
        q.suppress_router_processing = suppress;
        q.qrv = packet::igmp_qrv_field(t.robustness);
        q.qqic = packet::igmp_qqic(whole_seconds(t.query_interval));
        const size_t n = std::min(per_packet, sources.size() - i);
        q.sources.assign(sources.begin() + static_cast<std::ptrdiff_t>(i),
                         sources.begin() + static_cast<std::ptrdiff_t>(i + n));
        i += n;
        send(g.group(), q);
    } while (i < sources.size());
}

void IgmpInterface::send_general_query() {
    const auto t = effective_timers();
    switch (effective_version()) {
        case 1:
            return send(addr::kAllSystems, packet::IgmpQueryV1{});
        case 2: {
            packet::IgmpQueryV2 q;
            q.max_resp_time =
                static_cast<uint8_t>(std::clamp<uint32_t>(tenths(t.query_response_interval), 1, 255));
            return send(addr::kAllSystems, q);
        }
        default: {
            packet::IgmpQueryV3 q;
            q.max_resp_code = packet::igmp_max_resp_code(tenths(t.query_response_interval));
            q.qrv = packet::igmp_qrv_field(t.robustness);
            q.qqic = packet::igmp_qqic(whole_seconds(t.query_interval));
            return send(addr::kAllSystems, q);
        }
    }
}

void IgmpInterface::querier_changed(bool am_querier) {
    ++counters_.querier_changes;
    if (am_querier) {  // our own configuration again (4.1.6/4.1.7 adoption is for non-queriers)
        adopted_robustness_.reset();
        adopted_query_interval_.reset();
    }
    if (ctx_.querier_changed) ctx_.querier_changed(*this);
}

void IgmpInterface::group_changed(GroupState& g) {
    export_group(g.group());
}

void IgmpInterface::group_empty(GroupState& g) {
    const Ipv4Address group = g.group();
    ++counters_.groups_deleted;
    groups_.erase(group);  // destroys g
    export_group(group);
}

void IgmpInterface::row_applied(const GroupState& g, FilterMode before, IgmpRecordType type,
                                const SourceSet& sources) {
    FANOUT_LOG_DEBUG(LogCategory::kFsm, "igmp {} {}: {} + {}{} -> {}", name_, g.group().to_string(),
                     to_string(before), packet::to_string(type), to_string(sources), to_string(g.mode()));
}

// ---- membership export ----------------------------------------------------------------------------------

bool IgmpInterface::is_static_group(Ipv4Address group) const {
    if (std::find(config_.static_groups.begin(), config_.static_groups.end(), group) !=
        config_.static_groups.end())
        return true;
    for (const auto& sg : config_.static_sources)
        if (sg.group == group) return true;
    return false;
}

FilterState IgmpInterface::static_membership(Ipv4Address group) const {
    FilterState st;
    for (auto g : config_.static_groups)  // never (*,G) state in the SSM range (RFC 4604 2.2.1)
        if (g == group && !ctx_.config->is_ssm(group)) st.mode = FilterMode::kExclude;
    if (st.mode == FilterMode::kExclude) return st;  // EXCLUDE {} covers every (S,G)
    for (const auto& sg : config_.static_sources)
        if (sg.group == group) st.sources.push_back(sg.source);
    st.sources = make_source_set(std::move(st.sources));
    return st;
}

FilterState IgmpInterface::membership(Ipv4Address group) const {
    auto it = exported_.find(group);
    return it == exported_.end() ? FilterState{} : it->second;
}

void IgmpInterface::export_group(Ipv4Address group) {
    FilterState now;
    if (running_) {
        auto it = groups_.find(group);
        FilterState dynamic = it == groups_.end() ? FilterState{} : it->second->filter_state();
        now = merge_filter_states(dynamic, static_membership(group));
    }
    if (now == membership(group)) return;
    if (now.empty())
        exported_.erase(group);
    else
        exported_[group] = now;
    ctx_.actions.membership_changed(MembershipRecord{ifindex_, name_, group, now.mode, now.sources});
    if (ctx_.membership_changed) ctx_.membership_changed(*this, group);
}

size_t IgmpInterface::clear_groups(std::optional<Ipv4Address> group) {
    if (!running_) return 0;
    std::vector<Ipv4Address> gone;
    for (const auto& [g, st] : groups_)
        if (!group || g == *group) gone.push_back(g);
    for (Ipv4Address g : gone) {
        ++counters_.groups_deleted;
        groups_.erase(g);  // timers go with the state
        export_group(g);   // static membership of g (if any) stays exported
    }
    FANOUT_LOG_INFO("igmp {}: cleared {} group(s){}", name_, gone.size(),
                    group ? " for " + group->to_string() : std::string());
    // Live receivers answer a General Query within Query Response Interval; only the querier asks.
    if (querier_.is_querier()) send_general_query();
    return gone.size();
}

void IgmpInterface::export_all() {
    std::vector<Ipv4Address> groups;
    for (const auto& [g, st] : exported_)
        groups.push_back(g);
    for (const auto& [g, st] : groups_)
        groups.push_back(g);
    for (auto g : config_.static_groups)
        groups.push_back(g);
    for (const auto& sg : config_.static_sources)
        groups.push_back(sg.group);
    for (auto g : make_source_set(std::move(groups)))
        export_group(g);
}

}  // namespace fanout::igmp
