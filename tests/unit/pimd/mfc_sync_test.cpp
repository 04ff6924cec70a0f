// MfcSync: desired vs installed kernel MFC entries, applied as a budgeted diff (shared/LINUX-MROUTE.md).
#include "pimd/core/mfc_sync.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace fanout::pim {
namespace {

class MfcRecorder final : public PimActions {
  public:
    void send_pim(int, Ipv4Address, Ipv4Address, std::span<const uint8_t>) override {}
    void vif_add(const VifAdd&) override {}
    void vif_del(const VifDel&) override {}
    void mfc_set(const MfcEntry& e) override { sets.push_back(e); }
    void mfc_del(const MfcDel& d) override { dels.push_back(d); }
    std::vector<MfcEntry> sets;
    std::vector<MfcDel> dels;
};

MfcEntry entry(uint32_t s, uint32_t g, int iif, std::initializer_list<int> oifs) {
    MfcEntry e;
    e.source = Ipv4Address(s);
    e.group = Ipv4Address(g);
    e.iif_vif = iif;
    for (int v : oifs)
        e.set_oif(v);
    return e;
}

constexpr uint32_t kS = 0x0a000001;  // 10.0.0.1
constexpr uint32_t kG = 0xef010101;  // 239.1.1.1

TEST(MfcSync, InstallsOnlyDifferences) {
    MfcRecorder rec;
    MfcSync sync(rec);
    auto e = entry(kS, kG, 0, {1, 2});
    sync.set_desired(e);
    EXPECT_EQ(sync.pending(), 1u);
    EXPECT_EQ(sync.flush(100), 0u);
    ASSERT_EQ(rec.sets.size(), 1u);
    EXPECT_EQ(rec.sets[0], e);
    EXPECT_EQ(rec.sets[0].ttls[1], MfcEntry::kDefaultTtl);
    // Same entry again: nothing.
    sync.set_desired(e);
    sync.flush(100);
    EXPECT_EQ(rec.sets.size(), 1u);
    // A change: one in-place update.
    auto e2 = entry(kS, kG, 0, {1});
    sync.set_desired(e2);
    sync.flush(100);
    ASSERT_EQ(rec.sets.size(), 2u);
    EXPECT_EQ(rec.sets[1], e2);
    EXPECT_EQ(sync.counters().adds, 1u);
    EXPECT_EQ(sync.counters().updates, 1u);
    EXPECT_TRUE(rec.dels.empty());
}

std::vector<uint32_t> sources_of(const std::vector<MfcEntry>& sets) {
    std::vector<uint32_t> out;
    for (const auto& e : sets)
        out.push_back(e.source.value());
    return out;
}

// Answers to NOCACHE upcalls go out newest first (the kernel's unresolved list starts with the newest entry),
// ahead of other dirty keys and of keys expedited by an earlier batch, and all of them (the budget applies to
// the other keys); a key is programmed once even when it is in both queues.
TEST(MfcSync, ExpeditedKeysGoFirstNewestBatchFirst) {
    MfcRecorder rec;
    MfcSync sync(rec);
    for (uint32_t s = 1; s <= 6; ++s)
        sync.set_desired(entry(s, kG, 0, {1}));
    const std::vector<SGKey> first{{Ipv4Address(4u), Ipv4Address(kG)}, {Ipv4Address(3u), Ipv4Address(kG)}};
    sync.expedite(first);
    const std::vector<SGKey> second{{Ipv4Address(6u), Ipv4Address(kG)},
                                    {Ipv4Address(5u), Ipv4Address(kG)},
                                    {Ipv4Address(99u), Ipv4Address(kG)}};  // 99: not dirty, ignored
    sync.expedite(second);
    EXPECT_EQ(sync.flush(1), 1u) << "all expedited keys whatever the budget, then one more";
    EXPECT_EQ(sources_of(rec.sets), (std::vector<uint32_t>{6, 5, 4, 3, 1}));
    EXPECT_EQ(sync.flush(10), 0u);
    EXPECT_EQ(sources_of(rec.sets), (std::vector<uint32_t>{6, 5, 4, 3, 1, 2}));
    EXPECT_EQ(sync.counters().adds, 6u);
    EXPECT_EQ(sync.pending(), 0u);
    // Dirty again after being programmed through the expedited queue: programmed again, once.
    sync.set_desired(entry(6, kG, 0, {1, 2}));
    EXPECT_EQ(sync.flush(10), 0u);
    EXPECT_EQ(sources_of(rec.sets).size(), 7u);
    EXPECT_EQ(sync.counters().updates, 1u);
}

TEST(MfcSync, FlushExpeditedLeavesTheOtherKeysDirty) {
    MfcRecorder rec;
    MfcSync sync(rec);
    for (uint32_t s = 1; s <= 3; ++s)
        sync.set_desired(entry(s, kG, 0, {1}));
    const std::vector<SGKey> waiting{{Ipv4Address(2u), Ipv4Address(kG)}};
    sync.expedite(waiting);
    sync.flush_expedited();
    EXPECT_EQ(sources_of(rec.sets), (std::vector<uint32_t>{2}));
    EXPECT_EQ(sync.pending(), 2u) << "keys nobody is waiting for stay for flush()";
    sync.flush_expedited();
    EXPECT_EQ(rec.sets.size(), 1u) << "nothing expedited is left";
    EXPECT_EQ(sync.flush(10), 0u);
    EXPECT_EQ(sources_of(rec.sets), (std::vector<uint32_t>{2, 1, 3}));
}

TEST(MfcSync, RenewDeletesAndAddsTheInstalledEntryAheadOfOthers) {
    MfcRecorder rec;
    MfcSync sync(rec);
    const SGKey star{Ipv4Address(), Ipv4Address(kG)};
    sync.set_desired(entry(0, kG, 0, {0, 1, 2}));
    sync.renew(star);  // not installed yet: nothing to renew
    sync.flush(10);
    ASSERT_EQ(rec.sets.size(), 1u);
    EXPECT_TRUE(rec.dels.empty());
    sync.set_desired(entry(kS, kG, 0, {2}));  // dirty before the renewal
    sync.renew(star);
    sync.flush_expedited();
    ASSERT_EQ(rec.dels.size(), 1u) << "the installed entry is deleted...";
    EXPECT_EQ(rec.dels[0].key(), star);
    ASSERT_EQ(rec.sets.size(), 2u) << "...and added again, before the other dirty key";
    EXPECT_EQ(rec.sets[1], entry(0, kG, 0, {0, 1, 2}));
    EXPECT_EQ(sync.counters().renewals, 1u);
    sync.flush(10);
    EXPECT_EQ(rec.sets.size(), 3u);
    sync.flush(10);
    EXPECT_EQ(rec.dels.size(), 1u) << "a renewal happens once";
    sync.renew(star);
    sync.remove_desired(star);
    sync.flush(10);
    EXPECT_EQ(rec.dels.size(), 2u) << "an entry renewed and no longer wanted is deleted once";
    EXPECT_EQ(rec.sets.size(), 3u);
}

TEST(MfcSync, TtlThresholdChangeIsAnUpdate) {
    MfcRecorder rec;
    MfcSync sync(rec);
    auto e = entry(kS, kG, 0, {1});
    sync.set_desired(e);
    sync.flush(10);
    e.set_oif(1, 16);
    sync.set_desired(e);
    sync.flush(10);
    ASSERT_EQ(rec.sets.size(), 2u);
    EXPECT_EQ(rec.sets[1].ttls[1], 16);
}

TEST(MfcSync, SetThenRemoveBeforeFlushCostsNothing) {
    MfcRecorder rec;
    MfcSync sync(rec);
    sync.set_desired(entry(kS, kG, 0, {1}));
    sync.remove_desired({Ipv4Address(kS), Ipv4Address(kG)});
    EXPECT_EQ(sync.flush(10), 0u);
    EXPECT_TRUE(rec.sets.empty());
    EXPECT_TRUE(rec.dels.empty());
}

TEST(MfcSync, RemoveDeletesInstalled) {
    MfcRecorder rec;
    MfcSync sync(rec);
    sync.set_desired(entry(kS, kG, 3, {1}));
    sync.flush(10);
    sync.remove_desired({Ipv4Address(kS), Ipv4Address(kG)});
    sync.flush(10);
    ASSERT_EQ(rec.dels.size(), 1u);
    EXPECT_EQ(rec.dels[0], (MfcDel{Ipv4Address(kS), Ipv4Address(kG), 3}));
    EXPECT_EQ(sync.installed_count(), 0u);
    EXPECT_EQ(sync.counters().deletes, 1u);
    sync.remove_desired({Ipv4Address(kS), Ipv4Address(kG)});  // nothing to do
    EXPECT_EQ(sync.pending(), 0u);
}

TEST(MfcSync, NegativeEntryIsValid) {
    MfcRecorder rec;
    MfcSync sync(rec);
    auto e = entry(kS, kG, 0, {});
    sync.set_desired(e);
    sync.flush(10);
    ASSERT_EQ(rec.sets.size(), 1u);
    EXPECT_TRUE(rec.sets[0].oifs.none());
    ASSERT_NE(sync.installed({Ipv4Address(kS), Ipv4Address(kG)}), nullptr);
}

TEST(MfcSync, VifRemovalClearsItEverywhere) {
    MfcRecorder rec;
    MfcSync sync(rec);
    sync.set_desired(entry(kS, kG, 0, {1, 2}));
    sync.set_desired(entry(kS, kG + 1, 0, {2}));
    sync.set_desired(entry(kS, kG + 2, 0, {1}));
    sync.flush(10);
    rec.sets.clear();
    sync.vif_removed(2);
    EXPECT_EQ(sync.pending(), 2u);
    sync.flush(10);
    ASSERT_EQ(rec.sets.size(), 2u);
    std::sort(rec.sets.begin(), rec.sets.end(),
              [](const MfcEntry& a, const MfcEntry& b) { return a.group < b.group; });
    EXPECT_EQ(rec.sets[0], entry(kS, kG, 0, {1}));
    EXPECT_EQ(rec.sets[1], entry(kS, kG + 1, 0, {}));
    EXPECT_EQ(rec.sets[1].ttls[2], 0);
    EXPECT_EQ(sync.counters().vif_clears, 2u);
}

TEST(MfcSync, BudgetSpreadsWorkInDirtyOrder) {
    MfcRecorder rec;
    MfcSync sync(rec);
    for (uint32_t i = 0; i < 10; ++i)
        sync.set_desired(entry(kS + i, kG, 0, {1}));
    EXPECT_EQ(sync.flush(4), 6u);
    EXPECT_EQ(sync.flush(4), 2u);
    EXPECT_EQ(sync.flush(4), 0u);
    ASSERT_EQ(rec.sets.size(), 10u);
    for (uint32_t i = 0; i < 10; ++i)
        EXPECT_EQ(rec.sets[i].source, Ipv4Address(kS + i));
    EXPECT_EQ(sync.counters().deferred, 2u);
}

TEST(MfcSync, ForgetInstalledReinstallsEverything) {
    MfcRecorder rec;
    MfcSync sync(rec);
    sync.set_desired(entry(kS, kG, 0, {1}));
    sync.flush(10);
    sync.forget_installed();
    sync.flush(10);
    EXPECT_EQ(rec.sets.size(), 2u);
    EXPECT_EQ(sync.counters().adds, 2u);
}

TEST(MfcSync, HundredThousandEntries) {
    MfcRecorder rec;
    MfcSync sync(rec);
    constexpr uint32_t n = 100000;
    for (uint32_t i = 0; i < n; ++i)
        sync.set_desired(entry(kS + i, kG, 0, {1, 2}));
    size_t rounds = 0;
    while (sync.flush(5000) > 0)
        ++rounds;
    EXPECT_EQ(rounds, n / 5000 - 1);
    EXPECT_EQ(rec.sets.size(), n);
    EXPECT_EQ(sync.installed_count(), n);
    // An RPF change moving every entry's oifs: n updates; unchanged entries would cost nothing.
    rec.sets.clear();
    for (uint32_t i = 0; i < n; ++i)
        sync.set_desired(
            entry(kS + i, kG, 0, i % 2 ? std::initializer_list<int>{1, 2} : std::initializer_list<int>{3}));
    while (sync.flush(5000) > 0) {
    }
    EXPECT_EQ(rec.sets.size(), n / 2);
    EXPECT_EQ(sync.counters().updates, n / 2);
}

}  // namespace
}  // namespace fanout::pim
