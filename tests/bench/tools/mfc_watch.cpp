// fanout_mfc_watch: a lab tool of topologies/perf (not a benchmark). Run inside a router's namespace, it
// counts the (S,G) the kernel has installed with at least one oif, from the kernel's MFC notifications:
// rtnetlink group RTNLGRP_IPV4_MROUTE carries one RTM_NEWROUTE (family RTNL_FAMILY_IPMR) per MRT_ADD_MFC and
// per new unresolved entry (flag RTNH_F_UNRESOLVED, skipped), and one RTM_DELROUTE per delete. It prints one
// JSON line when --expect entries are installed or --timeout passes, after counting /proc/net/ip_mr_cache
// once to confirm.
//
// Polling /proc/net/ip_mr_cache instead held the kernel's unresolved-list lock for milliseconds per read, the
// lock the routers and the sender contend for; a Python listener took a quarter of the lab's two cores in the
// 10,000-source burst. This one costs about a microsecond per notification.
//
// Usage: fanout_mfc_watch --expect N [--timeout S] [--ready-file F]
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

namespace {

double wall_now() {
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

// Resolved entries with at least one oif: the kernel prints each oif as " vif:ttl", and nothing else of an
// entry has a colon (unresolved and negative entries have no Oifs column).
size_t proc_installed() {
    std::ifstream f("/proc/net/ip_mr_cache");
    std::string line;
    size_t n = 0;
    std::getline(f, line);  // header
    while (std::getline(f, line))
        if (line.find(':') != std::string::npos) ++n;
    return n;
}

struct Event {
    bool installed = false;  // RTM_NEWROUTE with oifs
    uint64_t key = 0;        // source << 32 | group (network order words)
};

template <typename T>
T load(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

constexpr size_t align4(size_t n) {
    return (n + 3) & ~size_t{3};
}

// The MFC notification in one netlink message (msg, len bytes), if it is one and not an unresolved entry.
bool parse(const uint8_t* msg, size_t len, Event& ev) {
    const auto h = load<nlmsghdr>(msg);
    if (h.nlmsg_type != RTM_NEWROUTE && h.nlmsg_type != RTM_DELROUTE) return false;
    if (len < sizeof(nlmsghdr) + sizeof(rtmsg)) return false;
    const auto rt = load<rtmsg>(msg + sizeof(nlmsghdr));
    if (rt.rtm_family != RTNL_FAMILY_IPMR) return false;
    if (h.nlmsg_type == RTM_NEWROUTE && (rt.rtm_flags & RTNH_F_UNRESOLVED) != 0) return false;
    uint32_t src = 0, dst = 0;
    size_t oifs = 0;
    for (size_t off = sizeof(nlmsghdr) + align4(sizeof(rtmsg)); off + sizeof(rtattr) <= len;) {
        const auto a = load<rtattr>(msg + off);
        if (a.rta_len < sizeof(rtattr) || off + a.rta_len > len) break;
        const uint8_t* data = msg + off + sizeof(rtattr);
        const size_t size = a.rta_len - sizeof(rtattr);
        if (a.rta_type == RTA_SRC && size >= 4) src = load<uint32_t>(data);
        if (a.rta_type == RTA_DST && size >= 4) dst = load<uint32_t>(data);
        if (a.rta_type == RTA_MULTIPATH)
            for (size_t nh = 0; nh + sizeof(rtnexthop) <= size;) {
                const auto hop = load<rtnexthop>(data + nh);
                if (hop.rtnh_len < sizeof(rtnexthop)) break;
                ++oifs;
                nh += align4(hop.rtnh_len);
            }
        off += align4(a.rta_len);
    }
    ev.installed = h.nlmsg_type == RTM_NEWROUTE && oifs > 0;
    ev.key = (static_cast<uint64_t>(src) << 32) | dst;
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

    int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) return std::perror("socket"), 1;
    int rcvbuf = 64 << 20;
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) != 0)
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) return std::perror("bind"), 1;
    int group = RTNLGRP_IPV4_MROUTE;
    if (::setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) != 0)
        return std::perror("NETLINK_ADD_MEMBERSHIP"), 1;
    if (!ready_file.empty()) std::ofstream(ready_file).flush();

    const double deadline = wall_now() + timeout;
    std::unordered_set<uint64_t> installed;
    installed.reserve(expect * 2);
    std::vector<std::pair<double, size_t>> samples;
    double first = 0, all = 0;
    uint64_t events = 0;
    bool lost = false;
    std::vector<char> buf(1 << 16);
    while (all == 0) {
        double left = deadline - wall_now();
        if (left <= 0) break;
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left * 1000) + 1) <= 0) continue;
        ssize_t n = ::recv(fd, buf.data(), buf.size(), MSG_DONTWAIT);
        if (n < 0) {
            if (errno == ENOBUFS) lost = true;  // notifications dropped: /proc below still tells the truth
            continue;
        }
        const double now = wall_now();
        const auto* data = reinterpret_cast<const uint8_t*>(buf.data());
        for (size_t off = 0; off + sizeof(nlmsghdr) <= static_cast<size_t>(n);) {
            const auto h = load<nlmsghdr>(data + off);
            if (h.nlmsg_len < sizeof(nlmsghdr) || off + h.nlmsg_len > static_cast<size_t>(n)) break;
            Event ev;
            if (parse(data + off, h.nlmsg_len, ev)) {
                ++events;
                if (ev.installed)
                    installed.insert(ev.key);
                else
                    installed.erase(ev.key);
            }
            off += align4(h.nlmsg_len);
        }
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
    ::close(fd);
    return 0;
}
