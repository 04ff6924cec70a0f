// IGMP Membership Query codec: RFC 1112 Appendix I, RFC 2236 2, RFC 3376 4.1 (4.1.1 Max Resp Code, 4.1.7
// QQIC) and 7.1 (query version from length). Layout and validation rules: igmp_query.hpp.
#include <algorithm>

#include "common/core/byte_reader.hpp"
#include "common/packet/igmp.hpp"

namespace fanout::packet {
namespace {

constexpr uint32_t kFloatMax = 0x1fu << 10;  // (mant 15 | 0x10) << (exp 7 + 3) = 31744

// A group field that must be 0 (general) or a multicast address.
bool valid_query_group(Ipv4Address g) {
    return g.is_unspecified() || g.is_multicast();
}

DecodeResult<IgmpMessage> decode_v3_query(std::span<const uint8_t> message) {
    ByteReader r(message);
    r.skip(1);  // type
    IgmpQueryV3 q;
    q.max_resp_code = r.u8();
    r.skip(2);  // checksum, verified by decode_igmp
    q.group = r.ipv4();
    uint8_t flags = r.u8();
    q.suppress_router_processing = (flags & 0x08) != 0;
    q.qrv = flags & 0x07;
    q.qqic = r.u8();
    uint16_t n = r.u16();
    if (!valid_query_group(q.group)) return decode_error(DecodeErrorKind::kBadAddress, "igmpv3 query group");
    if (q.group.is_unspecified() && n != 0)
        return decode_error(DecodeErrorKind::kBadField, "igmpv3 general query with sources");
    if (r.remaining() / 4 < n) return decode_error(DecodeErrorKind::kTruncated, "igmpv3 query sources");
    q.sources.reserve(n);
    for (uint16_t i = 0; i < n; ++i)
        q.sources.push_back(r.ipv4());
    // Octets after the sources are covered by the checksum and otherwise ignored (RFC 3376 4.1.10).
    return IgmpMessage{std::move(q)};
}

}  // namespace

uint32_t igmp_float_decode(uint8_t code) {
    if (code < 0x80) return code;
    uint32_t exp = (code >> 4) & 0x07;
    uint32_t mant = code & 0x0f;
    return (mant | 0x10) << (exp + 3);
}

uint8_t igmp_float_encode(uint32_t value, IgmpFloatRounding rounding) {
    if (value < 0x80) return static_cast<uint8_t>(value);
    if (value >= kFloatMax) return 0xff;
    // value in [128, 31744): find exp so that value >> (exp + 3) is a 5-bit mantissa with its top bit set.
    uint32_t exp = 0;
    while ((value >> (exp + 3)) > 0x1f)
        ++exp;
    uint32_t mant = (value >> (exp + 3)) & 0x0f;
    bool exact = ((mant | 0x10) << (exp + 3)) == value;
    if (!exact && rounding == IgmpFloatRounding::kUp) {
        // The next representable value; mantissa overflow carries into the exponent (16 << (e+1) == 32 << e).
        if (++mant == 0x10) {
            mant = 0;
            ++exp;
        }
    }
    return static_cast<uint8_t>(0x80 | (exp << 4) | mant);
}

namespace detail {

DecodeResult<IgmpMessage> decode_igmp_query(std::span<const uint8_t> message) {
    if (message.size() >= kIgmpV3QueryMinLength) return decode_v3_query(message);
    if (message.size() != kIgmpV2QueryLength)
        return decode_error(DecodeErrorKind::kBadLength, "igmp query length 9-11");
    ByteReader r(message);
    r.skip(1);
    uint8_t max_resp = r.u8();
    r.skip(2);
    Ipv4Address group = r.ipv4();
    if (max_resp == 0) return IgmpMessage{IgmpQueryV1{}};  // RFC 1112: group ignored when received
    if (!valid_query_group(group)) return decode_error(DecodeErrorKind::kBadAddress, "igmpv2 query group");
    return IgmpMessage{IgmpQueryV2{max_resp, group}};
}

}  // namespace detail

void encode_igmp(ByteWriter& w, const IgmpQueryV1&) {
    size_t start = w.size();
    w.u8(kIgmpMembershipQuery);
    w.u8(0);
    w.placeholder_u16();
    w.u32(0);
    detail::patch_igmp_checksum(w, start);
}

void encode_igmp(ByteWriter& w, const IgmpQueryV2& q) {
    size_t start = w.size();
    w.u8(kIgmpMembershipQuery);
    w.u8(q.max_resp_time);
    w.placeholder_u16();
    w.ipv4(q.group);
    detail::patch_igmp_checksum(w, start);
}

void encode_igmp(ByteWriter& w, const IgmpQueryV3& q) {
    size_t start = w.size();
    w.u8(kIgmpMembershipQuery);
    w.u8(q.max_resp_code);
    w.placeholder_u16();
    w.ipv4(q.group);
    w.u8(static_cast<uint8_t>((q.suppress_router_processing ? 0x08 : 0) | igmp_qrv_field(q.qrv)));
    w.u8(q.qqic);
    w.u16(static_cast<uint16_t>(q.sources.size()));
    for (auto s : q.sources)
        w.ipv4(s);
    detail::patch_igmp_checksum(w, start);
}

size_t igmp_v3_query_max_sources(size_t ip_mtu) {
    size_t mtu = std::clamp(ip_mtu, kIpv4MinMtu, kIpv4MaxPacket);
    return (mtu - kIpv4HeaderWithRouterAlert - kIgmpV3QueryMinLength) / 4;
}

}  // namespace fanout::packet
