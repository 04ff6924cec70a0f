// MsdpService: the MSDP core inside pimd (RFC 3618 sections 3, 6, 14; see msdp_service.hpp).
#include "pimd/msdp_service.hpp"

#include "common/core/log.hpp"
#include "pimd/core/macros.hpp"
#include "pimd/core/sparse_mode.hpp"

namespace fanout::pimd {

MsdpService::MsdpService(sys::EventLoop& loop, sys::RibLookup& rib, const pim::PimCore& pim,
                         Duration scan_interval)
    : loop_(loop), rpf_(rib), pim_(pim), scan_interval_(scan_interval) {}

MsdpService::~MsdpService() {
    scan_timer_ = TimerHandle();
    core_.reset();  // before io_
}

void MsdpService::apply_config(const std::optional<msdp::MsdpConfig>& config) {
    if (!config) {
        if (core_) FANOUT_LOG_INFO("msdp: stopped ({} peers closed)", core_->peers().size());
        scan_timer_ = TimerHandle();
        core_.reset();
        io_.reset();
        receiver_groups_.clear();
        sa_joins_.clear();
        return;
    }
    if (core_) {
        if (*config == core_->config()) return;
        ++counters_.reconfigures;
        auto reset = core_->reconfigure(*config);
        counters_.peer_resets += reset.size();
        for (auto p : reset)
            FANOUT_LOG_INFO("msdp: peer {} reset by the new configuration", p.to_string());
        scan();
        return;
    }
    ++counters_.starts;
    io_ = std::make_unique<MsdpTcpWiring>(loop_);
    core_ =
        std::make_unique<msdp::MsdpCore>(*config, loop_, *io_, rpf_, static_cast<msdp::MsdpPimHooks&>(*this));
    io_->attach(*core_);
    core_->start();
    FANOUT_LOG_INFO("msdp: started: local {}, originator {}, {} peers", config->local_address.to_string(),
                    config->originator_address.to_string(), config->peers.size());
    scan();
    arm_scan();
}

void MsdpService::arm_scan() {
    scan_timer_ = TimerHandle(loop_, scan_interval_, [this] {
        scan();
        arm_scan();
    });
}

// RFC 3618 section 3: the (S,G)s this router is the RP for and whose source is active here.
std::set<SGKey> MsdpService::local_sources() const {
    std::set<SGKey> out;
    const pim::SparseMode& sm = pim_.sparse();
    const pim::RouterView& router = sm.router_view();
    for (const auto& [sg, e] : sm.tib().sg()) {
        if (!e.keepalive_running() || e.flags.msdp_learned) continue;
        auto rp = router.rp(sg.group);
        if (!rp || !router.is_local_address(*rp)) continue;
        if (e.flags.register_learned || e.flags.msdp_notify || router.directly_connected(sg.source))
            out.insert(sg);
    }
    return out;
}

std::set<Ipv4Address> MsdpService::star_g_receiver_groups() const {
    std::set<Ipv4Address> out;
    const pim::SparseMode& sm = pim_.sparse();
    const pim::MacroInputs in = sm.macro_inputs();
    for (const auto& [group, e] : sm.tib().star_g())
        if (!pim::immediate_olist_star_g(in, group).empty()) out.insert(group);
    return out;
}

void MsdpService::scan() {
    if (!core_) return;
    ++counters_.scans;
    const std::set<SGKey> want = local_sources();
    std::vector<SGKey> gone;
    for (const auto& [sg, since] : core_->originated())
        if (!want.count(sg)) gone.push_back(sg);
    for (const SGKey& sg : gone) {
        ++counters_.origin_removed;
        core_->sa_origin_remove(sg);
    }
    for (const SGKey& sg : want)
        if (!core_->originated().count(sg)) {
            ++counters_.origin_added;
            FANOUT_LOG_DEBUG(LogCategory::kMsdp, "msdp: originating {}", sg.to_string());
            const auto data = first_packet(sg);
            if (!data.empty()) ++counters_.origin_with_data;
            core_->sa_origin_add(sg, data);
        }
    const std::set<Ipv4Address> groups = star_g_receiver_groups();
    for (auto g : receiver_groups_)
        if (!groups.count(g)) {
            ++counters_.receivers_gone;
            core_->on_star_g_receivers_gone(g);
        }
    std::vector<Ipv4Address> appeared;
    for (auto g : groups)
        if (!receiver_groups_.count(g)) appeared.push_back(g);
    receiver_groups_ = groups;  // before the core asks has_star_g_receivers
    for (auto g : appeared) {
        ++counters_.receivers_appeared;
        core_->on_star_g_receivers_appeared(g);
    }
}

void MsdpService::on_sa_learned(SGKey sg, Ipv4Address rp) {
    FANOUT_LOG_DEBUG(LogCategory::kMsdp, "msdp: SA {} from RP {} has receivers: join toward the source",
                     sg.to_string(), rp.to_string());
    sa_joins_.insert(sg);
    if (!join_sink_) {
        ++counters_.sa_joins_dropped;
        return;
    }
    ++counters_.sa_joins;
    join_sink_(sg, true);
}

void MsdpService::on_sa_expired(SGKey sg) {
    ++counters_.sa_expired;
    if (sa_joins_.erase(sg) && join_sink_) join_sink_(sg, false);
}

bool MsdpService::has_star_g_receivers(Ipv4Address group) {
    const pim::SparseMode& sm = pim_.sparse();
    if (!sm.tib().find(StarGKey{group})) return false;
    return !pim::immediate_olist_star_g(sm.macro_inputs(), group).empty();
}

// The first data packet RegisterRp kept for a register-learned source (empty for others).
std::span<const uint8_t> MsdpService::first_packet(const SGKey& sg) const {
    const pim::RegisterRpSgState* st = pim_.sparse().register_rp().find(sg);
    return st ? std::span<const uint8_t>(st->first_packet) : std::span<const uint8_t>{};
}

// RFC 3618 section 14 / 12.2.1; the checks and the path are described in msdp_service.hpp.
void MsdpService::on_sa_data(SGKey sg, std::span<const uint8_t> ipv4_packet) {
    ++counters_.sa_data_packets;
    auto v =
        msdp::sa_data_register(sg, ipv4_packet, pim_.sparse().router_view(), has_star_g_receivers(sg.group));
    if (const auto* drop = std::get_if<msdp::SaDataDrop>(&v)) return drop_data(*drop);
    if (!data_sink_) return drop_data(msdp::SaDataDrop::kNoSink);
    const auto& reg = std::get<msdp::SaDataRegister>(v);
    ++counters_.sa_data_forwarded;
    FANOUT_LOG_DEBUG(LogCategory::kMsdp, "msdp: SA data for {} down the shared tree (Register to {})",
                     sg.to_string(), reg.rp.to_string());
    data_sink_(reg.rp, reg.message);
}

}  // namespace fanout::pimd
