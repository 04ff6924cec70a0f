// Shared fixtures for the register unit tests: a RegisterHost over a real Tib / LocalMembership / macros with
// a scripted RouterView, a recording PimActions and a Random whose next value is set by the test.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

#include "common/core/checksum.hpp"
#include "common/core/manual_timer.hpp"
#include "common/core/random.hpp"
#include "common/packet/pim_header.hpp"
#include "common/packet/pim_register.hpp"
#include "pimd/core/register_dr.hpp"
#include "pimd/core/register_rp.hpp"

namespace fanout::pim::register_test {

inline Ipv4Address ip(const char* s) {
    return *Ipv4Address::parse(s);
}

class ScriptedRandom final : public Random {
  public:
    uint32_t value = 0;
    uint32_t next_u32() override { return value; }
};

struct Sent {
    int ifindex;
    Ipv4Address src;
    Ipv4Address dst;
    std::vector<uint8_t> bytes;
};

class RecordingActions final : public PimActions {
  public:
    std::vector<Sent> sent;
    void send_pim(int ifindex, Ipv4Address src, Ipv4Address dst, std::span<const uint8_t> m) override {
        sent.push_back({ifindex, src, dst, std::vector<uint8_t>(m.begin(), m.end())});
    }
    void vif_add(const VifAdd&) override {}
    void vif_del(const VifDel&) override {}
    void mfc_set(const MfcEntry&) override {}
    void mfc_del(const MfcDel&) override {}
    packet::PimType type(size_t i) const {
        return static_cast<packet::PimType>(sent.at(i).bytes.at(0) & 0x0f);
    }
};

class FakeRouter final : public RouterView {
  public:
    std::set<int> dr_on;
    std::map<Ipv4Address, Ipv4Address> rp_of;  // group -> RP
    std::set<Ipv4Address> local;
    std::map<Ipv4Address, int> rpf;  // address -> ifindex
    bool i_am_dr(int ifindex) const override { return dr_on.count(ifindex) > 0; }
    std::optional<Ipv4Address> rp(Ipv4Address g) const override {
        auto it = rp_of.find(g);
        return it == rp_of.end() ? std::nullopt : std::optional<Ipv4Address>(it->second);
    }
    bool is_local_address(Ipv4Address a) const override { return local.count(a) > 0; }
    int rpf_interface(Ipv4Address x) const override {
        auto it = rpf.find(x);
        return it == rpf.end() ? 0 : it->second;
    }
    std::optional<Ipv4Address> mrib_neighbor(Ipv4Address) const override { return std::nullopt; }
    bool directly_connected(Ipv4Address) const override { return false; }
};

class FakeHost final : public RegisterHost {
  public:
    explicit FakeHost(ManualTimerService& t) : timers(t) {}
    ManualTimerService& timers;
    Tib tib;
    LocalMembership members;
    NoAssertState asserts;
    FakeRouter router;
    std::set<Ipv4Address> connected;
    std::set<Ipv4Address> ssm;
    std::map<Ipv4Address, RpfRoute> routes;
    std::map<int, Ipv4Address> if_addr;
    bool spt_desired = true;
    std::vector<SGKey> vif_changes;
    struct Learned {
        SGKey sg;
        std::optional<Duration> kat;
    };
    std::vector<Learned> learned;

    MacroInputs macro_inputs() const override { return MacroInputs{tib, members, asserts, router}; }
    bool is_ssm(Ipv4Address g) const override { return ssm.count(g) > 0; }
    bool directly_connected(Ipv4Address s) const override { return connected.count(s) > 0; }
    std::optional<RpfRoute> unicast_route(Ipv4Address dst) override {
        auto it = routes.find(dst);
        return it == routes.end() ? std::nullopt : std::optional<RpfRoute>(it->second);
    }
    std::optional<Ipv4Address> interface_address(int ifindex) const override {
        auto it = if_addr.find(ifindex);
        return it == if_addr.end() ? std::nullopt : std::optional<Ipv4Address>(it->second);
    }
    bool switch_to_spt_desired(const SGKey&) const override { return spt_desired; }
    void register_vif_changed(const SGKey& sg) override { vif_changes.push_back(sg); }
    void register_learned(const SGKey& sg, std::optional<Duration> kat) override {
        learned.push_back({sg, kat});
        SGEntry& e = tib.get_or_create(sg, timers.now());
        e.flags.register_learned = true;
        e.flags.msdp_notify = true;
        if (kat) e.keepalive = TimerHandle(timers, *kat, [] {});
    }
    // Starts KeepaliveTimer(S,G) (creating the entry).
    void start_kat(const SGKey& sg, Duration d = std::chrono::seconds(210)) {
        tib.get_or_create(sg, timers.now()).keepalive = TimerHandle(timers, d, [] {});
    }
    void stop_kat(const SGKey& sg) { tib.find(sg)->keepalive.cancel(); }
};

// A minimal UDP-in-IPv4 data packet S -> G with the given TTL and a valid header checksum.
inline std::vector<uint8_t> data_packet(Ipv4Address s, Ipv4Address g, uint8_t ttl = 16, size_t payload = 12) {
    std::vector<uint8_t> p(20 + payload, 0xab);
    size_t total = p.size();
    uint8_t hdr[20] = {0x45, 0, uint8_t(total >> 8), uint8_t(total & 0xff), 0, 1, 0, 0, ttl, 17, 0, 0};
    for (int i = 0; i < 4; ++i) {
        hdr[12 + i] = uint8_t(s.value() >> (24 - 8 * i));
        hdr[16 + i] = uint8_t(g.value() >> (24 - 8 * i));
    }
    uint16_t c = internet_checksum(std::span<const uint8_t>(hdr, 20));
    hdr[10] = uint8_t(c >> 8);
    hdr[11] = uint8_t(c & 0xff);
    std::copy(hdr, hdr + 20, p.begin());
    return p;
}

}  // namespace fanout::pim::register_test
