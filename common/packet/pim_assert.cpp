// PIM Assert message (RFC 7761 4.9.6).
#include "common/packet/pim_assert.hpp"

#include "common/core/byte_reader.hpp"
#include "common/packet/pim_header.hpp"

namespace fanout::packet {

namespace {
constexpr uint32_t kRptBit = 0x80000000u;
constexpr size_t kAssertBodySize = kEncodedGroupSize + kEncodedUnicastSize + 8;
}  // namespace

Assert make_assert_cancel(EncodedGroup group, Ipv4Address source) {
    return Assert{group, source, true, kAssertMaxPreference, kAssertInfiniteMetric};
}

DecodeResult<Assert> decode_assert_body(std::span<const uint8_t> body) {
    ByteReader r(body);
    auto g = decode_encoded_group(r);
    if (!g) return make_err(g.error());
    auto s = decode_encoded_unicast(r);
    if (!s) return make_err(s.error());
    if (!r.need(8)) return decode_error(DecodeErrorKind::kTruncated, "assert metric");
    Assert a;
    a.group = *g;
    a.source = *s;
    const uint32_t pref = r.u32();
    a.rpt = (pref & kRptBit) != 0;
    a.metric_preference = pref & ~kRptBit;
    a.metric = r.u32();
    return a;
}

DecodeResult<Assert> decode_assert(std::span<const uint8_t> message) {
    auto m = decode_pim_message_of_type(message, PimType::kAssert);
    if (!m) return make_err(m.error());
    return decode_assert_body(m->body);
}

void encode_assert(ByteWriter& w, const Assert& a) {
    const size_t start = begin_pim_message(w, PimType::kAssert);
    encode_encoded_group(w, a.group);
    encode_encoded_unicast(w, a.source);
    w.u32((a.rpt ? kRptBit : 0) | (a.metric_preference & ~kRptBit));
    w.u32(a.metric);
    finish_pim_message(w, start);
}

std::vector<uint8_t> encode_assert(const Assert& a) {
    ByteWriter w(kPimHeaderSize + kAssertBodySize);
    encode_assert(w, a);
    return w.take();
}

}  // namespace fanout::packet
