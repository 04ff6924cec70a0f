// Run-time beacon configuration commands (see beacon_commands.hpp).
#include "pimd/beacon_commands.hpp"

#include <charconv>

namespace fanout::pimd {

using nlohmann::json;
using Reply = Result<sys::ShowOutput, std::string>;

namespace {

constexpr const char* kNotRunning = "register beacons not running (pimd starting or stopping)";

Result<Ipv4Address, std::string> address_arg(const std::string& what, const std::string& v) {
    auto a = Ipv4Address::parse(v);
    if (!a) return make_err("'" + v + "' is not an IPv4 address (" + what + ")");
    return *a;
}

// Whole seconds. A value beyond the largest interval is kept just beyond it, so make_beacon_config refuses it
// with its own message (no overflow of the nanosecond count).
Result<Duration, std::string> seconds_arg(const std::string& v) {
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || end != v.data() + v.size()) return make_err("'" + v + "' is not a number of seconds");
    const uint64_t cap =
        std::chrono::duration_cast<std::chrono::seconds>(pim::kMaxBeaconInterval).count() + 1;
    if (ec == std::errc::result_out_of_range || n > cap) n = cap;
    return Duration(std::chrono::seconds(n));
}

Result<Unit, std::string> parse_option(BeaconGroupCommand& c, const std::string& key, const std::string& v) {
    if (key == "rp") {
        if (c.rp) return make_err(std::string("rp given twice"));
        auto a = address_arg("rp", v);
        if (!a) return make_err(a.error());
        c.rp = *a;
    } else if (key == "interval") {
        if (c.interval) return make_err(std::string("interval given twice"));
        auto d = seconds_arg(v);
        if (!d) return make_err(d.error());
        c.interval = *d;
    } else {
        return make_err("unexpected '" + key + "' (expected rp A or interval SECONDS)");
    }
    return Unit{};
}

std::string seconds_text(Duration d) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
    return std::to_string(ms) + "ms";
}

json sg_json(const std::string& interface, SGKey sg) {
    return json{{"interface", interface}, {"source", sg.source.to_string()}, {"group", sg.group.to_string()}};
}

}  // namespace

Result<BeaconGroupCommand, std::string> parse_beacon_group_command(const std::vector<std::string>& args,
                                                                   bool allow_options) {
    if (args.size() < 4) return make_err(std::string("expected IFNAME group SOURCE GROUP"));
    if (args[1] != "group") return make_err("expected 'group' after " + args[0] + ", got '" + args[1] + "'");
    BeaconGroupCommand c;
    c.interface = args[0];
    auto s = address_arg("source", args[2]);
    if (!s) return make_err(s.error());
    auto g = address_arg("group", args[3]);
    if (!g) return make_err(g.error());
    c.sg = SGKey{*s, *g};
    if (!allow_options && args.size() > 4) return make_err("unexpected argument '" + args[4] + "'");
    for (size_t i = 4; i < args.size(); i += 2) {
        if (i + 1 >= args.size()) return make_err("'" + args[i] + "' needs a value");
        if (auto r = parse_option(c, args[i], args[i + 1]); !r) return make_err(r.error());
    }
    return c;
}

Reply beacon_add_group(BeaconService* service, const std::vector<std::string>& args) {
    if (!service) return make_err(std::string(kNotRunning));
    auto c = parse_beacon_group_command(args, true);
    if (!c) return make_err(c.error());
    pim::BeaconScheduler& sched = service->scheduler();
    if (!sched.link(c->interface)) return make_err("unknown interface " + c->interface);
    // One spec for both cases, validated and defaulted by make_beacon_config inside add_beacon: a new beacon
    // takes the defaults for what is not given; an existing one keeps its parameters and groups.
    pim::BeaconSpec spec{c->interface, c->rp, c->interval, {c->sg}, std::nullopt, std::nullopt};
    const pim::BeaconState* before = sched.find(c->interface);
    if (before) {
        const pim::BeaconConfig& old = before->config;
        if (!spec.rp) spec.rp = old.rp;
        if (!spec.interval) spec.interval = old.interval;
        spec.heartbeat = old.heartbeat;
        spec.first_send_spread = old.first_send_spread;
        spec.published.insert(spec.published.end(), old.published.begin(), old.published.end());
    }
    auto d = sched.add_beacon(spec);
    if (!d) return make_err("beacon " + c->interface + ": " + d.error());
    const pim::BeaconConfig& now = sched.find(c->interface)->config;
    json j = sg_json(c->interface, c->sg);
    j["added"] = d->groups_added == 1;
    j["beacon_created"] = d->beacons_added == 1;
    j["rp"] = now.rp.to_string();
    j["interval_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(now.interval).count();
    j["groups"] = now.published.size();
    std::string text = "beacon " + c->interface + ": " + c->sg.to_string() +
                       (d->groups_added == 1 ? " published" : " already published") + " (" +
                       (d->beacons_added == 1 ? "beacon created, " : "") + "RP " + now.rp.to_string() +
                       ", interval " + seconds_text(now.interval) + ", " +
                       std::to_string(now.published.size()) + " group(s))\n";
    return sys::ShowOutput{std::move(j), std::move(text)};
}

Reply beacon_remove_group(BeaconService* service, const std::vector<std::string>& args) {
    if (!service) return make_err(std::string(kNotRunning));
    auto c = parse_beacon_group_command(args, false);
    if (!c) return make_err(c.error());
    pim::BeaconScheduler& sched = service->scheduler();
    const pim::BeaconState* b = sched.find(c->interface);
    if (!b) return make_err("no beacon on " + c->interface);
    if (b->config.published.count(c->sg) == 0)
        return make_err("beacon " + c->interface + ": " + c->sg.to_string() + " is not published");
    auto n = sched.remove_groups(c->interface, {c->sg});
    if (!n) return make_err(n.error());
    const size_t left = sched.find(c->interface)->config.published.size();
    json j = sg_json(c->interface, c->sg);
    j["removed"] = true;
    j["groups"] = left;
    std::string text = "beacon " + c->interface + ": " + c->sg.to_string() + " no longer published (" +
                       (left == 0 ? std::string("no groups left: beacon stopped")
                                  : std::to_string(left) + " group(s) left") +
                       ")\n";
    return sys::ShowOutput{std::move(j), std::move(text)};
}

sys::CommandSpec beacon_add_command_spec() {
    return {{"ip", "pim", "beacon"},
            "publish (SOURCE,GROUP) on IFNAME's register beacon, creating the beacon if needed (RP default "
            "10.0.0.0, interval default 10 s); lives until the next reload or restart",
            {{"IFNAME", sys::kArgInterface, false, "the tunnel interface"},
             {"group", sys::kArgWord, false, "the word group"},
             {"SOURCE", sys::kArgAddress, false, "the published source"},
             {"GROUP", sys::kArgGroup, false, "the published group"},
             {"rp|interval", sys::kArgWord, true, "rp A (the RP) or interval SECONDS (100 ms .. 1 h)"},
             {"VALUE", sys::kArgWord, true, "the RP address or the interval in seconds"},
             {"rp|interval", sys::kArgWord, true, "the other of rp A / interval SECONDS"},
             {"VALUE", sys::kArgWord, true, "its value"}}};
}

sys::CommandSpec beacon_remove_command_spec() {
    return {{"no", "ip", "pim", "beacon"},
            "stop publishing (SOURCE,GROUP) on IFNAME's register beacon (the last group stops the beacon); "
            "lives until the next reload or restart",
            {{"IFNAME", sys::kArgInterface, false, "the tunnel interface"},
             {"group", sys::kArgWord, false, "the word group"},
             {"SOURCE", sys::kArgAddress, false, "the published source"},
             {"GROUP", sys::kArgGroup, false, "the published group"}}};
}

}  // namespace fanout::pimd
