// FakeKernelMrt (recording fake of KernelMrt) and the pure upcall decoder of LinuxKernelMrt.
#include "common/sys/fake_kernel_mrt.hpp"

#include <gtest/gtest.h>

#include "common/sys/kernel_mrt_linux.hpp"

namespace fanout::sys {
namespace {

const Ipv4Address kS{198, 18, 0, 2};
const Ipv4Address kG{239, 1, 1, 1};

MfcEntry entry(VifIndex iif, std::map<VifIndex, uint8_t> oifs, Ipv4Address s = kS, Ipv4Address g = kG) {
    MfcEntry e;
    e.source = s;
    e.group = g;
    e.iif = iif;
    e.oifs = std::move(oifs);
    return e;
}

class FakeKernelMrtTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(mrt.init(MrtOptions{}).ok());
        ASSERT_TRUE(mrt.add_vif(0, 10).ok());
        ASSERT_TRUE(mrt.add_vif(1, 11).ok());
        ASSERT_TRUE(mrt.add_vif(2, 12).ok());
        mrt.take_calls();
    }
    FakeKernelMrt mrt;
};

TEST(FakeKernelMrt, RecordsEveryCallInOrder) {
    FakeKernelMrt mrt;
    MrtOptions o;
    o.table = 10;
    ASSERT_TRUE(mrt.init(o).ok());
    ASSERT_TRUE(mrt.add_vif(0, 3).ok());
    ASSERT_TRUE(mrt.add_vif(1, 4).ok());
    ASSERT_TRUE(mrt.add_register_vif(2).ok());
    ASSERT_TRUE(mrt.add_mfc(entry(0, {{1, 1}})).ok());
    ASSERT_TRUE(mrt.add_mfc(entry(0, {{1, 1}, {2, 1}})).ok());
    ASSERT_TRUE(mrt.set_pim_mode(PimMode::kOnWithWrongVifWhole).ok());
    ASSERT_TRUE(mrt.set_assert(false).ok());
    ASSERT_TRUE(mrt.del_mfc(kS, kG).ok());
    mrt.done();
    EXPECT_EQ(mrt.calls(), (std::vector<std::string>{
                               "init table 10 pim on assert on",
                               "add_vif 0 ifindex 3",
                               "add_vif 1 ifindex 4",
                               "add_register_vif 2",
                               "add_mfc (198.18.0.2,239.1.1.1) iif 0 oifs 1:1",
                               "add_mfc (198.18.0.2,239.1.1.1) iif 0 oifs 1:1,2:1",
                               "set_pim wrvifwhole",
                               "set_assert off",
                               "del_mfc (198.18.0.2,239.1.1.1)",
                               "del_vif 0",
                               "del_vif 1",
                               "del_vif 2",
                               "done",
                           }));
    EXPECT_FALSE(mrt.initialised());
    EXPECT_TRUE(mrt.vifs().empty());
}

TEST(FakeKernelMrt, InitRecordsStateAndRefusesASecondInit) {
    FakeKernelMrt mrt;
    ASSERT_TRUE(mrt.init(MrtOptions{}).ok());
    EXPECT_EQ(mrt.table(), kDefaultMrtTable);
    EXPECT_EQ(mrt.pim_mode(), PimMode::kOn);
    EXPECT_TRUE(mrt.assert_on());
    auto again = mrt.init(MrtOptions{});
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().error, EALREADY);
}

TEST(FakeKernelMrt, DoneRemovesOurMfcsThenVifs) {
    FakeKernelMrt mrt;
    ASSERT_TRUE(mrt.init(MrtOptions{}).ok());
    ASSERT_TRUE(mrt.add_vif(0, 3).ok());
    ASSERT_TRUE(mrt.add_vif(1, 4).ok());
    ASSERT_TRUE(mrt.add_mfc(entry(0, {{1, 1}})).ok());
    mrt.take_calls();
    mrt.done();
    mrt.done();  // second call is a no-op
    EXPECT_EQ(mrt.calls(),
              (std::vector<std::string>{"del_mfc (198.18.0.2,239.1.1.1)", "del_vif 0", "del_vif 1", "done"}));
    EXPECT_TRUE(mrt.mfcs().empty());
}

TEST(FakeKernelMrt, EveryOperationBeforeInitFails) {
    FakeKernelMrt mrt;
    EXPECT_EQ(mrt.add_vif(0, 3).error().error, EBADF);
    EXPECT_EQ(mrt.add_register_vif(0).error().error, EBADF);
    EXPECT_EQ(mrt.del_vif(0).error().error, EBADF);
    EXPECT_EQ(mrt.add_mfc(entry(0, {})).error().error, EBADF);
    EXPECT_EQ(mrt.del_mfc(kS, kG).error().error, EBADF);
    EXPECT_EQ(mrt.set_pim_mode(PimMode::kOn).error().error, EBADF);
    EXPECT_EQ(mrt.set_assert(true).error().error, EBADF);
    EXPECT_EQ(mrt.get_sg_counters(kS, kG).error().error, EBADF);
    EXPECT_NE(mrt.add_vif(0, 3).error().message.find("init"), std::string::npos);
    EXPECT_TRUE(mrt.calls().empty());
}

TEST(FakeKernelMrt, VifIndex32IsRejectedNamingTheLimit) {
    FakeKernelMrt mrt;
    ASSERT_TRUE(mrt.init(MrtOptions{}).ok());
    for (VifIndex i = 0; i < kMaxVifs; ++i)
        ASSERT_TRUE(mrt.add_vif(i, 100 + i).ok()) << i;
    auto r = mrt.add_vif(32, 200);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().error, ENFILE);
    EXPECT_NE(r.error().message.find("at most 32 VIFs"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("MAXVIFS"), std::string::npos);
    EXPECT_FALSE(mrt.add_register_vif(40).ok());
    EXPECT_FALSE(mrt.del_vif(32).ok());
    EXPECT_FALSE(mrt.get_vif_counters(32).ok());
    EXPECT_EQ(mrt.vifs().size(), 32u);
    EXPECT_EQ(mrt.calls().size(), 33u);  // init + 32 adds; refused calls never reach the "kernel"
}

TEST_F(FakeKernelMrtTest, AddingTheSameVifTwiceIsANoOpButAnotherInterfaceIsInUse) {
    ASSERT_TRUE(mrt.add_vif(0, 10).ok());
    EXPECT_TRUE(mrt.calls().empty());
    auto r = mrt.add_vif(0, 99);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().error, EADDRINUSE);
    EXPECT_EQ(mrt.vifs().at(0).ifindex, 10);
}

TEST_F(FakeKernelMrtTest, DeletingAVifClearsItFromOifsAndReprogramsEntries) {
    ASSERT_TRUE(mrt.add_mfc(entry(0, {{1, 1}, {2, 1}})).ok());
    ASSERT_TRUE(mrt.add_mfc(entry(1, {{2, 1}}, Ipv4Address(198, 18, 0, 3))).ok());
    ASSERT_TRUE(mrt.add_mfc(entry(0, {{2, 1}}, kS, Ipv4Address(239, 1, 1, 2))).ok());
    mrt.take_calls();
    ASSERT_TRUE(mrt.del_vif(1).ok());
    EXPECT_EQ(mrt.calls(),
              (std::vector<std::string>{"del_vif 1", "add_mfc (198.18.0.2,239.1.1.1) iif 0 oifs 2:1"}));
    EXPECT_EQ(mrt.mfcs().at(SGKey{kS, kG}).oifs, (std::map<VifIndex, uint8_t>{{2, 1}}));
    // Re-adding index 1 must not bring the old oif back.
    ASSERT_TRUE(mrt.add_vif(1, 50).ok());
    EXPECT_EQ(mrt.mfcs().at(SGKey{kS, kG}).oifs.count(1), 0u);
}

TEST_F(FakeKernelMrtTest, DeletingAnUnknownVifFails) {
    auto r = mrt.del_vif(7);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().error, EADDRNOTAVAIL);
}

TEST_F(FakeKernelMrtTest, MfcIsUpdatedInPlaceAndIdenticalReAddsAreSkipped) {
    ASSERT_TRUE(mrt.add_mfc(entry(0, {{1, 1}})).ok());
    ASSERT_TRUE(mrt.add_mfc(entry(0, {{1, 1}})).ok());
    ASSERT_TRUE(mrt.add_mfc(entry(0, {{1, 1}, {2, 5}})).ok());
    ASSERT_TRUE(mrt.add_mfc(entry(2, {})).ok());
    EXPECT_EQ(mrt.calls(), (std::vector<std::string>{
                               "add_mfc (198.18.0.2,239.1.1.1) iif 0 oifs 1:1",
                               "add_mfc (198.18.0.2,239.1.1.1) iif 0 oifs 1:1,2:5",
                               "add_mfc (198.18.0.2,239.1.1.1) iif 2 oifs -",
                           }));
    ASSERT_EQ(mrt.mfcs().size(), 1u);
    EXPECT_EQ(mrt.mfcs().begin()->second.iif, 2);
}

TEST_F(FakeKernelMrtTest, InvalidMfcEntriesAreRefusedWithReasons) {
    struct Case {
        MfcEntry e;
        int error;
        const char* words;
    };
    const Case cases[] = {
        {entry(0, {{1, 1}}, kS, Ipv4Address(10, 0, 0, 1)), EINVAL, "not a multicast"},
        {entry(5, {{1, 1}}), ENODEV, "iif VIF 5 does not exist"},
        {entry(0, {{6, 1}}), ENODEV, "oif VIF 6 does not exist"},
        {entry(0, {{0, 1}}), EINVAL, "also an oif"},
        {entry(0, {{1, 0}}), EINVAL, "TTL threshold 0"},
        {entry(0, {{1, 255}}), EINVAL, "TTL threshold 255"},
        {entry(33, {}), ENFILE, "at most 32"},
        {entry(0, {{32, 1}}), ENFILE, "at most 32"},
    };
    for (const auto& c : cases) {
        auto r = mrt.add_mfc(c.e);
        ASSERT_FALSE(r.ok()) << describe_mfc(c.e);
        EXPECT_EQ(r.error().error, c.error) << r.error().message;
        EXPECT_NE(r.error().message.find(c.words), std::string::npos) << r.error().message;
    }
    EXPECT_TRUE(mrt.calls().empty());
    EXPECT_TRUE(mrt.mfcs().empty());
}

TEST_F(FakeKernelMrtTest, DeletingAnUnknownMfcFails) {
    auto r = mrt.del_mfc(kS, kG);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().error, ENOENT);
}

TEST_F(FakeKernelMrtTest, CountersAreThoseInjectedForInstalledEntries) {
    EXPECT_EQ(mrt.get_sg_counters(kS, kG).error().error, EADDRNOTAVAIL);
    ASSERT_TRUE(mrt.add_mfc(entry(0, {{1, 1}})).ok());
    EXPECT_EQ(mrt.get_sg_counters(kS, kG).value(), SgCounters{});
    mrt.set_sg_counters(kS, kG, SgCounters{10, 1000, 2});
    EXPECT_EQ(mrt.get_sg_counters(kS, kG).value(), (SgCounters{10, 1000, 2}));
    mrt.set_vif_counters(1, VifCounters{1, 2, 3, 4});
    EXPECT_EQ(mrt.get_vif_counters(1).value(), (VifCounters{1, 2, 3, 4}));
    EXPECT_EQ(mrt.get_vif_counters(2).value(), VifCounters{});
    EXPECT_EQ(mrt.get_vif_counters(9).error().error, EADDRNOTAVAIL);
}

TEST_F(FakeKernelMrtTest, InjectedUpcallsAreReadInOrderWithinTheBudgetAndCounted) {
    mrt.inject_upcall(Upcall{UpcallType::kNoCache, 0, kS, kG, {}});
    mrt.inject_upcall(Upcall{UpcallType::kWrongVif, 1, kS, kG, {}});
    mrt.inject_upcall(Upcall{UpcallType::kWholePacket, 3, kS, kG, {0x45, 0, 0, 20}});
    auto first = mrt.read_upcalls(2);
    ASSERT_EQ(first.size(), 2u);
    EXPECT_EQ(first[0].type, UpcallType::kNoCache);
    EXPECT_EQ(first[1].vif, 1);
    auto rest = mrt.read_upcalls();
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_EQ(rest[0].packet, (std::vector<uint8_t>{0x45, 0, 0, 20}));
    EXPECT_TRUE(mrt.read_upcalls().empty());
    EXPECT_EQ(mrt.upcall_counters().nocache, 1u);
    EXPECT_EQ(mrt.upcall_counters().wrongvif, 1u);
    EXPECT_EQ(mrt.upcall_counters().wholepkt, 1u);
    EXPECT_EQ(mrt.upcall_counters().wrvifwhole, 0u);
}

TEST_F(FakeKernelMrtTest, InjectedFailureHitsOnlyTheNextMatchingCall) {
    mrt.fail_next("add_mfc", MrtError{ENOMEM, "boom"});
    ASSERT_TRUE(mrt.add_vif(3, 13).ok());
    auto r = mrt.add_mfc(entry(0, {{1, 1}}));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "boom");
    EXPECT_TRUE(mrt.mfcs().empty());
    ASSERT_TRUE(mrt.add_mfc(entry(0, {{1, 1}})).ok());
    EXPECT_EQ(mrt.calls(), (std::vector<std::string>{"add_vif 3 ifindex 13",
                                                     "add_mfc (198.18.0.2,239.1.1.1) iif 0 oifs 1:1 -> error",
                                                     "add_mfc (198.18.0.2,239.1.1.1) iif 0 oifs 1:1"}));
}

// ---- parse_upcall: struct igmpmsg (linux/mroute.h), 20 bytes:
// unused1[4] unused2[4] | msgtype(8) mbz(9) vif(10) vif_hi(11) | im_src(12..15) | im_dst(16..19)
std::vector<uint8_t> igmpmsg(uint8_t type, uint8_t mbz, uint16_t vif) {
    return {0x45,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            type,
            mbz,
            static_cast<uint8_t>(vif & 0xff),
            static_cast<uint8_t>(vif >> 8),
            198,
            18,
            0,
            2,
            239,
            1,
            1,
            1};
}

TEST(ParseUpcall, NoCacheCarriesVifSourceAndGroupAndNoPacket) {
    auto d = igmpmsg(1, 0, 7);
    d.insert(d.end(), {0x11, 0, 0, 0, 0, 0, 0, 0});  // the 8-byte igmphdr the kernel appends
    auto u = parse_upcall(d);
    ASSERT_TRUE(u.has_value());
    EXPECT_EQ(u->type, UpcallType::kNoCache);
    EXPECT_EQ(u->vif, 7);
    EXPECT_EQ(u->source, kS);
    EXPECT_EQ(u->group, kG);
    EXPECT_TRUE(u->packet.empty());
}

TEST(ParseUpcall, VifHighByteIsUsed) {
    auto u = parse_upcall(igmpmsg(2, 0, 0x0102));
    ASSERT_TRUE(u.has_value());
    EXPECT_EQ(u->type, UpcallType::kWrongVif);
    EXPECT_EQ(u->vif, 0x0102);
}

TEST(ParseUpcall, WholePacketKeepsEverythingAfterTheHeader) {
    for (uint8_t type : {uint8_t{3}, uint8_t{4}}) {
        auto d = igmpmsg(type, 0, 2);
        std::vector<uint8_t> inner{0x45, 0x00, 0x00, 0x1c, 1, 2, 3, 4, 5, 6, 7, 8};
        d.insert(d.end(), inner.begin(), inner.end());
        auto u = parse_upcall(d);
        ASSERT_TRUE(u.has_value());
        EXPECT_EQ(u->type, type == 3 ? UpcallType::kWholePacket : UpcallType::kWrongVifWhole);
        EXPECT_EQ(u->packet, inner);
    }
}

TEST(ParseUpcall, RealIgmpShortAndUnknownTypesAreRejected) {
    EXPECT_FALSE(parse_upcall(igmpmsg(1, 2, 0)).has_value());  // protocol byte 2: a real IGMP packet
    EXPECT_FALSE(parse_upcall(igmpmsg(0, 0, 0)).has_value());
    EXPECT_FALSE(parse_upcall(igmpmsg(5, 0, 0)).has_value());
    auto d = igmpmsg(1, 0, 0);
    d.pop_back();
    EXPECT_FALSE(parse_upcall(d).has_value());
    EXPECT_FALSE(parse_upcall({}).has_value());
}

}  // namespace
}  // namespace fanout::sys
