// fanout_mfc_watch: a lab tool of topologies/perf (not a benchmark). Run inside a router's namespace, it
// counts the (S,G) the kernel has installed with at least one oif ((*,G) entries are not counted), from the
// kernel's MFC notifications: rtnetlink group RTNLGRP_IPV4_MROUTE carries one RTM_NEWROUTE (family
// RTNL_FAMILY_IPMR) per MRT_ADD_MFC and per new unresolved entry (flag RTNH_F_UNRESOLVED, skipped), and one
// RTM_DELROUTE per delete. It prints one JSON line when --expect entries are installed or --timeout passes,
// after counting /proc/net/ip_mr_cache once to confirm.
//
// Polling /proc/net/ip_mr_cache instead held the kernel's unresolved-list lock for milliseconds per read, the
// lock the routers and the sender contend for; a Python listener took a quarter of the lab's two cores in the
// 10,000-source burst. This one costs about a microsecond per notification.
//
// Usage: fanout_mfc_watch --expect N [--timeout S] [--ready-file F]
#include <linux/rtnetlink.h>
#include <poll.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "common/sys/netlink_socket.hpp"

namespace {

using fanout::sys::NetlinkSocket;

double wall_now() {
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

// Resolved (S,G) entries with at least one oif: the kernel prints each oif as " vif:ttl", and nothing else of
// an entry has a colon (unresolved and negative entries have no Oifs column). Origin 00000000 is a (*,G)
// entry (pimd's shared-tree entry), not one of the sources counted.
size_t proc_installed() {
    std::ifstream f("/proc/net/ip_mr_cache");
    std::string line;
    size_t n = 0;
    std::getline(f, line);  // header
    while (std::getline(f, line)) {
        std::istringstream fields(line);
        std::string group, origin;
        fields >> group >> origin;
        if (line.find(':') != std::string::npos && origin != "00000000") ++n;
    }
    return n;
}

struct Event {
    bool installed = false;  // RTM_NEWROUTE with oifs
    uint64_t key = 0;        // source << 32 | group
};

// The MFC notification in one netlink message, if it is one and not an unresolved entry. The oifs are the
// rtnexthop records of RTA_MULTIPATH.
bool parse(const nlmsghdr& h, Event& ev) {
    if (h.nlmsg_type != RTM_NEWROUTE && h.nlmsg_type != RTM_DELROUTE) return false;
    const auto rt = fanout::sys::netlink_family_header<rtmsg>(h);
    if (!rt || rt->rtm_family != RTNL_FAMILY_IPMR) return false;
    if (h.nlmsg_type == RTM_NEWROUTE && (rt->rtm_flags & RTNH_F_UNRESOLVED) != 0) return false;
    std::array<const nlattr*, RTA_MAX + 1> tb{};
    if (!fanout::sys::netlink_parse_attrs(h, sizeof(rtmsg), tb)) return false;
    const auto src = fanout::sys::attr_in_addr(tb[RTA_SRC]);
    const auto dst = fanout::sys::attr_in_addr(tb[RTA_DST]);
    size_t oifs = 0;
    const auto hops = fanout::sys::attr_payload(tb[RTA_MULTIPATH]);
    for (size_t off = 0; off + sizeof(rtnexthop) <= hops.size();) {
        rtnexthop hop;
        std::memcpy(&hop, hops.data() + off, sizeof(hop));
        if (hop.rtnh_len < sizeof(rtnexthop)) break;
        ++oifs;
        off += RTNH_ALIGN(hop.rtnh_len);
    }
    if (!src || src->value() == 0) return false;  // a (*,G) entry: not a source
    ev.installed = h.nlmsg_type == RTM_NEWROUTE && oifs > 0;
    ev.key = (static_cast<uint64_t>(src->value()) << 32) | (dst ? dst->value() : 0);
    return true;
}

int usage() {
    std::fprintf(stderr, "usage: fanout_mfc_watch --expect N [--timeout S] [--ready-file F]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    size_t expect = 0;
    double timeout = 20;
    std::string ready_file;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string opt = argv[i];
        if (opt == "--expect")
            expect = std::strtoul(argv[i + 1], nullptr, 10);
        else if (opt == "--timeout")
            timeout = std::strtod(argv[i + 1], nullptr);
        else if (opt == "--ready-file")
            ready_file = argv[i + 1];
        else
            return usage();
    }
    if (expect == 0 || argc % 2 == 0) return usage();

    const std::array<unsigned, 1> groups{RTNLGRP_IPV4_MROUTE};
    auto sock = NetlinkSocket::open(groups);
    if (!sock) return std::fprintf(stderr, "%s\n", sock.error().to_string().c_str()), 1;
    (void)sock->set_receive_buffer(64 << 20);  // best effort: a lost notification is caught by /proc below
    if (!ready_file.empty()) std::ofstream(ready_file).flush();

    const double deadline = wall_now() + timeout;
    std::unordered_set<uint64_t> installed;
    installed.reserve(expect * 2);
    std::vector<std::pair<double, size_t>> samples;
    double first = 0, all = 0;
    uint64_t events = 0;
    bool lost = false;
    auto on_message = [&](const nlmsghdr& h) {
        Event ev;
        if (!parse(h, ev)) return;
        ++events;
        if (ev.installed)
            installed.insert(ev.key);
        else
            installed.erase(ev.key);
    };
    while (all == 0) {
        double left = deadline - wall_now();
        if (left <= 0) break;
        pollfd p{sock->fd(), POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left * 1000) + 1) <= 0) continue;
        if (!sock->drain(on_message)) lost = true;  // ENOBUFS: /proc below still tells the truth
        const double now = wall_now();
        const size_t count = installed.size();
        if (count > 0 && first == 0) first = now;
        if (count >= expect) all = now;
        if (samples.empty() ||
            (samples.back().second != count && (now - samples.back().first >= 0.001 || all)))
            samples.emplace_back(now, count);
    }
    const size_t proc = proc_installed();
    if (all == 0 && proc >= expect) all = wall_now();  // notifications lost: when the file says so
    std::printf(
        "{\"all_installed\": %s, \"first_installed\": %s, \"count\": %zu, \"proc_count\": %zu, "
        "\"events\": %llu, \"events_lost\": %s, \"samples\": [",
        all ? std::to_string(all).c_str() : "null", first ? std::to_string(first).c_str() : "null",
        std::max(installed.size(), proc), proc, static_cast<unsigned long long>(events),
        lost ? "true" : "false");
    for (size_t i = 0; i < samples.size(); ++i)
        std::printf("%s[%.4f, %zu]", i ? ", " : "", samples[i].first, samples[i].second);
    std::printf("]}\n");
    return 0;
}
