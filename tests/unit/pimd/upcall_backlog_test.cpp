// UpcallBacklog (upcall_backlog.hpp): the order kernel upcalls reach the core in. NOCACHE newest first in
// chunks (the kernel finds the newest unresolved entry first), the other kinds first and in arrival order,
// the oldest NOCACHE first once it has waited max_wait, and a bound that leaves the rest in the socket.
#include "pimd/core/upcall_backlog.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fanout::pim {
namespace {

using std::chrono::milliseconds;

const TimePoint kT0{};

KernelUpcall upcall(KernelUpcallType type, uint32_t source_low) {
    KernelUpcall u;
    u.type = type;
    u.vif = 0;
    u.source = Ipv4Address(0xC6120100u | source_low);  // 198.18.1.x
    u.group = Ipv4Address(0xEF020000u);                // 239.2.0.0
    return u;
}

KernelUpcall nocache(uint32_t n) {
    return upcall(KernelUpcallType::kNoCache, n);
}

// The last octet of each source, in the order handed over.
std::vector<uint32_t> sources(const std::vector<KernelUpcall>& chunk) {
    std::vector<uint32_t> out;
    for (const auto& u : chunk)
        out.push_back(u.source.value() & 0xFF);
    return out;
}

TEST(UpcallBacklog, HandsOverTheNewestNoCacheFirstInArrivalOrderWithinAChunk) {
    UpcallBacklog b(100, std::chrono::seconds(2));
    for (uint32_t i = 1; i <= 10; ++i)
        ASSERT_TRUE(b.add(nocache(i), kT0));
    EXPECT_EQ(sources(b.take(4, kT0)), (std::vector<uint32_t>{7, 8, 9, 10}));
    // Upcalls read between two chunks are newer than everything still waiting: they go next.
    ASSERT_TRUE(b.add(nocache(11), kT0));
    ASSERT_TRUE(b.add(nocache(12), kT0));
    EXPECT_EQ(sources(b.take(4, kT0)), (std::vector<uint32_t>{5, 6, 11, 12}));
    EXPECT_EQ(sources(b.take(4, kT0)), (std::vector<uint32_t>{1, 2, 3, 4}));
    EXPECT_TRUE(b.take(4, kT0).empty());
    EXPECT_TRUE(b.empty());
    const auto s = b.stats();
    EXPECT_EQ(s.newest_first, 3u);
    EXPECT_EQ(s.oldest_first, 0u);
    EXPECT_EQ(s.peak, 10u);
    EXPECT_EQ(s.waiting, 0u);
}

TEST(UpcallBacklog, OtherKindsGoFirstAndInArrivalOrder) {
    UpcallBacklog b(100, std::chrono::seconds(2));
    b.add(nocache(1), kT0);
    b.add(upcall(KernelUpcallType::kWholePacket, 2), kT0);
    b.add(nocache(3), kT0);
    b.add(upcall(KernelUpcallType::kWrongVif, 4), kT0);
    b.add(upcall(KernelUpcallType::kWholePacket, 5), kT0);
    auto first = b.take(1, kT0);  // all of them, whatever n: a register's packets keep their order
    EXPECT_EQ(sources(first), (std::vector<uint32_t>{2, 4, 5}));
    EXPECT_EQ(first[1].type, KernelUpcallType::kWrongVif);
    EXPECT_EQ(sources(b.take(8, kT0)), (std::vector<uint32_t>{1, 3}));
}

TEST(UpcallBacklog, EveryEighthChunkIsTheOldestOnceTheyHaveWaitedMaxWait) {
    static_assert(UpcallBacklog::kOldestEvery == 8);
    UpcallBacklog b(100, milliseconds(500));
    for (uint32_t i = 1; i <= 20; ++i)
        b.add(nocache(i), i <= 2 ? kT0 : kT0 + milliseconds(400));
    EXPECT_EQ(sources(b.take(1, kT0 + milliseconds(499))), (std::vector<uint32_t>{20}));
    // 1 and 2 have waited 500 ms: the oldest go next, then seven newest-first chunks before the oldest again.
    EXPECT_EQ(sources(b.take(1, kT0 + milliseconds(500))), (std::vector<uint32_t>{1}));
    std::vector<uint32_t> served;
    for (int i = 0; i < 7; ++i)
        served.push_back(sources(b.take(1, kT0 + milliseconds(500)))[0]);
    EXPECT_EQ(served, (std::vector<uint32_t>{19, 18, 17, 16, 15, 14, 13}));
    EXPECT_EQ(sources(b.take(1, kT0 + milliseconds(500))), (std::vector<uint32_t>{2}));
    // What is left (3..12) has waited 100 ms only: newest first, however many chunks went by.
    for (int i = 0; i < 8; ++i)
        b.take(1, kT0 + milliseconds(500));
    EXPECT_EQ(sources(b.take(2, kT0 + milliseconds(500))), (std::vector<uint32_t>{3, 4}));
    const auto s = b.stats();
    EXPECT_EQ(s.oldest_first, 2u);
    EXPECT_EQ(s.newest_first, 17u);
    EXPECT_EQ(s.waiting, 0u);
}

TEST(UpcallBacklog, RefusesPastItsLimitAndCountsIt) {
    UpcallBacklog b(3, std::chrono::seconds(2));
    EXPECT_EQ(b.room(), 3u);
    EXPECT_TRUE(b.add(nocache(1), kT0));
    EXPECT_TRUE(b.add(upcall(KernelUpcallType::kWrongVif, 2), kT0));
    EXPECT_TRUE(b.add(nocache(3), kT0));
    EXPECT_EQ(b.room(), 0u);
    EXPECT_FALSE(b.add(nocache(4), kT0));
    EXPECT_FALSE(b.add(upcall(KernelUpcallType::kWholePacket, 5), kT0));
    EXPECT_EQ(b.size(), 3u);
    EXPECT_EQ(b.stats().refused, 2u);
    EXPECT_EQ(b.stats().peak, 3u);
    EXPECT_EQ(b.stats().limit, 3u);
    b.take(10, kT0);  // the WRONGVIF
    EXPECT_EQ(b.room(), 1u);
}

TEST(UpcallBacklog, KeepsThePacketOfAWholePacketUpcall) {
    UpcallBacklog b(10, std::chrono::seconds(2));
    KernelUpcall u = upcall(KernelUpcallType::kWholePacket, 9);
    u.packet = {0x45, 0x00, 0x00, 0x1c};
    b.add(u, kT0);
    auto chunk = b.take(1, kT0);
    ASSERT_EQ(chunk.size(), 1u);
    EXPECT_EQ(chunk[0], u);
}

}  // namespace
}  // namespace fanout::pim
