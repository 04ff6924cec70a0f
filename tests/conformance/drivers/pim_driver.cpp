// Conformance driver "pim" (and every pim_* suite folder, e.g. tests/conformance/pim_hello/): feeds a PimCore
// (pimd/core) a configuration and a stream of timed events with a ManualTimerService and a seeded Random, and
// records what it emitted.
//
// input.json:
//   {"config": {"interfaces": {"eth0": {<PimInterfaceConfig fields>}}, "join_prune_interval": "60s", ...},
//    "seed": N,
//    "events": [
//      {"at": "+5s"},                                   advance the clock (may be combined with an event)
//      {"interface": {"ifindex": 2, "name": "eth0", "up": true, "multicast": true, "loopback": false,
//                     "mtu": 1500, "addresses": ["198.19.12.1/24", "198.19.99.1/24"]}},
//      {"interface_removed": 2},
//      {"rx_hello": {"ifindex": 2, "src": "198.19.12.2", "dst": "224.0.0.13", "holdtime": 105,
//                    "dr_priority": 1, "genid": 123, "lan_prune_delay": {"t": false,
//                    "propagation_delay_ms": 500, "override_interval_ms": 2500}, "addresses": [...]}},
//                    (an option whose key is missing is not sent)
//      {"rx_raw": {"ifindex": 2, "src": "...", "dst": "224.0.0.13", "hex": "2000..."}},
//      {"config": {...}},                                a reload (ConfigChanged with this whole config)
//      {"shutdown": true},
//      {"snapshot": "neighbors" | "interfaces" | "statistics"}]}   ("interfaces eth0": one interface only)
//   PIM-SM (pim_sm_* suites):
//      config: "rp": [{"rp": "198.18.9.9", "groups": ["239.0.0.0/8"], "override": false}], "ssm":
//      ["232.0.0.0/8"],
//              "spt_threshold": "immediate" | "never" | N (kbit/s)
//      {"route": {"198.18.9.9/32": {"ifindex": 2, "gateway": "198.19.12.2"}}}   RibView fake (gateway
//              omitted = connected); {"route_removed": "198.18.9.9/32"}; {"route_changed": "0.0.0.0/0"}
//              (route/route_removed only change the fake; route_changed tells the core)
//      {"membership": {"ifindex": 3, "group": "239.1.1.1", "mode": "exclude"|"include", "sources": [...]}}
//      {"rx_join_prune": {"ifindex", "src", "upstream", "holdtime": 210, "groups": [{"group": "239.1.1.1",
//              "joins": [{"source": "198.18.9.9", "wc": true, "rpt": true}], "prunes": [...]}]}}
//      {"upcall": {"type": "nocache" | "wrongvif" | "wholepkt", "vif": 1, "source": "...", "group": "..."}}
//              (or an array of them: one read of the mroute socket, handed to the core as one batch)
//              (wholepkt: vif is the register VIF; the packet is a 28-byte IPv4/UDP datagram from source)
//      {"rx_assert": {"ifindex", "src", "group", "source", "rpt": false, "preference": 1, "metric": 10}}
//              (or "cancel": true for an AssertCancel)
//      {"snapshot": "tib" | "upstream" | "join" | "mroute" | "mfc" | "rpf" | "assert" | "upcalls"}
//              (upcalls: the sparse-mode upcall counters)
//   Sent Join/Prunes are decoded into "join_prune": {"upstream", "holdtime", "groups": [...]}, sent Asserts
//   into "assert": {"group", "source", "rpt", "preference", "metric"}.
// Config durations are strings ("30s", "500ms"); hello_holdtime is in seconds.
//
// output: an array, in emission order, of
//   {"at_ms": T, "send": {"ifindex", "src", "dst", "type", "checksum_ok", "hello": {decoded options}}}
//   {"at_ms": T, "vif_add": {...}} / {"at_ms": T, "vif_del": {...}}
//   {"at_ms": T, "mfc_set": {"source", "group", "iif": VIF, "oifs": [[VIF, TTL], ...]}}  (oifs ascending)
//   {"at_ms": T, "mfc_del": {"source", "group", "iif": VIF}}
//   {"at_ms": T, "event": {"neighbor_up" | "neighbor_down" | "neighbor_restarted" | "neighbor_changed" |
//                          "dr_changed" | "interface_up" | "interface_down": {...}}}
//   {"at_ms": T, "snapshot": NAME, "data": [...] | {...}}
// T is milliseconds since the start of the case.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "common/core/manual_timer.hpp"
#include "common/core/random.hpp"
#include "common/packet/pim_assert.hpp"
#include "common/packet/pim_header.hpp"
#include "common/packet/pim_hello.hpp"
#include "common/packet/pim_join_prune.hpp"
#include "pimd/core/neighbor_table.hpp"
#include "pimd/core/pim_core.hpp"
#include "pimd/core/pim_sm_status.hpp"
#include "pimd/core/pim_status.hpp"
#include "pimd/core/pim_status_json.hpp"
#include "pimd/core/sparse_mode.hpp"
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

// The array/object at key, or an empty one (avoids json::value() temporaries, which trip a GCC 12
// maybe-uninitialized false positive).
const json& member(const json& obj, const char* key) {
    static const json empty_array = json::array();
    static const json empty_object = json::object();
    if (obj.contains(key)) return obj[key];
    return std::string_view(key) == "interfaces" ? empty_object : empty_array;
}

void check_keys(const json& obj, const std::set<std::string>& allowed, const char* what) {
    for (const auto& [k, v] : obj.items())
        if (!allowed.count(k)) throw std::runtime_error(std::string("unknown key in ") + what + ": " + k);
}

PimInterfaceConfig parse_interface_config(const json& j) {
    check_keys(j,
               {"enabled", "igmp", "hello_interval", "hello_holdtime", "triggered_hello_delay", "dr_priority",
                "propagation_delay", "override_interval", "tracking_support", "send_lan_prune_delay",
                "announce_secondary_addresses", "neighbor_filter", "max_neighbors"},
               "interface config");
    PimInterfaceConfig c;
    c.enabled = j.value("enabled", c.enabled);
    c.igmp = j.value("igmp", c.igmp);
    if (j.contains("hello_interval")) c.hello_interval = dur(j["hello_interval"]);
    if (j.contains("hello_holdtime")) c.hello_holdtime_s = j["hello_holdtime"].get<uint16_t>();
    if (j.contains("triggered_hello_delay")) c.triggered_hello_delay = dur(j["triggered_hello_delay"]);
    c.dr_priority = j.value("dr_priority", c.dr_priority);
    if (j.contains("propagation_delay")) c.propagation_delay = dur(j["propagation_delay"]);
    if (j.contains("override_interval")) c.override_interval = dur(j["override_interval"]);
    c.tracking_support = j.value("tracking_support", c.tracking_support);
    c.send_lan_prune_delay = j.value("send_lan_prune_delay", c.send_lan_prune_delay);
    c.announce_secondary_addresses = j.value("announce_secondary_addresses", c.announce_secondary_addresses);
    for (const auto& p : member(j, "neighbor_filter")) {
        auto prefix = Ipv4Prefix::parse(p.get<std::string>());
        if (!prefix) throw std::runtime_error("bad prefix " + p.dump());
        c.neighbor_filter.push_back(*prefix);
    }
    c.max_neighbors = j.value("max_neighbors", c.max_neighbors);
    return c;
}

void parse_sparse_config(const json& j, PimConfig& c) {
    for (const auto& r : member(j, "rp")) {
        StaticRp sr;
        sr.rp = addr(r.at("rp"));
        if (r.contains("groups")) {
            sr.groups.clear();
            for (const auto& g : r["groups"])
                sr.groups.push_back(*Ipv4Prefix::parse(g.get<std::string>()));
        }
        sr.override_dynamic = r.value("override", false);
        c.rp_set.static_rps.push_back(sr);
    }
    if (j.contains("ssm")) {
        c.rp_set.ssm_ranges.clear();
        for (const auto& g : j["ssm"])
            c.rp_set.ssm_ranges.push_back(*Ipv4Prefix::parse(g.get<std::string>()));
    }
    if (j.contains("spt_threshold")) {
        const auto& t = j["spt_threshold"];
        if (t.is_number()) {
            c.spt_threshold = SptThreshold{SptThresholdMode::kRate, t.get<uint32_t>()};
        } else {
            c.spt_threshold.mode =
                t.get<std::string>() == "never" ? SptThresholdMode::kNever : SptThresholdMode::kImmediate;
        }
    }
}

PimConfig parse_config(const json& j) {
    check_keys(j, {"interfaces", "join_prune_interval", "rp", "ssm", "spt_threshold"}, "config");
    PimConfig c;
    parse_sparse_config(j, c);
    for (const auto& [name, ic] : member(j, "interfaces").items())
        c.interfaces[name] = parse_interface_config(ic);
    if (j.contains("join_prune_interval")) c.join_prune_interval = dur(j["join_prune_interval"]);
    return c;
}

InterfaceChanged parse_interface(const json& j) {
    check_keys(j, {"ifindex", "name", "up", "multicast", "loopback", "mtu", "addresses"}, "interface");
    InterfaceChanged ev;
    ev.ifindex = j.at("ifindex").get<int>();
    ev.name = j.at("name").get<std::string>();
    ev.up = j.value("up", true);
    ev.multicast = j.value("multicast", true);
    ev.loopback = j.value("loopback", false);
    ev.mtu = j.value("mtu", 1500u);
    for (const auto& a : member(j, "addresses")) {
        auto text = a.get<std::string>();
        auto slash = text.find('/');
        IfAddress ia;
        ia.addr = addr(json(text.substr(0, slash)));
        ia.prefix_len =
            slash == std::string::npos ? 32 : static_cast<uint8_t>(std::stoi(text.substr(slash + 1)));
        ev.addresses.push_back(ia);
    }
    return ev;
}

json hello_to_json(const packet::Hello& h) {
    json j = json::object();
    if (h.holdtime_s) j["holdtime"] = *h.holdtime_s;
    if (h.lan_prune_delay)
        j["lan_prune_delay"] = {{"t", h.lan_prune_delay->tracking_support},
                                {"propagation_delay_ms", h.lan_prune_delay->propagation_delay_ms},
                                {"override_interval_ms", h.lan_prune_delay->override_interval_ms}};
    if (h.dr_priority) j["dr_priority"] = *h.dr_priority;
    if (h.generation_id) j["genid"] = *h.generation_id;
    if (!h.address_list.empty()) {
        j["addresses"] = json::array();
        for (auto a : h.address_list)
            j["addresses"].push_back(a.to_string());
    }
    if (!h.unknown_options.empty()) j["unknown_options"] = h.unknown_options.size();
    return j;
}

std::vector<uint8_t> build_hello(const json& j) {
    packet::Hello h;
    if (j.contains("holdtime")) h.holdtime_s = j["holdtime"].get<uint16_t>();
    if (j.contains("dr_priority")) h.dr_priority = j["dr_priority"].get<uint32_t>();
    if (j.contains("genid")) h.generation_id = j["genid"].get<uint32_t>();
    if (j.contains("lan_prune_delay")) {
        const auto& l = j["lan_prune_delay"];
        h.lan_prune_delay =
            packet::LanPruneDelay{l.value("t", false), l.value("propagation_delay_ms", uint16_t{500}),
                                  l.value("override_interval_ms", uint16_t{2500})};
    }
    for (const auto& a : member(j, "addresses"))
        h.address_list.push_back(addr(a));
    return packet::encode_hello(h);
}

std::vector<uint8_t> from_hex(const std::string& hex) {
    std::vector<uint8_t> out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
    return out;
}

json jp_source_to_json(const packet::EncodedSource& e) {
    json j = {{"source", e.source.to_string()}};
    if (e.wildcard) j["wc"] = true;
    if (e.rpt) j["rpt"] = true;
    return j;
}

json join_prune_to_json(const packet::JoinPrune& jp) {
    json groups = json::array();
    for (const auto& g : jp.groups) {
        json joins = json::array(), prunes = json::array();
        for (const auto& e : g.joins)
            joins.push_back(jp_source_to_json(e));
        for (const auto& e : g.prunes)
            prunes.push_back(jp_source_to_json(e));
        groups.push_back({{"group", g.group.group.to_string()}, {"joins", joins}, {"prunes", prunes}});
    }
    return {{"upstream", jp.upstream_neighbor.to_string()}, {"holdtime", jp.holdtime_s}, {"groups", groups}};
}

packet::EncodedSource parse_jp_source(const json& j) {
    check_keys(j, {"source", "wc", "rpt"}, "join/prune source");
    packet::EncodedSource e;
    e.source = addr(j.at("source"));
    e.wildcard = j.value("wc", false);
    e.rpt = j.value("rpt", false);
    return e;
}

std::vector<uint8_t> build_join_prune(const json& j) {
    packet::JoinPrune jp;
    jp.upstream_neighbor = addr(j.at("upstream"));
    jp.holdtime_s = j.value("holdtime", uint16_t{210});
    for (const auto& g : member(j, "groups")) {
        packet::JoinPruneGroup rec;
        rec.group.group = addr(g.at("group"));
        for (const auto& e : member(g, "joins"))
            rec.joins.push_back(parse_jp_source(e));
        for (const auto& e : member(g, "prunes"))
            rec.prunes.push_back(parse_jp_source(e));
        jp.groups.push_back(std::move(rec));
    }
    return packet::encode_join_prune(jp);
}

// The RibView fake: longest match over the routes the case declared.
class FakeRib final : public RibView {
  public:
    std::map<Ipv4Prefix, RpfRoute> routes;
    std::optional<RpfRoute> lookup(Ipv4Address a) override {
        std::optional<RpfRoute> best;
        for (const auto& [p, r] : routes)
            if (p.contains(a) && (!best || p.length() > best->prefix.length())) best = r;
        return best;
    }
};

json mfc_snapshot(const PimCore& core) {
    json out = json::array();
    std::vector<SGKey> keys;
    for (const auto& [k, f] : core.sparse().flows())
        keys.push_back(k);
    for (const auto& [k, e] : core.sparse().tib().sg())
        keys.push_back(k);
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const auto& k : keys) {
        const MfcEntry* m = core.sparse().mfc().installed(k);
        if (!m) continue;
        json oifs = json::array();
        for (int v = 0; v < kMaxVifs; ++v)
            if (m->oifs.test(static_cast<size_t>(v))) oifs.push_back(v);
        out.push_back({{"source", k.source.to_string()},
                       {"group", k.group.to_string()},
                       {"iif", m->iif_vif},
                       {"oifs", oifs}});
    }
    return out;
}

json tib_snapshot(const PimCore& core) {
    const Tib& tib = core.sparse().tib();
    json star = json::array(), sg = json::array(), rpt = json::array();
    for (const auto& [g, e] : tib.star_g())
        star.push_back(g.to_string());
    for (const auto& [k, e] : tib.sg())
        sg.push_back(k.to_string());
    for (const auto& [k, e] : tib.sg_rpt())
        rpt.push_back(k.to_string());
    json members = json::array();
    for (const auto& [g, m] : core.sparse().membership().all())
        for (const auto& [i, r] : m) {
            json srcs = json::array();
            for (auto s : r.sources)
                srcs.push_back(s.to_string());
            members.push_back({{"group", g.to_string()},
                               {"ifindex", i},
                               {"mode", std::string(to_string(r.mode))},
                               {"sources", srcs}});
        }
    return {{"star_g", star},
            {"sg", sg},
            {"sg_rpt", rpt},
            {"membership", members},
            {"mfc_desired", core.sparse().mfc().desired_count()},
            {"mfc_installed", core.sparse().mfc().installed_count()}};
}

json assert_snapshot(const PimCore& core) {
    json out = json::array();
    for (const auto& a : core.sparse().asserts().status())
        out.push_back(
            {{"source", a.star_g ? std::string("*") : a.source.to_string()},
             {"group", a.group.to_string()},
             {"ifindex", a.ifindex},
             {"state", std::string(to_string(a.state))},
             {"winner", a.winner.to_string()},
             {"winner_preference", a.winner_metric.preference},
             {"winner_metric", a.winner_metric.metric},
             {"timer_ms", std::chrono::duration_cast<std::chrono::milliseconds>(a.timer_remaining).count()}});
    return out;
}

std::vector<uint8_t> build_assert(const json& j) {
    check_keys(j, {"ifindex", "src", "dst", "group", "source", "rpt", "preference", "metric", "cancel"},
               "rx_assert");
    packet::EncodedGroup g{addr(j.at("group"))};
    const Ipv4Address source = addr(j.value("source", json("0.0.0.0")));
    if (j.value("cancel", false)) return packet::encode_assert(packet::make_assert_cancel(g, source));
    packet::Assert a{g, source, j.value("rpt", false), j.value("preference", 0u), j.value("metric", 0u)};
    return packet::encode_assert(a);
}

// Records actions and observer notifications as JSON lines.
class Recorder final : public PimActions, public PimObserver {
  public:
    Recorder(ManualTimerService& t, json& out) : t_(t), start_(t.now()), out_(out) {}

    int64_t at_ms() const {
        return std::chrono::duration_cast<std::chrono::milliseconds>(t_.now() - start_).count();
    }
    void emit(const char* key, json value) { out_.push_back({{"at_ms", at_ms()}, {key, std::move(value)}}); }

    void send_pim(int ifindex, Ipv4Address src, Ipv4Address dst, std::span<const uint8_t> message) override {
        json s = {{"ifindex", ifindex}, {"src", src.to_string()}, {"dst", dst.to_string()}};
        auto view = packet::decode_pim_message(message);
        s["checksum_ok"] = view.ok();
        if (view) {
            s["type"] = std::string(packet::to_string(view->header.type));
            if (view->header.type == packet::PimType::kHello) {
                auto h = packet::decode_hello(message);
                s["hello"] = h ? hello_to_json(*h) : json("undecodable");
            }
            if (view->header.type == packet::PimType::kAssert) {
                auto a = packet::decode_assert(message);
                s["assert"] = a ? json{{"group", a->group.group.to_string()},
                                       {"source", a->source.to_string()},
                                       {"rpt", a->rpt},
                                       {"preference", a->metric_preference},
                                       {"metric", a->metric}}
                                : json("undecodable");
            }
            if (view->header.type == packet::PimType::kJoinPrune) {
                auto jp = packet::decode_join_prune(message);
                s["join_prune"] = jp ? join_prune_to_json(*jp) : json("undecodable");
            }
        }
        emit("send", s);
    }
    void vif_add(const VifAdd& v) override {
        emit("vif_add", {{"vif", v.vif_index},
                         {"kind", v.kind == VifKind::kRegister ? "register" : "interface"},
                         {"ifindex", v.ifindex},
                         {"local", v.local_address.to_string()},
                         {"name", v.name}});
    }
    void vif_del(const VifDel& v) override {
        emit("vif_del", {{"vif", v.vif_index}, {"ifindex", v.ifindex}});
    }
    void mfc_set(const MfcEntry& e) override {
        json oifs = json::array();
        for (int v = 0; v < kMaxVifs; ++v)
            if (e.oifs.test(static_cast<size_t>(v))) oifs.push_back({v, e.ttls[static_cast<size_t>(v)]});
        emit("mfc_set", {{"source", e.source.to_string()},
                         {"group", e.group.to_string()},
                         {"iif", e.iif_vif},
                         {"oifs", oifs}});
    }
    void mfc_del(const MfcDel& e) override {
        emit("mfc_del",
             {{"source", e.source.to_string()}, {"group", e.group.to_string()}, {"iif", e.iif_vif}});
    }

    void on_interface_up(const PimInterface& i) override {
        event("interface_up", {{"interface", i.name()}, {"genid", i.generation_id()}});
    }
    void on_interface_down(const PimInterface& i) override {
        event("interface_down", {{"interface", i.name()}});
    }
    void on_neighbor_up(const PimInterface& i, const Neighbor& n) override {
        event("neighbor_up", {{"interface", i.name()}, {"neighbor", n.primary_address.to_string()}});
    }
    void on_neighbor_down(const PimInterface& i, Ipv4Address a, NeighborDownReason r) override {
        event("neighbor_down",
              {{"interface", i.name()}, {"neighbor", a.to_string()}, {"reason", std::string(to_string(r))}});
    }
    void on_neighbor_restarted(const PimInterface& i, const Neighbor& n) override {
        event("neighbor_restarted", {{"interface", i.name()},
                                     {"neighbor", n.primary_address.to_string()},
                                     {"genid", n.hello.generation_id.value_or(0)}});
    }
    void on_neighbor_changed(const PimInterface& i, const Neighbor& n) override {
        json sec = json::array();
        for (auto a : n.secondary_addresses)
            sec.push_back(a.to_string());
        event("neighbor_changed",
              {{"interface", i.name()}, {"neighbor", n.primary_address.to_string()}, {"secondary", sec}});
    }
    void on_dr_changed(const PimInterface& i, Ipv4Address old_dr, Ipv4Address new_dr) override {
        event("dr_changed",
              {{"interface", i.name()}, {"old", old_dr.to_string()}, {"new", new_dr.to_string()}});
    }

  private:
    void event(const char* name, json v) { emit("event", {{name, std::move(v)}}); }

    ManualTimerService& t_;
    TimePoint start_;
    json& out_;
};

// "neighbors" | "interfaces" | "statistics", optionally followed by " IFNAME" (neighbors, interfaces).
json snapshot(const PimCore& core, const std::string& request) {
    auto space = request.find(' ');
    std::string what = request.substr(0, space);
    std::string name = space == std::string::npos ? std::string() : request.substr(space + 1);
    if (what == "neighbors") return json(neighbor_status(core, name));
    if (what == "interfaces") return json(interface_status(core, name));
    if (what == "statistics") return json(statistics_status(core));
    if (what == "tib") return tib_snapshot(core);
    if (what == "upstream") return json(upstream_status(core));
    if (what == "join") return json(join_status(core));
    if (what == "mroute") return json(mroute_status(core));
    if (what == "rpf") return json(rpf_status(core));
    if (what == "mfc") return mfc_snapshot(core);
    if (what == "assert") return assert_snapshot(core);
    if (what == "upcalls") {
        const auto& c = core.sparse().counters();
        return {{"nocache", c.upcalls_nocache},
                {"wrongvif", c.upcalls_wrongvif},
                {"rpt_discoveries", c.rpt_discoveries},
                {"rpt_copies", c.rpt_copies},
                {"negative_entries", c.negative_entries}};
    }
    throw std::runtime_error("unknown snapshot " + what);
}

KernelUpcall parse_upcall(const json& u) {
    KernelUpcall k;
    const auto type = u.at("type").get<std::string>();
    k.type = type == "wrongvif"   ? KernelUpcallType::kWrongVif
             : type == "wholepkt" ? KernelUpcallType::kWholePacket
                                  : KernelUpcallType::kNoCache;
    k.vif = u.at("vif").get<int>();
    k.source = addr(u.at("source"));
    k.group = addr(u.at("group"));
    if (k.type == KernelUpcallType::kWholePacket) {  // IPv4 (TTL 16, UDP) + UDP header, no payload
        k.packet = {0x45, 0, 0, 28, 0, 0, 0x40, 0, 16, 17, 0, 0};
        for (auto a : {k.source, k.group})
            for (int shift = 24; shift >= 0; shift -= 8)
                k.packet.push_back(static_cast<uint8_t>(a.value() >> shift));
        k.packet.insert(k.packet.end(), {0x9c, 0x40, 0x13, 0x89, 0, 8, 0, 0});
    }
    return k;
}

void run_sparse_event(const json& ev, PimCore& core, FakeRib& rib) {
    if (ev.contains("route"))
        for (const auto& [p, r] : ev["route"].items()) {
            RpfRoute route;
            route.prefix = *Ipv4Prefix::parse(p);
            route.ifindex = r.at("ifindex").get<int>();
            if (r.contains("gateway")) route.gateway = addr(r["gateway"]);
            route.connected = route.gateway.is_unspecified();
            route.protocol = route.connected ? rtprot::kKernel : rtprot::kStatic;
            rib.routes[route.prefix] = route;
        }
    if (ev.contains("route_removed"))
        rib.routes.erase(*Ipv4Prefix::parse(ev["route_removed"].get<std::string>()));
    if (ev.contains("route_changed"))
        core.handle(RouteChanged{*Ipv4Prefix::parse(ev["route_changed"].get<std::string>())});
    if (ev.contains("membership")) {
        const auto& m = ev["membership"];
        check_keys(m, {"ifindex", "group", "mode", "sources"}, "membership");
        MembershipChanged mc;
        mc.ifindex = m.at("ifindex").get<int>();
        mc.group = addr(m.at("group"));
        mc.mode = m.value("mode", std::string("exclude")) == "include" ? FilterMode::kInclude
                                                                       : FilterMode::kExclude;
        for (const auto& s : member(m, "sources"))
            mc.sources.push_back(addr(s));
        core.handle(mc);
    }
    if (ev.contains("upcall")) {
        // One upcall, or an array: upcalls read from the mroute socket together (one batch).
        const auto& u = ev["upcall"];
        std::vector<KernelUpcall> batch;
        for (const auto& one : u.is_array() ? u : json::array({u}))
            batch.push_back(parse_upcall(one));
        core.handle(std::span<const KernelUpcall>(batch));
    }
}

void run_event(const json& ev, PimCore& core, ManualTimerService& t, Recorder& rec, json& out, FakeRib& rib) {
    check_keys(
        ev,
        {"at", "interface", "interface_removed", "rx_hello", "rx_raw", "config", "shutdown", "snapshot",
         "route", "route_removed", "route_changed", "membership", "rx_join_prune", "upcall", "rx_assert"},
        "event");
    if (ev.contains("at")) t.advance(dur(ev["at"]));
    if (ev.contains("interface")) core.handle(parse_interface(ev["interface"]));
    if (ev.contains("interface_removed")) core.handle(InterfaceRemoved{ev["interface_removed"].get<int>()});
    if (ev.contains("config")) core.handle(ConfigChanged{parse_config(ev["config"])});
    run_sparse_event(ev, core, rib);
    for (const char* key : {"rx_hello", "rx_raw", "rx_join_prune", "rx_assert"}) {
        if (!ev.contains(key)) continue;
        const auto& r = ev[key];
        const std::string k(key);
        auto bytes = k == "rx_hello"        ? build_hello(r)
                     : k == "rx_join_prune" ? build_join_prune(r)
                     : k == "rx_assert"     ? build_assert(r)
                                            : from_hex(r.at("hex").get<std::string>());
        RxPim rx{r.at("ifindex").get<int>(), addr(r.at("src")), addr(r.value("dst", json("224.0.0.13"))),
                 bytes};
        core.handle(rx);
    }
    if (ev.contains("shutdown")) core.shutdown();
    if (ev.contains("snapshot")) {
        auto what = ev["snapshot"].get<std::string>();
        out.push_back({{"at_ms", rec.at_ms()}, {"snapshot", what}, {"data", snapshot(core, what)}});
    }
}

json run_pim(const std::filesystem::path&, const json& input) {
    check_keys(input, {"config", "seed", "events", "comment"}, "input");
    ManualTimerService t;
    SeededRandom rng(input.value("seed", 1u));
    json out = json::array();
    Recorder rec(t, out);
    PimCore core(parse_config(input.value("config", json::object())), t, rng, rec);
    FakeRib rib;
    core.sparse().set_rib(&rib);
    core.add_observer(&rec);
    for (const auto& ev : input.at("events"))
        run_event(ev, core, t, rec, out, rib);
    return out;
}

const RegisterDriver reg("pim", run_pim);

// Every suite folder named pim_* runs through this driver unless a more specific driver replaces it
// (pim_assert_driver.cpp) or registers the suite by name.
const bool reg_pim_suites = register_suites("pim_", run_pim);

}  // namespace
}  // namespace fanout::conformance
