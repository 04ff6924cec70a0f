// MFC programming rate against the kernel through LinuxKernelMrt (issue #5, "Performance"): N distinct (S,G)
// added (MRT_ADD_MFC), updated in place (new oif set) and deleted (MRT_DEL_MFC), entries/s. Compare with the
// kernel's own single-thread rate, ~450-580k adds/s (shared/LINUX-MROUTE.md, "MFC entries").
//
// Integration-style: the process moves into a fresh network namespace (unshare(CLONE_NEWNET), once) so the
// host's table is never touched; VIF 0 is lo, VIF 1 the register VIF (pimreg), the entries' iif is 0 and
// their oif 1. Needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN): otherwise the cases report an error and no number.
#include <benchmark/benchmark.h>
#include <net/if.h>
#include <sched.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "common/sys/kernel_mrt_linux.hpp"

namespace fanout::sys {
namespace {

// "" once the process is in its own network namespace, else why not.
const std::string& fresh_netns_error() {
    static const std::string error = [] {
        if (::unshare(CLONE_NEWNET) != 0)
            return "unshare(CLONE_NEWNET): " + std::string(std::strerror(errno));
        return std::string();
    }();
    return error;
}

// An initialised mroute table in the fresh namespace with VIF 0 = lo and VIF 1 = register.
std::unique_ptr<LinuxKernelMrt> open_table(std::string& error) {
    error = fresh_netns_error();
    if (!error.empty()) return nullptr;
    auto mrt = std::make_unique<LinuxKernelMrt>();
    MrtOptions o;
    o.assert_upcalls = false;
    if (auto r = mrt->init(o); !r) {
        error = "init: " + r.error().message;
        return nullptr;
    }
    const auto lo = static_cast<int>(::if_nametoindex("lo"));
    if (auto r = mrt->add_vif(0, lo); !r) error = "add_vif lo: " + r.error().message;
    if (auto r = mrt->add_register_vif(1); error.empty() && !r) error = "register vif: " + r.error().message;
    if (!error.empty()) return nullptr;
    return mrt;
}

MfcEntry entry(uint32_t i, uint8_t ttl) {
    MfcEntry e;
    e.source = Ipv4Address(0xc6120000u + (i & 0xffffu));  // 198.18.x.y
    e.group = Ipv4Address(0xe8000000u + (i >> 16) + 1);   // 232.0.0.n
    e.iif = 0;
    e.oifs[1] = ttl;
    return e;
}

void rate(benchmark::State& state, uint32_t n) {
    state.counters["entries/s"] = benchmark::Counter(
        static_cast<double>(n) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// What: add N new entries, then (untimed) delete them.
void BM_KernelMfcAdd(benchmark::State& state) {
    const auto n = static_cast<uint32_t>(state.range(0));
    std::string error;
    auto mrt = open_table(error);
    if (!mrt) {
        state.SkipWithError(error.c_str());
        return;
    }
    for (auto _ : state) {
        for (uint32_t i = 0; i < n; ++i)
            if (!mrt->add_mfc(entry(i, 1))) state.SkipWithError("MRT_ADD_MFC failed");
        state.PauseTiming();
        for (uint32_t i = 0; i < n; ++i)
            (void)mrt->del_mfc(entry(i, 1).source, entry(i, 1).group);
        state.ResumeTiming();
    }
    rate(state, n);
    mrt->done();
}
BENCHMARK(BM_KernelMfcAdd)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

// What: N installed entries change their oif threshold in place (MRT_ADD_MFC on an existing (S,G)).
void BM_KernelMfcUpdate(benchmark::State& state) {
    const auto n = static_cast<uint32_t>(state.range(0));
    std::string error;
    auto mrt = open_table(error);
    if (!mrt) {
        state.SkipWithError(error.c_str());
        return;
    }
    for (uint32_t i = 0; i < n; ++i)
        (void)mrt->add_mfc(entry(i, 1));
    uint8_t ttl = 1;
    for (auto _ : state) {
        ttl = ttl == 1 ? 2 : 1;
        for (uint32_t i = 0; i < n; ++i)
            if (!mrt->add_mfc(entry(i, ttl))) state.SkipWithError("MRT_ADD_MFC (update) failed");
    }
    rate(state, n);
    mrt->done();
}
BENCHMARK(BM_KernelMfcUpdate)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

// What: delete N installed entries (untimed re-add between iterations).
void BM_KernelMfcDelete(benchmark::State& state) {
    const auto n = static_cast<uint32_t>(state.range(0));
    std::string error;
    auto mrt = open_table(error);
    if (!mrt) {
        state.SkipWithError(error.c_str());
        return;
    }
    for (auto _ : state) {
        state.PauseTiming();
        for (uint32_t i = 0; i < n; ++i)
            (void)mrt->add_mfc(entry(i, 1));
        state.ResumeTiming();
        for (uint32_t i = 0; i < n; ++i)
            if (!mrt->del_mfc(entry(i, 1).source, entry(i, 1).group))
                state.SkipWithError("MRT_DEL_MFC failed");
    }
    rate(state, n);
    mrt->done();
}
BENCHMARK(BM_KernelMfcDelete)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace fanout::sys
