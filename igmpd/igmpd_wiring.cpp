// igmpd wiring: the IGMP socket, netlink, the IPC link to pimd and (proxy mode) the kernel MRT around one
// IgmpCore on one EventLoop (see igmpd_wiring.hpp).
#include "igmpd/igmpd_wiring.hpp"

#include <unordered_set>

#include "common/core/latency_probe.hpp"
#include "common/core/log.hpp"
#include "common/packet/igmp.hpp"

namespace fanout::igmpd {

igmp::InterfaceChanged to_interface_changed(const InterfaceInfo& info) {
    igmp::InterfaceChanged ev;
    ev.ifindex = info.ifindex;
    ev.name = info.name;
    ev.up = info.admin_up && info.oper_up;
    ev.multicast = info.multicast;
    ev.mtu = info.mtu;
    // InterfaceInfo lists primaries first: addresses[0] is the source of queries and the election identity.
    for (const auto& a : info.addrs)
        ev.addresses.push_back(igmp::IfAddress{a.addr, a.prefix_len});
    return ev;
}

sys::ipc::Membership to_ipc(const igmp::MembershipRecord& r) {
    sys::ipc::Membership m;
    m.ifname = r.ifname;
    m.ifindex = static_cast<uint32_t>(r.ifindex);
    m.group = r.group;
    m.mode = r.mode == igmp::FilterMode::kInclude ? sys::ipc::FilterMode::kInclude
                                                  : sys::ipc::FilterMode::kExclude;
    m.sources = r.sources;
    return m;
}

IgmpDaemon::IgmpDaemon(sys::EventLoop& loop, std::shared_ptr<const IgmpdConfig> config,
                       std::unique_ptr<sys::KernelMrt> mrt, sys::IgmpSocket sock)
    : loop_(loop),
      config_(std::move(config)),
      mrt_(std::move(mrt)),
      sock_(std::move(sock)),
      rng_(SeededRandom::from_entropy()),
      ifsrc_(loop) {
    core_ = std::make_unique<igmp::IgmpCore>(config_->igmp, loop_, rng_, *this);
}

IgmpDaemon::~IgmpDaemon() {
    igmp_watches_.clear();
    upcall_watch_.reset();
}

Result<std::unique_ptr<IgmpDaemon>, std::string> IgmpDaemon::start(sys::EventLoop& loop,
                                                                   std::shared_ptr<const IgmpdConfig> config,
                                                                   std::unique_ptr<sys::KernelMrt> mrt) {
    auto sock = sys::IgmpSocket::open();
    if (!sock) return make_err("IGMP socket: " + sock.error().to_string());
    std::unique_ptr<IgmpDaemon> d(
        new IgmpDaemon(loop, std::move(config), std::move(mrt), std::move(sock).value()));
    auto rest = d->open_rest();
    if (!rest) {
        d->stop();
        return make_err(rest.error());
    }
    return d;
}

Result<Unit, std::string> IgmpDaemon::open_rest() {
    sync_ipc();
    ifsrc_.add_listener([this](const InterfaceChange& c) { on_interface_change(c); });
    auto nl = ifsrc_.start();
    if (!nl) return make_err("netlink interface monitor: " + nl.error().to_string());
    return Unit{};
}

// ---- interfaces ----------------------------------------------------------------------------------------

void IgmpDaemon::on_interface_change(const InterfaceChange& c) {
    if (stopped_) return;
    FANOUT_LOG_DEBUG(LogCategory::kEvents, "netlink: {} ifindex {}", to_string(c.kind), c.ifindex);
    sync_local_addresses();
    if (c.kind == InterfaceChangeKind::kLinkRemoved) {
        close_socket(c.ifindex);
        core_->handle(igmp::InterfaceRemoved{c.ifindex});
        return;
    }
    if (!c.new_info) return;
    sync_socket(*c.new_info);
    core_->handle(to_interface_changed(*c.new_info));
}

// An interface socket exists while the link exists, is configured and enabled, and is admin up.
void IgmpDaemon::sync_socket(const InterfaceInfo& info) {
    const igmp::IgmpInterfaceConfig* ic = config_->igmp.find_interface(info.name);
    const bool want = ic && ic->enabled && info.admin_up && !stopped_;
    if (!want) {
        close_socket(info.ifindex);
        return;
    }
    if (!sock_.has_interface(info.ifindex)) open_socket(info.ifindex, info.name);
}

void IgmpDaemon::open_socket(int ifindex, const std::string& name) {
    auto r = sock_.add_interface(ifindex);
    if (!r) {
        FANOUT_LOG_WARN("igmpd: IGMP socket on {}: {}", name, r.error().to_string());
        return;
    }
    igmp_watches_[ifindex] =
        loop_.watch_readable(sock_.fd_of(ifindex), [this, ifindex] { on_readable(ifindex); });
    FANOUT_LOG_INFO("igmpd: IGMP socket open on {} (ifindex {})", name, ifindex);
}

void IgmpDaemon::close_socket(int ifindex) {
    igmp_watches_.erase(ifindex);  // before the socket closes: the loop must not watch a closed fd
    sock_.remove_interface(ifindex);
}

void IgmpDaemon::sync_local_addresses() {
    std::unordered_set<Ipv4Address> local;
    for (const auto& i : ifsrc_.all())
        for (const auto& a : i.addrs)
            local.insert(a.addr);
    sock_.set_local_addresses(std::move(local));
}

std::string IgmpDaemon::ifname_of(int ifindex) const {
    const InterfaceInfo* i = ifsrc_.find(ifindex);
    return i ? i->name : "ifindex " + std::to_string(ifindex);
}

// ---- receive -------------------------------------------------------------------------------------------

void IgmpDaemon::on_readable(int ifindex) {
    for (const sys::RxPacket& p : sock_.receive_from(ifindex)) {
        if (stopped_) return;
        auto d = packet::decode_igmp_packet(p.packet);
        if (!d) {
            ++rx_.decode_errors;
            rx_.by_kind.count(d.error());
            FANOUT_LOG_DEBUG(LogCategory::kPacket, "igmp rx {} ifindex {}: undecodable ({})",
                             p.src.to_string(), p.ifindex, d.error().what);
            core_->handle(igmp::RxDecodeError{p.ifindex, d.error().kind});
            continue;
        }
        ++rx_.packets;
        FANOUT_LOG_DEBUG(LogCategory::kPacket, "igmp rx {} -> {} ifindex {} ({})", p.src.to_string(),
                         p.dst.to_string(), p.ifindex, igmp::igmp_message_kind_name(d->igmp.index()));
        FANOUT_PROBE(kIgmpDecoded);
        core_->handle(
            igmp::RxIgmp{p.ifindex, d->ip.src, d->ip.dst, std::move(d->igmp), d->ip.has_router_alert()});
        FANOUT_PROBE(kIgmpHandled);
    }
}

// ---- actions -------------------------------------------------------------------------------------------

void IgmpDaemon::send_igmp(int ifindex, Ipv4Address, Ipv4Address dst, std::span<const uint8_t> message) {
    if (!sock_.has_interface(ifindex)) {
        // The link went away between the decision and the send (or its socket could not be opened).
        FANOUT_LOG_DEBUG(LogCategory::kPacket, "igmp tx to {} on {}: no socket", dst.to_string(),
                         ifname_of(ifindex));
        return;
    }
    auto r = sock_.send(ifindex, dst, message);
    if (!r)
        FANOUT_LOG_DEBUG(LogCategory::kPacket, "igmp tx on {}: {}", ifname_of(ifindex),
                         r.error().to_string());
}

// Membership of ordinary (non-proxy) interfaces goes to pimd; proxy interfaces are served by igmpd's own MRT.
bool IgmpDaemon::exports(int ifindex) const {
    const igmp::IgmpInterface* i = core_->find_interface(ifindex);
    return i && i->config().proxy_role == igmp::ProxyRole::kNone &&
           i->name() != config_->igmp.proxy_alternate_upstream;
}

void IgmpDaemon::membership_changed(const igmp::MembershipRecord& record) {
    FANOUT_LOG_DEBUG(LogCategory::kIgmp, "igmp: membership {} on {}: {} {}", record.group.to_string(),
                     record.ifname, igmp::to_string(record.mode), igmp::to_string(record.sources));
    const auto key = std::make_pair(record.ifindex, record.group);
    if (record.empty() || !exports(record.ifindex)) {
        if (exported_.erase(key) == 0) return;
        ++ipc_counters_.removes;
        if (ipc_)
            ipc_->remove(sys::ipc::MembershipRemoved{record.ifname, static_cast<uint32_t>(record.ifindex),
                                                     record.group});
        return;
    }
    sys::ipc::Membership m = to_ipc(record);
    exported_[key] = m;
    ++ipc_counters_.updates;
    if (ipc_) ipc_->update(m);
}

void IgmpDaemon::sync_ipc() {
    const bool want = config_->ipc.enabled && !stopped_;
    if (ipc_ && (!want || ipc_path_ != config_->ipc.socket)) {
        ipc_.reset();
        FANOUT_LOG_INFO("igmpd: IPC link to pimd closed");
    }
    if (!want || ipc_) return;
    sys::IpcClientOptions o;
    o.path = config_->ipc.socket;
    ipc_path_ = o.path;
    ipc_ = std::make_unique<sys::IpcClient>(loop_, o, [this] {
        std::vector<sys::ipc::Membership> v;
        v.reserve(exported_.size());
        for (const auto& [k, m] : exported_)
            v.push_back(m);
        ++ipc_counters_.snapshots;
        ipc_counters_.snapshot_records += v.size();
        return v;
    });
    ipc_->start();
    FANOUT_LOG_INFO("igmpd: IPC link to pimd at {}", o.path);
}

// ---- proxy: the kernel MRT -----------------------------------------------------------------------------

void IgmpDaemon::mrt_error(const std::string& what, const sys::MrtError& e) {
    ++mrt_counters_.errors;
    mrt_counters_.last_error = what + ": " + e.message;
    FANOUT_LOG_WARN("igmpd proxy: {}", mrt_counters_.last_error);
}

bool IgmpDaemon::ensure_mrt() {
    if (mrt_open_) return true;
    if (!mrt_ || stopped_) return false;
    sys::MrtOptions mo;
    mo.table = config_->kernel_table();
    mo.pim = sys::PimMode::kOff;
    mo.assert_upcalls = false;
    auto r = mrt_->init(mo);
    if (!r) {
        mrt_error("kernel multicast routing table " + std::to_string(mo.table), r.error());
        return false;
    }
    mrt_open_ = true;
    if (mrt_->upcall_fd() >= 0)
        upcall_watch_ = loop_.watch_readable(mrt_->upcall_fd(), [this] { on_upcalls(); });
    idle_timer_ = TimerHandle(loop_, kProxyIdleCheck, [this] { check_idle(); });
    FANOUT_LOG_INFO("igmpd proxy: kernel multicast routing table {} opened (MRT_INIT)", mo.table);
    return true;
}

void IgmpDaemon::vif_add(const igmp::ProxyVif& v) {
    if (!ensure_mrt()) return;
    ++mrt_counters_.vif_adds;
    auto r = mrt_->add_vif(static_cast<sys::VifIndex>(v.vif_index), v.ifindex);
    if (!r) mrt_error("add VIF " + std::to_string(v.vif_index) + " on " + v.name, r.error());
}

void IgmpDaemon::vif_del(const igmp::ProxyVif& v) {
    if (!mrt_open_) return;
    ++mrt_counters_.vif_dels;
    auto r = mrt_->del_vif(static_cast<sys::VifIndex>(v.vif_index));
    if (!r) mrt_error("delete VIF " + std::to_string(v.vif_index) + " on " + v.name, r.error());
}

void IgmpDaemon::mfc_set(const igmp::ProxyMfc& m) {
    if (!ensure_mrt() || m.iif_vif < 0) return;
    sys::MfcEntry e;
    e.source = m.sg.source;
    e.group = m.sg.group;
    e.iif = static_cast<sys::VifIndex>(m.iif_vif);
    for (int v : m.oif_vifs)
        if (v >= 0) e.oifs[static_cast<sys::VifIndex>(v)] = 1;
    ++mrt_counters_.mfc_sets;
    auto r = mrt_->add_mfc(e);
    if (!r) mrt_error("add MFC " + m.sg.to_string(), r.error());
}

void IgmpDaemon::mfc_del(const SGKey& sg) {
    idle_packets_.erase(sg);
    if (!mrt_open_) return;
    ++mrt_counters_.mfc_dels;
    auto r = mrt_->del_mfc(sg.source, sg.group);
    if (!r) mrt_error("delete MFC " + sg.to_string(), r.error());
}

void IgmpDaemon::on_upcalls() {
    for (const sys::Upcall& u : mrt_->read_upcalls()) {
        if (stopped_) return;
        FANOUT_LOG_DEBUG(LogCategory::kKernel, "kernel: upcall {} ({},{}) vif {}",
                         sys::upcall_type_name(u.type), u.source.to_string(), u.group.to_string(), u.vif);
        if (u.type != sys::UpcallType::kNoCache) continue;
        auto it = mrt_->vifs().find(u.vif);
        if (it == mrt_->vifs().end()) continue;
        core_->handle(igmp::KernelNoCache{it->second.ifindex, u.source, u.group});
    }
}

// An entry whose packet counter did not move for a whole period goes (the core may re-create it on the next
// NOCACHE); the kernel counters are read with SIOCGETSGCNT, never by dumping the table.
void IgmpDaemon::check_idle() {
    idle_timer_ = TimerHandle(loop_, kProxyIdleCheck, [this] { check_idle(); });
    std::vector<SGKey> idle;
    std::map<SGKey, uint64_t> seen;
    for (const auto& [sg, m] : core_->proxy_mfc()) {
        auto c = mrt_->get_sg_counters(sg.source, sg.group);
        if (!c) continue;
        auto prev = idle_packets_.find(sg);
        if (prev != idle_packets_.end() && prev->second == c->packets)
            idle.push_back(sg);
        else
            seen[sg] = c->packets;
    }
    idle_packets_ = std::move(seen);
    for (const SGKey& sg : idle) {
        ++mrt_counters_.idle_removed;
        core_->handle(igmp::MfcIdle{sg});
    }
}

// ---- reload and stop -----------------------------------------------------------------------------------

void IgmpDaemon::reload(std::shared_ptr<const IgmpdConfig> config) {
    if (stopped_) return;
    if (mrt_open_ && config->kernel_table() != config_->kernel_table())
        FANOUT_LOG_WARN("igmpd: proxy mroute-table {} -> {} takes effect at the next start",
                        config_->proxy.mroute_table, config->proxy.mroute_table);
    config_ = std::move(config);
    ++reloads_;
    for (const auto& i : ifsrc_.all())
        sync_socket(i);
    core_->handle(igmp::ConfigChanged{config_->igmp});
    // Interfaces whose role changed to or from proxy: their records leave or join the export.
    for (auto it = exported_.begin(); it != exported_.end();) {
        if (exports(it->first.first)) {
            ++it;
            continue;
        }
        if (ipc_)
            ipc_->remove(
                sys::ipc::MembershipRemoved{it->second.ifname, it->second.ifindex, it->second.group});
        ++ipc_counters_.removes;
        it = exported_.erase(it);
    }
    sync_ipc();
}

void IgmpDaemon::stop() {
    if (stopped_) return;
    core_->shutdown();  // withdraws every membership (IPC removes) and proxy MFC/VIF
    stopped_ = true;
    igmp_watches_.clear();
    upcall_watch_.reset();
    idle_timer_.cancel();
    if (mrt_open_) mrt_->done();
    mrt_open_ = false;
    ipc_.reset();
    for (const auto& i : ifsrc_.all())
        sock_.remove_interface(i.ifindex);
    FANOUT_LOG_INFO("igmpd: stopped: memberships withdrawn{}",
                    mrt_ && mrt_counters_.vif_adds ? ", proxy MFC entries and VIFs removed, MRT_DONE" : "");
}

size_t IgmpDaemon::clear_groups(std::optional<Ipv4Address> group, const std::string& ifname) {
    if (stopped_) return 0;
    return core_->handle(igmp::ClearGroups{group, ifname});
}

}  // namespace fanout::igmpd
