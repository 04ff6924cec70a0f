// Bootstrap and Candidate-RP-Advertisement codec (RFC 5059 4.1, 4.2, 3.5): fixtures from the RFC diagrams,
// round trips, truncations, bad fields, fragmentation, and troglobit pimd's / FRR's messages in
// pimd-bsr.pcap and frr-bsm-forward.pcap.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <vector>

#include "common/core/checksum.hpp"
#include "common/packet/pim_bootstrap.hpp"
#include "common/packet/pim_state_refresh.hpp"
#include "tests/testlib/pcap.hpp"

namespace fanout::packet {
namespace {

using Bytes = std::vector<uint8_t>;

const Ipv4Address kBsr{198, 19, 61, 1};
const Ipv4Address kRp3{198, 19, 62, 3};

// Fills in the PIM checksum (bytes 2-3) of a hand-made message.
Bytes with_checksum(Bytes m) {
    m[2] = m[3] = 0;
    const uint16_t c = internet_checksum(m);
    m[2] = static_cast<uint8_t>(c >> 8);
    m[3] = static_cast<uint8_t>(c);
    return m;
}

// BSM, tag 0x1234, hash mask 30, BSR priority 5, BSR 198.19.61.1; 224.0.0.0/4 with RP Count 2, one RP in this
// fragment (198.19.62.3, holdtime 150, priority 10).
const Bytes kBsmBody = {
    0x12, 0x34, 30,  5,                 // fragment tag, hash mask len, BSR priority
    1,    0,    198, 19, 61,  1,        // BSR, encoded-unicast
    1,    0,    0,   4,  224, 0, 0, 0,  // group 224.0.0.0/4, encoded-group
    2,    1,    0,   0,                 // RP count 2, frag RP count 1, reserved
    1,    0,    198, 19, 62,  3,        // RP, encoded-unicast
    0,    150,  10,  0,                 // holdtime 150, priority 10, reserved
};

Bytes bsm_message(uint8_t flags = 0) {
    Bytes m = {0x24, flags, 0, 0};
    m.insert(m.end(), kBsmBody.begin(), kBsmBody.end());
    return with_checksum(m);
}

PimBootstrap bsm_struct() {
    PimBootstrap b;
    b.fragment_tag = 0x1234;
    b.hash_mask_len = 30;
    b.bsr_priority = 5;
    b.bsr = kBsr;
    b.groups.push_back({EncodedGroup{Ipv4Address(224, 0, 0, 0), 4}, 2, {{kRp3, 150, 10}}});
    return b;
}

// C-RP-Adv: 2 prefixes, priority 10, holdtime 50, RP 198.19.62.3, 239.0.0.0/8 and 225.1.0.0/16.
const Bytes kCrpBody = {2, 10, 0, 50, 1,   0, 198, 19, 62, 3,  //
                        1, 0,  0, 8,  239, 0, 0,   0,          //
                        1, 0,  0, 16, 225, 1, 0,   0};

Bytes crp_message() {
    Bytes m = {0x28, 0, 0, 0};
    m.insert(m.end(), kCrpBody.begin(), kCrpBody.end());
    return with_checksum(m);
}

PimCandidateRpAdvertisement crp_struct() {
    return {10,
            50,
            kRp3,
            {EncodedGroup{Ipv4Address(239, 0, 0, 0), 8}, EncodedGroup{Ipv4Address(225, 1, 0, 0), 16}}};
}

TEST(PimBootstrap, DecodesRfcLayoutFixture) {
    auto r = decode_pim_bootstrap(bsm_message());
    ASSERT_TRUE(r.ok()) << to_string(r.error().kind) << " " << r.error().what;
    EXPECT_EQ(r.value(), bsm_struct());
    EXPECT_FALSE(r->no_forward);
    EXPECT_EQ(r->groups[0].group.prefix(), Ipv4Prefix(Ipv4Address(224, 0, 0, 0), 4));
    EXPECT_EQ(r->groups[0].rps[0].holdtime, 150);
}

TEST(PimBootstrap, EncodesFixtureBytes) {
    EXPECT_EQ(encode_pim_bootstrap(bsm_struct()), bsm_message());
}

TEST(PimBootstrap, NoForwardBitIsTheTopBitOfReserved) {
    auto r = decode_pim_bootstrap(bsm_message(0x80));
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->no_forward);
    auto b = bsm_struct();
    b.no_forward = true;
    EXPECT_EQ(encode_pim_bootstrap(b), bsm_message(0x80));
    // Other reserved bits are ignored.
    auto other = decode_pim_bootstrap(bsm_message(0x7f));
    ASSERT_TRUE(other.ok());
    EXPECT_FALSE(other->no_forward);
}

TEST(PimBootstrap, EmptyRpSetAndZeroRpGroup) {
    PimBootstrap b = bsm_struct();
    b.groups.clear();
    auto bytes = encode_pim_bootstrap(b);
    EXPECT_EQ(bytes.size(), kBootstrapFixedSize);
    auto r = decode_pim_bootstrap(bytes);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value(), b);
    b.groups.push_back({EncodedGroup{Ipv4Address(239, 0, 0, 0), 8, false, true}, 0, {}});
    auto r2 = decode_pim_bootstrap(encode_pim_bootstrap(b));
    ASSERT_TRUE(r2.ok());
    EXPECT_EQ(r2.value(), b);
    EXPECT_TRUE(r2->groups[0].group.admin_scope);
}

TEST(PimBootstrap, EveryTruncationOfTheMessageIsAnError) {
    const Bytes full = bsm_message();
    for (size_t n = 0; n < full.size(); ++n)
        EXPECT_FALSE(decode_pim_bootstrap(std::span<const uint8_t>(full).first(n)).ok()) << n;
}

TEST(PimBootstrap, BodyTruncationsInsideARecordAreTruncated) {
    // Cut at a record boundary the body is a shorter valid BSM; anywhere else it is kTruncated.
    for (size_t n = 0; n < kBsmBody.size(); ++n) {
        auto r = decode_pim_bootstrap_body(std::span<const uint8_t>(kBsmBody).first(n), 0);
        if (n == kBootstrapFixedSize - 4) {
            ASSERT_TRUE(r.ok());
            EXPECT_TRUE(r->groups.empty());
            continue;
        }
        ASSERT_FALSE(r.ok()) << n;
        EXPECT_EQ(r.error().kind, DecodeErrorKind::kTruncated) << n;
    }
}

TEST(PimBootstrap, BadFieldsAndAddresses) {
    auto body_kind = [](Bytes body) { return decode_pim_bootstrap_body(body, 0).error().kind; };
    Bytes b = kBsmBody;
    b[2] = 33;
    EXPECT_EQ(body_kind(b), DecodeErrorKind::kBadField);  // hash mask length
    b = kBsmBody;
    b[19] = 3;  // frag RP count above RP count
    EXPECT_EQ(body_kind(b), DecodeErrorKind::kBadField);
    b = kBsmBody;
    b[4] = 2;  // BSR address family IPv6
    EXPECT_EQ(body_kind(b), DecodeErrorKind::kBadAddressFamily);
    b = kBsmBody;
    b[11] = 1;  // group encoding type
    EXPECT_EQ(body_kind(b), DecodeErrorKind::kBadEncodingType);
    b = kBsmBody;
    b[13] = 33;  // group mask length
    EXPECT_EQ(body_kind(b), DecodeErrorKind::kBadField);
    b = kBsmBody;
    b[22] = 0;  // RP address family
    EXPECT_EQ(body_kind(b), DecodeErrorKind::kBadAddressFamily);
    b = kBsmBody;
    b[18] = 2;  // frag RP count 2 with one entry present
    b[19] = 2;
    EXPECT_EQ(body_kind(b), DecodeErrorKind::kTruncated);
}

TEST(PimBootstrap, ChecksumTypeAndVersionAreChecked) {
    Bytes m = bsm_message();
    m[3] ^= 1;
    EXPECT_EQ(decode_pim_bootstrap(m).error().kind, DecodeErrorKind::kBadChecksum);
    EXPECT_EQ(decode_pim_bootstrap(crp_message()).error().kind, DecodeErrorKind::kBadType);
    EXPECT_EQ(decode_pim_crp_adv(bsm_message()).error().kind, DecodeErrorKind::kBadType);
    m = bsm_message();
    m[0] = 0x14;
    EXPECT_EQ(decode_pim_bootstrap(with_checksum(m)).error().kind, DecodeErrorKind::kBadVersion);
}

PimBootstrap big_rp_set(size_t groups, size_t rps_per_group) {
    PimBootstrap b;
    b.fragment_tag = 0xbeef;
    b.hash_mask_len = 30;
    b.bsr_priority = 64;
    b.bsr = kBsr;
    for (size_t g = 0; g < groups; ++g) {
        BootstrapGroup rec{EncodedGroup{Ipv4Address(239, static_cast<uint8_t>(g), 0, 0), 16}, 0, {}};
        for (size_t i = 0; i < rps_per_group; ++i)
            rec.rps.push_back({Ipv4Address(198, 19, static_cast<uint8_t>(g), static_cast<uint8_t>(i)),
                               static_cast<uint16_t>(150 + i), static_cast<uint8_t>(i)});
        rec.rp_count = static_cast<uint8_t>(rps_per_group);
        b.groups.push_back(rec);
    }
    return b;
}

// Decodes fragments and merges each group's RPs back, checking every fragment's invariants.
PimBootstrap reassemble(const std::vector<Bytes>& fragments, size_t limit) {
    PimBootstrap whole;
    bool first = true;
    for (const auto& f : fragments) {
        EXPECT_LE(f.size(), limit);
        auto r = decode_pim_bootstrap(f);
        EXPECT_TRUE(r.ok());
        if (!r.ok()) return whole;
        if (first) {
            whole = r.value();
            whole.groups.clear();
            first = false;
        }
        EXPECT_EQ(r->fragment_tag, whole.fragment_tag);
        EXPECT_EQ(r->bsr, whole.bsr);
        for (const auto& g : r->groups) {
            if (!whole.groups.empty() && whole.groups.back().group == g.group) {
                EXPECT_EQ(whole.groups.back().rp_count, g.rp_count);
                whole.groups.back().rps.insert(whole.groups.back().rps.end(), g.rps.begin(), g.rps.end());
            } else {
                whole.groups.push_back(g);
            }
        }
    }
    return whole;
}

TEST(PimBootstrap, FragmentsLargeRpSetsAndReassembles) {
    const PimBootstrap b = big_rp_set(12, 40);  // 12 * (12 + 400) + 14 = 4958 bytes unfragmented
    for (size_t limit : {1480u, 500u, 100u, 36u, 10u}) {
        auto frags = encode_pim_bootstrap_fragments(b, limit);
        const size_t effective = std::max<size_t>(limit, 36);
        EXPECT_GT(frags.size(), 1u) << limit;
        EXPECT_EQ(reassemble(frags, effective), b) << limit;
    }
    // Fits in one: one fragment, identical to the plain encoder.
    auto one = encode_pim_bootstrap_fragments(bsm_struct(), 1480);
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0], bsm_message());
    // An empty RP-set is still one (fixed-part only) message.
    PimBootstrap empty = bsm_struct();
    empty.groups.clear();
    EXPECT_EQ(encode_pim_bootstrap_fragments(empty, 1480).size(), 1u);
}

TEST(PimBootstrap, FragmentsFillUpToTheLimit) {
    // 14 fixed + 12 group header + n * 10: with a 100-byte limit, 7 RPs per fragment (96 bytes).
    auto frags = encode_pim_bootstrap_fragments(big_rp_set(1, 20), 100);
    ASSERT_EQ(frags.size(), 3u);
    EXPECT_EQ(frags[0].size(), 96u);
    EXPECT_EQ(frags[1].size(), 96u);
    EXPECT_EQ(frags[2].size(), 14u + 12 + 6 * 10);
    auto f0 = decode_pim_bootstrap(frags[0]);
    ASSERT_TRUE(f0.ok());
    EXPECT_EQ(f0->groups[0].rp_count, 20);
    EXPECT_EQ(f0->groups[0].rps.size(), 7u);
}

TEST(PimCrpAdv, DecodesAndEncodesRfcLayoutFixture) {
    auto r = decode_pim_crp_adv(crp_message());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value(), crp_struct());
    EXPECT_EQ(encode_pim_crp_adv(crp_struct()), crp_message());
}

TEST(PimCrpAdv, PrefixCountZeroMeansNoListedPrefixes) {
    PimCandidateRpAdvertisement adv{192, 150, kRp3, {}};
    auto bytes = encode_pim_crp_adv(adv);
    EXPECT_EQ(bytes.size(), kCrpAdvFixedSize);
    auto r = decode_pim_crp_adv(bytes);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value(), adv);
}

TEST(PimCrpAdv, TruncationsCountsAndFamilies) {
    const Bytes full = crp_message();
    for (size_t n = 0; n < full.size(); ++n)
        EXPECT_FALSE(decode_pim_crp_adv(std::span<const uint8_t>(full).first(n)).ok()) << n;
    for (size_t n = 0; n < kCrpBody.size(); ++n) {
        auto r = decode_pim_crp_adv_body(std::span<const uint8_t>(kCrpBody).first(n));
        ASSERT_FALSE(r.ok()) << n;
        EXPECT_EQ(r.error().kind, DecodeErrorKind::kTruncated) << n;
    }
    Bytes b = kCrpBody;
    b[0] = 3;  // one prefix more than present
    EXPECT_EQ(decode_pim_crp_adv_body(b).error().kind, DecodeErrorKind::kTruncated);
    b[0] = 1;  // fewer than present: the rest is ignored
    auto r = decode_pim_crp_adv_body(b);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->groups.size(), 1u);
    b = kCrpBody;
    b[4] = 2;
    EXPECT_EQ(decode_pim_crp_adv_body(b).error().kind, DecodeErrorKind::kBadAddressFamily);
    b = kCrpBody;
    b[19] = 1;
    EXPECT_EQ(decode_pim_crp_adv_body(b).error().kind, DecodeErrorKind::kBadEncodingType);
}

// --- Captures ------------------------------------------------------------------------------------------

std::vector<std::pair<uint32_t, Bytes>> pim_payloads(const std::string& name) {
    std::vector<std::pair<uint32_t, Bytes>> out;
    auto pcap = test::read_pcap(test::shared_pcap(name));
    EXPECT_TRUE(pcap.has_value()) << name;
    if (!pcap) return out;
    for (const auto& f : pcap->frames) {
        auto ip = test::split_ipv4(f.ipv4());
        if (ip && ip->protocol == 103) out.emplace_back(f.number, ip->payload);
    }
    return out;
}

BootstrapGroup group(Ipv4Address g, uint8_t len, Ipv4Address rp, uint16_t holdtime, uint8_t priority) {
    return {EncodedGroup{g, len}, 1, {{rp, holdtime, priority}}};
}

std::vector<BootstrapGroup> three_prefixes(uint16_t h1, uint16_t h3) {
    return {group(Ipv4Address(224, 0, 0, 0), 4, kBsr, h1, 20),
            group(Ipv4Address(239, 0, 0, 0), 8, kRp3, h3, 10),
            group(Ipv4Address(225, 1, 0, 0), 16, kRp3, h3, 10)};
}

TEST(PimBsrPcap, PimdBootstrapAndCandidateRpAdvertisements) {
    auto frames = pim_payloads("pimd-bsr.pcap");
    ASSERT_EQ(frames.size(), 12u);
    const std::map<uint32_t, std::vector<BootstrapGroup>> bsm_groups = {
        {1, {}},
        {2, {}},
        {3, {group(Ipv4Address(224, 0, 0, 0), 4, kBsr, 50, 20)}},
        {5, three_prefixes(40, 30)},
        {8, three_prefixes(50, 40)},
        {10, three_prefixes(40, 30)},
    };
    uint16_t tag = 0xf5be;
    size_t bsms = 0, crps = 0;
    for (const auto& [number, payload] : frames) {
        if (auto it = bsm_groups.find(number); it != bsm_groups.end()) {
            auto r = decode_pim_bootstrap(payload);
            ASSERT_TRUE(r.ok()) << number << ": " << to_string(r.error().kind) << " " << r.error().what;
            EXPECT_EQ(r->fragment_tag, tag++) << number;  // +1 per Bootstrap
            EXPECT_EQ(r->hash_mask_len, 30);
            EXPECT_EQ(r->bsr_priority, 5);
            EXPECT_EQ(r->bsr, kBsr);
            EXPECT_FALSE(r->no_forward);
            EXPECT_EQ(r->groups, it->second) << number;
            EXPECT_EQ(encode_pim_bootstrap(r.value()), payload) << number;
            EXPECT_EQ(encode_pim_bootstrap_fragments(r.value(), 1480).at(0), payload) << number;
            ++bsms;
        } else {
            auto r = decode_pim_crp_adv(payload);
            ASSERT_TRUE(r.ok()) << number;
            EXPECT_EQ(r.value(), crp_struct()) << number;
            EXPECT_EQ(encode_pim_crp_adv(r.value()), payload) << number;
            ++crps;
        }
    }
    EXPECT_EQ(bsms, 6u);
    EXPECT_EQ(crps, 6u);
}

TEST(PimBsrPcap, FrrForwardsPimdBodiesUnchanged) {
    std::map<uint16_t, PimBootstrap> originated;
    for (const auto& [number, payload] : pim_payloads("pimd-bsr.pcap")) {
        auto r = decode_pim_bootstrap(payload);
        if (r.ok()) originated[r->fragment_tag] = r.value();
    }
    ASSERT_EQ(originated.size(), 6u);
    auto frames = pim_payloads("frr-bsm-forward.pcap");
    ASSERT_EQ(frames.size(), 10u);
    const std::vector<uint16_t> tags = {0xf5be, 0xf5bf, 0xf5c0, 0xf5c0, 0xf5c1,
                                        0xf5c1, 0xf5c2, 0xf5c2, 0xf5c3, 0xf5c3};
    for (size_t i = 0; i < frames.size(); ++i) {
        const auto& [number, payload] = frames[i];
        auto r = decode_pim_bootstrap(payload);
        ASSERT_TRUE(r.ok()) << number;
        EXPECT_EQ(r->fragment_tag, tags[i]) << number;
        ASSERT_TRUE(originated.count(r->fragment_tag));
        // Frame 4 is FRR's unicast BSM to its new neighbour cap-b3: FRR sets the No-Forward bit there.
        EXPECT_EQ(r->no_forward, number == 4) << number;
        PimBootstrap body = r.value();
        body.no_forward = false;
        EXPECT_EQ(body, originated[r->fragment_tag]) << number;
        EXPECT_EQ(encode_pim_bootstrap(r.value()), payload) << number;
    }
}

// The fuzz_pim_bsr seeds and any kept crashers: each must decode (or fail) without incident and round-trip if
// it decodes (first byte: header Reserved byte, then a body, as the fuzz target reads them).
TEST(PimBsrFuzzRegressions, ReplayCommittedInputs) {
    size_t inputs = 0;
    for (const char* kind : {"corpus", "regressions"}) {
        const std::filesystem::path dir =
            std::filesystem::path(FANOUT_SOURCE_DIR) / "tests/fuzz" / kind / "pim_bsr";
        if (!std::filesystem::exists(dir)) continue;
        for (const auto& entry : std::filesystem::directory_iterator(dir)) {
            ++inputs;
            std::ifstream in(entry.path(), std::ios::binary);
            const Bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            if (data.empty()) continue;
            const std::span<const uint8_t> body = std::span<const uint8_t>(data).subspan(1);
            if (auto b = decode_pim_bootstrap_body(body, data[0]); b.ok()) {
                auto again = decode_pim_bootstrap(encode_pim_bootstrap(b.value()));
                ASSERT_TRUE(again.ok()) << entry.path();
                EXPECT_EQ(again.value(), b.value()) << entry.path();
            }
            if (auto c = decode_pim_crp_adv_body(body); c.ok()) {
                auto again = decode_pim_crp_adv(encode_pim_crp_adv(c.value()));
                ASSERT_TRUE(again.ok()) << entry.path();
                EXPECT_EQ(again.value(), c.value()) << entry.path();
            }
            if (auto s = decode_pim_state_refresh_body(body); s.ok()) {
                auto again = decode_pim_state_refresh(encode_pim_state_refresh(s.value()));
                ASSERT_TRUE(again.ok()) << entry.path();
                EXPECT_EQ(again.value(), s.value()) << entry.path();
            }
        }
    }
    EXPECT_GE(inputs, 9u);  // the seed corpus at least
}

}  // namespace
}  // namespace fanout::packet
