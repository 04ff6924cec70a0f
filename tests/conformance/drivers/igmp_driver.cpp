// Conformance driver "igmp" (and every igmp_* suite folder): feeds an IgmpCore (igmpd/core) a configuration
// and a stream of timed events with a ManualTimerService and a seeded Random, and records what it emitted.
//
// input.json:
//   {"config": {"interfaces": {"eth0": {<IgmpInterfaceConfig fields>}}, "ssm_ranges": ["232.0.0.0/8"],
//               "proxy_alternate_upstream": "eth9"},
//    "seed": N,
//    "events": [
//      {"at": "+1s"},                                    advance the clock first (may be combined)
//      {"interface": {"ifindex": 2, "name": "eth0", "up": true, "mtu": 1500, "addresses":
//      ["198.19.2.1/24"]}},
//      {"interface_removed": 2},
//      {"rx": {"ifindex": 2, "src": "198.19.2.2", "dst": "...", "router_alert": true,
//              one of: "v1_report": G | "v2_report": G | "v2_leave": G |
//                      "v3_report": [{"type": "TO_EX", "group": G, "sources": [...]}] |
//                      "query": {"version": 1|2|3, "group": G, "max_resp": tenths, "s": bool, "qrv": n,
//                                "qqic": n, "sources": [...]}}},
//      {"nocache": {"iif": 3, "source": S, "group": G}}, {"mfc_idle": {"source": S, "group": G}},
//      {"config": {...}}, {"shutdown": true},
//      {"snapshot": "interfaces" | "groups" | "sources" | "statistics" | "proxy"}]}  (+ " IFNAME")
// Config durations are strings ("125s", "500ms"); static_sources are {"source": S, "group": G}.
//
// output: an array, in emission order, of
//   {"at_ms": T, "send": {"ifindex", "src", "dst", <decoded message: "type", fields>}}
//   {"at_ms": T, "membership": {"ifindex", "interface", "group", "mode", "sources"}}
//   {"at_ms": T, "vif_add" | "vif_del": {...}}, {"at_ms": T, "mfc_set" | "mfc_del": {...}}
//   {"at_ms": T, "snapshot": NAME, "data": ...}
// T is milliseconds since the start of the case.
#include <nlohmann/json.hpp>

#include <set>

#include "common/core/manual_timer.hpp"
#include "common/core/random.hpp"
#include "common/packet/igmp.hpp"
#include "igmpd/core/igmp_core.hpp"
#include "igmpd/core/igmp_status.hpp"
#include "igmpd/core/igmp_status_json.hpp"
#include "tests/conformance/driver.hpp"

namespace fanout::conformance {
namespace {

using nlohmann::json;
using namespace fanout::igmp;
using packet::IgmpRecordType;

Ipv4Address addr(const json& v) {
    auto a = Ipv4Address::parse(v.get<std::string>());
    if (!a) throw std::runtime_error("bad address " + v.dump());
    return *a;
}

Duration dur(const json& v) {
    return std::chrono::milliseconds(parse_duration_ms(v));
}

void check_keys(const json& obj, const std::set<std::string>& allowed, const char* what) {
    for (const auto& [k, v] : obj.items())
        if (!allowed.count(k)) throw std::runtime_error(std::string("unknown key in ") + what + ": " + k);
}

std::vector<Ipv4Address> addrs(const json& obj, const char* key) {
    std::vector<Ipv4Address> out;
    if (obj.contains(key))
        for (const auto& a : obj[key])
            out.push_back(addr(a));
    return out;
}

json addrs_json(const std::vector<Ipv4Address>& v) {
    json a = json::array();
    for (auto x : v)
        a.push_back(x.to_string());
    return a;
}

ProxyRole parse_role(const std::string& s) {
    if (s == "upstream") return ProxyRole::kUpstream;
    if (s == "downstream") return ProxyRole::kDownstream;
    if (s == "none") return ProxyRole::kNone;
    throw std::runtime_error("bad proxy_role " + s);
}

IgmpInterfaceConfig parse_interface_config(const json& j) {
    check_keys(
        j,
        {"enabled", "version", "robustness", "query_interval", "query_response_interval",
         "startup_query_interval", "startup_query_count", "last_member_query_interval",
         "last_member_query_count", "other_querier_present_interval", "immediate_leave", "max_groups",
         "max_sources_per_group", "static_groups", "static_sources", "proxy_role", "follow_older_querier"},
        "interface config");
    IgmpInterfaceConfig c;
    c.enabled = j.value("enabled", c.enabled);
    c.version = j.value("version", c.version);
    c.robustness = j.value("robustness", c.robustness);
    if (j.contains("query_interval")) c.query_interval = dur(j["query_interval"]);
    if (j.contains("query_response_interval")) c.query_response_interval = dur(j["query_response_interval"]);
    if (j.contains("startup_query_interval")) c.startup_query_interval = dur(j["startup_query_interval"]);
    if (j.contains("startup_query_count")) c.startup_query_count = j["startup_query_count"].get<uint32_t>();
    if (j.contains("last_member_query_interval"))
        c.last_member_query_interval = dur(j["last_member_query_interval"]);
    if (j.contains("last_member_query_count"))
        c.last_member_query_count = j["last_member_query_count"].get<uint32_t>();
    if (j.contains("other_querier_present_interval"))
        c.other_querier_present_interval = dur(j["other_querier_present_interval"]);
    c.immediate_leave = j.value("immediate_leave", c.immediate_leave);
    c.max_groups = j.value("max_groups", c.max_groups);
    c.max_sources_per_group = j.value("max_sources_per_group", c.max_sources_per_group);
    c.static_groups = addrs(j, "static_groups");
    if (j.contains("static_sources"))
        for (const auto& sg : j["static_sources"])
            c.static_sources.push_back(SGKey{addr(sg.at("source")), addr(sg.at("group"))});
    if (j.contains("proxy_role")) c.proxy_role = parse_role(j["proxy_role"].get<std::string>());
    c.follow_older_querier = j.value("follow_older_querier", c.follow_older_querier);
    return c;
}

IgmpConfig parse_config(const json& j) {
    check_keys(j, {"interfaces", "ssm_ranges", "proxy_alternate_upstream"}, "config");
    IgmpConfig c;
    if (j.contains("interfaces"))
        for (const auto& [name, ic] : j["interfaces"].items())
            c.interfaces[name] = parse_interface_config(ic);
    if (j.contains("ssm_ranges")) {
        c.ssm_ranges.clear();
        for (const auto& p : j["ssm_ranges"]) {
            auto prefix = Ipv4Prefix::parse(p.get<std::string>());
            if (!prefix) throw std::runtime_error("bad prefix " + p.dump());
            c.ssm_ranges.push_back(*prefix);
        }
    }
    c.proxy_alternate_upstream = j.value("proxy_alternate_upstream", std::string());
    return c;
}

InterfaceChanged parse_interface(const json& j) {
    check_keys(j, {"ifindex", "name", "up", "multicast", "mtu", "addresses"}, "interface");
    InterfaceChanged ev;
    ev.ifindex = j.at("ifindex").get<int>();
    ev.name = j.at("name").get<std::string>();
    ev.up = j.value("up", true);
    ev.multicast = j.value("multicast", true);
    ev.mtu = j.value("mtu", 1500u);
    if (j.contains("addresses"))
        for (const auto& a : j["addresses"]) {
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

IgmpRecordType parse_record_type(const std::string& s) {
    for (int t = 1; t <= 6; ++t)
        if (s == packet::to_string(static_cast<IgmpRecordType>(t))) return static_cast<IgmpRecordType>(t);
    throw std::runtime_error("bad record type " + s);
}

packet::IgmpMessage parse_query(const json& q) {
    check_keys(q, {"version", "group", "max_resp", "s", "qrv", "qqic", "sources"}, "query");
    const int version = q.value("version", 3);
    const Ipv4Address group = q.contains("group") ? addr(q["group"]) : Ipv4Address();
    if (version == 1) return packet::IgmpQueryV1{};
    if (version == 2) return packet::IgmpQueryV2{q.value("max_resp", uint8_t{100}), group};
    packet::IgmpQueryV3 v3;
    v3.group = group;
    v3.max_resp_code = q.value("max_resp", uint8_t{100});
    v3.suppress_router_processing = q.value("s", false);
    v3.qrv = q.value("qrv", uint8_t{2});
    v3.qqic = q.value("qqic", uint8_t{125});
    v3.sources = addrs(q, "sources");
    return v3;
}

RxIgmp parse_rx(const json& r) {
    check_keys(
        r,
        {"ifindex", "src", "dst", "router_alert", "v1_report", "v2_report", "v2_leave", "v3_report", "query"},
        "rx");
    RxIgmp rx;
    rx.ifindex = r.at("ifindex").get<int>();
    rx.src = addr(r.at("src"));
    rx.router_alert = r.value("router_alert", true);
    if (r.contains("v1_report")) rx.message = packet::IgmpReportV1{addr(r["v1_report"])};
    if (r.contains("v2_report")) rx.message = packet::IgmpReportV2{addr(r["v2_report"])};
    if (r.contains("v2_leave")) rx.message = packet::IgmpLeaveV2{addr(r["v2_leave"])};
    if (r.contains("query")) rx.message = parse_query(r["query"]);
    if (r.contains("v3_report")) {
        packet::IgmpReportV3 rep;
        for (const auto& rec : r["v3_report"])
            rep.records.push_back({parse_record_type(rec.at("type").get<std::string>()),
                                   addr(rec.at("group")), addrs(rec, "sources")});
        rx.message = rep;
    }
    rx.dst = r.contains("dst") ? addr(r["dst"]) : packet::igmp_destination(rx.message);
    // What the wire would carry: encode and decode again, so the codec's checks apply.
    auto decoded = packet::decode_igmp(packet::encode_igmp(rx.message));
    if (!decoded) throw std::runtime_error("rx message does not round-trip: " + r.dump());
    rx.message = *decoded;
    return rx;
}

json message_json(std::span<const uint8_t> bytes) {
    auto d = packet::decode_igmp(bytes);
    if (!d) return json{{"type", "undecodable"}};
    return std::visit(
        [](const auto& m) -> json {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, packet::IgmpQueryV1>) {
                return json{{"type", "query"}, {"version", 1}};
            } else if constexpr (std::is_same_v<T, packet::IgmpQueryV2>) {
                return json{{"type", "query"},
                            {"version", 2},
                            {"group", m.group.to_string()},
                            {"max_resp", m.max_resp_time}};
            } else if constexpr (std::is_same_v<T, packet::IgmpQueryV3>) {
                return json{{"type", "query"},
                            {"version", 3},
                            {"group", m.group.to_string()},
                            {"max_resp", m.max_resp_code},
                            {"s", m.suppress_router_processing},
                            {"qrv", m.qrv},
                            {"qqic", m.qqic},
                            {"sources", addrs_json(m.sources)}};
            } else if constexpr (std::is_same_v<T, packet::IgmpReportV3>) {
                json recs = json::array();
                for (const auto& r : m.records)
                    recs.push_back(json{{"type", packet::to_string(r.type)},
                                        {"group", r.group.to_string()},
                                        {"sources", addrs_json(r.sources)}});
                return json{{"type", "v3_report"}, {"records", recs}};
            } else if constexpr (std::is_same_v<T, packet::IgmpReportV1>) {
                return json{{"type", "v1_report"}, {"group", m.group.to_string()}};
            } else if constexpr (std::is_same_v<T, packet::IgmpReportV2>) {
                return json{{"type", "v2_report"}, {"group", m.group.to_string()}};
            } else {
                return json{{"type", "v2_leave"}, {"group", m.group.to_string()}};
            }
        },
        *d);
}

class Recorder final : public IgmpActions {
  public:
    Recorder(ManualTimerService& t, json& out) : t_(t), start_(t.now()), out_(out) {}

    int64_t at_ms() const {
        return std::chrono::duration_cast<std::chrono::milliseconds>(t_.now() - start_).count();
    }
    void emit(const char* key, json value) { out_.push_back({{"at_ms", at_ms()}, {key, std::move(value)}}); }

    void send_igmp(int ifindex, Ipv4Address src, Ipv4Address dst, std::span<const uint8_t> message) override {
        json s = {{"ifindex", ifindex}, {"src", src.to_string()}, {"dst", dst.to_string()}};
        s.update(message_json(message));
        emit("send", s);
    }
    void membership_changed(const MembershipRecord& r) override {
        emit("membership", {{"ifindex", r.ifindex},
                            {"interface", r.ifname},
                            {"group", r.group.to_string()},
                            {"mode", to_string(r.mode)},
                            {"sources", addrs_json(r.sources)}});
    }
    void vif_add(const ProxyVif& v) override {
        emit("vif_add", {{"vif", v.vif_index},
                         {"ifindex", v.ifindex},
                         {"local", v.local_address.to_string()},
                         {"name", v.name}});
    }
    void vif_del(const ProxyVif& v) override {
        emit("vif_del", {{"vif", v.vif_index}, {"ifindex", v.ifindex}});
    }
    void mfc_set(const ProxyMfc& m) override {
        emit("mfc_set", {{"source", m.sg.source.to_string()},
                         {"group", m.sg.group.to_string()},
                         {"iif", m.iif},
                         {"iif_vif", m.iif_vif},
                         {"oifs", m.oifs},
                         {"oif_vifs", m.oif_vifs}});
    }
    void mfc_del(const SGKey& sg) override {
        emit("mfc_del", {{"source", sg.source.to_string()}, {"group", sg.group.to_string()}});
    }

  private:
    ManualTimerService& t_;
    TimePoint start_;
    json& out_;
};

json snapshot(const IgmpCore& core, const std::string& request) {
    auto space = request.find(' ');
    std::string what = request.substr(0, space);
    std::string name = space == std::string::npos ? std::string() : request.substr(space + 1);
    if (what == "interfaces") return json(interface_status(core, name));
    if (what == "groups") return json(group_status(core, name));
    if (what == "sources") return json(source_status(core, name));
    if (what == "statistics") return json(statistics_status(core));
    if (what == "proxy") return json(proxy_status(core));
    throw std::runtime_error("unknown snapshot " + what);
}

void run_event(const json& ev, IgmpCore& core, ManualTimerService& t, Recorder& rec, json& out) {
    check_keys(ev,
               {"at", "interface", "interface_removed", "rx", "nocache", "mfc_idle", "config", "shutdown",
                "snapshot", "comment"},
               "event");
    if (ev.contains("at")) t.advance(dur(ev["at"]));
    if (ev.contains("interface")) core.handle(parse_interface(ev["interface"]));
    if (ev.contains("interface_removed")) core.handle(InterfaceRemoved{ev["interface_removed"].get<int>()});
    if (ev.contains("config")) core.handle(ConfigChanged{parse_config(ev["config"])});
    if (ev.contains("rx")) core.handle(parse_rx(ev["rx"]));
    if (ev.contains("nocache")) {
        const auto& n = ev["nocache"];
        core.handle(KernelNoCache{n.at("iif").get<int>(), addr(n.at("source")), addr(n.at("group"))});
    }
    if (ev.contains("mfc_idle"))
        core.handle(MfcIdle{SGKey{addr(ev["mfc_idle"].at("source")), addr(ev["mfc_idle"].at("group"))}});
    if (ev.contains("shutdown")) core.shutdown();
    if (ev.contains("snapshot")) {
        auto what = ev["snapshot"].get<std::string>();
        out.push_back({{"at_ms", rec.at_ms()}, {"snapshot", what}, {"data", snapshot(core, what)}});
    }
}

json run_igmp(const std::filesystem::path&, const json& input) {
    check_keys(input, {"config", "seed", "events", "comment"}, "input");
    ManualTimerService t;
    SeededRandom rng(input.value("seed", 1u));
    json out = json::array();
    Recorder rec(t, out);
    IgmpCore core(parse_config(input.value("config", json::object())), t, rng, rec);
    for (const auto& ev : input.at("events"))
        run_event(ev, core, t, rec, out);
    return out;
}

const RegisterDriver reg("igmp", run_igmp);

const bool reg_igmp_suites = register_suites("igmp_", run_igmp);

}  // namespace
}  // namespace fanout::conformance
