// One PIM interface: whether PIM runs on it, its Hellos (RFC 7761 4.3.1), its neighbors (4.3.2, 4.3.4), its
// DR (4.3.2) and its LAN Prune Delay values (4.3.3).
//
// States: Down (with a reason: disabled, link down, no address, no multicast, loopback) and Up. Everything
// that only exists while PIM runs (GenID, the hello timers, the neighbor table, the DR) lives in the Up state
// object, so stopping destroys it together with every timer it armed.
//
// Up -> Down on link down, address loss, config disable, removal or core shutdown. Before going down a Hello
// with holdtime 0 is sent when the link can still carry it (4.3.1: "Before an interface goes down or changes
// primary IP address, a Hello message with a zero HoldTime should be sent immediately (with the old IP
// address if the IP address changed)"); when the link itself went down there is nothing to send it on. A
// primary address change while Up: goodbye from the old address, then a hello from the new one at once (the
// GenID stays: PIM did not restart). A secondary address change: a hello at once (4.3.1).
// The GenID is drawn from the injected Random each time the interface goes Up (4.3.1: "regenerated each time
// PIM forwarding is started or restarted on the interface").
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/core/clock.hpp"
#include "common/core/random.hpp"
#include "common/packet/pim_hello.hpp"
#include "pimd/core/hello_sender.hpp"
#include "pimd/core/lan_prune_delay.hpp"
#include "pimd/core/neighbor_table.hpp"
#include "pimd/core/pim_actions.hpp"
#include "pimd/core/pim_config.hpp"
#include "pimd/core/pim_counters.hpp"
#include "pimd/core/pim_dispatch.hpp"
#include "pimd/core/pim_events.hpp"
#include "pimd/core/pim_observer.hpp"

namespace fanout::pim {

// What every interface shares with the core.
struct PimContext {
    TimerService& timers;
    Random& rng;
    PimActions& actions;
    PimCounters& counters;
    std::vector<PimObserver*>& observers;
};

enum class PimIfState : uint8_t { kDown, kUp };
std::string_view to_string(PimIfState s);

class PimInterface {
  public:
    PimInterface(PimContext& ctx, const InterfaceChanged& link, const PimInterfaceConfig& cfg);
    ~PimInterface();
    PimInterface(const PimInterface&) = delete;
    PimInterface& operator=(const PimInterface&) = delete;

    // A link update (flags, addresses): starts, stops or re-announces as needed.
    void update_link(const InterfaceChanged& link);
    // A new configuration for this interface.
    void update_config(const PimInterfaceConfig& cfg);
    // Stops PIM (shutdown, removal): a goodbye if the link is up, then Down with reason `why`.
    void shutdown(std::string_view why);

    // A verified Hello from src (policy already checked by the core).
    RxOutcome receive_hello(Ipv4Address src, const packet::Hello& hello);

    // Sends a complete PIM message from our primary address (counts it by type). No-op while Down.
    void send(Ipv4Address dst, std::span<const uint8_t> message);
    // 4.3.1: call before sending a Join/Prune or Assert: sends a Hello first if neighbors may not know us
    // yet.
    void ensure_hello_sent();

    int ifindex() const { return ifindex_; }
    const std::string& name() const { return name_; }
    const PimInterfaceConfig& config() const { return cfg_; }
    const InterfaceChanged& link() const { return link_; }
    PimIfState state() const { return up_ ? PimIfState::kUp : PimIfState::kDown; }
    bool is_up() const { return up_ != nullptr; }
    std::string_view down_reason() const { return down_reason_; }
    // Primary address (0.0.0.0 when the link has none).
    Ipv4Address primary_address() const;
    std::vector<Ipv4Address> secondary_addresses() const;
    bool is_local_address(Ipv4Address a) const;

    // Up-state values (zero/empty while Down).
    uint32_t generation_id() const { return up_ ? up_->generation_id : 0; }
    Ipv4Address dr() const { return up_ ? up_->dr : Ipv4Address{}; }
    bool i_am_dr() const { return up_ && up_->dr == primary_address(); }
    const NeighborTable* neighbors() const { return up_ ? &up_->neighbors : nullptr; }
    size_t neighbor_count() const { return up_ ? up_->neighbors.size() : 0; }
    // The neighbor whose primary or secondary address is addr (4.3.4), nullptr if none.
    const Neighbor* find_neighbor(Ipv4Address addr) const;
    const HelloSender* hello_sender() const { return up_ ? &up_->hello : nullptr; }
    TimePoint up_since() const { return up_ ? up_->since : TimePoint{}; }

    // RFC 7761 4.3.3 / 4.11 over the current neighbors.
    bool lan_delay_enabled() const;
    Duration effective_propagation_delay() const;
    Duration effective_override_interval() const;
    bool suppression_enabled() const;
    Duration jp_override_interval() const;

    const PimInterfaceCounters& counters() const { return counters_; }
    void count_drop() { ++counters_.drops; }

    // The Hello we send now with the given holdtime (exposed for tests).
    packet::Hello build_hello(uint16_t holdtime_s) const;

  private:
    struct Up {
        Up(PimInterface& owner, uint32_t genid);
        uint32_t generation_id;
        TimePoint since;
        Ipv4Address dr;
        NeighborTable neighbors;
        HelloSender hello;
    };

    std::string_view wanted_down_reason() const;  // "" when PIM should run
    void reevaluate();
    void go_up();
    void go_down(std::string_view why, std::optional<Ipv4Address> goodbye_from);
    void send_hello(uint16_t holdtime_s, Ipv4Address src);
    void run_dr_election();
    void on_neighbor_expired(Ipv4Address primary);
    void neighbor_down(Ipv4Address primary, NeighborDownReason why);
    void apply_neighbor_filter();
    std::vector<NeighborLanPruneDelay> neighbor_lan_delays() const;
    template <typename F>
    void notify(F&& f) {
        for (auto* o : ctx_.observers)
            f(*o);
    }

    PimContext& ctx_;
    int ifindex_;
    std::string name_;
    InterfaceChanged link_;
    PimInterfaceConfig cfg_;
    std::string_view down_reason_ = "starting";
    std::unique_ptr<Up> up_;
    PimInterfaceCounters counters_;
};

}  // namespace fanout::pim
