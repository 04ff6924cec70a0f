// The pure interface model (common/core/interface_table) that InterfaceSource feeds from netlink.
#include "common/core/interface_table.hpp"

#include <gtest/gtest.h>

namespace fanout {
namespace {

InterfaceInfo link(int ifindex, const std::string& name, bool up = true) {
    InterfaceInfo i;
    i.ifindex = ifindex;
    i.name = name;
    i.admin_up = up;
    i.oper_up = up;
    i.multicast = true;
    i.mtu = 1500;
    return i;
}

InterfaceAddress addr(const char* prefix_text, bool secondary = false) {
    auto p = Ipv4Prefix::parse(prefix_text, true);
    std::string s(prefix_text);
    InterfaceAddress a;
    a.addr = *Ipv4Address::parse(s.substr(0, s.find('/')));
    a.prefix_len = p->length();
    a.secondary = secondary;
    return a;
}

std::vector<InterfaceChangeKind> kinds(const std::vector<InterfaceChange>& cs) {
    std::vector<InterfaceChangeKind> out;
    for (const auto& c : cs)
        out.push_back(c.kind);
    return out;
}

using K = InterfaceChangeKind;

TEST(InterfaceTable, LinkAddedChangedAndUnchanged) {
    InterfaceTable t;
    auto c = t.upsert_link(link(3, "eth0", false));
    ASSERT_EQ(kinds(c), std::vector<K>{K::kLinkAdded});
    EXPECT_FALSE(c[0].old_info.has_value());
    EXPECT_EQ(c[0].new_info->name, "eth0");
    EXPECT_TRUE(t.upsert_link(link(3, "eth0", false)).empty());  // nothing new

    ASSERT_FALSE(t.add_address(3, addr("10.0.0.1/24")).empty());
    c = t.upsert_link(link(3, "eth0", true));
    ASSERT_EQ(kinds(c), std::vector<K>{K::kLinkChanged});
    EXPECT_FALSE(c[0].old_info->admin_up);
    EXPECT_TRUE(c[0].new_info->admin_up);
    ASSERT_EQ(c[0].new_info->addrs.size(), 1u);  // a link message does not drop the addresses
    EXPECT_EQ(t.find(3)->addrs.size(), 1u);
    EXPECT_TRUE(t.find(3)->usable());

    auto renamed = link(3, "wan0", true);
    renamed.mtu = 9000;
    c = t.upsert_link(renamed);
    ASSERT_EQ(kinds(c), std::vector<K>{K::kLinkChanged});
    EXPECT_EQ(t.find("wan0")->mtu, 9000u);
    EXPECT_EQ(t.find("eth0"), nullptr);
}

TEST(InterfaceTable, AddressesAddedReplacedRemovedAndOrphans) {
    InterfaceTable t;
    (void)t.upsert_link(link(2, "veth0"));
    auto c = t.add_address(2, addr("10.0.0.1/24"));
    ASSERT_EQ(kinds(c), std::vector<K>{K::kAddressAdded});
    EXPECT_TRUE(c[0].old_info->addrs.empty());
    EXPECT_EQ(c[0].new_info->addrs.size(), 1u);
    EXPECT_EQ(c[0].address, addr("10.0.0.1/24"));
    EXPECT_TRUE(t.add_address(2, addr("10.0.0.1/24")).empty());  // a replay

    // The same address becoming secondary: removed then added, with its new flags.
    c = t.add_address(2, addr("10.0.0.1/24", true));
    ASSERT_EQ(kinds(c), (std::vector<K>{K::kAddressRemoved, K::kAddressAdded}));
    EXPECT_TRUE(t.find(2)->addrs[0].secondary);

    c = t.remove_address(2, addr("10.0.0.1/24"));
    ASSERT_EQ(kinds(c), std::vector<K>{K::kAddressRemoved});
    EXPECT_TRUE(c[0].address.secondary);
    EXPECT_TRUE(t.find(2)->addrs.empty());
    EXPECT_TRUE(t.remove_address(2, addr("10.0.0.1/24")).empty());

    EXPECT_TRUE(t.add_address(99, addr("10.9.9.9/24")).empty());
    EXPECT_EQ(t.orphan_addresses(), 1u);
}

TEST(InterfaceTable, RemovedLinkCarriesItsAddresses) {
    InterfaceTable t;
    (void)t.upsert_link(link(5, "veth5"));
    (void)t.add_address(5, addr("192.0.2.1/24"));
    auto c = t.remove_link(5);
    ASSERT_EQ(kinds(c), std::vector<K>{K::kLinkRemoved});
    EXPECT_EQ(c[0].old_info->addrs.size(), 1u);
    EXPECT_FALSE(c[0].new_info.has_value());
    EXPECT_EQ(t.find(5), nullptr);
    EXPECT_TRUE(t.remove_link(5).empty());
}

TEST(InterfaceTable, PrimaryAddressSkipsSecondaries) {
    InterfaceInfo i = link(1, "e");
    EXPECT_FALSE(i.primary_address().has_value());
    i.addrs = {addr("10.0.0.9/24", true), addr("10.0.0.1/24")};
    EXPECT_EQ(i.primary_address()->addr, *Ipv4Address::parse("10.0.0.1"));
    i.addrs = {addr("10.0.0.9/24", true)};
    EXPECT_EQ(i.primary_address()->addr, *Ipv4Address::parse("10.0.0.9"));
}

TEST(InterfaceTable, LookupsByNameAddressAndConnectedSubnet) {
    InterfaceTable t;
    (void)t.upsert_link(link(2, "a"));
    (void)t.upsert_link(link(3, "b"));
    (void)t.add_address(2, addr("10.0.0.1/16"));
    (void)t.add_address(3, addr("10.0.5.1/24"));
    InterfaceAddress p2p = addr("192.0.2.1/32");
    p2p.peer = *Ipv4Address::parse("192.0.2.2");
    (void)t.add_address(3, p2p);
    EXPECT_EQ(t.find("b")->ifindex, 3);
    EXPECT_EQ(t.find_by_address(*Ipv4Address::parse("10.0.5.1"))->ifindex, 3);
    EXPECT_EQ(t.find_by_address(*Ipv4Address::parse("10.0.5.2")), nullptr);
    EXPECT_EQ(t.find_connected(*Ipv4Address::parse("10.0.5.7"))->ifindex, 3);  // longest match
    EXPECT_EQ(t.find_connected(*Ipv4Address::parse("10.0.6.7"))->ifindex, 2);
    EXPECT_EQ(t.find_connected(*Ipv4Address::parse("192.0.2.2"))->ifindex, 3);  // the p2p peer
    EXPECT_EQ(t.find_connected(*Ipv4Address::parse("172.16.0.1")), nullptr);
    EXPECT_EQ(p2p.to_string(), "192.0.2.1 peer 192.0.2.2/32");
}

TEST(InterfaceTable, ReplaceAllReportsTheDifference) {
    InterfaceTable t;
    (void)t.upsert_link(link(2, "keep"));
    (void)t.add_address(2, addr("10.0.0.1/24"));
    (void)t.add_address(2, addr("10.0.1.1/24"));
    (void)t.upsert_link(link(3, "gone"));

    InterfaceInfo keep = link(2, "keep", false);              // went down
    keep.addrs = {addr("10.0.0.1/24"), addr("10.0.2.1/24")};  // 10.0.1.1 replaced by 10.0.2.1
    InterfaceInfo fresh = link(4, "new");
    fresh.addrs = {addr("10.0.4.1/24")};
    auto c = t.replace_all({keep, fresh});
    EXPECT_EQ(kinds(c), (std::vector<K>{K::kLinkRemoved, K::kLinkChanged, K::kAddressRemoved,
                                        K::kAddressAdded, K::kLinkAdded, K::kAddressAdded}));
    EXPECT_EQ(c[0].ifindex, 3);
    EXPECT_EQ(c[2].address, addr("10.0.1.1/24"));
    EXPECT_EQ(c[3].address, addr("10.0.2.1/24"));
    EXPECT_EQ(t.size(), 2u);
    auto all = t.all();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0], keep);
    EXPECT_EQ(all[1], fresh);
    EXPECT_TRUE(t.replace_all({keep, fresh}).empty());  // idempotent
}

}  // namespace
}  // namespace fanout
