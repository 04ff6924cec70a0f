// PIM Bootstrap and Candidate-RP-Advertisement codec: RFC 5059 sections 4.1, 4.2 and 3.5 (diagrams in
// pim_bootstrap.hpp).
#include "common/packet/pim_bootstrap.hpp"

#include <algorithm>

#include "common/core/byte_reader.hpp"
#include "common/core/byte_writer.hpp"
#include "common/packet/pim_header.hpp"

namespace fanout::packet {
namespace {

constexpr size_t kMaxRpsPerRecord = 255;

// One group record: Encoded-Group, RP Count, Frag RP Cnt, Reserved, then Frag RP Cnt RP entries.
DecodeResult<BootstrapGroup> decode_group_record(ByteReader& r) {
    BootstrapGroup rec;
    auto group = decode_encoded_group(r);
    if (!group) return make_err(group.error());
    rec.group = *group;
    rec.rp_count = r.u8();
    const size_t frag_rp_count = r.u8();
    r.skip(2);  // Reserved
    if (!r.ok()) return decode_error(DecodeErrorKind::kTruncated, "bootstrap group record");
    if (frag_rp_count > rec.rp_count)
        return decode_error(DecodeErrorKind::kBadField, "bootstrap frag rp count");
    rec.rps.reserve(frag_rp_count);
    for (size_t i = 0; i < frag_rp_count; ++i) {
        auto rp = decode_encoded_unicast(r);
        if (!rp) return make_err(rp.error());
        BootstrapRp entry;
        entry.rp = *rp;
        entry.holdtime = r.u16();
        entry.priority = r.u8();
        r.skip(1);  // Reserved
        if (!r.ok()) return decode_error(DecodeErrorKind::kTruncated, "bootstrap rp entry");
        rec.rps.push_back(entry);
    }
    return rec;
}

void write_bootstrap_fixed(ByteWriter& w, const PimBootstrap& bsm) {
    w.u16(bsm.fragment_tag);
    w.u8(bsm.hash_mask_len);
    w.u8(bsm.bsr_priority);
    encode_encoded_unicast(w, bsm.bsr);
}

void write_group_record(ByteWriter& w, const BootstrapGroup& g, std::span<const BootstrapRp> rps) {
    encode_encoded_group(w, g.group);
    w.u8(g.rp_count);
    w.u8(static_cast<uint8_t>(rps.size()));
    w.u16(0);  // Reserved
    for (const auto& rp : rps) {
        encode_encoded_unicast(w, rp.rp);
        w.u16(rp.holdtime);
        w.u8(rp.priority);
        w.u8(0);  // Reserved
    }
}

uint8_t bootstrap_flags(const PimBootstrap& bsm) {
    return bsm.no_forward ? kBootstrapNoForwardBit : 0;
}

}  // namespace

DecodeResult<PimBootstrap> decode_pim_bootstrap_body(std::span<const uint8_t> body, uint8_t header_flags) {
    ByteReader r(body);
    PimBootstrap bsm;
    bsm.no_forward = (header_flags & kBootstrapNoForwardBit) != 0;
    bsm.fragment_tag = r.u16();
    bsm.hash_mask_len = r.u8();
    bsm.bsr_priority = r.u8();
    if (!r.ok()) return decode_error(DecodeErrorKind::kTruncated, "bootstrap fixed part");
    if (bsm.hash_mask_len > 32) return decode_error(DecodeErrorKind::kBadField, "bootstrap hash mask length");
    auto bsr = decode_encoded_unicast(r);
    if (!bsr) return make_err(bsr.error());
    bsm.bsr = *bsr;
    while (!r.at_end()) {
        auto rec = decode_group_record(r);
        if (!rec) return make_err(rec.error());
        bsm.groups.push_back(std::move(rec).value());
    }
    return bsm;
}

DecodeResult<PimBootstrap> decode_pim_bootstrap(std::span<const uint8_t> message) {
    auto m = decode_pim_message_of_type(message, PimType::kBootstrap);
    if (!m) return make_err(m.error());
    return decode_pim_bootstrap_body(m->body, m->header.flags);
}

DecodeResult<PimCandidateRpAdvertisement> decode_pim_crp_adv_body(std::span<const uint8_t> body) {
    ByteReader r(body);
    PimCandidateRpAdvertisement adv;
    const size_t prefix_count = r.u8();
    adv.priority = r.u8();
    adv.holdtime = r.u16();
    if (!r.ok()) return decode_error(DecodeErrorKind::kTruncated, "c-rp-adv fixed part");
    auto rp = decode_encoded_unicast(r);
    if (!rp) return make_err(rp.error());
    adv.rp = *rp;
    if (r.remaining() < prefix_count * kEncodedGroupSize)
        return decode_error(DecodeErrorKind::kTruncated, "c-rp-adv group prefixes");
    adv.groups.reserve(prefix_count);
    for (size_t i = 0; i < prefix_count; ++i) {
        auto g = decode_encoded_group(r);
        if (!g) return make_err(g.error());
        adv.groups.push_back(*g);
    }
    return adv;  // bytes after the counted prefixes are ignored
}

DecodeResult<PimCandidateRpAdvertisement> decode_pim_crp_adv(std::span<const uint8_t> message) {
    auto m = decode_pim_message_of_type(message, PimType::kCandidateRpAdvertisement);
    if (!m) return make_err(m.error());
    return decode_pim_crp_adv_body(m->body);
}

std::vector<uint8_t> encode_pim_bootstrap(const PimBootstrap& bsm) {
    ByteWriter w;
    const size_t start = begin_pim_message(w, PimType::kBootstrap, bootstrap_flags(bsm));
    write_bootstrap_fixed(w, bsm);
    for (const auto& g : bsm.groups) {
        std::span<const BootstrapRp> rps = g.rps;
        write_group_record(w, g, rps.first(std::min(rps.size(), kMaxRpsPerRecord)));
    }
    finish_pim_message(w, start);
    return w.take();
}

std::vector<std::vector<uint8_t>> encode_pim_bootstrap_fragments(const PimBootstrap& bsm,
                                                                 size_t max_message_size) {
    const size_t limit =
        std::max(max_message_size, kBootstrapFixedSize + kBootstrapGroupHeaderSize + kBootstrapRpEntrySize);
    std::vector<std::vector<uint8_t>> out;
    ByteWriter w;
    size_t start = 0;
    bool empty = true;  // the open fragment holds no group record yet
    auto open = [&] {
        w = ByteWriter();
        start = begin_pim_message(w, PimType::kBootstrap, bootstrap_flags(bsm));
        write_bootstrap_fixed(w, bsm);
        empty = true;
    };
    auto close = [&] {
        finish_pim_message(w, start);
        out.push_back(w.take());
    };
    open();
    for (const auto& g : bsm.groups) {
        std::span<const BootstrapRp> rps = g.rps;
        do {
            const size_t need = kBootstrapGroupHeaderSize + (rps.empty() ? 0 : kBootstrapRpEntrySize);
            if (!empty && w.size() + need > limit) {
                close();
                open();
            }
            const size_t room = (limit - w.size() - kBootstrapGroupHeaderSize) / kBootstrapRpEntrySize;
            const size_t n = std::min({rps.size(), room, kMaxRpsPerRecord});
            write_group_record(w, g, rps.first(n));
            empty = false;
            rps = rps.subspan(n);
        } while (!rps.empty());
    }
    close();
    return out;
}

std::vector<uint8_t> encode_pim_crp_adv(const PimCandidateRpAdvertisement& adv) {
    ByteWriter w;
    const size_t start = begin_pim_message(w, PimType::kCandidateRpAdvertisement);
    const size_t count = std::min(adv.groups.size(), kCrpAdvMaxPrefixes);
    w.u8(static_cast<uint8_t>(count));
    w.u8(adv.priority);
    w.u16(adv.holdtime);
    encode_encoded_unicast(w, adv.rp);
    for (size_t i = 0; i < count; ++i)
        encode_encoded_group(w, adv.groups[i]);
    finish_pim_message(w, start);
    return w.take();
}

}  // namespace fanout::packet
