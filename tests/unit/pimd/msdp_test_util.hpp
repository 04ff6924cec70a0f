// Shared fixture for the MSDP core unit tests: a core on a manual clock with recording fakes.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "common/core/manual_timer.hpp"
#include "common/packet/msdp.hpp"
#include "pimd/core/msdp/msdp_core.hpp"
#include "pimd/core/msdp/msdp_recording.hpp"

namespace fanout::msdp::test {

inline Ipv4Address A(const char* s) {
    return *Ipv4Address::parse(s);
}
inline SGKey SG(const char* s, const char* g) {
    return SGKey{A(s), A(g)};
}

// Local 198.18.0.5: peers above it (.9, .10, .11) are connected to by us; peers below (.2, .3) connect to us.
class MsdpFixture : public ::testing::Test {
  protected:
    MsdpConfig base_config() {
        MsdpConfig c;
        c.local_address = A("198.18.0.5");
        c.originator_address = A("198.18.255.1");  // the (anycast) RP address, not the peering address
        return c;
    }
    MsdpPeerConfig peer_config(const char* addr, std::optional<std::string> mesh = std::nullopt) {
        MsdpPeerConfig p;
        p.address = A(addr);
        p.mesh_group = std::move(mesh);
        return p;
    }
    void make(MsdpConfig c) {
        ASSERT_TRUE(validate(c).empty());
        core = std::make_unique<MsdpCore>(std::move(c), timers, actions, rpf, pim);
        core->start();
    }
    // Brings a peer to Established (connect for higher peers, accept for lower) and clears the logs.
    void establish(const char* addr) {
        auto a = A(addr);
        if (core->config().local_address < a)
            core->tcp_connected(a);
        else
            ASSERT_TRUE(core->tcp_accepted(a));
        ASSERT_EQ(core->find_peer(a)->state(), MsdpPeerState::kEstablished);
    }
    void clear() {
        actions.take();
        pim.take();
    }
    const MsdpPeer& peer(const char* addr) { return *core->find_peer(A(addr)); }
    // The TLVs sent to addr (decoded), removed from the log.
    std::vector<packet::MsdpMessage> sent_to(const char* addr) {
        std::vector<packet::MsdpMessage> out;
        std::vector<RecordedMsdpAction> keep;
        for (auto& act : actions.log) {
            if (act.kind == RecordedMsdpAction::Kind::kSend && act.peer == A(addr)) {
                auto framed = packet::frame_msdp_stream(act.bytes);
                EXPECT_FALSE(framed.fatal);
                for (auto tlv : framed.tlvs) {
                    auto m = packet::decode_msdp(tlv);
                    EXPECT_TRUE(m.ok());
                    if (m) out.push_back(m.value());
                }
            } else {
                keep.push_back(std::move(act));
            }
        }
        actions.log = std::move(keep);
        return out;
    }
    size_t count(RecordedMsdpAction::Kind k, const char* addr) {
        size_t n = 0;
        for (const auto& act : actions.log)
            if (act.kind == k && act.peer == A(addr)) ++n;
        return n;
    }
    void rx_sa(const char* from, const char* rp, std::vector<SGKey> sgs, std::vector<uint8_t> data = {}) {
        std::vector<packet::MsdpSaEntry> entries;
        for (auto sg : sgs)
            entries.push_back(packet::MsdpSaEntry{sg.group, sg.source});
        for (const auto& tlv : packet::encode_msdp_source_active(A(rp), entries, data))
            core->tcp_received(A(from), tlv);
    }
    void rx_keepalive(const char* from) { core->tcp_received(A(from), packet::encode_msdp_keepalive()); }

    ManualTimerService timers;
    RecordingMsdpActions actions;
    MapMsdpRpfLookup rpf;
    RecordingMsdpPimHooks pim;
    std::unique_ptr<MsdpCore> core;
};

inline const packet::MsdpSourceActive* as_sa(const packet::MsdpMessage& m) {
    return std::get_if<packet::MsdpSourceActive>(&m);
}
inline bool is_keepalive(const packet::MsdpMessage& m) {
    return std::holds_alternative<packet::MsdpKeepalive>(m);
}

}  // namespace fanout::msdp::test
