// MSDP configuration: RFC 3618 section 5 (timers), 10.2 (mesh groups), RFC 3446 / RFC 4611 (anycast RP with
// MSDP: every anycast RP peers with the others, usually in one mesh group, and originates SAs for the sources
// that registered with it).
//
// RFC 3618 timer names and defaults (section 5; the RFC text was not retrievable from the search corpus, only
// its table of contents: values below are from the RFC as known to the author and agree with FRR and EOS):
//   5.1 SA-Advertisement-Timer   [SA-Advertisement-Period] 60 s: originated SAs are re-sent every period.
//   5.2 SA Cache / SA-State Timer [SG-State-Period]: MUST NOT be less than [SA-Advertisement-Period] +
//       [SA-Hold-Down-Period] (30 s) = 90 s. Fanout uses 150 s by default (EOS and Cisco use longer values).
//   5.3 Peer Hold Timer          [HoldTime-Period] 75 s, at least 3 s.
//   5.4 KeepAlive Timer          [KeepAlive-Period] 60 s, at least 1 s and less than the hold time.
//   5.5 ConnectRetry Timer       [ConnectRetry-Period] 30 s.
//
// The originator address (the RP address put in the RP field of every originated SA) is configured on its own
// and must be the RP address (for anycast RP: the anycast or the configured originator-id address). It is
// NEVER taken from the peering (local) address: INTEROP.md "what breaks" item 4.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/core/clock.hpp"
#include "common/core/ip.hpp"

namespace fanout::msdp {

// One rule of an SA filter: (S,G) matches when source and group fall in the prefixes.
struct MsdpFilterRule {
    bool permit = true;
    Ipv4Prefix source{Ipv4Address(), 0};
    Ipv4Prefix group{Ipv4Address(), 0};
    bool operator==(const MsdpFilterRule&) const = default;
};

// An SA filter (prefix lists for source and group): no rules permits everything; otherwise the first matching
// rule decides and no match denies.
struct MsdpSaFilter {
    std::vector<MsdpFilterRule> rules;
    bool permits(SGKey sg) const {
        if (rules.empty()) return true;
        for (const auto& r : rules)
            if (r.source.contains(sg.source) && r.group.contains(sg.group)) return r.permit;
        return false;
    }
    bool operator==(const MsdpSaFilter&) const = default;
};

struct MsdpPeerConfig {
    Ipv4Address address;                       // the peer's address (TCP endpoint)
    std::optional<Ipv4Address> local_address;  // connect source for this peer (default: the global one)
    std::string description;                   // free text, shown by `show ip msdp peer`
    std::optional<std::string> mesh_group;     // RFC 3618 10.2
    std::string md5_password;                  // TCP_MD5SIG (RFC 2385) when not empty
    size_t sa_limit = 0;                       // max SA-cache entries learned from this peer; 0 = no limit
    MsdpSaFilter sa_filter_in;
    MsdpSaFilter sa_filter_out;
    bool operator==(const MsdpPeerConfig&) const = default;
};

// The TCP endpoint address used with peer p: its own local address when set, else the global one.
inline Ipv4Address local_address_for(const MsdpPeerConfig& p, Ipv4Address global) {
    return p.local_address.value_or(global);
}

struct MsdpTimers {
    Duration keepalive = std::chrono::seconds(60);         // 5.4
    Duration hold = std::chrono::seconds(75);              // 5.3
    Duration connect_retry = std::chrono::seconds(30);     // 5.5
    Duration sa_advertisement = std::chrono::seconds(60);  // 5.1
    Duration sa_state = std::chrono::seconds(150);         // 5.2 (at least 90 s)
    bool operator==(const MsdpTimers&) const = default;
};

struct MsdpConfig {
    Ipv4Address local_address;  // source of the TCP connections (and the address peers configure for us)
    // RP address carried in originated SAs. Unspecified: nothing is originated (counted "no-originator").
    Ipv4Address originator_address;
    std::vector<MsdpPeerConfig> peers;
    MsdpTimers timers;
    size_t max_sa_cache = 100000;  // learned entries, all peers together (drops counted "cache-full")
    // The first data packet of a new local source is carried in its first SA (RFC 3618 section 14); off by
    // default (the data of SAs is optional, and a packet of up to 1500 octets grows each first SA).
    bool encapsulate_data = false;
    // Framed TLVs handled per received chunk before the rest waits for the next chunk (fairness).
    size_t max_tlvs_per_rx = 1024;
    bool operator==(const MsdpConfig&) const = default;
};

// The address to listen on: the global local address, or 0.0.0.0 when some peer uses another local address.
Ipv4Address listen_address(const MsdpConfig& config);

// Problems that make the configuration unusable, one line each (empty: valid).
std::vector<std::string> validate(const MsdpConfig& config);

}  // namespace fanout::msdp
