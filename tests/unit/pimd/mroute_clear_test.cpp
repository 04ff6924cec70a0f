// Operator input `clear ip mroute [G]` (ClearMroutes, pim_events.hpp) through PimCore with a recording
// PimActions: the kernel entries PIM installed (all, or those of G) are deleted at once, what the PIM state
// still wants is installed again within the same input, an (S,G) known only from data (a NOCACHE flow
// without TIB state) is forgotten until its next packet, and every clear is counted.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "common/core/manual_timer.hpp"
#include "common/core/random.hpp"
#include "pimd/core/pim_core.hpp"
#include "pimd/core/pim_status.hpp"
#include "pimd/core/sparse_mode.hpp"
#include "tests/testlib/pim_inputs.hpp"
#include "tests/testlib/two_port_rib.hpp"

namespace fanout::pim {
namespace {

const Ipv4Address kS(198, 18, 1, 10);
const Ipv4Address kG(232, 1, 1, 1);  // SSM: installed from the receiver's (S,G) membership alone
const Ipv4Address kDataS(198, 18, 2, 20);
const Ipv4Address kDataG(239, 2, 2, 2);  // no RP, no receiver: a negative entry learned from data
const Ipv4Address kUp(198, 19, 12, 2);

class Recorder final : public PimActions {
  public:
    void send_pim(int, Ipv4Address, Ipv4Address, std::span<const uint8_t>) override {}
    void vif_add(const VifAdd&) override {}
    void vif_del(const VifDel&) override {}
    void mfc_set(const MfcEntry& e) override { sets.push_back(SGKey{e.source, e.group}); }
    void mfc_del(const MfcDel& d) override { dels.push_back(SGKey{d.source, d.group}); }
    std::vector<SGKey> sets;
    std::vector<SGKey> dels;
};

class MrouteClear : public ::testing::Test {
  protected:
    MrouteClear() : core(testlib::two_port_config(), timers, rng, actions) {
        core.sparse().set_rib(&rib);
        up(2, "eth0", Ipv4Address(198, 19, 12, 1));
        up(3, "eth1", Ipv4Address(198, 19, 13, 1));
        core.handle(testlib::membership(3, kG, FilterMode::kInclude, {kS}));
        nocache();
        actions.sets.clear();
    }
    void up(int ifindex, const char* name, Ipv4Address a) {
        core.handle(testlib::interface_up(ifindex, name, a));
    }
    void nocache() {
        KernelUpcall u;
        u.type = KernelUpcallType::kNoCache;
        u.vif = core.vifs().vif_of(2).value_or(-1);
        u.source = kDataS;
        u.group = kDataG;
        core.handle(u);
    }
    const MfcSync& mfc() const { return core.sparse().mfc(); }

    ManualTimerService timers;
    SeededRandom rng{1};
    Recorder actions;
    testlib::TwoPortRib rib{kUp};
    PimCore core;
    const SGKey joined{kS, kG};
    const SGKey data_only{kDataS, kDataG};
};

TEST_F(MrouteClear, SetUpInstallsAJoinedAndADataLearnedEntry) {
    EXPECT_TRUE(mfc().installed(joined));
    ASSERT_TRUE(mfc().installed(data_only));
    EXPECT_TRUE(mfc().installed(data_only)->oifs.none()) << "nobody wants (S,G): a negative entry";
    EXPECT_EQ(core.sparse().flows().count(data_only), 1u);
}

TEST_F(MrouteClear, ClearAllDeletesEveryEntryAndReinstallsWhatPimStillWants) {
    EXPECT_EQ(core.handle(ClearMroutes{}), 2u);
    std::set<SGKey> deleted(actions.dels.begin(), actions.dels.end());
    EXPECT_EQ(deleted, (std::set<SGKey>{joined, data_only}));
    EXPECT_EQ(actions.dels.size(), 2u);
    EXPECT_EQ(actions.sets, std::vector<SGKey>{joined}) << "the SSM join is installed again at once";
    EXPECT_TRUE(mfc().installed(joined));
    EXPECT_FALSE(mfc().installed(data_only)) << "a data-only (S,G) waits for its next packet";
    EXPECT_EQ(core.sparse().flows().count(data_only), 0u);
    EXPECT_EQ(mfc().pending(), 0u);

    nocache();  // the next packet of the flow
    EXPECT_TRUE(mfc().installed(data_only)) << "NOCACHE re-learns the flow";
}

TEST_F(MrouteClear, ClearOneGroupLeavesTheOtherGroupsAlone) {
    EXPECT_EQ(core.handle(ClearMroutes{kDataG}), 1u);
    EXPECT_EQ(actions.dels, std::vector<SGKey>{data_only});
    EXPECT_TRUE(actions.sets.empty()) << "the other group's entry is neither deleted nor re-set";
    EXPECT_TRUE(mfc().installed(joined));
    EXPECT_FALSE(mfc().installed(data_only));

    actions.dels.clear();
    EXPECT_EQ(core.handle(ClearMroutes{kG}), 1u);
    EXPECT_EQ(actions.dels, std::vector<SGKey>{joined});
    EXPECT_EQ(actions.sets, std::vector<SGKey>{joined});
}

TEST_F(MrouteClear, AGroupWithoutEntriesClearsNothing) {
    EXPECT_EQ(core.handle(ClearMroutes{Ipv4Address(239, 9, 9, 9)}), 0u);
    EXPECT_TRUE(actions.dels.empty());
    EXPECT_TRUE(actions.sets.empty());
}

TEST_F(MrouteClear, ClearsAreCountedInTheStatistics) {
    core.handle(ClearMroutes{});
    core.handle(ClearMroutes{kG});
    auto s = statistics_status(core);
    EXPECT_EQ(s.mroute_clears, 2u);
    EXPECT_EQ(s.mroutes_cleared, 3u) << "2 entries, then the re-installed (S,G) of " << kG.to_string();
}

TEST_F(MrouteClear, AfterShutdownNothingIsCleared) {
    core.shutdown();
    actions.dels.clear();
    EXPECT_EQ(core.handle(ClearMroutes{}), 0u);
    EXPECT_TRUE(actions.dels.empty());
}

}  // namespace
}  // namespace fanout::pim
