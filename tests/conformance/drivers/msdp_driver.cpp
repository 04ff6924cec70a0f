// Conformance driver "msdp" (every suite folder named msdp_*, e.g. tests/conformance/msdp_peer/): feeds an
// MsdpCore (pimd/core/msdp, RFC 3618) a configuration and a stream of timed events on a ManualTimerService
// and records what it asked of TCP and of PIM, with every sent TLV decoded by the codec.
//
// input.json:
//   {"config": {"local": "198.18.0.5", "originator": "198.18.255.1",
//               "peers": [{"address": "198.18.0.9", "mesh_group": "mg", "md5": "pw", "sa_limit": 2,
//                          "filter_in": [{"permit": false, "source": "198.18.9.0/24", "group": "0.0.0.0/0"}],
//                          "filter_out": [...]}],
//               "timers": {"keepalive": "60s", "hold": "75s", "connect_retry": "30s",
//                          "sa_advertisement": "60s", "sa_state": "150s"},
//               "max_sa_cache": 100000, "encapsulate_data": true,
//               "routes": {"198.18.77.1": "198.18.0.9"},       RPF: destination -> next hop
//               "receivers": ["239.1.1.1"]},                   groups with (*,G) receivers at the start
//    "events": [
//      {"at": "+5s"}                                            advance the clock (may be combined)
//      {"tcp_connected": "198.18.0.9"} | {"tcp_accepted": "198.18.0.2"}
//      {"tcp_closed": {"peer": "...", "cause": "remote-closed|socket-error|connect-failed|output-overflow"}}
//      {"rx": {"peer": "...", "keepalive": true}}
//      {"rx": {"peer": "...", "sa": {"rp": "...", "entries": [["S", "G"], ...], "data_len": N}}}
//      {"rx": {"peer": "...", "hex": "0400..."}}                raw bytes (garbage, partial TLVs)
//      {"origin_add": ["S", "G"], "data_len": N} | {"origin_remove": ["S", "G"]}
//      {"receivers_appeared": "G"} | {"receivers_gone": "G"}
//      {"route": {"dst": "...", "next_hop": "..." | null}}
//      {"snapshot": "peers" | "sa" | "mesh_groups" | "counters"}]}
//
// output: an array, in emission order, of {"at_ms": T, KIND: ...} with KIND one of
//   listen, set_listen_md5, connect {peer, local, md5}, send {peer, tlvs: [decoded]}, close,
//   accepted {peer, taken}, pim {learned|expired|data: {...}}, snapshot (+ data).
// T is milliseconds since the start of the case.
#include <nlohmann/json.hpp>

#include "common/core/manual_timer.hpp"
#include "common/packet/msdp.hpp"
#include "pimd/core/msdp/msdp_core.hpp"
#include "pimd/core/msdp/msdp_recording.hpp"
#include "pimd/core/msdp/msdp_status.hpp"
#include "tests/conformance/driver.hpp"

#include <set>

namespace fanout::conformance {
namespace {

using nlohmann::json;
using namespace fanout::msdp;

Ipv4Address addr(const json& v) {
    auto a = Ipv4Address::parse(v.get<std::string>());
    if (!a) throw std::runtime_error("bad address " + v.dump());
    return *a;
}
Ipv4Prefix prefix(const json& v) {
    auto p = Ipv4Prefix::parse(v.get<std::string>());
    if (!p) throw std::runtime_error("bad prefix " + v.dump());
    return *p;
}
SGKey sg_of(const json& v) {
    return SGKey{addr(v.at(0)), addr(v.at(1))};
}
json sg_json(SGKey sg) {
    return json::array({sg.source.to_string(), sg.group.to_string()});
}

json decode_tlvs(std::span<const uint8_t> bytes) {
    json out = json::array();
    auto framed = packet::frame_msdp_stream(bytes);
    for (auto tlv : framed.tlvs) {
        auto m = packet::decode_msdp(tlv);
        if (!m) {
            out.push_back({{"type", "undecodable"}});
            continue;
        }
        if (auto* sa = std::get_if<packet::MsdpSourceActive>(&m.value())) {
            json entries = json::array();
            for (const auto& e : sa->entries)
                entries.push_back(sg_json(SGKey{e.source, e.group}));
            out.push_back({{"type", "sa"},
                           {"rp", sa->rp.to_string()},
                           {"entries", entries},
                           {"data_len", sa->data.size()}});
        } else if (std::holds_alternative<packet::MsdpKeepalive>(m.value())) {
            out.push_back({{"type", "keepalive"}});
        } else {
            out.push_back({{"type", "other"}});
        }
    }
    if (framed.fatal || framed.consumed != bytes.size()) out.push_back({{"type", "unframed-bytes"}});
    return out;
}

// Records actions and PIM calls as JSON lines stamped with the manual clock.
class Recorder final : public MsdpActions, public MsdpPimHooks {
  public:
    Recorder(ManualTimerService& t, json& out) : t_(t), start_(t.now()), out_(out) {}
    void emit(const std::string& kind, json v) { out_.push_back({{"at_ms", at_ms()}, {kind, std::move(v)}}); }
    int64_t at_ms() const {
        return std::chrono::duration_cast<std::chrono::milliseconds>(t_.now() - start_).count();
    }

    void listen(Ipv4Address local) override { emit("listen", local.to_string()); }
    void set_listen_md5(Ipv4Address peer, const std::string& pw) override {
        emit("set_listen_md5", {{"peer", peer.to_string()}, {"md5", pw}});
    }
    void connect(Ipv4Address peer, Ipv4Address local, const std::string& md5) override {
        emit("connect", {{"peer", peer.to_string()}, {"local", local.to_string()}, {"md5", md5}});
    }
    void send(Ipv4Address peer, std::span<const uint8_t> bytes) override {
        emit("send", {{"peer", peer.to_string()}, {"tlvs", decode_tlvs(bytes)}});
    }
    void close(Ipv4Address peer) override { emit("close", peer.to_string()); }

    void on_sa_learned(SGKey sg, Ipv4Address rp) override {
        emit("pim", {{"learned", {{"sg", sg_json(sg)}, {"rp", rp.to_string()}}}});
    }
    void on_sa_expired(SGKey sg) override { emit("pim", {{"expired", {{"sg", sg_json(sg)}}}}); }
    bool has_star_g_receivers(Ipv4Address group) override { return receivers.count(group) != 0; }
    void on_sa_data(SGKey sg, std::span<const uint8_t> pkt) override {
        emit("pim", {{"data", {{"sg", sg_json(sg)}, {"len", pkt.size()}}}});
    }
    std::set<Ipv4Address> receivers;

  private:
    ManualTimerService& t_;
    TimePoint start_;
    json& out_;
};

MsdpSaFilter filter_of(const json& v) {
    MsdpSaFilter f;
    for (const auto& r : v)
        f.rules.push_back(MsdpFilterRule{r.value("permit", true),
                                         prefix(r.value("source", json("0.0.0.0/0"))),
                                         prefix(r.value("group", json("0.0.0.0/0")))});
    return f;
}

MsdpConfig config_of(const json& c) {
    MsdpConfig cfg;
    cfg.local_address = addr(c.at("local"));
    if (c.contains("originator")) cfg.originator_address = addr(c["originator"]);
    const json peers = c.value("peers", json::array());
    for (const auto& p : peers) {
        MsdpPeerConfig pc;
        pc.address = addr(p.at("address"));
        if (p.contains("mesh_group")) pc.mesh_group = p["mesh_group"].get<std::string>();
        pc.md5_password = p.value("md5", "");
        pc.sa_limit = p.value("sa_limit", size_t{0});
        pc.sa_filter_in = filter_of(p.value("filter_in", json::array()));
        pc.sa_filter_out = filter_of(p.value("filter_out", json::array()));
        cfg.peers.push_back(std::move(pc));
    }
    auto dur = [](const json& v) { return Duration(std::chrono::milliseconds(parse_duration_ms(v))); };
    const auto t = c.value("timers", json::object());
    if (t.contains("keepalive")) cfg.timers.keepalive = dur(t["keepalive"]);
    if (t.contains("hold")) cfg.timers.hold = dur(t["hold"]);
    if (t.contains("connect_retry")) cfg.timers.connect_retry = dur(t["connect_retry"]);
    if (t.contains("sa_advertisement")) cfg.timers.sa_advertisement = dur(t["sa_advertisement"]);
    if (t.contains("sa_state")) cfg.timers.sa_state = dur(t["sa_state"]);
    cfg.max_sa_cache = c.value("max_sa_cache", cfg.max_sa_cache);
    cfg.encapsulate_data = c.value("encapsulate_data", cfg.encapsulate_data);
    return cfg;
}

MsdpCloseCause cause_of(const std::string& s) {
    for (auto c : {MsdpCloseCause::kRemoteClosed, MsdpCloseCause::kSocketError,
                   MsdpCloseCause::kConnectFailed, MsdpCloseCause::kOutputOverflow})
        if (to_string(c) == s) return c;
    throw std::runtime_error("unknown close cause " + s);
}

std::vector<uint8_t> from_hex(const std::string& hex) {
    std::vector<uint8_t> out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
    return out;
}

void rx_event(const json& rx, MsdpCore& core) {
    const auto peer = addr(rx.at("peer"));
    if (rx.value("keepalive", false)) return core.tcp_received(peer, packet::encode_msdp_keepalive());
    if (rx.contains("hex")) return core.tcp_received(peer, from_hex(rx["hex"].get<std::string>()));
    const auto& sa = rx.at("sa");
    std::vector<packet::MsdpSaEntry> entries;
    for (const auto& e : sa.at("entries")) {
        auto sg = sg_of(e);
        entries.push_back(packet::MsdpSaEntry{sg.group, sg.source});
    }
    std::vector<uint8_t> data(sa.value("data_len", size_t{0}), 0x45);
    for (const auto& tlv : packet::encode_msdp_source_active(addr(sa.at("rp")), entries, data))
        core.tcp_received(peer, tlv);
}

json snapshot(const std::string& what, const MsdpCore& core) {
    if (what == "peers") return json(peer_status(core));
    if (what == "sa") return json(sa_status(core));
    if (what == "mesh_groups") return json(mesh_group_status(core));
    if (what == "counters") {
        const auto& c = core.counters();
        return {{"unknown_peer_connections", c.unknown_peer_connections},
                {"rejected_connections", c.rejected_connections},
                {"no_originator", c.no_originator},
                {"originated_tlvs", c.originated_tlvs},
                {"forwarded_entries", c.forwarded_entries},
                {"filtered_out", c.filtered_out},
                {"data_delivered", c.data_delivered},
                {"announced", c.announced},
                {"expired", c.expired},
                {"cache_size", core.sa_cache().size()}};
    }
    throw std::runtime_error("unknown snapshot " + what);
}

void run_event(const json& ev, MsdpCore& core, ManualTimerService& t, Recorder& rec, MapMsdpRpfLookup& rpf) {
    if (ev.contains("at")) t.advance(std::chrono::milliseconds(parse_duration_ms(ev["at"])));
    if (ev.contains("tcp_connected")) core.tcp_connected(addr(ev["tcp_connected"]));
    if (ev.contains("tcp_accepted")) {
        const bool taken = core.tcp_accepted(addr(ev["tcp_accepted"]));
        rec.emit("accepted", {{"peer", ev["tcp_accepted"]}, {"taken", taken}});
    }
    if (ev.contains("tcp_closed"))
        core.tcp_closed(addr(ev["tcp_closed"].at("peer")), cause_of(ev["tcp_closed"].at("cause")));
    if (ev.contains("rx")) rx_event(ev["rx"], core);
    if (ev.contains("origin_add")) {
        std::vector<uint8_t> data(ev.value("data_len", size_t{0}), 0x45);
        core.sa_origin_add(sg_of(ev["origin_add"]), data);
    }
    if (ev.contains("origin_remove")) core.sa_origin_remove(sg_of(ev["origin_remove"]));
    if (ev.contains("receivers_appeared")) {
        rec.receivers.insert(addr(ev["receivers_appeared"]));
        core.on_star_g_receivers_appeared(addr(ev["receivers_appeared"]));
    }
    if (ev.contains("receivers_gone")) {
        rec.receivers.erase(addr(ev["receivers_gone"]));
        core.on_star_g_receivers_gone(addr(ev["receivers_gone"]));
    }
    if (ev.contains("route")) {
        const auto& r = ev["route"];
        if (r.at("next_hop").is_null())
            rpf.routes.erase(addr(r.at("dst")));
        else
            rpf.routes[addr(r.at("dst"))] = addr(r.at("next_hop"));
    }
    if (ev.contains("snapshot")) {
        const auto what = ev["snapshot"].get<std::string>();
        rec.emit("snapshot", what);  // the driver appends "data" after the event
    }
}

json run_msdp(const std::filesystem::path&, const json& input) {
    ManualTimerService t;
    json out = json::array();
    Recorder rec(t, out);
    MapMsdpRpfLookup rpf;
    const auto& c = input.at("config");
    const json routes = c.value("routes", json::object());
    for (auto it = routes.begin(); it != routes.end(); ++it)
        rpf.routes[addr(json(it.key()))] = addr(it.value());
    const json receivers = c.value("receivers", json::array());
    for (const auto& g : receivers)
        rec.receivers.insert(addr(g));
    auto cfg = config_of(c);
    auto errors = validate(cfg);
    if (!errors.empty()) throw std::runtime_error("invalid config: " + errors.front());
    MsdpCore core(cfg, t, rec, rpf, rec);
    core.start();
    for (const auto& ev : input.at("events")) {
        run_event(ev, core, t, rec, rpf);
        if (ev.contains("snapshot")) out.back()["data"] = snapshot(ev["snapshot"].get<std::string>(), core);
    }
    return out;
}

// Every suite folder named msdp_* runs through this driver.
const bool reg_msdp_suites = register_suites("msdp_", run_msdp);

}  // namespace
}  // namespace fanout::conformance
