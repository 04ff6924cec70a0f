// MsdpService: MSDP (RFC 3618) inside the running pimd. Owns the MSDP core (pimd/core/msdp/msdp_core.hpp),
// its TCP wiring (msdp_wiring.hpp, port 639) and the RIB lookup for peer-RPF, and connects the core to the
// PIM-SM state of the daemon's PimCore:
//
//   origination (RFC 3618 section 3; RFC 7761 4.4.2 flags C/N): every scan, each (S,G) of the TIB whose
//     KeepaliveTimer runs, for which this router is RP(G) (RP(G) is one of our addresses: the anycast RP
//     address on a loopback counts) and whose source is directly connected or was learned from a Register
//     (C or N set), and not learned through MSDP (M), is originated (sa_origin_add); (S,G)s that no longer
//     qualify are withdrawn from origination (peers time them out: MSDP has no withdrawal).
//   receivers (section 6): groups whose (*,G) immediate_olist is not empty are "(*,G) receivers"; their
//     appearance and disappearance are reported to the core, which then announces cached SAs (late
//     receivers).
//   SA-learned (S,G) (section 6, "the RP ... joins (S,G) toward S"): handed to the join sink set with
//     set_join_sink (the PIM-SM side); the (S,G)s announced and not yet expired are listed by sa_joins().
//   encapsulated data (RFC 3618 section 14, 12.2.1): the data packet an accepted SA carries for a group with
//     (*,G) receivers goes down the shared tree exactly as the RP forwards a decapsulated Register's inner
//     packet (RFC 7761 4.4.2): it is wrapped in a Register from RP(G) to RP(G) and handed to the data sink,
//     which sends it to ourselves; the kernel decapsulates it onto the register VIF, whose MFC entry (iif =
//     register VIF while SPTbit(S,G) is not set, sparse_mode_forwarding.cpp) forwards it to
//     inherited_olist(S,G,rpt). RegisterRp drops that Register as "own-source" without running the RP logic.
//     The checks before (pimd/core/msdp/sa_data.hpp) each count their drop by reason (show ip msdp
//     statistics, service.sa_data_drops).
//   origination with data: a register-learned source's first data packet (kept by RegisterRp) is handed to
//     the core with the source; the core puts it in the first SA when `encapsulate-data` is on (off by
//     default).
//
// apply_config(nullopt) stops MSDP (every session closed); a new configuration is applied as a difference
// (MsdpCore::reconfigure: a changed peer resets only that peer).
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <set>

#include "common/sys/event_loop.hpp"
#include "common/sys/rib_lookup.hpp"
#include "pimd/core/msdp/msdp_core.hpp"
#include "pimd/core/msdp/sa_data.hpp"
#include "pimd/core/pim_core.hpp"
#include "pimd/msdp_wiring.hpp"

namespace fanout::pimd {

struct MsdpServiceCounters {
    uint64_t scans = 0;
    uint64_t origin_added = 0;    // (S,G)s that started to be originated
    uint64_t origin_removed = 0;  // ... and stopped
    uint64_t receivers_appeared = 0;
    uint64_t receivers_gone = 0;
    uint64_t sa_joins = 0;          // SA-learned (S,G)s handed to PIM
    uint64_t sa_joins_dropped = 0;  // ... with no join sink (PIM side not connected)
    uint64_t sa_expired = 0;
    uint64_t sa_data_packets = 0;    // encapsulated data received for groups with receivers
    uint64_t sa_data_forwarded = 0;  // ... handed to the kernel's decapsulation (down the shared tree)
    std::array<uint64_t, static_cast<size_t>(msdp::SaDataDrop::kCount)> sa_data_drops{};
    uint64_t origin_with_data = 0;  // sources originated with their first data packet at hand
    uint64_t starts = 0;
    uint64_t reconfigures = 0;
    uint64_t peer_resets = 0;  // peers reset by reloads
};

class MsdpService final : private msdp::MsdpPimHooks {
  public:
    static constexpr Duration kDefaultScanInterval = std::chrono::seconds(1);
    // join(sg, true) when an SA-learned (S,G) should be joined toward S, join(sg, false) when it expired.
    using JoinSink = std::function<void(SGKey sg, bool join)>;
    // data(rp, register): send the PIM Register `register` (a data Register around an SA's packet) from rp
    // to rp, one of our addresses, for the kernel to decapsulate.
    using DataSink = std::function<void(Ipv4Address rp, std::span<const uint8_t> pim_register)>;

    MsdpService(sys::EventLoop& loop, sys::RibLookup& rib, const pim::PimCore& pim,
                Duration scan_interval = kDefaultScanInterval);
    ~MsdpService() override;
    MsdpService(const MsdpService&) = delete;
    MsdpService& operator=(const MsdpService&) = delete;

    void apply_config(const std::optional<msdp::MsdpConfig>& config);
    void set_join_sink(JoinSink sink) { join_sink_ = std::move(sink); }
    void set_data_sink(DataSink sink) { data_sink_ = std::move(sink); }
    // One pass over the TIB (origination and receivers); runs every scan interval, and may be called.
    void scan();

    const msdp::MsdpCore* core() const { return core_.get(); }
    const MsdpTcpWiring* io() const { return io_.get(); }
    const MsdpServiceCounters& counters() const { return counters_; }
    const std::set<SGKey>& sa_joins() const { return sa_joins_; }
    const std::set<Ipv4Address>& receiver_groups() const { return receiver_groups_; }

  private:
    // MsdpPimHooks
    void on_sa_learned(SGKey sg, Ipv4Address rp) override;
    void on_sa_expired(SGKey sg) override;
    bool has_star_g_receivers(Ipv4Address group) override;
    void on_sa_data(SGKey sg, std::span<const uint8_t> ipv4_packet) override;

    std::set<SGKey> local_sources() const;
    std::span<const uint8_t> first_packet(const SGKey& sg) const;
    void drop_data(msdp::SaDataDrop d) { ++counters_.sa_data_drops[static_cast<size_t>(d)]; }
    std::set<Ipv4Address> star_g_receiver_groups() const;
    void arm_scan();

    sys::EventLoop& loop_;
    MsdpRibRpf rpf_;
    const pim::PimCore& pim_;
    Duration scan_interval_;
    std::unique_ptr<MsdpTcpWiring> io_;  // declared before core_: outlives it
    std::unique_ptr<msdp::MsdpCore> core_;
    std::set<Ipv4Address> receiver_groups_;
    std::set<SGKey> sa_joins_;
    JoinSink join_sink_;
    DataSink data_sink_;
    TimerHandle scan_timer_;
    MsdpServiceCounters counters_;
};

}  // namespace fanout::pimd
