// pimd wiring: sockets, netlink, kernel MRT and IPC around one PimCore on one EventLoop (see
// pimd_wiring.hpp).
#include "pimd/pimd_wiring.hpp"

#include "common/core/log.hpp"
#include "common/packet/ipv4.hpp"
#include "pimd/core/sparse_mode.hpp"

namespace fanout::pimd {

namespace {
// Upcalls (upcall_backlog.hpp): NOCACHE handed to the core in chunks of kUpcallChunk, newest first, the
// socket read again before each chunk; at most kUpcallTurnBudget per loop turn, so hellos and Join/Prunes
// keep flowing through a flood of new sources.
constexpr size_t kUpcallChunk = 32;
constexpr size_t kUpcallTurnBudget = 1024;
constexpr size_t kUpcallBacklogLimit = 32768;
constexpr Duration kUpcallMaxWait = std::chrono::seconds(2);
}  // namespace

pim::InterfaceChanged to_interface_changed(const InterfaceInfo& info) {
    pim::InterfaceChanged ev;
    ev.ifindex = info.ifindex;
    ev.name = info.name;
    ev.up = info.admin_up && info.oper_up;
    ev.multicast = info.multicast;
    ev.loopback = info.loopback;
    ev.mtu = info.mtu;
    // InterfaceInfo lists primaries first: addresses[0] is the primary, the source of PIM messages.
    for (const auto& a : info.addrs)
        ev.addresses.push_back(pim::IfAddress{a.addr, a.prefix_len});
    return ev;
}

PimDaemon::PimDaemon(sys::EventLoop& loop, std::shared_ptr<const PimdConfig> config,
                     std::unique_ptr<sys::KernelMrt> mrt, sys::PimSocket sock)
    : loop_(loop),
      config_(std::move(config)),
      mrt_(std::move(mrt)),
      sock_(std::move(sock)),
      rng_(SeededRandom::from_entropy()),
      rib_(loop),
      rib_view_(rib_),
      counters_(*mrt_),
      ifsrc_(loop),
      statics_(*mrt_),
      membership_(loop),
      upcalls_(kUpcallBacklogLimit, kUpcallMaxWait) {
    tx_ = std::make_unique<PimSocketTransmitter>(*sock_);
    actions_ = std::make_unique<SysActions>(*tx_, *mrt_);
    core_ = std::make_unique<pim::PimCore>(config_->pim, loop_, rng_, *actions_);
    core_->add_observer(this);
    core_->sparse().set_rib(&rib_view_);
    core_->sparse().set_counter_source(&counters_);
    actions_->add_vif_listener([this] { sync_static_mroutes(); });
    statics_.set_routes(config_->static_mroutes);
    beacon_actions_ = std::make_unique<PimSocketBeaconActions>(*sock_);
    beacons_ = std::make_unique<BeaconService>(loop_, rng_, *beacon_actions_);
}

PimDaemon::~PimDaemon() {
    pim_watch_.reset();
    upcall_watch_.reset();
    if (core_) core_->remove_observer(this);
}

Result<std::unique_ptr<PimDaemon>, std::string> PimDaemon::start(sys::EventLoop& loop,
                                                                 std::shared_ptr<const PimdConfig> config,
                                                                 std::unique_ptr<sys::KernelMrt> mrt) {
    sys::MrtOptions mo;
    mo.table = config->kernel_table();
    mo.pim = sys::PimMode::kOn;
    mo.assert_upcalls = true;
    auto init = mrt->init(mo);
    if (!init) return make_err("kernel multicast routing: " + init.error().message);
    auto sock = sys::PimSocket::open();
    if (!sock) {
        mrt->done();
        return make_err("PIM socket: " + sock.error().to_string());
    }
    std::unique_ptr<PimDaemon> d(
        new PimDaemon(loop, std::move(config), std::move(mrt), std::move(sock).value()));
    auto rest = d->open_rest();
    if (!rest) {
        d->stop();
        return make_err(rest.error());
    }
    return d;
}

Result<Unit, std::string> PimDaemon::open_rest() {
    pim_watch_ = loop_.watch_readable(sock_->fd(), [this] { on_pim_readable(); });
    if (mrt_->upcall_fd() >= 0)
        upcall_watch_ = loop_.watch_readable(mrt_->upcall_fd(), [this] { on_upcalls(); });
    membership_.set_listener([this](sys::MembershipChange c, const sys::MembershipEntry& e) {
        FANOUT_LOG_DEBUG(LogCategory::kIpc, "ipc: membership {} {} on {}{}", sys::to_string(c),
                         e.group.to_string(), e.ifname, e.stale ? " (stale)" : "");
        if (!stopped_) core_->handle(to_membership_changed(c, e));
    });
    sys::IpcServerOptions io;
    io.path = config_->daemon.ipc_socket;
    auto ipc = sys::IpcServer::listen(loop_, io, membership_);
    if (ipc) {
        ipc_ = std::move(ipc).value();
    } else {
        // Not fatal: PIM runs without local receivers from igmpd; `show ipc` shows why.
        ipc_error_ = ipc.error();
        FANOUT_LOG_WARN("pimd: IPC socket {}: {} (running without igmpd membership)", io.path, ipc_error_);
    }
    auto routes = rib_.watch_routes([this](std::span<const sys::RouteChange> changes) {
        if (stopped_) return;
        for (const sys::RouteChange& c : changes) {
            FANOUT_LOG_DEBUG(LogCategory::kEvents, "netlink: route {} {}", c.prefix.to_string(),
                             c.removed ? "removed" : "changed");
            core_->handle(pim::RouteChanged{c.prefix});
        }
    });
    if (!routes) return make_err("netlink route monitor: " + routes.error().to_string());
    if (auto b = beacons_->apply_config(config_->beacons); !b) return make_err("beacons: " + b.error());
    msdp_ = std::make_unique<MsdpService>(loop_, rib_, *core_);
    msdp_->set_join_sink([this](SGKey sg, bool join) {
        if (!stopped_) core_->sparse().msdp_sa_learned(sg, join);
    });
    // RFC 3618 14: an SA's data packet, as a Register to ourselves, is decapsulated by the kernel onto the
    // register VIF and forwarded down the shared tree like any Register's inner packet (msdp_service.hpp).
    msdp_->set_data_sink([this](Ipv4Address rp, std::span<const uint8_t> reg) {
        if (!stopped_) actions_->send_pim(0, rp, rp, reg);
    });
    msdp_->apply_config(config_->msdp);
    ifsrc_.add_listener([this](const InterfaceChange& c) { on_interface_change(c); });
    auto nl = ifsrc_.start();
    if (!nl) return make_err("netlink interface monitor: " + nl.error().to_string());
    sync_static_mroutes();
    return Unit{};
}

void PimDaemon::on_interface_change(const InterfaceChange& c) {
    if (stopped_) return;
    FANOUT_LOG_DEBUG(LogCategory::kEvents, "netlink: {} ifindex {}", to_string(c.kind), c.ifindex);
    beacons_->on_interface_change(c);
    if (c.kind == InterfaceChangeKind::kLinkRemoved) {
        sock_->leave(c.ifindex);
        core_->handle(pim::InterfaceRemoved{c.ifindex});
        return;
    }
    if (c.new_info) core_->handle(to_interface_changed(*c.new_info));
}

void PimDaemon::on_interface_up(const pim::PimInterface& pif) {
    auto r = sock_->join(pif.ifindex());
    if (!r) FANOUT_LOG_WARN("pimd: join 224.0.0.13 on {}: {}", pif.name(), r.error().to_string());
}

void PimDaemon::on_interface_down(const pim::PimInterface& pif) {
    sock_->leave(pif.ifindex());
}

void PimDaemon::on_pim_readable() {
    for (const sys::RxPacket& p : sock_->receive()) {
        beacons_->on_rx(p);  // counts Register-Stops for beaconed (S,G)s; never consumes the packet
        auto ip = packet::decode_ipv4(p.packet);
        if (!ip) {
            ++rx_.ip_decode_errors;
            continue;
        }
        if (ip->header.protocol != packet::kIpProtoPim) {
            ++rx_.not_pim;
            continue;
        }
        if (ip->header.is_fragment()) {
            ++rx_.fragments;
            continue;
        }
        ++rx_.packets;
        FANOUT_LOG_DEBUG(LogCategory::kPacket, "pim rx {} -> {} ifindex {} ({} bytes)", p.src.to_string(),
                         p.dst.to_string(), p.ifindex, ip->payload.size());
        core_->handle(pim::RxPim{p.ifindex, ip->header.src, ip->header.dst, ip->payload});
    }
}

void PimDaemon::on_upcalls() {
    read_upcalls();
    serve_upcalls();
}

// KernelMrt counts them by type; the PIM-SM core decides (NOCACHE: forward per the TIB, or a negative entry;
// WRONGVIF: assert / SPT bit; WHOLEPKT: register). Everything queued is read (up to the backlog's room): an
// upcall left in the socket is an unresolved entry the kernel walks past for every MFC add.
void PimDaemon::read_upcalls() {
    const size_t room = upcalls_.room();
    if (room == 0) return;
    const TimePoint now = loop_.now();
    for (const sys::Upcall& u : mrt_->read_upcalls(room)) {
        FANOUT_LOG_DEBUG(LogCategory::kKernel, "kernel: upcall {} ({},{}) vif {}",
                         sys::upcall_type_name(u.type), u.source.to_string(), u.group.to_string(), u.vif);
        upcalls_.add(to_core_upcall(u), now);
    }
}

void PimDaemon::serve_upcalls() {
    size_t served = 0;
    while (!stopped_ && !upcalls_.empty() && served < kUpcallTurnBudget) {
        std::vector<pim::KernelUpcall> chunk = upcalls_.take(kUpcallChunk, loop_.now());
        served += chunk.size();
        core_->handle(std::span<const pim::KernelUpcall>(chunk));
        if (!stopped_) read_upcalls();
    }
    if (stopped_ || upcalls_.empty() || upcalls_later_.armed()) return;
    upcalls_later_ = TimerHandle(loop_, Duration::zero(), [this] { on_upcalls(); });
}

std::optional<int> PimDaemon::ifindex_of(const std::string& name) const {
    const InterfaceInfo* i = ifsrc_.find(name);
    return i ? std::optional<int>(i->ifindex) : std::nullopt;
}

std::string PimDaemon::ifname_of(int ifindex) const {
    const InterfaceInfo* i = ifsrc_.find(ifindex);
    return i ? i->name : "ifindex " + std::to_string(ifindex);
}

std::optional<sys::VifIndex> PimDaemon::vif_of(const std::string& ifname) const {
    auto ifindex = ifindex_of(ifname);
    if (!ifindex) return std::nullopt;
    auto v = core_->vifs().vif_of(*ifindex);
    if (!v) return std::nullopt;
    auto index = static_cast<sys::VifIndex>(*v);
    if (mrt_->vifs().count(index) == 0) return std::nullopt;  // the kernel refused it
    return index;
}

void PimDaemon::sync_static_mroutes() {
    if (stopped_) return;
    statics_.sync([this](const std::string& name) { return vif_of(name); });
}

void PimDaemon::reload(std::shared_ptr<const PimdConfig> config) {
    if (stopped_) return;
    if (config->kernel_table() != config_->kernel_table())
        FANOUT_LOG_WARN("pimd: mroute-table {} -> {} takes effect at the next start", config_->mroute_table,
                        config->mroute_table);
    if (config->daemon.ipc_socket != config_->daemon.ipc_socket)
        FANOUT_LOG_WARN("pimd: ipc-socket changes take effect at the next start");
    config_ = std::move(config);
    ++reloads_;
    core_->handle(pim::ConfigChanged{config_->pim});
    statics_.set_routes(config_->static_mroutes);
    sync_static_mroutes();
    if (auto b = beacons_->apply_config(config_->beacons); !b)
        FANOUT_LOG_WARN("pimd: beacons not reconfigured: {}", b.error());
    if (msdp_) msdp_->apply_config(config_->msdp);
}

size_t PimDaemon::clear_mroutes(std::optional<Ipv4Address> group) {
    if (stopped_) return 0;
    return core_->handle(pim::ClearMroutes{group});
}

void PimDaemon::stop() {
    if (stopped_) return;
    stopped_ = true;  // VIF deletions below must not re-install static entries
    pim_watch_.reset();
    upcall_watch_.reset();
    beacons_.reset();
    msdp_.reset();  // MSDP sessions closed
    statics_.remove_all();
    core_->shutdown();  // holdtime-0 hellos on every interface, then every VIF deleted (SysActions)
    mrt_->done();       // whatever is left (MFCs of other origins), then MRT_DONE
    ipc_.reset();
    FANOUT_LOG_INFO("pimd: stopped: hellos with holdtime 0 sent, MFC entries and VIFs removed, MRT_DONE");
}

}  // namespace fanout::pimd
