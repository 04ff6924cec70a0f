// PIM Join/Prune (RFC 7761 4.9.5), Graft / Graft-Ack (RFC 3973 4.7.3). Packing rules in pim_join_prune.hpp.
#include "common/packet/pim_join_prune.hpp"

#include <algorithm>

#include "common/core/byte_reader.hpp"

namespace fanout::packet {

namespace {

constexpr size_t kMaxCount16 = 0xffff;

DecodeResult<JoinPruneGroup> decode_group(ByteReader& r) {
    auto g = decode_encoded_group(r);
    if (!g) return make_err(g.error());
    if (!r.need(4)) return decode_error(DecodeErrorKind::kTruncated, "join/prune source counts");
    const size_t joins = r.u16();
    const size_t prunes = r.u16();
    if ((joins + prunes) * kEncodedSourceSize > r.remaining()) {
        return decode_error(DecodeErrorKind::kBadLength, "join/prune source counts exceed data");
    }
    JoinPruneGroup out;
    out.group = *g;
    out.joins.reserve(joins);
    out.prunes.reserve(prunes);
    for (size_t i = 0; i < joins + prunes; ++i) {
        auto s = decode_encoded_source(r);
        if (!s) return make_err(s.error());
        (i < joins ? out.joins : out.prunes).push_back(*s);
    }
    return out;
}

DecodeResult<JoinPrune> decode_typed(std::span<const uint8_t> message, PimType type) {
    auto m = decode_pim_message_of_type(message, type);
    if (!m) return make_err(m.error());
    return decode_join_prune_body(m->body);
}

void encode_sources(ByteWriter& w, std::span<const EncodedSource> sources) {
    for (const auto& s : sources)
        encode_encoded_source(w, s);
}

bool must_stay_whole(const JoinPruneGroup& g) {
    return std::any_of(g.joins.begin(), g.joins.end(), [](const EncodedSource& s) { return s.wildcard; }) ||
           std::any_of(g.prunes.begin(), g.prunes.end(), [](const EncodedSource& s) { return s.rpt; });
}

size_t div_ceil(size_t a, size_t b) {
    return (a + b - 1) / b;
}

// Bytes of g when cut only by the per-list limit.
size_t whole_group_bytes(const JoinPruneGroup& g, size_t per_list) {
    const size_t records =
        std::max<size_t>({1, div_ceil(g.joins.size(), per_list), div_ceil(g.prunes.size(), per_list)});
    return records * kJoinPruneGroupHeaderSize + (g.joins.size() + g.prunes.size()) * kEncodedSourceSize;
}

// Accumulates messages for split_join_prune.
class Packer {
  public:
    Packer(const JoinPrune& jp, size_t max_bytes, size_t per_list)
        : proto_{jp.upstream_neighbor, jp.holdtime_s, {}}, max_(max_bytes), per_list_(per_list) {
        cur_ = proto_;
    }

    void add(const JoinPruneGroup& g) {
        const size_t whole = whole_group_bytes(g, per_list_);
        if (must_stay_whole(g) && whole > room() && whole <= max_ - kJoinPruneFixedSize) flush();
        size_t ji = 0, pi = 0;
        bool emitted = false;
        while (!emitted || ji < g.joins.size() || pi < g.prunes.size()) {
            const bool sources_left = ji < g.joins.size() || pi < g.prunes.size();
            const size_t need = kJoinPruneGroupHeaderSize + (sources_left ? kEncodedSourceSize : 0);
            if (cur_.groups.size() >= kJoinPruneMaxGroups || room() < need) flush();
            const size_t fit = (room() - kJoinPruneGroupHeaderSize) / kEncodedSourceSize;
            const size_t nj = std::min({g.joins.size() - ji, per_list_, fit});
            const size_t np = std::min({g.prunes.size() - pi, per_list_, fit - nj});
            JoinPruneGroup rec;
            rec.group = g.group;
            rec.joins.assign(g.joins.begin() + static_cast<long>(ji),
                             g.joins.begin() + static_cast<long>(ji + nj));
            rec.prunes.assign(g.prunes.begin() + static_cast<long>(pi),
                              g.prunes.begin() + static_cast<long>(pi + np));
            cur_.groups.push_back(std::move(rec));
            size_ += kJoinPruneGroupHeaderSize + (nj + np) * kEncodedSourceSize;
            ji += nj;
            pi += np;
            emitted = true;
        }
    }

    std::vector<JoinPrune> finish() {
        flush();
        return std::move(out_);
    }

  private:
    size_t room() const { return max_ - size_; }
    void flush() {
        if (cur_.groups.empty()) return;
        out_.push_back(std::move(cur_));
        cur_ = proto_;
        size_ = kJoinPruneFixedSize;
    }

    const JoinPrune proto_;
    const size_t max_;
    const size_t per_list_;
    JoinPrune cur_;
    size_t size_ = kJoinPruneFixedSize;
    std::vector<JoinPrune> out_;
};

}  // namespace

DecodeResult<JoinPrune> decode_join_prune_body(std::span<const uint8_t> body) {
    ByteReader r(body);
    auto up = decode_encoded_unicast(r);
    if (!up) return make_err(up.error());
    if (!r.need(4)) return decode_error(DecodeErrorKind::kTruncated, "join/prune holdtime");
    JoinPrune jp;
    jp.upstream_neighbor = *up;
    r.u8();  // reserved
    const size_t num_groups = r.u8();
    jp.holdtime_s = r.u16();
    if (num_groups * kJoinPruneGroupHeaderSize > r.remaining()) {
        return decode_error(DecodeErrorKind::kBadLength, "join/prune group count exceeds data");
    }
    jp.groups.reserve(num_groups);
    for (size_t i = 0; i < num_groups; ++i) {
        auto g = decode_group(r);
        if (!g) return make_err(g.error());
        jp.groups.push_back(std::move(*g));
    }
    return jp;
}

DecodeResult<JoinPrune> decode_join_prune(std::span<const uint8_t> message) {
    return decode_typed(message, PimType::kJoinPrune);
}
DecodeResult<JoinPrune> decode_graft(std::span<const uint8_t> message) {
    return decode_typed(message, PimType::kGraft);
}
DecodeResult<JoinPrune> decode_graft_ack(std::span<const uint8_t> message) {
    return decode_typed(message, PimType::kGraftAck);
}

void encode_join_prune(ByteWriter& w, const JoinPrune& jp, PimType type) {
    const size_t start = begin_pim_message(w, type);
    encode_encoded_unicast(w, jp.upstream_neighbor);
    const size_t groups = std::min(jp.groups.size(), kJoinPruneMaxGroups);
    w.u8(0);
    w.u8(static_cast<uint8_t>(groups));
    w.u16(jp.holdtime_s);
    for (size_t i = 0; i < groups; ++i) {
        const auto& g = jp.groups[i];
        const size_t nj = std::min(g.joins.size(), kMaxCount16);
        const size_t np = std::min(g.prunes.size(), kMaxCount16);
        encode_encoded_group(w, g.group);
        w.u16(static_cast<uint16_t>(nj));
        w.u16(static_cast<uint16_t>(np));
        encode_sources(w, std::span<const EncodedSource>(g.joins).first(nj));
        encode_sources(w, std::span<const EncodedSource>(g.prunes).first(np));
    }
    finish_pim_message(w, start);
}

std::vector<uint8_t> encode_join_prune(const JoinPrune& jp, PimType type) {
    ByteWriter w(join_prune_encoded_size(jp));
    encode_join_prune(w, jp, type);
    return w.take();
}

size_t join_prune_encoded_size(const JoinPrune& jp) {
    size_t n = kJoinPruneFixedSize;
    for (const auto& g : jp.groups)
        n += kJoinPruneGroupHeaderSize + (g.joins.size() + g.prunes.size()) * kEncodedSourceSize;
    return n;
}

namespace {

// The limits split_join_prune works to: the message size raised to the one-source minimum, the per-list cap
// kept within 1..65535.
size_t effective_max_bytes(size_t max_message_bytes) {
    return std::max(max_message_bytes, kJoinPruneMinMessageSize);
}
size_t effective_per_list(size_t max_sources_per_list) {
    return std::clamp<size_t>(max_sources_per_list, 1, kMaxCount16);
}

// Whether split_join_prune would return jp itself as its one message: it has a group, no more than 255, no
// list longer than the cap, and fits the size. (The packer then puts every group whole into the first
// message.)
bool fits_one_message(const JoinPrune& jp, size_t max_bytes, size_t per_list) {
    if (jp.groups.empty() || jp.groups.size() > kJoinPruneMaxGroups) return false;
    for (const auto& g : jp.groups)
        if (g.joins.size() > per_list || g.prunes.size() > per_list) return false;
    return join_prune_encoded_size(jp) <= max_bytes;
}

}  // namespace

std::vector<JoinPrune> split_join_prune(const JoinPrune& jp, size_t max_message_bytes,
                                        size_t max_sources_per_list) {
    Packer p(jp, effective_max_bytes(max_message_bytes), effective_per_list(max_sources_per_list));
    for (const auto& g : jp.groups)
        p.add(g);
    return p.finish();
}

std::vector<std::vector<uint8_t>> encode_join_prune_packed(const JoinPrune& jp, size_t max_message_bytes,
                                                           PimType type, size_t max_sources_per_list) {
    std::vector<std::vector<uint8_t>> out;
    // The common case, a triggered Join or Prune of a few entries, is encoded as it is: splitting would copy
    // every group record only to hand back the same message (its allocations were a quarter of the
    // allocator's work in a last hop's join, tests/bench/pim_core_bench.cpp BM_MembershipSsmJoin).
    if (fits_one_message(jp, effective_max_bytes(max_message_bytes),
                         effective_per_list(max_sources_per_list))) {
        out.push_back(encode_join_prune(jp, type));
        return out;
    }
    for (const auto& m : split_join_prune(jp, max_message_bytes, max_sources_per_list))
        out.push_back(encode_join_prune(m, type));
    return out;
}

}  // namespace fanout::packet
