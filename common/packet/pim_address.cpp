// PIMv2 encoded addresses (RFC 7761 4.9.1).
#include "common/packet/pim_address.hpp"

#include <optional>

namespace fanout::packet {

namespace {

constexpr uint8_t kGroupBidirBit = 0x80;
constexpr uint8_t kGroupZoneBit = 0x01;
constexpr uint8_t kSourceSparseBit = 0x04;
constexpr uint8_t kSourceWildcardBit = 0x02;
constexpr uint8_t kSourceRptBit = 0x01;

// Reads and checks the family and encoding bytes; nullopt-like error on mismatch.
std::optional<DecodeError> read_family_and_encoding(ByteReader& r, size_t total, std::string_view what) {
    if (!r.need(total)) return DecodeError{DecodeErrorKind::kTruncated, what};
    if (r.u8() != kPimAddressFamilyIpv4) return DecodeError{DecodeErrorKind::kBadAddressFamily, what};
    if (r.u8() != kPimEncodingNative) return DecodeError{DecodeErrorKind::kBadEncodingType, what};
    return std::nullopt;
}

void write_family_and_encoding(ByteWriter& w) {
    w.u8(kPimAddressFamilyIpv4);
    w.u8(kPimEncodingNative);
}

}  // namespace

DecodeResult<Ipv4Address> decode_encoded_unicast(ByteReader& r) {
    if (auto e = read_family_and_encoding(r, kEncodedUnicastSize, "encoded-unicast address"))
        return make_err(*e);
    return r.ipv4();
}

void encode_encoded_unicast(ByteWriter& w, Ipv4Address a) {
    write_family_and_encoding(w);
    w.ipv4(a);
}

DecodeResult<EncodedGroup> decode_encoded_group(ByteReader& r) {
    if (auto e = read_family_and_encoding(r, kEncodedGroupSize, "encoded-group address")) return make_err(*e);
    EncodedGroup g;
    const uint8_t flags = r.u8();
    g.bidir = (flags & kGroupBidirBit) != 0;
    g.admin_scope = (flags & kGroupZoneBit) != 0;
    g.mask_len = r.u8();
    g.group = r.ipv4();
    if (g.mask_len > 32) return decode_error(DecodeErrorKind::kBadField, "encoded-group mask length");
    return g;
}

void encode_encoded_group(ByteWriter& w, const EncodedGroup& g) {
    write_family_and_encoding(w);
    w.u8(static_cast<uint8_t>((g.bidir ? kGroupBidirBit : 0) | (g.admin_scope ? kGroupZoneBit : 0)));
    w.u8(g.mask_len);
    w.ipv4(g.group);
}

DecodeResult<EncodedSource> decode_encoded_source(ByteReader& r) {
    if (auto e = read_family_and_encoding(r, kEncodedSourceSize, "encoded-source address"))
        return make_err(*e);
    EncodedSource s;
    const uint8_t flags = r.u8();
    s.sparse = (flags & kSourceSparseBit) != 0;
    s.wildcard = (flags & kSourceWildcardBit) != 0;
    s.rpt = (flags & kSourceRptBit) != 0;
    s.mask_len = r.u8();
    s.source = r.ipv4();
    if (s.mask_len > 32) return decode_error(DecodeErrorKind::kBadField, "encoded-source mask length");
    return s;
}

void encode_encoded_source(ByteWriter& w, const EncodedSource& s) {
    write_family_and_encoding(w);
    w.u8(static_cast<uint8_t>((s.sparse ? kSourceSparseBit : 0) | (s.wildcard ? kSourceWildcardBit : 0) |
                              (s.rpt ? kSourceRptBit : 0)));
    w.u8(s.mask_len);
    w.ipv4(s.source);
}

}  // namespace fanout::packet
