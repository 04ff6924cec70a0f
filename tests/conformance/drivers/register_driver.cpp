// Conformance driver for the register path (RFC 7761 4.4.1 at the DR, 4.4.2 at the RP): suites
// pim_register_dr and pim_register_rp, and anycast_rp (RFC 4610 sections 3 and 4: register forwarding
// between the members of an Anycast-RP set, done by RegisterRp once it processed a Register). It feeds
// RegisterDr and RegisterRp (pimd/core/register_*.hpp) a scripted router (DR status, RP mapping, routes,
// KeepaliveTimers, (*,G) receivers, SPTbit kept in a real Tib and judged by the real macros) and a stream of
// timed events, with a ManualTimerService and a seeded Random, and records what they emitted.
//
// input.json:
//   {"config": {"register_suppression_time": "60s", "register_probe_time": "5s", "register_source":
//   "a.b.c.d",
//               "rate_limit_pps": N, "rate_limit_burst": N,
//               "rp": {"accept_sources": [...], "accept_groups": [...], "register_stop_on_filtered": true,
//                      "rate_limit_pps": N, "rate_limit_burst": N, "keepalive_period": "210s",
//                      "anycast": {"address": A, "members": [addresses]}}},
//    "router": {"local": [addresses], "dr_on": [ifindex...], "connected": [sources], "ssm": [groups],
//               "rp": {"group": "rp"}, "rpf": {"address": ifindex}, "routes": {"address": ifindex},
//               "if_addr": {"ifindex": "address"}, "spt_desired": true},
//    "seed": N,
//    "events": [
//      {"at": "+5s"}                                            advance the clock (may combine with an event)
//      {"rp": {"group": G, "rp": A | null}}                     RP(G) changes (DR re-evaluates G)
//      {"kat": {"source": S, "group": G, "running": bool}}      KeepaliveTimer(S,G) started / stopped
//      {"dr": {"ifindex": I, "is_dr": bool}}                    DR(I) changed
//      {"wholepkt": {"source": S, "group": G, "ttl": 16, "count": 1, "payload": 12}}
//      {"rx_register_stop": {"src", "dst", "source", "group"}}  (source "0.0.0.0": (*,G))
//      {"rx_register": {"src", "dst", "source", "group", "null": bool, "border": bool}}
//      {"receivers": {"group": G, "ifindex": I, "joined": bool}} a (*,G) downstream Join on I
//      {"spt_bit": {"source": S, "group": G}}                   native traffic arrived at the RP
//      {"route": {"address": A, "ifindex": I | null}}           unicast route to A added / removed
//      {"snapshot": "register" | "anycast"}]}
// output (emission order):
//   {"at_ms", "send": {"ifindex", "src", "dst", "type", "checksum_ok" (Register: over the 8-byte header; else
//   the whole message),
//                      "register": {"border", "null", "inner_source", "inner_group", "inner_ttl",
//                                   "inner_len"}} | "register_stop": {"group", "source"}}
//   {"at_ms", "register_vif": {"source", "group", "wanted"}}      (the DR's forwarding hook was called)
//   {"at_ms", "register_learned": {"source", "group", "kat_ms" | null}}   (the RP's TIB hook was called)
//   {"at_ms", "snapshot": "register", "data": {...}}
//   {"at_ms", "snapshot": "anycast", "data": {"from_dr", "from_member", "forwarded", "unreachable",
//                                             "not_a_member"}}
#include <nlohmann/json.hpp>

#include <set>

#include "common/core/checksum.hpp"
#include "common/core/manual_timer.hpp"
#include "common/core/random.hpp"
#include "common/packet/pim_header.hpp"
#include "common/packet/pim_register.hpp"
#include "pimd/core/register_dr.hpp"
#include "pimd/core/register_rp.hpp"
#include "pimd/core/register_status.hpp"
#include "tests/conformance/driver.hpp"

namespace fanout::conformance {
namespace {

using nlohmann::json;
using namespace fanout::pim;

Ipv4Address addr(const json& v) {
    auto a = Ipv4Address::parse(v.get<std::string>());
    if (!a) throw std::runtime_error("bad address " + v.dump());
    return *a;
}
Duration dur(const json& v) {
    return std::chrono::milliseconds(parse_duration_ms(v));
}
// The member at key, or an empty array/object (json::value() temporaries trip a GCC 12 maybe-uninitialized
// false positive).
const json& member(const json& obj, const char* key, bool object) {
    static const json empty_array = json::array();
    static const json empty_object = json::object();
    if (obj.contains(key)) return obj[key];
    return object ? empty_object : empty_array;
}
SGKey sg_of(const json& j) {
    return SGKey{addr(j.at("source")), addr(j.at("group"))};
}
int64_t ms_since(const ManualTimerService& t, TimePoint start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.now() - start).count();
}

class Router final : public RouterView {
  public:
    std::set<int> dr_on;
    std::map<Ipv4Address, Ipv4Address> rp_of;
    std::set<Ipv4Address> local;
    std::map<Ipv4Address, int> rpf;
    bool i_am_dr(int i) const override { return dr_on.count(i) > 0; }
    std::optional<Ipv4Address> rp(Ipv4Address g) const override {
        auto it = rp_of.find(g);
        return it == rp_of.end() ? std::nullopt : std::optional<Ipv4Address>(it->second);
    }
    bool is_local_address(Ipv4Address a) const override { return local.count(a) > 0; }
    int rpf_interface(Ipv4Address x) const override {
        auto it = rpf.find(x);
        return it == rpf.end() ? 0 : it->second;
    }
    std::optional<Ipv4Address> mrib_neighbor(Ipv4Address) const override { return std::nullopt; }
    bool directly_connected(Ipv4Address) const override { return false; }
};

json decode_send(std::span<const uint8_t> m) {
    json j;
    // Register: over the 8-byte header (4.9.3); everything else: over the whole message.
    j["checksum_ok"] = internet_checksum_ok(m);
    if (auto reg = packet::decode_register(m)) {
        j["checksum_ok"] = m.size() >= 8 && internet_checksum_ok(m.first(8));
        j["type"] = "register";
        const auto& in = reg->inner;
        j["register"] = {{"border", reg->border},
                         {"null", reg->null_register},
                         {"inner_source", reg->inner_sg.source.to_string()},
                         {"inner_group", reg->inner_sg.group.to_string()},
                         {"inner_ttl", in.size() > 8 ? in[8] : 0},
                         {"inner_len", in.size()}};
    } else if (auto rs = packet::decode_register_stop(m)) {
        j["type"] = "register-stop";
        j["register_stop"] = {{"group", rs->group.group.to_string()}, {"source", rs->source.to_string()}};
    } else {
        j["type"] = "other";
    }
    return j;
}

class Harness final : public RegisterHost, public PimActions {
  public:
    Harness(ManualTimerService& t, json& out) : t_(t), out_(out), start_(t.now()) {}
    Tib tib;
    LocalMembership members;
    NoAssertState asserts;
    Router router;
    std::set<Ipv4Address> connected, ssm;
    std::map<Ipv4Address, int> routes;
    std::map<int, Ipv4Address> if_addr;
    bool spt_desired = true;
    const RegisterDr* dr = nullptr;

    // RegisterHost
    MacroInputs macro_inputs() const override { return MacroInputs{tib, members, asserts, router}; }
    bool is_ssm(Ipv4Address g) const override { return ssm.count(g) > 0; }
    bool directly_connected(Ipv4Address s) const override { return connected.count(s) > 0; }
    std::optional<RpfRoute> unicast_route(Ipv4Address dst) override {
        auto it = routes.find(dst);
        if (it == routes.end()) return std::nullopt;
        RpfRoute r;
        r.prefix = Ipv4Prefix(dst, 32);
        r.ifindex = it->second;
        return r;
    }
    std::optional<Ipv4Address> interface_address(int ifindex) const override {
        auto it = if_addr.find(ifindex);
        return it == if_addr.end() ? std::nullopt : std::optional<Ipv4Address>(it->second);
    }
    bool switch_to_spt_desired(const SGKey&) const override { return spt_desired; }
    void register_vif_changed(const SGKey& sg) override {
        out_.push_back({{"at_ms", at()},
                        {"register_vif",
                         {{"source", sg.source.to_string()},
                          {"group", sg.group.to_string()},
                          {"wanted", dr && dr->register_vif_wanted(sg)}}}});
    }
    void register_learned(const SGKey& sg, std::optional<Duration> kat) override {
        SGEntry& e = tib.get_or_create(sg, t_.now());
        e.flags.register_learned = true;
        e.flags.msdp_notify = true;
        if (kat) e.keepalive = TimerHandle(t_, *kat, [] {});
        json k =
            kat ? json(std::chrono::duration_cast<std::chrono::milliseconds>(*kat).count()) : json(nullptr);
        out_.push_back(
            {{"at_ms", at()},
             {"register_learned",
              {{"source", sg.source.to_string()},
               {"group", sg.group.to_string()},
               {"flags", std::string(e.flags.register_learned ? "C" : "") + (e.flags.msdp_notify ? "N" : "")},
               {"kat_ms", k}}}});
    }
    // PimActions
    void send_pim(int ifindex, Ipv4Address src, Ipv4Address dst, std::span<const uint8_t> m) override {
        json s = decode_send(m);
        s["ifindex"] = ifindex;
        s["src"] = src.to_string();
        s["dst"] = dst.to_string();
        out_.push_back({{"at_ms", at()}, {"send", s}});
    }
    void vif_add(const VifAdd&) override {}
    void vif_del(const VifDel&) override {}
    void mfc_set(const MfcEntry&) override {}
    void mfc_del(const MfcDel&) override {}

    int64_t at() const { return ms_since(t_, start_); }

  private:
    ManualTimerService& t_;
    json& out_;
    TimePoint start_;
};

std::vector<Ipv4Prefix> prefixes(const json& j, const char* key) {
    std::vector<Ipv4Prefix> v;
    if (j.contains(key))
        for (const auto& p : j[key]) {
            auto x = Ipv4Prefix::parse(p.get<std::string>());
            if (!x) throw std::runtime_error("bad prefix " + p.dump());
            v.push_back(*x);
        }
    return v;
}

void parse_config(const json& c, RegisterDrConfig& dc, RegisterRpConfig& rc) {
    if (c.contains("register_suppression_time"))
        dc.timers.suppression_time = dur(c["register_suppression_time"]);
    if (c.contains("register_probe_time")) dc.timers.probe_time = dur(c["register_probe_time"]);
    if (c.contains("register_source")) dc.register_source = addr(c["register_source"]);
    dc.rate_limit_pps = c.value("rate_limit_pps", dc.rate_limit_pps);
    dc.rate_limit_burst = c.value("rate_limit_burst", dc.rate_limit_burst);
    rc.timers = dc.timers;
    if (c.contains("rp")) {
        const json& r = c["rp"];
        rc.accept_sources = prefixes(r, "accept_sources");
        rc.accept_groups = prefixes(r, "accept_groups");
        rc.register_stop_on_filtered = r.value("register_stop_on_filtered", true);
        rc.rate_limit_pps = r.value("rate_limit_pps", rc.rate_limit_pps);
        rc.rate_limit_burst = r.value("rate_limit_burst", rc.rate_limit_burst);
        if (r.contains("keepalive_period")) rc.keepalive_period = dur(r["keepalive_period"]);
        if (r.contains("anycast")) {
            AnycastRpConfig a{addr(r["anycast"].at("address")), {}};
            for (const auto& m : r["anycast"].at("members"))
                a.members.push_back(addr(m));
            rc.anycast = a;
        }
    }
}

void parse_router(const json& r, Harness& h) {
    for (const auto& a : member(r, "local", false))
        h.router.local.insert(addr(a));
    for (const auto& i : member(r, "dr_on", false))
        h.router.dr_on.insert(i.get<int>());
    for (const auto& a : member(r, "connected", false))
        h.connected.insert(addr(a));
    for (const auto& a : member(r, "ssm", false))
        h.ssm.insert(addr(a));
    for (const auto& [g, a] : member(r, "rp", true).items())
        h.router.rp_of[*Ipv4Address::parse(g)] = addr(a);
    for (const auto& [a, i] : member(r, "rpf", true).items())
        h.router.rpf[*Ipv4Address::parse(a)] = i.get<int>();
    for (const auto& [a, i] : member(r, "routes", true).items())
        h.routes[*Ipv4Address::parse(a)] = i.get<int>();
    for (const auto& [i, a] : member(r, "if_addr", true).items())
        h.if_addr[std::stoi(i)] = addr(a);
    h.spt_desired = r.value("spt_desired", true);
}

std::vector<uint8_t> data_packet(const SGKey& sg, uint8_t ttl, size_t payload) {
    std::vector<uint8_t> p(20 + payload, 0x5a);
    p[0] = 0x45;
    p[2] = static_cast<uint8_t>(p.size() >> 8);
    p[3] = static_cast<uint8_t>(p.size() & 0xff);
    p[8] = ttl;
    p[9] = 17;
    for (int i = 0; i < 4; ++i) {
        p[12 + static_cast<size_t>(i)] = static_cast<uint8_t>(sg.source.value() >> (24 - 8 * i));
        p[16 + static_cast<size_t>(i)] = static_cast<uint8_t>(sg.group.value() >> (24 - 8 * i));
    }
    uint16_t c = internet_checksum(std::span<const uint8_t>(p.data(), 20));
    p[10] = static_cast<uint8_t>(c >> 8);
    p[11] = static_cast<uint8_t>(c & 0xff);
    return p;
}

RxPim rx_of(const json& r, std::span<const uint8_t> bytes) {
    return RxPim{r.value("ifindex", 3), addr(r.at("src")), addr(r.at("dst")), bytes};
}

void run_event(const json& ev, ManualTimerService& t, Harness& h, RegisterDr& dr, RegisterRp& rp, json& out) {
    if (ev.contains("at")) t.advance(dur(ev["at"]));
    if (ev.contains("rp")) {
        Ipv4Address g = addr(ev["rp"].at("group"));
        if (ev["rp"].at("rp").is_null())
            h.router.rp_of.erase(g);
        else
            h.router.rp_of[g] = addr(ev["rp"]["rp"]);
        dr.group_changed(g);
    }
    if (ev.contains("kat")) {
        SGKey sg = sg_of(ev["kat"]);
        if (ev["kat"].value("running", true))
            h.tib.get_or_create(sg, t.now()).keepalive = TimerHandle(t, std::chrono::seconds(210), [] {});
        else if (SGEntry* e = h.tib.find(sg))
            e->keepalive.cancel();
        dr.reevaluate(sg);
    }
    if (ev.contains("dr")) {
        int i = ev["dr"].at("ifindex").get<int>();
        if (ev["dr"].value("is_dr", true))
            h.router.dr_on.insert(i);
        else
            h.router.dr_on.erase(i);
        dr.interface_changed(i);
    }
    if (ev.contains("wholepkt")) {
        const json& w = ev["wholepkt"];
        SGKey sg = sg_of(w);
        KernelUpcall up{KernelUpcallType::kWholePacket, w.value("vif", 0), sg.source, sg.group,
                        data_packet(sg, static_cast<uint8_t>(w.value("ttl", 16)), w.value("payload", 12u))};
        for (int i = 0; i < w.value("count", 1); ++i)
            dr.whole_packet(up);
    }
    if (ev.contains("rx_register_stop")) {
        const json& r = ev["rx_register_stop"];
        auto bytes = packet::encode_register_stop(
            packet::RegisterStop{packet::EncodedGroup{addr(r.at("group"))}, addr(r.at("source"))});
        RxPim rx = rx_of(r, bytes);
        PimRxContext ctx{rx, nullptr, nullptr, {}, bytes, std::span<const uint8_t>(bytes).subspan(4)};
        dr.receive_register_stop(ctx);
    }
    if (ev.contains("rx_register")) {
        const json& r = ev["rx_register"];
        SGKey sg = sg_of(r);
        bool border = r.value("border", false);
        auto bytes = r.value("null", false) ? packet::encode_null_register(sg, border)
                                            : packet::encode_register(data_packet(sg, 15, 12), border);
        RxPim rx = rx_of(r, bytes);
        PimRxContext ctx{rx, nullptr, nullptr, {}, bytes, std::span<const uint8_t>(bytes).subspan(4)};
        rp.receive_register(ctx);
    }
    if (ev.contains("receivers")) {
        const json& r = ev["receivers"];
        Ipv4Address g = addr(r.at("group"));
        int i = r.at("ifindex").get<int>();
        if (r.value("joined", true))
            h.tib.get_or_create(StarGKey{g}, t.now()).downstream[i] = DsJoin{};
        else if (StarGEntry* e = h.tib.find(StarGKey{g}))
            e->downstream.erase(i);
    }
    if (ev.contains("spt_bit")) h.tib.get_or_create(sg_of(ev["spt_bit"]), t.now()).spt_bit = true;
    if (ev.contains("route")) {
        const json& r = ev["route"];
        if (r.at("ifindex").is_null())
            h.routes.erase(addr(r.at("address")));
        else
            h.routes[addr(r.at("address"))] = r["ifindex"].get<int>();
    }
    if (ev.contains("snapshot") && ev["snapshot"] == "anycast") {
        const AnycastRpCounters& a = rp.counters().anycast;
        json data{{"from_dr", a.from_dr},
                  {"from_member", a.from_member},
                  {"forwarded", a.forwarded},
                  {"unreachable", a.unreachable},
                  {"not_a_member", a.not_a_member}};
        out.push_back({{"at_ms", h.at()}, {"snapshot", "anycast"}, {"data", data}});
    } else if (ev.contains("snapshot")) {
        json data = register_status(dr, rp, t.now());
        out.push_back({{"at_ms", h.at()}, {"snapshot", ev["snapshot"]}, {"data", data}});
    }
}

json run_register(const std::filesystem::path&, const json& input) {
    ManualTimerService t;
    SeededRandom rng(input.value("seed", 1u));
    json out = json::array();
    Harness h(t, out);
    RegisterDrConfig dc;
    RegisterRpConfig rc;
    parse_config(member(input, "config", true), dc, rc);
    parse_router(member(input, "router", true), h);
    RegisterDr dr(h, t, rng, h, dc);
    RegisterRp rp(h, t, h, rc);
    h.dr = &dr;
    for (const auto& ev : input.at("events"))
        run_event(ev, t, h, dr, rp, out);
    return out;
}

const RegisterDriver reg_dr("pim_register_dr", run_register);
const RegisterDriver reg_rp("pim_register_rp", run_register);
const RegisterDriver reg_anycast("anycast_rp", run_register);

}  // namespace
}  // namespace fanout::conformance
