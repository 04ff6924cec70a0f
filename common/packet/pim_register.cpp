// PIM Register (RFC 7761 4.9.3) and Register-Stop (RFC 7761 4.9.4). Policies in pim_register.hpp.
#include "common/packet/pim_register.hpp"

#include <algorithm>

#include "common/core/byte_reader.hpp"
#include "common/core/checksum.hpp"
#include "common/packet/pim_header.hpp"

namespace fanout::packet {

namespace {

constexpr uint32_t kBorderBit = 0x80000000u;
constexpr uint32_t kNullRegisterBit = 0x40000000u;
constexpr uint8_t kNullRegisterTtl = 1;
constexpr uint8_t kNullRegisterProtocol = 103;  // PIM

// Checks the inner IPv4 header and returns its (source, destination).
DecodeResult<SGKey> inner_header_sg(std::span<const uint8_t> inner, bool null_register) {
    if (inner.size() < kNullRegisterInnerHeaderSize)
        return decode_error(DecodeErrorKind::kTruncated, "register inner header");
    if ((inner[0] >> 4) != 4) return decode_error(DecodeErrorKind::kBadVersion, "register inner ip version");
    const size_t ihl = size_t{inner[0] & 0x0fu} * 4;
    if (ihl < kNullRegisterInnerHeaderSize)
        return decode_error(DecodeErrorKind::kBadLength, "register inner ihl");
    if (ihl > inner.size()) return decode_error(DecodeErrorKind::kTruncated, "register inner ihl");
    const size_t total_length = (size_t{inner[2]} << 8) | inner[3];
    if (total_length < ihl) return decode_error(DecodeErrorKind::kBadLength, "register inner total length");
    if (total_length > inner.size())
        return decode_error(DecodeErrorKind::kTruncated, "register inner packet");
    const bool checksum_present = inner[10] != 0 || inner[11] != 0;
    if (null_register && checksum_present && !internet_checksum_ok(inner.first(ihl))) {
        return decode_error(DecodeErrorKind::kBadChecksum, "null-register dummy header checksum");
    }
    ByteReader r(inner.subspan(12, 8));
    SGKey sg;
    sg.source = r.ipv4();
    sg.group = r.ipv4();
    return sg;
}

}  // namespace

DecodeResult<Register> decode_register_body(std::span<const uint8_t> body) {
    ByteReader r(body);
    if (!r.need(4)) return decode_error(DecodeErrorKind::kTruncated, "register flags");
    const uint32_t flags = r.u32();
    Register reg;
    reg.border = (flags & kBorderBit) != 0;
    reg.null_register = (flags & kNullRegisterBit) != 0;
    auto inner = r.rest();
    auto sg = inner_header_sg(inner, reg.null_register);
    if (!sg) return make_err(sg.error());
    reg.inner_sg = *sg;
    reg.inner.assign(inner.begin(), inner.end());
    return reg;
}

DecodeResult<Register> decode_register(std::span<const uint8_t> message) {
    auto m = decode_pim_message_of_type(message, PimType::kRegister);
    if (!m) return make_err(m.error());
    return decode_register_body(m->body);
}

void encode_register(ByteWriter& w, bool border, bool null_register, std::span<const uint8_t> inner) {
    const size_t start = begin_pim_message(w, PimType::kRegister);
    w.u32((border ? kBorderBit : 0) | (null_register ? kNullRegisterBit : 0));
    w.bytes(inner);
    finish_pim_message(w, start);
}

std::vector<uint8_t> encode_register(std::span<const uint8_t> inner, bool border) {
    ByteWriter w(kPimRegisterChecksumBytes + inner.size());
    encode_register(w, border, false, inner);
    return w.take();
}

std::array<uint8_t, kNullRegisterInnerHeaderSize> null_register_inner_header(SGKey sg) {
    ByteWriter w(kNullRegisterInnerHeaderSize);
    w.u8(0x45);  // version 4, IHL 5
    w.u8(0);     // TOS
    w.u16(kNullRegisterInnerHeaderSize);
    w.u16(0);  // identification
    w.u16(0);  // flags, fragment offset
    w.u8(kNullRegisterTtl);
    w.u8(kNullRegisterProtocol);
    const size_t checksum_at = w.placeholder_u16();
    w.ipv4(sg.source);
    w.ipv4(sg.group);
    w.patch_u16(checksum_at, internet_checksum(w.view()));
    std::array<uint8_t, kNullRegisterInnerHeaderSize> out{};
    std::copy(w.view().begin(), w.view().end(), out.begin());
    return out;
}

std::vector<uint8_t> encode_null_register(SGKey sg, bool border) {
    const auto inner = null_register_inner_header(sg);
    ByteWriter w(kPimRegisterChecksumBytes + inner.size());
    encode_register(w, border, true, inner);
    return w.take();
}

DecodeResult<RegisterStop> decode_register_stop_body(std::span<const uint8_t> body) {
    ByteReader r(body);
    auto g = decode_encoded_group(r);
    if (!g) return make_err(g.error());
    auto s = decode_encoded_unicast(r);
    if (!s) return make_err(s.error());
    return RegisterStop{*g, *s};
}

DecodeResult<RegisterStop> decode_register_stop(std::span<const uint8_t> message) {
    auto m = decode_pim_message_of_type(message, PimType::kRegisterStop);
    if (!m) return make_err(m.error());
    return decode_register_stop_body(m->body);
}

void encode_register_stop(ByteWriter& w, const RegisterStop& rs) {
    const size_t start = begin_pim_message(w, PimType::kRegisterStop);
    encode_encoded_group(w, rs.group);
    encode_encoded_unicast(w, rs.source);
    finish_pim_message(w, start);
}

std::vector<uint8_t> encode_register_stop(const RegisterStop& rs) {
    ByteWriter w(kPimHeaderSize + kEncodedGroupSize + kEncodedUnicastSize);
    encode_register_stop(w, rs);
    return w.take();
}

}  // namespace fanout::packet
