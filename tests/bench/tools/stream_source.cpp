// fanout_stream_source: a lab tool of topologies/perf (not a benchmark). Run inside the source's namespace,
// it sends one (S,G) stream of UDP datagrams at a fixed rate through a raw IP_HDRINCL socket bound to an
// interface, with the payload of topologies/perf/agent.py's `stream` (sequence number, 0, send time: "!IId"),
// and prints the same JSON line when it is done: {"sent", "first_send", "last_send"} (wall-clock seconds).
//
// Why not agent.py: at 10,000 datagrams/s the Python sender used 55-70% of one of the lab's two cores (perf
// sched: 1.3-1.7 s of CPU per 2.5 s run, about 60 us per datagram), so the daemons whose report-to-data
// latency the run measures queued behind it for tens of microseconds at each wake-up. This one sleeps to an
// absolute deadline per datagram (clock_nanosleep, 1 us timer slack) and costs a few microseconds of user
// time each.
//
// Usage: fanout_stream_source --iface IF --source S --group G --rate PPS (--duration SEC | --count N)
//        [--ttl T] [--port P]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

namespace {

struct Options {
    std::string iface, source, group;
    double rate = 0, duration = 0;
    std::optional<uint64_t> count;
    int ttl = 8, port = 5001;
};

[[noreturn]] void usage(const char* why) {
    std::fprintf(
        stderr,
        "fanout_stream_source: %s\nusage: fanout_stream_source --iface IF --source S --group G --rate PPS "
        "(--duration SEC | --count N) [--ttl T] [--port P]\n",
        why);
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (i + 1 >= argc) usage(("missing value for " + a).c_str());
        const char* v = argv[++i];
        if (a == "--iface")
            o.iface = v;
        else if (a == "--source")
            o.source = v;
        else if (a == "--group")
            o.group = v;
        else if (a == "--rate")
            o.rate = std::atof(v);
        else if (a == "--duration")
            o.duration = std::atof(v);
        else if (a == "--count")
            o.count = std::strtoull(v, nullptr, 10);
        else if (a == "--ttl")
            o.ttl = std::atoi(v);
        else if (a == "--port")
            o.port = std::atoi(v);
        else
            usage(("unknown option " + a).c_str());
    }
    if (o.iface.empty() || o.source.empty() || o.group.empty())
        usage("--iface, --source and --group are needed");
    if (o.rate <= 0) usage("--rate must be positive");
    if (o.duration <= 0 && !o.count) usage("--duration or --count is needed");
    return o;
}

double wall_now() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

timespec add_ns(timespec t, int64_t ns) {
    t.tv_sec += static_cast<time_t>(ns / 1000000000);
    t.tv_nsec += static_cast<long>(ns % 1000000000);
    if (t.tv_nsec >= 1000000000) {
        t.tv_nsec -= 1000000000;
        ++t.tv_sec;
    }
    return t;
}

void put_u16(uint8_t* p, uint16_t v) {
    v = htons(v);
    std::memcpy(p, &v, 2);
}
void put_u32(uint8_t* p, uint32_t v) {
    v = htonl(v);
    std::memcpy(p, &v, 4);
}

// IPv4 header (the kernel fills id, total length and checksum under IP_HDRINCL), UDP with checksum 0, then
// the agent's payload: seq (u32), 0 (u32), send time (big-endian double).
constexpr size_t kPacketSize = 20 + 8 + 16;

void build(uint8_t* pkt, const Options& o, in_addr src, in_addr dst) {
    std::memset(pkt, 0, kPacketSize);
    pkt[0] = 0x45;
    put_u16(pkt + 2, kPacketSize);
    put_u16(pkt + 6, 0x4000);  // DF
    pkt[8] = static_cast<uint8_t>(o.ttl);
    pkt[9] = IPPROTO_UDP;
    std::memcpy(pkt + 12, &src, 4);
    std::memcpy(pkt + 16, &dst, 4);
    put_u16(pkt + 20, 40000);
    put_u16(pkt + 22, static_cast<uint16_t>(o.port));
    put_u16(pkt + 24, 8 + 16);
}

void stamp(uint8_t* pkt, uint32_t seq) {
    put_u32(pkt + 28, seq);
    double now = wall_now();
    uint64_t bits;
    std::memcpy(&bits, &now, 8);
    put_u32(pkt + 36, static_cast<uint32_t>(bits >> 32));
    put_u32(pkt + 40, static_cast<uint32_t>(bits));
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    in_addr src{}, dst{};
    if (inet_pton(AF_INET, o.source.c_str(), &src) != 1 || inet_pton(AF_INET, o.group.c_str(), &dst) != 1)
        usage("bad --source or --group address");
    int s = ::socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
    if (s < 0) {
        std::perror("socket");
        return 1;
    }
    int one = 1, sndbuf = 4 << 20;
    if (setsockopt(s, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) < 0 ||
        setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, o.iface.c_str(), static_cast<socklen_t>(o.iface.size())) <
            0 ||
        setsockopt(s, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)) < 0) {
        std::perror("setsockopt");
        return 1;
    }
    prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);  // 1 us instead of 50: wake-ups 100 us apart stay on time
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr = dst;
    uint8_t pkt[kPacketSize];
    build(pkt, o, src, dst);

    const auto gap_ns = static_cast<int64_t>(1e9 / o.rate);
    timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    const auto duration_ns = static_cast<int64_t>(o.duration * 1e9);
    uint64_t sent = 0, failed = 0;
    double first = 0;
    for (uint64_t seq = 0; !o.count || seq < *o.count; ++seq) {
        const int64_t offset = static_cast<int64_t>(seq) * gap_ns;
        if (o.duration > 0 && offset >= duration_ns) break;
        timespec due = add_ns(start, offset);
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, nullptr) == EINTR) {
        }
        stamp(pkt, static_cast<uint32_t>(seq));
        // A full send buffer (ENOBUFS, EAGAIN) loses this datagram: a source at a fixed rate does not catch
        // up.
        if (::sendto(s, pkt, kPacketSize, 0, reinterpret_cast<const sockaddr*>(&to), sizeof(to)) ==
            static_cast<ssize_t>(kPacketSize)) {
            if (sent++ == 0) first = wall_now();
        } else {
            ++failed;
        }
    }
    std::printf("{\"sent\": %llu, \"send_failed\": %llu, \"first_send\": %.6f, \"last_send\": %.6f}\n",
                static_cast<unsigned long long>(sent), static_cast<unsigned long long>(failed), first,
                wall_now());
    ::close(s);
    return 0;
}
