// RFC 4610 register forwarding in the daemon (pimd/anycast_rp_wiring.hpp): which received PIM messages are
// copied, to whom, from which source, with the bytes unchanged; counters for each outcome.
#include "pimd/anycast_rp_wiring.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace fanout::pimd {
namespace {

Ipv4Address A(const char* s) {
    return *Ipv4Address::parse(s);
}

struct Sent {
    Ipv4Address dst;
    std::vector<uint8_t> bytes;
    std::optional<Ipv4Address> source;
};

class RecordingTx final : public PimTransmitter {
  public:
    Result<Unit, sys::SocketError> send_multicast(int, Ipv4Address, std::span<const uint8_t>) override {
        return Unit{};
    }
    Result<Unit, sys::SocketError> send_unicast(Ipv4Address dst, std::span<const uint8_t> pim,
                                                std::optional<int>,
                                                std::optional<Ipv4Address> source) override {
        if (fail) return make_err(sys::SocketError{101, "sendmsg"});
        sent.push_back(Sent{dst, std::vector<uint8_t>(pim.begin(), pim.end()), source});
        return Unit{};
    }
    std::vector<Sent> sent;
    bool fail = false;
};

// A Register header (type 1) with a 4-byte stand-in for the inner packet; a Hello (type 0).
const std::vector<uint8_t> kRegister{0x21, 0x00, 0xde, 0xad, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x14};
const std::vector<uint8_t> kHello{0x20, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x69};

class AnycastRpWiring : public ::testing::Test {
  protected:
    AnycastRpWiring()
        : fwd(tx, [](Ipv4Address a) { return a == A("198.18.100.1") || a == A("198.18.255.1"); }) {
        fwd.set_config(pim::AnycastRpConfig{A("198.18.255.1"),
                                            {A("198.18.100.1"), A("198.18.100.2"), A("198.18.100.3")}});
    }
    RecordingTx tx;
    AnycastRpForwarder fwd;
};

TEST_F(AnycastRpWiring, DrRegisterIsCopiedUnchangedToEveryOtherMemberFromOurMemberAddress) {
    fwd.on_rx(A("198.18.6.1"), A("198.18.255.1"), kRegister);
    ASSERT_EQ(tx.sent.size(), 2u);
    EXPECT_EQ(tx.sent[0].dst, A("198.18.100.2"));
    EXPECT_EQ(tx.sent[1].dst, A("198.18.100.3"));
    for (const auto& s : tx.sent) {
        EXPECT_EQ(s.bytes, kRegister);
        EXPECT_EQ(s.source, std::optional<Ipv4Address>(A("198.18.100.1")));
    }
    EXPECT_EQ(fwd.counters().from_dr, 1u);
    EXPECT_EQ(fwd.counters().forwarded, 2u);
}

TEST_F(AnycastRpWiring, MemberRegisterOtherMessagesAndOtherDestinationsAreNotForwarded) {
    fwd.on_rx(A("198.18.100.2"), A("198.18.100.1"), kRegister);                       // forwarded by a member
    fwd.on_rx(A("198.18.6.1"), A("198.18.255.1"), kHello);                            // not a Register
    fwd.on_rx(A("198.18.6.1"), A("198.18.77.1"), kRegister);                          // not to the set
    fwd.on_rx(A("198.18.6.1"), A("198.18.255.1"), std::vector<uint8_t>{0x21, 0x00});  // truncated
    EXPECT_TRUE(tx.sent.empty());
    EXPECT_EQ(fwd.counters().from_member, 1u);
    EXPECT_EQ(fwd.counters().from_dr, 0u);
}

TEST_F(AnycastRpWiring, SendErrorsAndNoLocalMemberAreCountedAndNoConfigDoesNothing) {
    tx.fail = true;
    fwd.on_rx(A("198.18.6.1"), A("198.18.255.1"), kRegister);
    EXPECT_EQ(fwd.counters().forward_errors, 2u);
    tx.fail = false;
    fwd.set_config(pim::AnycastRpConfig{A("198.18.255.1"), {A("198.18.100.8"), A("198.18.100.9")}});
    fwd.on_rx(A("198.18.6.1"), A("198.18.255.1"), kRegister);
    EXPECT_EQ(fwd.counters().not_a_member, 1u);
    fwd.set_config(std::nullopt);
    fwd.on_rx(A("198.18.6.1"), A("198.18.255.1"), kRegister);
    EXPECT_TRUE(tx.sent.empty());
    EXPECT_EQ(fwd.counters().from_dr, 2u);
}

}  // namespace
}  // namespace fanout::pimd
