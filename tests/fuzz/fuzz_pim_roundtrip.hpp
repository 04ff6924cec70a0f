// Round-trip properties of the PIM codecs, shared by the libFuzzer targets (fuzz_pim_*.cpp, which abort when
// one is false) and by unit_packet, which replays tests/fuzz/regressions/pim_* through the same checks.
//
// Each check takes arbitrary bytes as a PIM message BODY, wraps them in a PIM header with a correct checksum
// (so the fuzzer is not stopped at the checksum), decodes, and when that succeeds: encodes, decodes the
// encoding, and requires the same value and a stable encoding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "common/core/byte_writer.hpp"
#include "common/packet/pim_assert.hpp"
#include "common/packet/pim_header.hpp"
#include "common/packet/pim_hello.hpp"
#include "common/packet/pim_join_prune.hpp"
#include "common/packet/pim_register.hpp"

namespace fanout::packet::fuzz {

inline std::vector<uint8_t> wrap(PimType type, std::span<const uint8_t> body) {
    ByteWriter w(kPimHeaderSize + body.size());
    const size_t start = begin_pim_message(w, type);
    w.bytes(body);
    finish_pim_message(w, start);
    return w.take();
}

inline bool hello_round_trip(std::span<const uint8_t> body) {
    auto h = decode_hello(wrap(PimType::kHello, body));
    if (!h) return true;
    auto first = decode_hello_body(body);
    if (!first || !(*first == *h)) return false;
    const auto bytes = encode_hello(*h);
    auto again = decode_hello(bytes);
    if (!again) return false;
    Hello want = *h;
    want.malformed_options.clear();  // never re-sent
    if (!(*again == want)) return false;
    return encode_hello(*again) == bytes;
}

inline bool register_round_trip(std::span<const uint8_t> body) {
    auto r = decode_register(wrap(PimType::kRegister, body));
    if (r) {
        ByteWriter w;
        encode_register(w, r->border, r->null_register, r->inner);
        auto again = decode_register(w.view());
        if (!again || !(*again == *r)) return false;
    }
    auto rs = decode_register_stop(wrap(PimType::kRegisterStop, body));
    if (rs) {
        const auto bytes = encode_register_stop(*rs);
        auto again = decode_register_stop(bytes);
        if (!again || !(*again == *rs)) return false;
        // Canonical form: the input without trailing bytes or reserved bits.
        if (bytes.size() != kPimHeaderSize + kEncodedGroupSize + kEncodedUnicastSize) return false;
    }
    return true;
}

inline bool assert_round_trip(std::span<const uint8_t> body) {
    auto a = decode_assert(wrap(PimType::kAssert, body));
    if (!a) return true;
    if (a->metric_preference > kAssertMaxPreference) return false;
    const auto bytes = encode_assert(*a);
    auto again = decode_assert(bytes);
    return again && *again == *a && encode_assert(*again) == bytes;
}

// (group, list, source) triples in order, for comparing packed output with its input.
inline std::map<std::pair<uint32_t, int>, std::vector<EncodedSource>> flatten(
    std::span<const JoinPrune> msgs) {
    std::map<std::pair<uint32_t, int>, std::vector<EncodedSource>> out;
    for (const auto& m : msgs) {
        for (const auto& g : m.groups) {
            auto& j = out[{g.group.group.value(), 0}];
            j.insert(j.end(), g.joins.begin(), g.joins.end());
            auto& p = out[{g.group.group.value(), 1}];
            p.insert(p.end(), g.prunes.begin(), g.prunes.end());
        }
    }
    return out;
}

inline bool join_prune_round_trip(std::span<const uint8_t> body) {
    for (PimType t : {PimType::kJoinPrune, PimType::kGraft, PimType::kGraftAck}) {
        const auto msg = wrap(t, body);
        auto jp = t == PimType::kJoinPrune ? decode_join_prune(msg)
                  : t == PimType::kGraft   ? decode_graft(msg)
                                           : decode_graft_ack(msg);
        if (!jp) return true;
        const auto bytes = encode_join_prune(*jp, t);
        if (bytes.size() != join_prune_encoded_size(*jp)) return false;
        auto again = decode_join_prune_body(std::span<const uint8_t>(bytes).subspan(kPimHeaderSize));
        if (!again || !(*again == *jp)) return false;
    }
    // Packing: every message within the limit (and decodable), same content in the same order.
    auto jp = decode_join_prune_body(body);
    const size_t max_bytes = kJoinPruneMinMessageSize + (body.empty() ? 0 : body[0]) * 4;
    const size_t per_list = 1 + (body.size() > 1 ? body[1] % 8 : 0);
    const auto msgs = split_join_prune(*jp, max_bytes, per_list);
    for (const auto& m : msgs) {
        const auto bytes = encode_join_prune(m);
        if (bytes.size() > max_bytes || m.groups.size() > kJoinPruneMaxGroups) return false;
        for (const auto& g : m.groups) {
            if (g.joins.size() > per_list || g.prunes.size() > per_list) return false;
        }
        auto d = decode_join_prune(bytes);
        if (!d || !(*d == m)) return false;
    }
    const std::vector<JoinPrune> whole = {*jp};
    return flatten(msgs) == flatten(whole);
}

}  // namespace fanout::packet::fuzz
