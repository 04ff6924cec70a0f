// Every PIM frame of the FRR / pimd captures in shared/pcaps decodes, carries the values pcaps/README.md
// lists, and re-encodes to the same bytes where the message has one canonical form.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "common/packet/ipv4.hpp"
#include "common/packet/pim_assert.hpp"
#include "common/packet/pim_header.hpp"
#include "common/packet/pim_hello.hpp"
#include "common/packet/pim_join_prune.hpp"
#include "common/packet/pim_register.hpp"
#include "tests/testlib/pcap.hpp"

namespace fanout::packet {
namespace {

struct PimFrame {
    uint32_t number = 0;
    Ipv4Address src, dst;
    uint8_t ttl = 0;
    std::vector<uint8_t> pim;  // the IP payload
};

std::vector<PimFrame> pim_frames(const std::string& name) {
    std::string err;
    auto p = test::read_pcap(test::shared_pcap(name), &err);
    EXPECT_TRUE(p.has_value()) << name << ": " << err;
    std::vector<PimFrame> out;
    if (!p) return out;
    for (const auto& f : p->frames) {
        const auto ip = f.ipv4();
        auto v = decode_ipv4(ip);  // checks the capture's IP header (checksum included)
        EXPECT_TRUE(v.ok()) << name << " frame " << f.number;
        if (!v || v->header.protocol != kIpProtoPim) continue;
        out.push_back(
            {f.number, v->header.src, v->header.dst, v->header.ttl, {v->payload.begin(), v->payload.end()}});
    }
    return out;
}

PimType type_of(const PimFrame& f) {
    return static_cast<PimType>(f.pim.at(0) & 0x0f);
}

const Ipv4Address kR1Link(198, 19, 12, 1);
const Ipv4Address kR2Link(198, 19, 12, 2);

// ---------------- Hello ----------------

struct HelloExpect {
    Ipv4Address src;
    uint16_t holdtime;
    uint32_t dr_priority;
    uint32_t genid;
};

TEST(PimPcap, FrrHello) {
    const std::map<uint32_t, HelloExpect> want = {
        {1, {kR1Link, 0, 1, 336115841}},    {2, {kR1Link, 35, 10, 1752061197}},
        {3, {kR2Link, 105, 1, 336115841}},  {4, {kR1Link, 35, 10, 1752061197}},
        {5, {kR1Link, 35, 10, 1752061197}}, {6, {kR1Link, 35, 10, 1752061197}},
        {7, {kR1Link, 0, 10, 1752061197}},  {8, {kR1Link, 105, 1, 1868754822}},
        {9, {kR2Link, 105, 1, 336115841}},  {10, {kR1Link, 105, 1, 1868754822}},
    };
    auto frames = pim_frames("frr-hello.pcap");
    ASSERT_EQ(frames.size(), 10u);
    for (const auto& f : frames) {
        SCOPED_TRACE(f.number);
        auto h = decode_hello(f.pim);
        ASSERT_TRUE(h.ok()) << h.error().what;
        const auto& e = want.at(f.number);
        EXPECT_EQ(f.src, e.src);
        EXPECT_EQ(h->holdtime_s, e.holdtime);
        EXPECT_EQ(h->dr_priority, e.dr_priority);
        EXPECT_EQ(h->generation_id, e.genid);
        ASSERT_TRUE(h->lan_prune_delay.has_value());
        EXPECT_FALSE(h->lan_prune_delay->tracking_support);
        EXPECT_EQ(h->lan_prune_delay->propagation_delay_ms, 500);
        EXPECT_EQ(h->lan_prune_delay->override_interval_ms, 2500);
        EXPECT_FALSE(h->state_refresh.has_value());
        EXPECT_TRUE(h->unknown_options.empty());
        EXPECT_TRUE(h->malformed_options.empty());
        if (f.src == kR1Link) {
            EXPECT_EQ(h->address_list, std::vector<Ipv4Address>{Ipv4Address(198, 19, 12, 11)});
        } else {
            EXPECT_TRUE(h->address_list.empty());
        }
        // Same option order (1,2,19,20,24) -> same bytes.
        EXPECT_EQ(encode_hello(*h), f.pim);
    }
}

TEST(PimPcap, PimdHello) {
    const std::map<uint32_t, HelloExpect> want = {
        {1, {kR1Link, 0, 1, 1712089912}},  {2, {kR1Link, 105, 1, 783183532}},
        {3, {kR2Link, 105, 1, 617468023}}, {4, {kR1Link, 105, 1, 783183532}},
        {5, {kR2Link, 105, 1, 617468023}}, {6, {kR1Link, 105, 1, 783183532}},
        {7, {kR2Link, 105, 1, 617468023}},
    };
    auto frames = pim_frames("pimd-hello.pcap");
    ASSERT_EQ(frames.size(), 7u);
    for (const auto& f : frames) {
        SCOPED_TRACE(f.number);
        auto h = decode_hello(f.pim);
        ASSERT_TRUE(h.ok()) << h.error().what;
        const auto& e = want.at(f.number);
        EXPECT_EQ(f.src, e.src);
        EXPECT_EQ(h->holdtime_s, e.holdtime);
        EXPECT_EQ(h->dr_priority, e.dr_priority);
        EXPECT_EQ(h->generation_id, e.genid);
        EXPECT_FALSE(h->lan_prune_delay.has_value());
        EXPECT_TRUE(h->address_list.empty());
        EXPECT_TRUE(h->unknown_options.empty());
        EXPECT_EQ(encode_hello(*h), f.pim);
    }
}

// ---------------- Join/Prune ----------------

const Ipv4Address kRp1(198, 19, 255, 1);
constexpr uint8_t kFlagsSWR = 0x07, kFlagsSR = 0x05, kFlagsS = 0x04;

uint8_t flags(const EncodedSource& s) {
    return static_cast<uint8_t>((s.sparse ? 4 : 0) | (s.wildcard ? 2 : 0) | (s.rpt ? 1 : 0));
}

// Decodes every frame as a Join/Prune, checks upstream/holdtime and that it re-encodes to the same bytes.
std::map<uint32_t, JoinPrune> decode_all_join_prunes(const std::string& name, size_t expected_frames) {
    std::map<uint32_t, JoinPrune> out;
    auto frames = pim_frames(name);
    EXPECT_EQ(frames.size(), expected_frames) << name;
    for (const auto& f : frames) {
        auto jp = decode_join_prune(f.pim);
        EXPECT_TRUE(jp.ok()) << name << " frame " << f.number;
        if (!jp) continue;
        EXPECT_EQ(jp->holdtime_s, 210) << f.number;
        EXPECT_EQ(encode_join_prune(*jp), f.pim) << name << " frame " << f.number;
        out.emplace(f.number, std::move(*jp));
    }
    return out;
}

TEST(PimPcap, FrrJoinPruneWildcard) {
    auto all = decode_all_join_prunes("frr-joinprune-wc.pcap", 405);
    ASSERT_EQ(all.size(), 405u);
    for (const auto& [n, jp] : all) {
        EXPECT_EQ(jp.upstream_neighbor, kR1Link) << n;
        for (const auto& g : jp.groups) {
            EXPECT_EQ(g.group.mask_len, 32);
            for (const auto* list : {&g.joins, &g.prunes}) {
                for (const auto& s : *list) {
                    EXPECT_EQ(s.source, kRp1) << n;  // (*,G): source field is the RP
                    EXPECT_EQ(flags(s), kFlagsSWR) << n;
                }
            }
        }
    }
    auto single = [&](uint32_t n, Ipv4Address g, bool join) {
        const auto& jp = all.at(n);
        ASSERT_EQ(jp.groups.size(), 1u) << n;
        EXPECT_EQ(jp.groups[0].group.group, g) << n;
        EXPECT_EQ(jp.groups[0].joins.size(), join ? 1u : 0u) << n;
        EXPECT_EQ(jp.groups[0].prunes.size(), join ? 0u : 1u) << n;
    };
    single(1, Ipv4Address(239, 1, 1, 1), true);
    for (uint32_t i = 0; i < 200; ++i) {
        single(2 + i, Ipv4Address(239, 2, 0, static_cast<uint8_t>(199 - i)), true);
        single(205 + i, Ipv4Address(239, 2, 0, static_cast<uint8_t>(i)), false);
    }
    single(405, Ipv4Address(239, 1, 1, 1), false);

    // The periodic packed messages: 73 + 73 + 55 groups, one (*,G) join each.
    EXPECT_EQ(all.at(202).groups.size(), 73u);
    EXPECT_EQ(all.at(203).groups.size(), 73u);
    EXPECT_EQ(all.at(204).groups.size(), 55u);
    JoinPrune merged{kR1Link, 210, {}};
    for (uint32_t n : {202u, 203u, 204u}) {
        for (const auto& g : all.at(n).groups) {
            EXPECT_EQ(g.joins.size(), 1u);
            EXPECT_TRUE(g.prunes.empty());
            merged.groups.push_back(g);
        }
    }
    EXPECT_EQ(merged.groups.size(), 201u);
    // Our packer, given FRR's 201 groups and a 1500-byte MTU (1480 bytes of PIM), produces FRR's three
    // messages byte for byte (IP packets of 1494, 1494 and 1134 bytes).
    auto packed = encode_join_prune_packed(merged, 1500 - 20);
    ASSERT_EQ(packed.size(), 3u);
    EXPECT_EQ(packed[0], encode_join_prune(all.at(202)));
    EXPECT_EQ(packed[1], encode_join_prune(all.at(203)));
    EXPECT_EQ(packed[2], encode_join_prune(all.at(204)));
    EXPECT_EQ(packed[0].size() + 20, 1494u);
    EXPECT_EQ(packed[2].size() + 20, 1134u);
}

TEST(PimPcap, FrrJoinPruneSourceSpecific) {
    auto all = decode_all_join_prunes("frr-joinprune-sg.pcap", 17);
    ASSERT_EQ(all.size(), 17u);
    const Ipv4Address g1(239, 1, 1, 1), g2(239, 1, 1, 2), s1(198, 18, 0, 10), s2(198, 18, 0, 11);
    for (const auto& [n, jp] : all)
        EXPECT_EQ(jp.upstream_neighbor, kR1Link);
    // 1-2: (*,G) joins; 3-6: (S,G) joins, flags S only.
    EXPECT_EQ(all.at(1).groups[0].group.group, g2);
    EXPECT_EQ(flags(all.at(1).groups[0].joins.at(0)), kFlagsSWR);
    const std::vector<std::pair<Ipv4Address, Ipv4Address>> sg = {{g1, s1}, {g1, s2}, {g2, s1}, {g2, s2}};
    for (uint32_t i = 0; i < 4; ++i) {
        const auto& g = all.at(3 + i).groups.at(0);
        EXPECT_EQ(g.group.group, sg[i].first);
        ASSERT_EQ(g.joins.size(), 1u);
        EXPECT_EQ(g.joins[0].source, sg[i].second);
        EXPECT_EQ(flags(g.joins[0]), kFlagsS);
    }
    // 7: periodic, 2 groups x ((*,G) + 2 (S,G)) joins.
    const auto& p = all.at(7);
    ASSERT_EQ(p.groups.size(), 2u);
    for (const auto& g : p.groups) {
        ASSERT_EQ(g.joins.size(), 3u);
        EXPECT_TRUE(g.prunes.empty());
        EXPECT_EQ(flags(g.joins[0]), kFlagsSWR);
        EXPECT_EQ(g.joins[1].source, s1);
        EXPECT_EQ(g.joins[2].source, s2);
    }
    // 8-12 and 13-17: the leave sequence; (S,G,rpt) prunes in 10, 12, 15, 17 with a (*,G) join.
    for (uint32_t base : {8u, 13u}) {
        const Ipv4Address g = base == 8 ? g1 : g2;
        for (uint32_t n = base; n < base + 5; ++n)
            EXPECT_EQ(all.at(n).groups.at(0).group.group, g) << n;
        EXPECT_EQ(flags(all.at(base).groups[0].prunes.at(0)), kFlagsSWR);
        EXPECT_EQ(all.at(base + 1).groups[0].prunes.at(0).source, s1);
        EXPECT_EQ(all.at(base + 3).groups[0].prunes.at(0).source, s2);
        for (uint32_t n : {base + 2, base + 4}) {
            const auto& rec = all.at(n).groups.at(0);
            ASSERT_EQ(rec.joins.size(), 1u) << n;
            EXPECT_EQ(flags(rec.joins[0]), kFlagsSWR) << n;
            ASSERT_EQ(rec.prunes.size(), n == base + 2 ? 1u : 2u) << n;
            for (const auto& s : rec.prunes)
                EXPECT_EQ(flags(s), kFlagsSR) << n;
        }
    }
}

TEST(PimPcap, FrrJoinPruneLan) {
    auto frames = pim_frames("frr-joinprune-lan.pcap");
    ASSERT_EQ(frames.size(), 15u);
    const Ipv4Address r2(198, 19, 40, 2), r3(198, 19, 40, 3), r4(198, 19, 40, 4), r5(198, 19, 40, 5);
    const Ipv4Address rp(198, 19, 255, 11), s(198, 18, 10, 2), g(239, 4, 4, 4);
    // frame -> (sender, upstream, join source, prune sources)
    struct E {
        Ipv4Address from, upstream;
        std::vector<Ipv4Address> joins, prunes;
    };
    const std::map<uint32_t, E> want = {
        {1, {r5, r2, {rp}, {}}}, {2, {r4, r2, {rp}, {}}},   {3, {r5, r2, {s}, {}}},
        {4, {r4, r3, {s}, {}}},  {5, {r4, r3, {s}, {}}},    {6, {r4, r2, {rp}, {}}},
        {7, {r4, r3, {s}, {}}},  {8, {r4, r2, {rp}, {}}},   {9, {r4, r2, {}, {rp}}},
        {10, {r4, r3, {}, {s}}}, {11, {r4, r2, {rp}, {s}}}, {12, {r5, r2, {}, {rp}}},
        {13, {r5, r2, {}, {s}}}, {14, {r5, r2, {rp}, {s}}}, {15, {r3, r3, {}, {s}}},
    };
    for (const auto& f : frames) {
        SCOPED_TRACE(f.number);
        auto jp = decode_join_prune(f.pim);
        ASSERT_TRUE(jp.ok());
        const auto& e = want.at(f.number);
        EXPECT_EQ(f.src, e.from);
        EXPECT_EQ(jp->upstream_neighbor, e.upstream);
        ASSERT_EQ(jp->groups.size(), 1u);
        EXPECT_EQ(jp->groups[0].group.group, g);
        std::vector<Ipv4Address> joins, prunes;
        for (const auto& x : jp->groups[0].joins)
            joins.push_back(x.source);
        for (const auto& x : jp->groups[0].prunes) {
            prunes.push_back(x.source);
            // A prune of S alongside a (*,G) join is the (S,G,rpt) prune.
            EXPECT_EQ(flags(x), x.source == rp ? kFlagsSWR : (joins.empty() ? kFlagsS : kFlagsSR));
        }
        EXPECT_EQ(joins, e.joins);
        EXPECT_EQ(prunes, e.prunes);
        EXPECT_EQ(encode_join_prune(*jp), f.pim);
    }
}

TEST(PimPcap, PimdJoinPrune) {
    auto all = decode_all_join_prunes("pimd-joinprune.pcap", 10);
    ASSERT_EQ(all.size(), 10u);
    const Ipv4Address g1(239, 1, 1, 1);
    for (const auto& [n, jp] : all)
        EXPECT_EQ(jp.upstream_neighbor, kR1Link);
    for (uint32_t n : {1u, 3u, 10u}) {
        const auto& jp = all.at(n);
        ASSERT_EQ(jp.groups.size(), 1u);
        EXPECT_EQ(jp.groups[0].group.group, g1);
        ASSERT_EQ(jp.groups[0].joins.size(), 1u);
        EXPECT_EQ(jp.groups[0].joins[0].source, kR1Link);  // RP = R1 link address
        EXPECT_EQ(flags(jp.groups[0].joins[0]), kFlagsSWR);
    }
    for (uint32_t n : {2u, 4u}) {
        const auto& jp = all.at(n);
        ASSERT_EQ(jp.groups.size(), 61u);
        EXPECT_EQ(encode_join_prune(jp).size() + 20 + 14, 1276u);
        size_t star = 0;
        for (const auto& g : jp.groups) {
            if (g.group.group == g1) {
                ASSERT_EQ(g.joins.size(), 2u);
                EXPECT_EQ(g.joins[0].source, Ipv4Address(198, 18, 0, 10));
                EXPECT_EQ(g.joins[1].source, Ipv4Address(198, 18, 0, 11));
                EXPECT_EQ(flags(g.joins[0]), kFlagsS);
            } else {
                EXPECT_EQ(g.group.group.value() & 0xffffff00u, 0xef020000u);
                ASSERT_EQ(g.joins.size(), 1u);
                EXPECT_EQ(flags(g.joins[0]), kFlagsSWR);
                ++star;
            }
            EXPECT_TRUE(g.prunes.empty());
        }
        EXPECT_EQ(star, 60u);
    }
    for (uint32_t n = 5; n <= 8; ++n) {
        const auto& g = all.at(n).groups.at(0);
        EXPECT_EQ(g.group.group, g1);
        EXPECT_EQ(g.joins.size(), 2u);
    }
    const auto& prune = all.at(9);
    ASSERT_EQ(prune.groups.size(), 60u);
    for (const auto& g : prune.groups) {
        EXPECT_TRUE(g.joins.empty());
        ASSERT_EQ(g.prunes.size(), 1u);
        EXPECT_EQ(flags(g.prunes[0]), kFlagsSWR);
    }
}

// ---------------- Register / Register-Stop ----------------

void check_register_stop(const PimFrame& f, Ipv4Address group) {
    auto rs = decode_register_stop(f.pim);
    ASSERT_TRUE(rs.ok()) << f.number;
    EXPECT_EQ(rs->group.group, group) << f.number;
    EXPECT_EQ(rs->group.mask_len, 32) << f.number;
    EXPECT_EQ(rs->source, Ipv4Address(198, 18, 0, 2)) << f.number;
    EXPECT_EQ(encode_register_stop(*rs), f.pim) << f.number;
}

TEST(PimPcap, FrrRegister) {
    auto frames = pim_frames("frr-register.pcap");
    ASSERT_EQ(frames.size(), 15u);
    const Ipv4Address g1(239, 1, 1, 1), g2(239, 1, 1, 2), src(198, 18, 0, 2);
    const std::map<uint32_t, Ipv4Address> data = {{1, g1}, {2, g1}, {4, g2}};
    const std::map<uint32_t, Ipv4Address> null = {{6, g1}, {8, g2}, {10, g1}, {12, g1}, {14, g2}};
    const std::map<uint32_t, Ipv4Address> stop = {{3, g1},  {5, g2},  {7, g1}, {9, g2},
                                                  {11, g1}, {13, g1}, {15, g2}};
    for (const auto& f : frames) {
        SCOPED_TRACE(f.number);
        if (stop.count(f.number)) {
            EXPECT_EQ(type_of(f), PimType::kRegisterStop);
            check_register_stop(f, stop.at(f.number));
            continue;
        }
        auto r = decode_register(f.pim);
        ASSERT_TRUE(r.ok()) << r.error().what;
        EXPECT_EQ(f.dst, Ipv4Address(198, 19, 255, 2));
        EXPECT_FALSE(r->border);
        const bool is_null = null.count(f.number) != 0;
        EXPECT_EQ(r->null_register, is_null);
        EXPECT_EQ(r->inner_sg, (SGKey{src, is_null ? null.at(f.number) : data.at(f.number)}));
        if (is_null) {
            ASSERT_EQ(r->inner.size(), 20u);
            EXPECT_EQ(r->inner[8], 0);    // TTL
            EXPECT_EQ(r->inner[9], 103);  // protocol
            EXPECT_EQ(r->inner[10], 0);   // checksum 0
            EXPECT_EQ(r->inner[11], 0);
        } else {
            EXPECT_EQ(r->inner.size(), 134u - 14 - 20 - 8);
            EXPECT_EQ(r->inner[9], 17);  // UDP
        }
        ByteWriter w;
        encode_register(w, r->border, r->null_register, r->inner);
        EXPECT_EQ(w.buffer(), f.pim);
    }
}

TEST(PimPcap, PimdRegister) {
    auto frames = pim_frames("pimd-register.pcap");
    ASSERT_EQ(frames.size(), 253u);
    const Ipv4Address g1(239, 1, 1, 1), g2(239, 1, 1, 2), src(198, 18, 0, 2);
    size_t data = 0;
    for (const auto& f : frames) {
        SCOPED_TRACE(f.number);
        if (f.number == 5 || f.number == 158) {
            check_register_stop(f, g1);
            continue;
        }
        auto r = decode_register(f.pim);
        ASSERT_TRUE(r.ok()) << r.error().what;
        EXPECT_EQ(f.dst, Ipv4Address(198, 19, 12, 2));
        EXPECT_EQ(f.ttl, 255);
        const Ipv4Address g = (f.number <= 4 || f.number == 157) ? g1 : g2;
        EXPECT_EQ(r->inner_sg, (SGKey{src, g}));
        if (f.number == 157) {
            EXPECT_TRUE(r->null_register);
            ASSERT_EQ(r->inner.size(), 20u);
            EXPECT_EQ(r->inner[8], 1);   // TTL
            EXPECT_EQ(r->inner[9], 17);  // protocol
            EXPECT_TRUE(r->inner[10] != 0 || r->inner[11] != 0);
        } else {
            EXPECT_FALSE(r->null_register);
            EXPECT_EQ(r->inner.size(), 92u);
            ++data;
        }
        ByteWriter w;
        encode_register(w, r->border, r->null_register, r->inner);
        EXPECT_EQ(w.buffer(), f.pim);
    }
    EXPECT_EQ(data, 250u);
}

// ---------------- Assert ----------------

TEST(PimPcap, FrrAssertAndAssertCancel) {
    auto frames = pim_frames("frr-assert.pcap");
    ASSERT_EQ(frames.size(), 2u);
    for (const auto& f : frames) {
        SCOPED_TRACE(f.number);
        auto a = decode_assert(f.pim);
        ASSERT_TRUE(a.ok());
        EXPECT_EQ(f.src, Ipv4Address(198, 19, 40, 3));
        EXPECT_EQ(a->group.group, Ipv4Address(239, 4, 4, 4));
        EXPECT_EQ(a->source, Ipv4Address(198, 18, 10, 2));
        EXPECT_EQ(f.pim[2], 0x15);  // both carry checksum 0x15c2
        EXPECT_EQ(f.pim[3], 0xc2);
        EXPECT_EQ(encode_assert(*a), f.pim);
    }
    auto first = decode_assert(frames[0].pim);
    EXPECT_FALSE(first->rpt);
    EXPECT_EQ(first->metric_preference, 0u);
    EXPECT_EQ(first->metric, 0u);
    EXPECT_FALSE(first->is_cancel());
    auto cancel = decode_assert(frames[1].pim);
    EXPECT_TRUE(cancel->rpt);
    EXPECT_EQ(cancel->metric_preference, 0x7fffffffu);
    EXPECT_EQ(cancel->metric, 0xffffffffu);
    EXPECT_TRUE(cancel->is_cancel());
    EXPECT_EQ(encode_assert(make_assert_cancel(cancel->group, cancel->source)), frames[1].pim);
}

}  // namespace
}  // namespace fanout::packet
