// Register-beacon scheduler (behaviour in beacon_scheduler.hpp; packet in beacon_packet.hpp).
#include "pimd/core/beacon/beacon_scheduler.hpp"

#include <algorithm>

#include "pimd/core/beacon/beacon_packet.hpp"

namespace fanout::pim {

BeaconScheduler::BeaconScheduler(TimerService& timers, Random& rng, BeaconActions& actions)
    : timers_(timers), rng_(rng), actions_(actions) {}

BeaconScheduler::~BeaconScheduler() = default;

const BeaconState* BeaconScheduler::find(const std::string& interface) const {
    auto it = beacons_.find(interface);
    return it == beacons_.end() ? nullptr : &it->second;
}

std::optional<BeaconLink> BeaconScheduler::link(const std::string& name) const {
    auto it = links_.find(name);
    if (it == links_.end()) return std::nullopt;
    return it->second;
}

bool BeaconScheduler::usable(const BeaconState& b) const {
    auto l = links_.find(b.config.interface);
    return l != links_.end() && l->second.usable();
}

Duration BeaconScheduler::spread(const BeaconState& b) const {
    return std::min(b.config.first_send_spread, b.config.interval);
}

Result<BeaconDiff, std::string> BeaconScheduler::add_beacon(const BeaconSpec& spec) {
    auto cfg = make_beacon_config(spec);
    if (!cfg) return make_err(cfg.error());
    return apply_one(std::move(cfg.value()));
}

bool BeaconScheduler::remove_beacon(const std::string& interface) {
    return beacons_.erase(interface) != 0;  // the groups' TimerHandles cancel their timers
}

Result<BeaconDiff, std::string> BeaconScheduler::apply_config(const std::vector<BeaconSpec>& specs) {
    std::map<std::string, BeaconConfig> wanted;
    for (const BeaconSpec& s : specs) {
        auto cfg = make_beacon_config(s);
        if (!cfg) return make_err("beacon " + s.interface + ": " + cfg.error());
        if (!wanted.emplace(s.interface, cfg.value()).second)
            return make_err("beacon " + s.interface + ": configured twice");
    }
    BeaconDiff total;
    for (auto it = beacons_.begin(); it != beacons_.end();) {
        if (wanted.count(it->first) == 0) {
            it = beacons_.erase(it);
            ++total.beacons_removed;
        } else {
            ++it;
        }
    }
    for (auto& [name, cfg] : wanted) {
        auto d = apply_one(std::move(cfg));
        if (!d) return make_err(d.error());  // cannot happen: validated above
        total.beacons_added += d->beacons_added;
        total.beacons_changed += d->beacons_changed;
        total.groups_added += d->groups_added;
        total.groups_removed += d->groups_removed;
    }
    return total;
}

Result<BeaconDiff, std::string> BeaconScheduler::apply_one(BeaconConfig cfg) {
    BeaconDiff d;
    auto it = beacons_.find(cfg.interface);
    if (it == beacons_.end()) {
        BeaconState& b = beacons_[cfg.interface];
        b.created = timers_.now();
        std::vector<SGKey> sgs(cfg.published.begin(), cfg.published.end());
        b.config = std::move(cfg);
        b.config.published.clear();
        d.beacons_added = 1;
        d.groups_added = add_group_set(b, sgs);
        if (usable(b)) resume(b);
        return d;
    }
    BeaconState& b = it->second;
    std::vector<SGKey> removed;
    std::vector<SGKey> added;
    std::set_difference(b.config.published.begin(), b.config.published.end(), cfg.published.begin(),
                        cfg.published.end(), std::back_inserter(removed));
    std::set_difference(cfg.published.begin(), cfg.published.end(), b.config.published.begin(),
                        b.config.published.end(), std::back_inserter(added));
    const bool changed = b.config.rp != cfg.rp || b.config.interval != cfg.interval ||
                         b.config.heartbeat != cfg.heartbeat ||
                         b.config.first_send_spread != cfg.first_send_spread;
    if (changed) {
        update_params(b, cfg);
        d.beacons_changed = 1;
    }
    d.groups_removed = remove_groups(b.config.interface, removed).value_or(0);
    d.groups_added = add_group_set(b, added);
    return d;
}

void BeaconScheduler::update_params(BeaconState& b, const BeaconConfig& cfg) {
    const bool rebuild = b.config.heartbeat != cfg.heartbeat;
    const Duration old_interval = b.config.interval;
    b.config.rp = cfg.rp;
    b.config.interval = cfg.interval;
    b.config.heartbeat = cfg.heartbeat;
    b.config.first_send_spread = cfg.first_send_spread;
    for (auto& [sg, g] : b.groups) {
        if (rebuild) g.pim = build_beacon_register(sg, b.config.heartbeat);
        if (!b.running || !g.timer.armed() || old_interval == cfg.interval) continue;
        // A shorter interval takes effect now; a longer one from the next send.
        TimePoint next = g.last_send ? *g.last_send + cfg.interval : timers_.now();
        if (next < g.timer.deadline()) arm(b, sg, std::max(next, timers_.now()));
    }
}

size_t BeaconScheduler::add_group_set(BeaconState& b, const std::vector<SGKey>& sgs) {
    std::vector<SGKey> fresh;
    for (const SGKey& sg : sgs) {
        if (!b.config.published.insert(sg).second) continue;
        BeaconGroupState& g = b.groups[sg];
        g.pim = build_beacon_register(sg, b.config.heartbeat);
        fresh.push_back(sg);
    }
    if (b.running) start_groups(b, fresh);
    return fresh.size();
}

Result<size_t, std::string> BeaconScheduler::add_groups(const std::string& interface,
                                                        const std::vector<SGKey>& sgs) {
    auto it = beacons_.find(interface);
    if (it == beacons_.end()) return make_err("no beacon on " + interface);
    // Validated with the groups already published, so the per-beacon bound holds on this path too.
    std::vector<SGKey> all(it->second.config.published.begin(), it->second.config.published.end());
    all.insert(all.end(), sgs.begin(), sgs.end());
    BeaconSpec probe{interface, it->second.config.rp, it->second.config.interval,
                     all,       std::nullopt,         std::nullopt};
    if (auto v = make_beacon_config(probe); !v) return make_err(v.error());
    return add_group_set(it->second, sgs);
}

Result<size_t, std::string> BeaconScheduler::remove_groups(const std::string& interface,
                                                           const std::vector<SGKey>& sgs) {
    auto it = beacons_.find(interface);
    if (it == beacons_.end()) return make_err("no beacon on " + interface);
    size_t n = 0;
    for (const SGKey& sg : sgs) {
        n += it->second.groups.erase(sg);  // the group's TimerHandle cancels its timer
        it->second.config.published.erase(sg);
    }
    return n;
}

void BeaconScheduler::start_groups(BeaconState& b, const std::vector<SGKey>& sgs) {
    if (sgs.empty()) return;
    const TimePoint now = timers_.now();
    for (size_t i = 1; i < sgs.size(); ++i)
        arm(b, sgs[i], now + rng_.uniform(Duration::zero(), spread(b)));
    // The first one goes at once; its next send is one interval later.
    BeaconGroupState& first = b.groups.at(sgs.front());
    send(b, sgs.front(), first);
    arm(b, sgs.front(), now + b.config.interval);
}

void BeaconScheduler::arm(BeaconState& b, const SGKey& sg, TimePoint deadline) {
    const std::string name = b.config.interface;
    b.groups.at(sg).timer =
        TimerHandle(timers_, deadline, [this, name, sg, deadline] { fire(name, sg, deadline); });
}

void BeaconScheduler::fire(std::string interface, SGKey sg, TimePoint deadline) {
    auto it = beacons_.find(interface);
    if (it == beacons_.end()) return;
    BeaconState& b = it->second;
    auto g = b.groups.find(sg);
    if (g == b.groups.end() || !b.running) return;
    send(b, sg, g->second);
    TimePoint next = deadline + b.config.interval;
    if (next <= timers_.now()) next = timers_.now() + b.config.interval;  // a late loop: no catch-up burst
    arm(b, sg, next);
}

void BeaconScheduler::send(BeaconState& b, const SGKey& sg, BeaconGroupState& g) {
    const BeaconLink& l = links_.at(b.config.interface);
    BeaconSend s{b.config.interface, l.ifindex, l.local, b.config.rp, sg, g.pim};
    const TimePoint now = timers_.now();
    if (auto err = actions_.send_beacon(s)) {
        ++b.send_errors;
        ++g.send_errors;
        BeaconErrorCount& e = b.errors[err->error];
        ++e.count;
        e.text = err->text;
        return;
    }
    ++b.packets_sent;
    ++g.packets_sent;
    b.last_send = now;
    g.last_send = now;
}

void BeaconScheduler::pause(BeaconState& b) {
    if (!b.running) return;
    b.running = false;
    ++b.pauses;
    for (auto& [sg, g] : b.groups)
        g.timer.cancel();
}

void BeaconScheduler::resume(BeaconState& b) {
    if (b.running) return;
    b.running = true;
    start_groups(b, std::vector<SGKey>(b.config.published.begin(), b.config.published.end()));
}

void BeaconScheduler::link_changed(const std::string& name, const BeaconLink& link) {
    links_[name] = link;
    auto it = beacons_.find(name);
    if (it == beacons_.end()) return;
    if (link.usable())
        resume(it->second);
    else
        pause(it->second);
}

void BeaconScheduler::link_removed(const std::string& name) {
    links_.erase(name);
    if (auto it = beacons_.find(name); it != beacons_.end()) pause(it->second);
}

bool BeaconScheduler::register_stop_received(int ifindex, Ipv4Address from, SGKey sg) {
    bool matched = false;
    for (auto& [name, b] : beacons_) {
        auto l = links_.find(name);
        if (l == links_.end() || l->second.ifindex != ifindex) continue;
        for (auto& [key, g] : b.groups) {
            if (key.group != sg.group || (!sg.source.is_unspecified() && key.source != sg.source)) continue;
            ++g.register_stops;
            matched = true;
        }
        if (matched) {
            ++b.register_stops;
            b.last_register_stop_from = from;
            b.last_register_stop = timers_.now();
        }
    }
    return matched;
}

}  // namespace fanout::pim
