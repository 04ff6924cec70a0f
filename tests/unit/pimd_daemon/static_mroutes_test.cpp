// Static mroutes against the recording FakeKernelMrt: installed when the VIFs exist, oifs added as their VIFs
// appear, removed when the iif VIF goes, re-installed when it comes back (with a new index), diffed on
// reload, removed at shutdown; SysActions maps the core's actions to the kernel and the socket.
#include <gtest/gtest.h>

#include <map>

#include "common/sys/fake_kernel_mrt.hpp"
#include "pimd/static_mroutes.hpp"
#include "pimd/sys_actions.hpp"

namespace fanout::pimd {
namespace {

Ipv4Address A(const char* s) {
    return *Ipv4Address::parse(s);
}

StaticMroute route(const char* s, const char* g, std::string iif, std::vector<std::string> oifs) {
    return StaticMroute{A(s), A(g), std::move(iif), std::move(oifs)};
}

struct StaticMroutesTest : ::testing::Test {
    void SetUp() override { ASSERT_TRUE(mrt.init({}).ok()); }
    StaticMroutes::VifResolver resolver() {
        return [this](const std::string& n) -> std::optional<sys::VifIndex> {
            auto it = vifs.find(n);
            return it == vifs.end() ? std::nullopt : std::optional<sys::VifIndex>(it->second);
        };
    }
    void add_vif(const std::string& name, sys::VifIndex v, int ifindex) {
        ASSERT_TRUE(mrt.add_vif(v, ifindex).ok());
        vifs[name] = v;
    }
    void del_vif(const std::string& name) {
        ASSERT_TRUE(mrt.del_vif(vifs.at(name)).ok());
        vifs.erase(name);
    }
    sys::FakeKernelMrt mrt;
    std::map<std::string, sys::VifIndex> vifs;
    StaticMroutes statics{mrt};
    SGKey key{A("198.18.1.2"), A("239.1.1.1")};
};

TEST_F(StaticMroutesTest, WaitsForTheIifVif) {
    statics.set_routes({route("198.18.1.2", "239.1.1.1", "eth0", {"eth1"})});
    statics.sync(resolver());
    EXPECT_TRUE(mrt.mfcs().empty());
    ASSERT_EQ(statics.states().size(), 1u);
    EXPECT_FALSE(statics.states()[0].installed);
    EXPECT_EQ(statics.states()[0].error, "waiting for a VIF on iif eth0");
}

TEST_F(StaticMroutesTest, InstallsThenAddsOifsAsTheirVifsAppear) {
    statics.set_routes({route("198.18.1.2", "239.1.1.1", "eth0", {"eth1", "eth2"})});
    add_vif("eth0", 0, 10);
    add_vif("eth1", 1, 11);
    statics.sync(resolver());
    ASSERT_EQ(mrt.mfcs().count(key), 1u);
    EXPECT_EQ(mrt.mfcs().at(key).iif, 0);
    EXPECT_EQ(mrt.mfcs().at(key).oifs, (std::map<sys::VifIndex, uint8_t>{{1, 1}}));
    EXPECT_EQ(statics.states()[0].missing_oifs, std::vector<std::string>{"eth2"});
    add_vif("eth2", 2, 12);
    statics.sync(resolver());
    EXPECT_EQ(mrt.mfcs().at(key).oifs, (std::map<sys::VifIndex, uint8_t>{{1, 1}, {2, 1}}));
    EXPECT_EQ(statics.counters().installs, 1u);
    EXPECT_EQ(statics.counters().updates, 1u);
    mrt.take_calls();
    statics.sync(resolver());  // nothing changed: no kernel call
    EXPECT_TRUE(mrt.take_calls().empty());
}

TEST_F(StaticMroutesTest, IifVifGoneAndBackWithAnotherIndex) {
    statics.set_routes({route("198.18.1.2", "239.1.1.1", "eth0", {"eth1"})});
    add_vif("eth0", 0, 10);
    add_vif("eth1", 1, 11);
    statics.sync(resolver());
    ASSERT_EQ(mrt.mfcs().size(), 1u);
    del_vif("eth0");
    statics.sync(resolver());
    EXPECT_TRUE(mrt.mfcs().empty());
    EXPECT_FALSE(statics.states()[0].installed);
    add_vif("eth0", 2, 20);  // the interface came back as a new link
    statics.sync(resolver());
    ASSERT_EQ(mrt.mfcs().count(key), 1u);
    EXPECT_EQ(mrt.mfcs().at(key).iif, 2);
}

TEST_F(StaticMroutesTest, OifVifDeletedIsReprogrammedWhenItReturns) {
    statics.set_routes({route("198.18.1.2", "239.1.1.1", "eth0", {"eth1"})});
    add_vif("eth0", 0, 10);
    add_vif("eth1", 1, 11);
    statics.sync(resolver());
    del_vif("eth1");  // KernelMrt clears the oif in the installed entry
    statics.sync(resolver());
    EXPECT_TRUE(mrt.mfcs().at(key).oifs.empty());
    add_vif("eth1", 1, 11);
    statics.sync(resolver());
    EXPECT_EQ(mrt.mfcs().at(key).oifs, (std::map<sys::VifIndex, uint8_t>{{1, 1}}));
}

TEST_F(StaticMroutesTest, ReloadDiffsAndRemoveAll) {
    add_vif("eth0", 0, 10);
    add_vif("eth1", 1, 11);
    statics.set_routes({route("198.18.1.2", "239.1.1.1", "eth0", {"eth1"}),
                        route("198.18.1.3", "239.1.1.2", "eth0", {"eth1"})});
    statics.sync(resolver());
    ASSERT_EQ(mrt.mfcs().size(), 2u);
    mrt.take_calls();
    statics.set_routes({route("198.18.1.2", "239.1.1.1", "eth0", {"eth1"})});
    statics.sync(resolver());
    auto calls = mrt.take_calls();
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].rfind("del_mfc (198.18.1.3,239.1.1.2)", 0), 0u) << calls[0];
    EXPECT_TRUE(statics.is_static(key));
    statics.remove_all();
    EXPECT_TRUE(mrt.mfcs().empty());
    EXPECT_EQ(statics.counters().removals, 2u);
}

TEST_F(StaticMroutesTest, KernelFailureIsReported) {
    add_vif("eth0", 0, 10);
    add_vif("eth1", 1, 11);
    statics.set_routes({route("198.18.1.2", "239.1.1.1", "eth0", {"eth1"})});
    mrt.fail_next("add_mfc", sys::MrtError{ENOBUFS, "add MFC: no buffer"});
    statics.sync(resolver());
    EXPECT_FALSE(statics.states()[0].installed);
    EXPECT_EQ(statics.states()[0].error, "add MFC: no buffer");
    EXPECT_EQ(statics.counters().failures, 1u);
    statics.sync(resolver());  // retried on the next sync
    EXPECT_TRUE(statics.states()[0].installed);
}

// ---- SysActions ----

struct Sent {
    int ifindex = 0;
    Ipv4Address dst;
    std::optional<int> egress;
    std::optional<Ipv4Address> source;
    size_t bytes = 0;
};

class RecordingTx final : public PimTransmitter {
  public:
    Result<Unit, sys::SocketError> send_multicast(int ifindex, Ipv4Address group,
                                                  std::span<const uint8_t> pim) override {
        sent.push_back({ifindex, group, std::nullopt, std::nullopt, pim.size()});
        if (fail) return make_err(sys::SocketError{ENETDOWN, "send"});
        return Unit{};
    }
    Result<Unit, sys::SocketError> send_unicast(Ipv4Address dst, std::span<const uint8_t> pim,
                                                std::optional<int> egress,
                                                std::optional<Ipv4Address> source) override {
        sent.push_back({0, dst, egress, source, pim.size()});
        return Unit{};
    }
    std::vector<Sent> sent;
    bool fail = false;
};

TEST(SysActions, SendsMulticastByIfindexAndUnicastPinned) {
    sys::FakeKernelMrt mrt;
    RecordingTx tx;
    SysActions a(tx, mrt);
    std::vector<uint8_t> msg(26, 0);
    a.send_pim(3, A("198.18.2.1"), addr::kAllPimRouters, msg);
    a.send_pim(3, A("198.18.2.1"), A("198.18.255.2"), msg);
    ASSERT_EQ(tx.sent.size(), 2u);
    EXPECT_EQ(tx.sent[0].ifindex, 3);
    EXPECT_EQ(tx.sent[0].dst, addr::kAllPimRouters);
    EXPECT_EQ(tx.sent[1].egress, std::optional<int>(3));
    EXPECT_EQ(tx.sent[1].source, std::optional<Ipv4Address>(A("198.18.2.1")));
    tx.fail = true;
    a.send_pim(3, A("198.18.2.1"), addr::kAllPimRouters, msg);
    EXPECT_EQ(a.counters().pim_sent, 2u);
    EXPECT_EQ(a.counters().pim_send_errors, 1u);
}

TEST(SysActions, VifsAndMfcsReachTheKernel) {
    sys::FakeKernelMrt mrt;
    ASSERT_TRUE(mrt.init({}).ok());
    RecordingTx tx;
    SysActions a(tx, mrt);
    int changes = 0;
    a.add_vif_listener([&] { ++changes; });
    a.vif_add({0, pim::VifKind::kInterface, 10, A("198.18.1.1"), "eth0"});
    a.vif_add({1, pim::VifKind::kInterface, 11, A("198.18.2.1"), "eth1"});
    a.vif_add({2, pim::VifKind::kRegister, 0, {}, "pimreg"});
    EXPECT_EQ(mrt.vifs().size(), 3u);
    EXPECT_TRUE(mrt.vifs().at(2).register_vif);
    pim::MfcEntry e;
    e.source = A("198.18.1.2");
    e.group = A("239.1.1.1");
    e.iif_vif = 0;
    e.set_oif(1);
    a.mfc_set(e);
    ASSERT_EQ(mrt.mfcs().size(), 1u);
    EXPECT_EQ(mrt.mfcs().begin()->second.oifs, (std::map<sys::VifIndex, uint8_t>{{1, 1}}));
    a.mfc_del({e.source, e.group, 0});
    EXPECT_TRUE(mrt.mfcs().empty());
    a.vif_del({1, 11});
    EXPECT_EQ(mrt.vifs().size(), 2u);
    EXPECT_EQ(changes, 4);
    mrt.fail_next("add_vif", sys::MrtError{ENFILE, "VIF table full"});
    a.vif_add({3, pim::VifKind::kInterface, 12, A("198.18.3.1"), "eth2"});
    EXPECT_EQ(a.vif_errors().at(3), "VIF table full");
    EXPECT_EQ(a.counters().vif_errors, 1u);
    a.vif_del({3, 12});  // its add failed: nothing to delete
    EXPECT_EQ(a.counters().vif_errors, 1u);
    EXPECT_EQ(changes, 4);
}

}  // namespace
}  // namespace fanout::pimd
