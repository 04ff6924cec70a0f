// RFC 4610 sections 3 and 4: which Registers a member of the Anycast-RP set forwards (pimd/core/anycast_rp).
#include "pimd/core/anycast_rp.hpp"

#include <gtest/gtest.h>

namespace fanout::pim {
namespace {

Ipv4Address A(const char* s) {
    return *Ipv4Address::parse(s);
}

AnycastRpConfig three() {
    return AnycastRpConfig{A("10.0.0.0"), {A("192.0.2.1"), A("192.0.2.2"), A("192.0.2.3")}};
}

TEST(AnycastRp, RegisterFromADrIsForwardedToEveryOtherMemberWithOurOwnAddress) {
    auto d = decide_register(three(), A("192.0.2.2"), A("198.51.100.9"), A("10.0.0.0"));
    EXPECT_EQ(d.kind, AnycastRegisterKind::kFromDr);
    EXPECT_EQ(d.forward_source, A("192.0.2.2"));
    EXPECT_EQ(d.forward_to, (std::vector<Ipv4Address>{A("192.0.2.1"), A("192.0.2.3")}));
    EXPECT_EQ(d.register_stop_to, A("198.51.100.9"));  // section 4: the DR
}

TEST(AnycastRp, RegisterFromAMemberIsProcessedAndNeverForwarded) {
    auto d = decide_register(three(), A("192.0.2.2"), A("192.0.2.1"), A("192.0.2.2"));
    EXPECT_EQ(d.kind, AnycastRegisterKind::kFromMember);
    EXPECT_TRUE(d.forward_to.empty());
    EXPECT_EQ(d.register_stop_to, A("192.0.2.1"));  // section 4: the member that forwarded it
}

TEST(AnycastRp, RegisterToAnotherAddressIsNotAnycast) {
    auto d = decide_register(three(), A("192.0.2.2"), A("198.51.100.9"), A("203.0.113.1"));
    EXPECT_EQ(d.kind, AnycastRegisterKind::kNotAnycast);
    EXPECT_TRUE(d.forward_to.empty());
}

TEST(AnycastRp, NotAMemberForwardsNothing) {
    auto d = decide_register(three(), Ipv4Address(), A("198.51.100.9"), A("10.0.0.0"));
    EXPECT_EQ(d.kind, AnycastRegisterKind::kFromDr);
    EXPECT_TRUE(d.forward_to.empty());
}

TEST(AnycastRp, ValidationAndOwnMember) {
    EXPECT_TRUE(validate(three()).empty());
    EXPECT_FALSE(validate(AnycastRpConfig{A("10.0.0.0"), {A("192.0.2.1")}}).empty());
    EXPECT_FALSE(validate(AnycastRpConfig{A("10.0.0.0"), {A("10.0.0.0"), A("192.0.2.1")}}).empty());
    EXPECT_FALSE(validate(AnycastRpConfig{A("239.0.0.1"), {A("192.0.2.2"), A("192.0.2.1")}}).empty());
    EXPECT_EQ(own_member_address(three(), [](Ipv4Address a) { return a == A("192.0.2.3"); }), A("192.0.2.3"));
    EXPECT_TRUE(own_member_address(three(), [](Ipv4Address) { return false; }).is_unspecified());
}

}  // namespace
}  // namespace fanout::pim
