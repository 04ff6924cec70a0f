// (S,G) KeepAlive Timer inputs and the SPT switch threshold, from kernel packet counters.
//  RFC 7761 4.1.3 / 4.2: KeepaliveTimer(S,G) is restarted when data from S to G is forwarded; while it runs
//    the (S,G) state is kept ("KeepaliveTimer(S,G) is running" is part of JoinDesired/CouldRegister...).
//  RFC 7761 4.4.2 (packet_arrives_on_rp_tunnel): on the RP, "if (sentRegisterStop == TRUE) set
//    KeepaliveTimer(S,G) to RP_Keepalive_Period; else set KeepaliveTimer(S,G) to Keepalive_Period".
//  RFC 7761 4.11 timer values: Keepalive_Period 210 s; Register_Suppression_Time 60 s; Register_Probe_Time
//    5 s; RP_Keepalive_Period = (3 * Register_Suppression_Time) + Register_Probe_Time (185 s by default).
//  RFC 7761 4.2.1 / 4.2.2: SwitchToSptDesired(S,G) is implementation policy: here a threshold of
//    "immediate" (switch on the first packet), "kbit/s" (switch once the rate reaches it) or "never".
// (The RFC text was not available in the local corpus; the values above are quoted from RFC 7761 as known.)
//
// The kernel forwards data without telling us, so "data was forwarded" is learned by sampling the per-(S,G)
// counters (SIOCGETSGCNT) every kCounterSampleInterval through CounterSource, which the wiring implements.
// TrafficMonitor keeps the last sample per (S,G) and turns two samples into {traffic seen, rate}. The KAT
// itself is a timer in A's (S,G) entry; it uses the helpers here to decide when and to what to restart it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/core/clock.hpp"
#include "common/core/ip.hpp"

namespace fanout::pim {

inline constexpr Duration kKeepalivePeriod = std::chrono::seconds(210);
inline constexpr Duration kRegisterSuppressionTime = std::chrono::seconds(60);
inline constexpr Duration kRegisterProbeTime = std::chrono::seconds(5);
// How often the wiring samples counters: well inside Keepalive_Period so that a KAT restarted at most one
// interval late still covers a continuous flow.
inline constexpr Duration kCounterSampleInterval = std::chrono::seconds(10);

// RFC 7761 4.11: RP_Keepalive_Period = (3 * Register_Suppression_Time) + Register_Probe_Time.
constexpr Duration rp_keepalive_period(Duration register_suppression_time = kRegisterSuppressionTime,
                                       Duration register_probe_time = kRegisterProbeTime) {
    return 3 * register_suppression_time + register_probe_time;
}

// Why the KAT is being (re)started.
enum class KatRestart : uint8_t {
    kDataForwarded,          // 4.2: data from S to G forwarded (or seen by counters)
    kRegisterAtRp,           // 4.4.2: a Register arrived at the RP and no Register-Stop was sent
    kRegisterAtRpAfterStop,  // 4.4.2: a Register arrived at the RP after it sent a Register-Stop
};

// The value to (re)start KeepaliveTimer(S,G) with.
constexpr Duration keepalive_restart_value(KatRestart why, Duration keepalive_period = kKeepalivePeriod,
                                           Duration rp_keepalive = rp_keepalive_period()) {
    switch (why) {
        case KatRestart::kDataForwarded:
        case KatRestart::kRegisterAtRp:
            return keepalive_period;
        case KatRestart::kRegisterAtRpAfterStop:
            return rp_keepalive;
    }
    return keepalive_period;
}

// Packet/byte counters of one (S,G) MFC entry.
struct SgCounterSample {
    uint64_t packets = 0;
    uint64_t bytes = 0;
    bool operator==(const SgCounterSample&) const = default;
};

// Implemented by the wiring with SIOCGETSGCNT; nothing when the kernel has no entry for key.
class CounterSource {
  public:
    virtual ~CounterSource() = default;
    virtual std::optional<SgCounterSample> sg_counters(const SGKey& key) = 0;
};

struct TrafficObservation {
    bool traffic_seen = false;   // packets arrived since the previous sample (or, on a first sample, ever)
    bool rate_valid = false;     // two comparable samples with time between them
    double rate_kbps = 0;        // kbit/s over the interval (when rate_valid)
    bool counter_reset = false;  // counters went backwards (entry reinstalled): a new baseline
};

enum class SptThresholdMode : uint8_t { kImmediate, kRate, kNever };

// SwitchToSptDesired(S,G) policy.
struct SptThreshold {
    SptThresholdMode mode = SptThresholdMode::kImmediate;
    uint32_t kbps = 0;  // kRate: switch when the rate is at least this

    bool switch_desired(const TrafficObservation& o) const;
    bool operator==(const SptThreshold&) const = default;
};

class TrafficMonitor {
  public:
    // A new sample for key at `now`.
    TrafficObservation observe(const SGKey& key, uint64_t packets, uint64_t bytes, TimePoint now);
    TrafficObservation observe(const SGKey& key, const SgCounterSample& s, TimePoint now) {
        return observe(key, s.packets, s.bytes, now);
    }
    // Samples each key through source (keys the kernel does not know are forgotten and skipped).
    std::vector<std::pair<SGKey, TrafficObservation>> sample(CounterSource& source,
                                                             std::span<const SGKey> keys, TimePoint now);
    void forget(const SGKey& key) { last_.erase(key); }
    size_t size() const { return last_.size(); }

  private:
    struct Last {
        SgCounterSample counters;
        TimePoint at;
    };
    std::unordered_map<SGKey, Last> last_;
};

}  // namespace fanout::pim
