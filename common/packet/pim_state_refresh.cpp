// PIM-DM State Refresh codec: RFC 3973 section 4.7 (diagram in pim_state_refresh.hpp).
#include "common/packet/pim_state_refresh.hpp"

#include "common/core/byte_reader.hpp"
#include "common/core/byte_writer.hpp"
#include "common/packet/pim_header.hpp"

namespace fanout::packet {
namespace {

constexpr uint32_t kRptBit = 0x80000000u;
constexpr uint8_t kPruneIndicatorBit = 0x80;
constexpr uint8_t kPruneNowBit = 0x40;
constexpr uint8_t kAssertOverrideBit = 0x20;

}  // namespace

DecodeResult<PimStateRefresh> decode_pim_state_refresh_body(std::span<const uint8_t> body) {
    ByteReader r(body);
    if (!r.need(kStateRefreshBodySize)) return decode_error(DecodeErrorKind::kTruncated, "state refresh");
    PimStateRefresh sr;
    auto group = decode_encoded_group(r);
    if (!group) return make_err(group.error());
    sr.group = *group;
    auto source = decode_encoded_unicast(r);
    if (!source) return make_err(source.error());
    sr.source = *source;
    auto originator = decode_encoded_unicast(r);
    if (!originator) return make_err(originator.error());
    sr.originator = *originator;
    const uint32_t pref = r.u32();
    sr.rpt = (pref & kRptBit) != 0;
    sr.metric_preference = pref & kStateRefreshMetricPreferenceMask;
    sr.metric = r.u32();
    sr.mask_len = r.u8();
    sr.ttl = r.u8();
    const uint8_t flags = r.u8();
    sr.prune_indicator = (flags & kPruneIndicatorBit) != 0;
    sr.prune_now = (flags & kPruneNowBit) != 0;
    sr.assert_override = (flags & kAssertOverrideBit) != 0;
    sr.interval = r.u8();
    if (!r.ok()) return decode_error(DecodeErrorKind::kTruncated, "state refresh");
    if (sr.mask_len > 32) return decode_error(DecodeErrorKind::kBadField, "state refresh mask length");
    return sr;
}

DecodeResult<PimStateRefresh> decode_pim_state_refresh(std::span<const uint8_t> message) {
    auto m = decode_pim_message_of_type(message, PimType::kStateRefresh);
    if (!m) return make_err(m.error());
    return decode_pim_state_refresh_body(m->body);
}

std::vector<uint8_t> encode_pim_state_refresh(const PimStateRefresh& sr) {
    ByteWriter w(kPimHeaderSize + kStateRefreshBodySize);
    const size_t start = begin_pim_message(w, PimType::kStateRefresh);
    encode_encoded_group(w, sr.group);
    encode_encoded_unicast(w, sr.source);
    encode_encoded_unicast(w, sr.originator);
    w.u32((sr.rpt ? kRptBit : 0) | (sr.metric_preference & kStateRefreshMetricPreferenceMask));
    w.u32(sr.metric);
    w.u8(sr.mask_len);
    w.u8(sr.ttl);
    w.u8(static_cast<uint8_t>((sr.prune_indicator ? kPruneIndicatorBit : 0) |
                              (sr.prune_now ? kPruneNowBit : 0) |
                              (sr.assert_override ? kAssertOverrideBit : 0)));
    w.u8(sr.interval);
    finish_pim_message(w, start);
    return w.take();
}

}  // namespace fanout::packet
