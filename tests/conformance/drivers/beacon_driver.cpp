// Conformance driver for the register beacon (pimd/core/beacon/), suites beacon_packet, beacon_rp_default,
// beacon_runtime, beacon_register_stop, beacon_pause. Each case drives one BeaconScheduler on a
// ManualTimerService (Random seeded with 1) and records every packet sent -- as the whole IPv4 packet that
// leaves the tunnel (outer header as the kernel builds it), in hex -- and the status snapshots asked for.
//
// input.json: {"events": [
//   {"link": {"name": "tun500", "ifindex": 7, "up": true, "local": "169.254.0.1"}} | {"link_removed": NAME}
//   {"config": [BEACON...]}                       apply_config (start-up / reload)
//   {"add_beacon": BEACON} | {"remove_beacon": NAME}          run-time API (the CLI)
//   {"add_groups": {"interface": NAME, "published": [[S, G]...]}} | {"remove_groups": {...}}
//   {"register_stop": {"ifindex": 7, "from": A, "source": S, "group": G}}
//   {"advance": DUR} | {"status": true}]}
// BEACON: {"interface": NAME, "rp": A?, "interval": DUR?, "spread": DUR?, "published": [[S, G]...],
//          "heartbeat": {"source_port": N, "dest_port": N, "payload": HEX}?}
// output: [{"at_ms": T, "send": {"ifindex", "src", "rp", "sg", "packet"}} | {"at_ms", "result": ...} |
//          {"at_ms", "status": show-ip-pim-beacon JSON}]
#include <optional>

#include "common/core/manual_timer.hpp"
#include "common/core/random.hpp"
#include "pimd/core/beacon/beacon_packet.hpp"
#include "pimd/core/beacon/beacon_scheduler.hpp"
#include "pimd/core/beacon/beacon_status.hpp"
#include "tests/conformance/driver.hpp"

namespace fanout::conformance {
namespace {

using pim::BeaconSpec;

Ipv4Address addr(const nlohmann::json& v) {
    auto a = Ipv4Address::parse(v.get<std::string>());
    if (!a) throw std::runtime_error("bad address " + v.dump());
    return *a;
}

std::vector<SGKey> sgs(const nlohmann::json& v) {
    std::vector<SGKey> out;
    for (const auto& p : v)
        out.push_back(SGKey{addr(p.at(0)), addr(p.at(1))});
    return out;
}

std::vector<uint8_t> unhex(const std::string& s) {
    std::vector<uint8_t> out;
    for (size_t i = 0; i + 1 < s.size(); i += 2)
        out.push_back(static_cast<uint8_t>(std::stoul(s.substr(i, 2), nullptr, 16)));
    return out;
}

BeaconSpec spec(const nlohmann::json& j) {
    BeaconSpec s;
    s.interface = j.at("interface").get<std::string>();
    if (j.contains("rp")) s.rp = addr(j["rp"]);
    if (j.contains("interval")) s.interval = std::chrono::milliseconds(parse_duration_ms(j["interval"]));
    if (j.contains("spread")) s.first_send_spread = std::chrono::milliseconds(parse_duration_ms(j["spread"]));
    if (j.contains("published")) s.published = sgs(j["published"]);
    if (j.contains("heartbeat")) {
        pim::BeaconHeartbeat hb;
        const auto& h = j["heartbeat"];
        hb.source_port = h.value("source_port", hb.source_port);
        hb.dest_port = h.value("dest_port", hb.dest_port);
        if (h.contains("payload")) hb.payload = unhex(h["payload"].get<std::string>());
        s.heartbeat = hb;
    }
    return s;
}

class RecordingActions final : public pim::BeaconActions {
  public:
    RecordingActions(const Clock& clock, TimePoint start, nlohmann::json& out)
        : clock_(clock), start_(start), out_(out) {}
    std::optional<pim::BeaconSendError> send_beacon(const pim::BeaconSend& s) override {
        // The packet the kernel puts on the wire: the outer header (beacon_outer_header) + the Register.
        auto ip = packet::encode_ipv4_packet(pim::beacon_outer_header(s.source, s.rp), s.pim);
        out_.push_back({{"at_ms", at()},
                        {"send",
                         {{"ifindex", s.ifindex},
                          {"src", s.source.to_string()},
                          {"rp", s.rp.to_string()},
                          {"sg", s.sg.to_string()},
                          {"packet", pim::hex_bytes(ip)}}}});
        return std::nullopt;
    }
    int64_t at() const {
        return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - start_).count();
    }

  private:
    const Clock& clock_;
    TimePoint start_;
    nlohmann::json& out_;
};

template <typename T>
nlohmann::json result(const Result<T, std::string>& r) {
    return r.ok() ? nlohmann::json("ok") : nlohmann::json({{"error", r.error()}});
}

nlohmann::json run_beacon(const std::filesystem::path&, const nlohmann::json& input) {
    ManualTimerService t;
    SeededRandom rng(1);
    nlohmann::json out = nlohmann::json::array();
    RecordingActions actions(t, t.now(), out);
    pim::BeaconScheduler sched(t, rng, actions);
    auto record = [&](const char* what, nlohmann::json v) {
        out.push_back({{"at_ms", actions.at()}, {what, v}});
    };
    for (const auto& ev : input.at("events")) {
        if (ev.contains("link")) {
            const auto& l = ev["link"];
            sched.link_changed(l.at("name").get<std::string>(),
                               pim::BeaconLink{l.at("ifindex").get<int>(), l.at("up").get<bool>(),
                                               l.contains("local") ? addr(l["local"]) : Ipv4Address{}});
        } else if (ev.contains("link_removed")) {
            sched.link_removed(ev["link_removed"].get<std::string>());
        } else if (ev.contains("config")) {
            std::vector<BeaconSpec> specs;
            for (const auto& b : ev["config"])
                specs.push_back(spec(b));
            record("result", result(sched.apply_config(specs)));
        } else if (ev.contains("add_beacon")) {
            record("result", result(sched.add_beacon(spec(ev["add_beacon"]))));
        } else if (ev.contains("remove_beacon")) {
            record("result", sched.remove_beacon(ev["remove_beacon"].get<std::string>()));
        } else if (ev.contains("add_groups") || ev.contains("remove_groups")) {
            const bool add = ev.contains("add_groups");
            const auto& g = add ? ev["add_groups"] : ev["remove_groups"];
            auto name = g.at("interface").get<std::string>();
            auto list = sgs(g.at("published"));
            record("result", result(add ? sched.add_groups(name, list) : sched.remove_groups(name, list)));
        } else if (ev.contains("register_stop")) {
            const auto& r = ev["register_stop"];
            record("register_stop_matched",
                   sched.register_stop_received(r.at("ifindex").get<int>(), addr(r.at("from")),
                                                SGKey{addr(r.at("source")), addr(r.at("group"))}));
        } else if (ev.contains("advance")) {
            t.advance(std::chrono::milliseconds(parse_duration_ms(ev["advance"])));
        } else if (ev.contains("status")) {
            record("status", nlohmann::json(pim::beacon_status(sched)));
        } else {
            throw std::runtime_error("unknown event " + ev.dump());
        }
    }
    return out;
}

const bool reg_beacon_suites = register_suites("beacon_", run_beacon);

}  // namespace
}  // namespace fanout::conformance
