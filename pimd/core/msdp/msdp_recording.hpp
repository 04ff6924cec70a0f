// Recording fakes of the MSDP core's interfaces (msdp_actions.hpp), for unit tests, the conformance driver
// and as the stand-in for PIM until the sparse-mode engine implements MsdpPimHooks. Header-only and pure.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "pimd/core/msdp/msdp_actions.hpp"

namespace fanout::msdp {

struct RecordedMsdpAction {
    enum class Kind : uint8_t { kListen, kSetListenMd5, kConnect, kSend, kClose };
    Kind kind;
    Ipv4Address peer;            // listen: the local address
    Ipv4Address local;           // connect
    std::string md5;             // connect / set_listen_md5
    std::vector<uint8_t> bytes;  // send
};

class RecordingMsdpActions final : public MsdpActions {
  public:
    void listen(Ipv4Address local) override {
        log.push_back({RecordedMsdpAction::Kind::kListen, local, {}, {}, {}});
    }
    void set_listen_md5(Ipv4Address peer, const std::string& pw) override {
        log.push_back({RecordedMsdpAction::Kind::kSetListenMd5, peer, {}, pw, {}});
    }
    void connect(Ipv4Address peer, Ipv4Address local, const std::string& md5) override {
        log.push_back({RecordedMsdpAction::Kind::kConnect, peer, local, md5, {}});
    }
    void send(Ipv4Address peer, std::span<const uint8_t> bytes) override {
        log.push_back({RecordedMsdpAction::Kind::kSend, peer, {}, {}, {bytes.begin(), bytes.end()}});
    }
    void close(Ipv4Address peer) override {
        log.push_back({RecordedMsdpAction::Kind::kClose, peer, {}, {}, {}});
    }

    std::vector<RecordedMsdpAction> take() {
        auto out = std::move(log);
        log.clear();
        return out;
    }
    std::vector<RecordedMsdpAction> log;
};

class MapMsdpRpfLookup final : public MsdpRpfLookup {
  public:
    std::optional<Ipv4Address> next_hop(Ipv4Address addr) override {
        auto it = routes.find(addr);
        if (it == routes.end()) return std::nullopt;
        return it->second;
    }
    std::map<Ipv4Address, Ipv4Address> routes;  // destination -> next hop
};

class RecordingMsdpPimHooks final : public MsdpPimHooks {
  public:
    struct Event {
        std::string what;  // "learned", "expired", "data"
        SGKey sg;
        Ipv4Address rp;
        size_t data_len = 0;
    };
    void on_sa_learned(SGKey sg, Ipv4Address rp) override { events.push_back({"learned", sg, rp, 0}); }
    void on_sa_expired(SGKey sg) override { events.push_back({"expired", sg, {}, 0}); }
    bool has_star_g_receivers(Ipv4Address group) override { return receivers.count(group) != 0; }
    void on_sa_data(SGKey sg, std::span<const uint8_t> pkt) override {
        events.push_back({"data", sg, {}, pkt.size()});
    }
    std::vector<Event> take() {
        auto out = std::move(events);
        events.clear();
        return out;
    }
    std::set<Ipv4Address> receivers;
    std::vector<Event> events;
};

}  // namespace fanout::msdp
