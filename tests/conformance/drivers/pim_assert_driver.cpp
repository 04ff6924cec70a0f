// Conformance driver for the suites tests/conformance/pim_assert_* (RFC 7761 4.6): one or more routers, each
// a real PimCore with the Assert subsystem, fake TIB macros (CouldAssert / AssertTrackingDesired sets given
// by the case) and a fake RIB, sharing one manual clock. Interfaces that name the same "lan" are connected:
// what one router sends there is delivered to the others (in send order, after the current step). Time
// advances in 100 ms steps so delivery keeps its order with timers.
//
// input.json:
//   {"routers": {"r1": {"interfaces": [{"ifindex": 2, "name": "lan", "address": "10.0.1.1/24", "lan": "L"}],
//                       "routes": {"10.9.0.5": {"interface": "up", "gateway": "10.0.2.254",
//                                               "protocol": "ospf"|"static"|"bgp"|..., "metric": 20}},
//                       "rp": "10.8.0.1",
//                       "could_assert": [["S", "G", "lan"], ["*", "G", "lan"]],
//                       "tracking": [["S", "G", "lan"]]}, ...},
//    "events": [{"at": "+6s"},
//               {"router": "r1", "wrongvif": {"interface": "lan", "source": S, "group": G}},
//               {"router": "r1", "could_assert": {"entry": ["S"|"*", G, IF], "value": false}}  (then
//               reevaluate)
//               {"router": "r1", "tracking": {"entry": [...], "value": false}}
//               {"router": "r1", "route": {"address": A, "interface": IF, "gateway": GW, "protocol": P,
//                                          "metric": M} | {"address": A, "remove": true}}
//               {"router": "r1", "join": ["S"|"*", G, IF]},
//               {"router": "r1", "rx_hello": {"interface": IF, "src": A, "holdtime": 65535}},
//               {"router": "r1", "rx_assert": {"interface": IF, "src": A, "group": G, "source": S, "rpt":
//               false,
//                                              "preference": 110, "metric": 20, "cancel": false,
//                                              "trailing": N}},
//               {"snapshot": "asserts"}]}
// output (in order): {"at_ms", "router", "send": {"interface", "dst", "assert": {...}}} for every Assert sent
// (Hellos are delivered but not recorded); {"at_ms", "router", "assert_changed": {"entry", "state", "winner",
// "lost_assert"}}; {"at_ms", "snapshot": "asserts", "data": {router: [entries]}}.
#include <nlohmann/json.hpp>

#include <deque>
#include <map>
#include <memory>
#include <set>

#include "common/core/manual_timer.hpp"
#include "common/core/random.hpp"
#include "common/packet/pim_assert.hpp"
#include "common/packet/pim_hello.hpp"
#include "pimd/core/assert.hpp"
#include "pimd/core/pim_core.hpp"
#include "tests/conformance/driver.hpp"

namespace fanout::conformance {
namespace {

using nlohmann::json;
using namespace fanout::pim;

Ipv4Address ip(const json& v) {
    auto a = Ipv4Address::parse(v.get<std::string>());
    if (!a) throw std::runtime_error("bad address " + v.dump());
    return *a;
}

uint8_t protocol_of(const std::string& p) {
    static const std::map<std::string, uint8_t> m = {{"kernel", rtprot::kKernel}, {"static", rtprot::kStatic},
                                                     {"bgp", rtprot::kBgp},       {"ospf", rtprot::kOspf},
                                                     {"isis", rtprot::kIsis},     {"rip", rtprot::kRip},
                                                     {"eigrp", rtprot::kEigrp}};
    auto it = m.find(p);
    if (it == m.end()) throw std::runtime_error("unknown protocol " + p);
    return it->second;
}

struct Packet {
    std::string from;
    std::string lan;
    Ipv4Address src;
    Ipv4Address dst;
    std::vector<uint8_t> bytes;
};

struct World;

struct Router final : PimActions, AssertMacros, AssertListener, RibView {
    Router(World& w, std::string n, const json& cfg);
    // PimActions
    void send_pim(int ifindex, Ipv4Address src, Ipv4Address dst, std::span<const uint8_t> m) override;
    void vif_add(const VifAdd&) override {}
    void vif_del(const VifDel&) override {}
    void mfc_set(const MfcEntry&) override {}
    void mfc_del(const MfcDel&) override {}
    // AssertMacros
    bool could_assert(const SGKey& sg, int i) const override { return could.count(key(sg, i)) > 0; }
    bool assert_tracking_desired(const SGKey& sg, int i) const override {
        return track.count(key(sg, i)) > 0;
    }
    bool could_assert(const StarGKey& g, int i) const override { return could.count(key(g, i)) > 0; }
    bool assert_tracking_desired(const StarGKey& g, int i) const override {
        return track.count(key(g, i)) > 0;
    }
    std::optional<Ipv4Address> rp(Ipv4Address) const override { return rp_address; }
    // AssertListener
    void on_assert_changed(const SGKey& sg, int i) override;
    void on_assert_changed(const StarGKey& g, int i) override;
    void on_assert_a6(const SGKey&, int) override {}
    // RibView
    std::optional<RpfRoute> lookup(Ipv4Address a) override {
        auto it = routes.find(a);
        if (it == routes.end()) return std::nullopt;
        return it->second;
    }

    using Key = std::tuple<Ipv4Address, Ipv4Address, int>;  // (S or 0 for *, G, ifindex)
    static Key key(const SGKey& sg, int i) { return {sg.source, sg.group, i}; }
    static Key key(const StarGKey& g, int i) { return {Ipv4Address{}, g.group, i}; }
    Key parse_entry(const json& e) const {
        auto s = e.at(0).get<std::string>();
        return {s == "*" ? Ipv4Address{} : ip(e.at(0)), ip(e.at(1)), ifindex_of(e.at(2).get<std::string>())};
    }
    int ifindex_of(const std::string& ifname) const {
        for (const auto& [i, n] : if_names)
            if (n == ifname) return i;
        throw std::runtime_error("unknown interface " + ifname);
    }
    RpfRoute parse_route(const json& r) const {
        RpfRoute rt;
        rt.ifindex = ifindex_of(r.at("interface").get<std::string>());
        rt.gateway = ip(r.at("gateway"));
        rt.protocol = protocol_of(r.value("protocol", std::string("ospf")));
        rt.metric = r.value("metric", 0u);
        return rt;
    }
    json entry_json(Ipv4Address s, Ipv4Address g, int i) const {
        return json::array({s.is_unspecified() ? "*" : s.to_string(), g.to_string(), if_names.at(i)});
    }

    World& world;
    std::string name;
    std::map<int, std::string> if_names;
    std::map<int, std::string> lans;
    std::map<Ipv4Address, RpfRoute> routes;
    std::optional<Ipv4Address> rp_address;
    std::set<Key> could, track;
    std::unique_ptr<PimCore> core;
    std::unique_ptr<RpfTracker> rpf;
    std::unique_ptr<Assert> asrt;
};

struct World {
    ManualTimerService timers;
    SeededRandom rng{1};
    TimePoint start = timers.now();
    json out = json::array();
    std::deque<Packet> wire;
    std::map<std::string, std::unique_ptr<Router>> routers;

    int64_t at_ms() const {
        return std::chrono::duration_cast<std::chrono::milliseconds>(timers.now() - start).count();
    }
    void deliver() {
        while (!wire.empty()) {
            Packet p = std::move(wire.front());
            wire.pop_front();
            for (auto& [n, r] : routers) {
                if (n == p.from) continue;
                for (const auto& [ifindex, lan] : r->lans)
                    if (lan == p.lan) r->core->handle(RxPim{ifindex, p.src, p.dst, p.bytes});
            }
        }
    }
    void advance(Duration d) {
        auto end = timers.now() + d;
        while (timers.now() < end) {
            timers.advance(std::min<Duration>(std::chrono::milliseconds(100), end - timers.now()));
            deliver();
        }
    }
};

Router::Router(World& w, std::string n, const json& cfg) : world(w), name(std::move(n)) {
    PimConfig pc;
    std::vector<InterfaceChanged> links;
    for (const auto& i : cfg.at("interfaces")) {
        InterfaceChanged ev;
        ev.ifindex = i.at("ifindex").get<int>();
        ev.name = i.at("name").get<std::string>();
        ev.up = true;
        auto a = Ipv4Prefix::parse(i.at("address").get<std::string>(), true);
        if (!a) throw std::runtime_error("bad interface address");
        auto text = i.at("address").get<std::string>();
        ev.addresses = {{*Ipv4Address::parse(text.substr(0, text.find('/'))), a->length()}};
        if_names[ev.ifindex] = ev.name;
        if (i.contains("lan")) lans[ev.ifindex] = i["lan"].get<std::string>();
        pc.interfaces[ev.name] = {};
        links.push_back(ev);
    }
    const json route_cfg = cfg.value("routes", json::object());  // a named json: items() must not dangle
    for (const auto& [a, r] : route_cfg.items())
        routes[*Ipv4Address::parse(a)] = parse_route(r);
    if (cfg.contains("rp")) rp_address = ip(cfg["rp"]);
    for (const auto& e : cfg.value("could_assert", json::array()))
        could.insert(parse_entry(e));
    for (const auto& e : cfg.value("tracking", json::array()))
        track.insert(parse_entry(e));
    core = std::make_unique<PimCore>(pc, w.timers, w.rng, *this);
    rpf = std::make_unique<RpfTracker>(*this);
    for (const auto& [a, r] : routes)
        rpf->track(a);
    if (rp_address) rpf->track(*rp_address);
    asrt = std::make_unique<Assert>(*core, *rpf, *this, *this);
    for (const auto& l : links)
        core->handle(l);
}

void Router::send_pim(int ifindex, Ipv4Address src, Ipv4Address dst, std::span<const uint8_t> m) {
    auto lan = lans.find(ifindex);
    if (lan != lans.end()) world.wire.push_back({name, lan->second, src, dst, {m.begin(), m.end()}});
    auto a = packet::decode_assert(m);
    if (!a) return;
    json j = {{"group", a->group.group.to_string()},
              {"source", a->source.to_string()},
              {"rpt", a->rpt},
              {"preference", a->metric_preference},
              {"metric", a->metric},
              {"cancel", a->is_cancel()}};
    world.out.push_back(
        {{"at_ms", world.at_ms()},
         {"router", name},
         {"send", {{"interface", if_names.at(ifindex)}, {"dst", dst.to_string()}, {"assert", j}}}});
}

void Router::on_assert_changed(const SGKey& sg, int i) {
    auto w = asrt->assert_winner(sg, i);
    world.out.push_back({{"at_ms", world.at_ms()},
                         {"router", name},
                         {"assert_changed",
                          {{"entry", entry_json(sg.source, sg.group, i)},
                           {"state", std::string(to_string(asrt->state(sg, i)))},
                           {"winner", w ? json(w->to_string()) : json(nullptr)},
                           {"lost_assert", asrt->lost_assert(sg, i)}}}});
}

void Router::on_assert_changed(const StarGKey& g, int i) {
    auto w = asrt->assert_winner(g, i);
    world.out.push_back({{"at_ms", world.at_ms()},
                         {"router", name},
                         {"assert_changed",
                          {{"entry", entry_json(Ipv4Address{}, g.group, i)},
                           {"state", std::string(to_string(asrt->state(g, i)))},
                           {"winner", w ? json(w->to_string()) : json(nullptr)},
                           {"lost_assert", asrt->lost_assert(g, i)}}}});
}

json snapshot(const World& w) {
    json data = json::object();
    for (const auto& [n, r] : w.routers) {
        json list = json::array();
        for (const auto& s : r->asrt->status()) {
            bool lost = s.star_g ? r->asrt->lost_assert(StarGKey{s.group}, s.ifindex)
                                 : r->asrt->lost_assert(SGKey{s.source, s.group}, s.ifindex);
            list.push_back(
                {{"entry", r->entry_json(s.source, s.group, s.ifindex)},
                 {"state", std::string(to_string(s.state))},
                 {"winner", s.winner.to_string()},
                 {"winner_metric", s.winner_metric.to_string()},
                 {"timer_ms",
                  std::chrono::duration_cast<std::chrono::milliseconds>(s.timer_remaining).count()},
                 {"lost_assert", lost}});
        }
        const auto& c = r->asrt->counters();
        data[n] = {{"entries", list},
                   {"counters",
                    {{"asserts_rx", c.asserts_rx},
                     {"asserts_tx", c.asserts_tx},
                     {"cancels_tx", c.cancels_tx},
                     {"transitions", c.transitions},
                     {"ignored_events", c.ignored_events},
                     {"bad_asserts", c.bad_asserts}}}};
    }
    return data;
}

std::vector<uint8_t> build_assert(const json& a) {
    packet::Assert m{packet::EncodedGroup{ip(a.at("group"))}, ip(a.value("source", json("0.0.0.0"))),
                     a.value("rpt", false), a.value("preference", 0u), a.value("metric", 0u)};
    if (a.value("cancel", false)) m = packet::make_assert_cancel(m.group, m.source);
    auto b = packet::encode_assert(m);
    size_t trailing = a.value("trailing", size_t{0});
    if (trailing) {
        b.insert(b.end(), trailing, 0);  // zero bytes leave the checksum unchanged when the length is even
        if (trailing % 2) throw std::runtime_error("trailing must be even");
    }
    return b;
}

void set_flag(std::set<Router::Key>& s, const Router::Key& k, bool on) {
    if (on)
        s.insert(k);
    else
        s.erase(k);
}

void router_event(Router& r, const json& ev) {
    if (ev.contains("wrongvif")) {
        const auto& u = ev["wrongvif"];
        auto vif = r.core->vifs().vif_of(r.ifindex_of(u.at("interface").get<std::string>()));
        if (!vif) throw std::runtime_error("no vif");
        r.asrt->handle_upcall(
            KernelUpcall{KernelUpcallType::kWrongVif, *vif, ip(u.at("source")), ip(u.at("group")), {}});
    }
    for (const char* flag : {"could_assert", "tracking"}) {
        if (!ev.contains(flag)) continue;
        auto k = r.parse_entry(ev[flag].at("entry"));
        set_flag(std::string(flag) == "could_assert" ? r.could : r.track, k,
                 ev[flag].at("value").get<bool>());
        r.asrt->reevaluate_all();
    }
    if (ev.contains("route")) {
        const auto& rt = ev["route"];
        auto a = ip(rt.at("address"));
        if (rt.value("remove", false))
            r.routes.erase(a);
        else
            r.routes[a] = r.parse_route(rt);
        r.rpf->route_changed(Ipv4Prefix(a, 32));
        r.asrt->reevaluate_all();
    }
    if (ev.contains("join")) {
        auto [s, g, i] = r.parse_entry(ev["join"]);
        if (s.is_unspecified())
            r.asrt->join_received(StarGKey{g}, i);
        else
            r.asrt->join_received(SGKey{s, g}, i);
    }
    if (ev.contains("rx_hello")) {
        const auto& h = ev["rx_hello"];
        packet::Hello hello;
        hello.holdtime_s = h.value("holdtime", uint16_t{105});
        hello.generation_id = h.value("genid", 1u);
        auto b = packet::encode_hello(hello);
        r.core->handle(RxPim{r.ifindex_of(h.at("interface").get<std::string>()), ip(h.at("src")),
                             addr::kAllPimRouters, b});
    }
    if (ev.contains("rx_assert")) {
        const auto& a = ev["rx_assert"];
        auto b = build_assert(a);
        r.core->handle(RxPim{r.ifindex_of(a.at("interface").get<std::string>()), ip(a.at("src")),
                             addr::kAllPimRouters, b});
    }
}

json run_assert(const std::filesystem::path&, const json& input) {
    World w;
    for (const auto& [n, cfg] : input.at("routers").items())
        w.routers[n] = std::make_unique<Router>(w, n, cfg);
    w.deliver();
    for (const auto& ev : input.at("events")) {
        if (ev.contains("at")) w.advance(std::chrono::milliseconds(parse_duration_ms(ev["at"])));
        if (ev.contains("router")) router_event(*w.routers.at(ev["router"].get<std::string>()), ev);
        w.deliver();
        if (ev.contains("snapshot"))
            w.out.push_back({{"at_ms", w.at_ms()}, {"snapshot", "asserts"}, {"data", snapshot(w)}});
    }
    return w.out;
}

// Each suite folder named pim_assert_* runs through this driver, replacing the default pim driver.
const bool reg_assert_suites = register_suites("pim_assert_", run_assert, true);

}  // namespace
}  // namespace fanout::conformance
