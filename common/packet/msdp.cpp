// MSDP TLV codec and stream framer: RFC 3618 section 12 (see msdp.hpp for the diagrams).
#include "common/packet/msdp.hpp"

#include <algorithm>

#include "common/core/byte_reader.hpp"
#include "common/core/byte_writer.hpp"

namespace fanout::packet {
namespace {

// 12.2.1: Entry Count, RP Address, z entries, then the encapsulated data packet (the rest of the TLV).
DecodeResult<MsdpSourceActive> decode_sa_body(ByteReader& r, size_t tlv_len) {
    if (tlv_len < kMsdpSaFixedLen) return decode_error(DecodeErrorKind::kBadLength, "msdp sa length");
    MsdpSourceActive sa;
    const size_t count = r.u8();
    sa.rp = r.ipv4();
    if (kMsdpSaFixedLen + count * kMsdpSaEntryLen > tlv_len)
        return decode_error(DecodeErrorKind::kBadLength, "msdp sa entry count");
    sa.entries.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        r.skip(3);  // Reserved
        MsdpSaEntry e;
        e.sprefix_len = r.u8();
        e.group = r.ipv4();
        e.source = r.ipv4();
        sa.entries.push_back(e);
    }
    auto data = r.rest();
    sa.data.assign(data.begin(), data.end());
    if (!r.ok()) return decode_error(DecodeErrorKind::kTruncated, "msdp sa entries");
    return sa;
}

void write_sa_tlv(ByteWriter& w, MsdpType type, Ipv4Address rp, std::span<const MsdpSaEntry> entries,
                  std::span<const uint8_t> data) {
    w.u8(static_cast<uint8_t>(type));
    const size_t len_at = w.placeholder_u16();
    const size_t start = len_at - 1;
    w.u8(static_cast<uint8_t>(entries.size()));
    w.ipv4(rp);
    for (const auto& e : entries) {
        w.zeros(3);
        w.u8(e.sprefix_len);
        w.ipv4(e.group);
        w.ipv4(e.source);
    }
    w.bytes(data);
    w.patch_u16(len_at, static_cast<uint16_t>(w.size() - start));
}

std::optional<std::vector<uint8_t>> encode_sa(MsdpType type, const MsdpSourceActive& sa) {
    if (sa.entries.size() > kMsdpMaxSaEntries) return std::nullopt;
    if (kMsdpSaFixedLen + sa.entries.size() * kMsdpSaEntryLen + sa.data.size() > kMsdpMaxTlvLen)
        return std::nullopt;
    ByteWriter w(kMsdpSaFixedLen + sa.entries.size() * kMsdpSaEntryLen + sa.data.size());
    write_sa_tlv(w, type, sa.rp, sa.entries, sa.data);
    return w.take();
}

}  // namespace

DecodeResult<MsdpMessage> decode_msdp(std::span<const uint8_t> tlv) {
    ByteReader r(tlv);
    const uint8_t type = r.u8();
    const size_t length = r.u16();
    if (!r.ok()) return decode_error(DecodeErrorKind::kTruncated, "msdp tlv header");
    if (length < kMsdpTlvHeaderLen || length > kMsdpMaxTlvLen)
        return decode_error(DecodeErrorKind::kBadLength, "msdp tlv length");
    if (length > tlv.size()) return decode_error(DecodeErrorKind::kTruncated, "msdp tlv");
    if (length < tlv.size()) return decode_error(DecodeErrorKind::kBadLength, "msdp tlv length below data");

    switch (type) {
        case static_cast<uint8_t>(MsdpType::kSourceActive):
        case static_cast<uint8_t>(MsdpType::kSaResponse): {
            auto sa = decode_sa_body(r, length);
            if (!sa) return make_err(sa.error());
            if (type == static_cast<uint8_t>(MsdpType::kSaResponse))
                return MsdpMessage{MsdpSaResponse{std::move(sa).value()}};
            return MsdpMessage{std::move(sa).value()};
        }
        case static_cast<uint8_t>(MsdpType::kSaRequest): {
            if (length < kMsdpSaRequestLen)
                return decode_error(DecodeErrorKind::kBadLength, "msdp sa-request length");
            r.skip(1);  // Reserved
            MsdpSaRequest req{r.ipv4()};
            return MsdpMessage{req};
        }
        case static_cast<uint8_t>(MsdpType::kKeepalive):
            return MsdpMessage{MsdpKeepalive{}};
        default: {
            auto value = r.rest();
            return MsdpMessage{MsdpUnknown{type, static_cast<uint16_t>(length),
                                           std::vector<uint8_t>(value.begin(), value.end())}};
        }
    }
}

MsdpFramed frame_msdp_stream(std::span<const uint8_t> buffer, size_t max_tlvs) {
    MsdpFramed out;
    size_t pos = 0;
    while (out.tlvs.size() < max_tlvs && buffer.size() - pos >= kMsdpTlvHeaderLen) {
        const size_t length = (size_t{buffer[pos + 1]} << 8) | buffer[pos + 2];
        if (length < kMsdpTlvHeaderLen || length > kMsdpMaxTlvLen) {
            out.fatal = DecodeError{DecodeErrorKind::kBadLength, "msdp tlv length"};
            break;
        }
        if (buffer.size() - pos < length) break;  // wait for the rest
        out.tlvs.push_back(buffer.subspan(pos, length));
        pos += length;
    }
    out.consumed = pos;
    return out;
}

std::optional<std::vector<uint8_t>> encode_msdp(const MsdpMessage& message) {
    if (const auto* sa = std::get_if<MsdpSourceActive>(&message))
        return encode_sa(MsdpType::kSourceActive, *sa);
    if (const auto* resp = std::get_if<MsdpSaResponse>(&message))
        return encode_sa(MsdpType::kSaResponse, resp->sa);
    if (const auto* req = std::get_if<MsdpSaRequest>(&message)) return encode_msdp_sa_request(req->group);
    if (std::holds_alternative<MsdpKeepalive>(message)) return encode_msdp_keepalive();
    const auto& unknown = std::get<MsdpUnknown>(message);
    if (kMsdpTlvHeaderLen + unknown.value.size() > kMsdpMaxTlvLen) return std::nullopt;
    ByteWriter w(kMsdpTlvHeaderLen + unknown.value.size());
    w.u8(unknown.type);
    w.u16(static_cast<uint16_t>(kMsdpTlvHeaderLen + unknown.value.size()));
    w.bytes(unknown.value);
    return w.take();
}

std::vector<uint8_t> encode_msdp_keepalive() {
    ByteWriter w(kMsdpKeepaliveLen);
    w.u8(static_cast<uint8_t>(MsdpType::kKeepalive));
    w.u16(kMsdpKeepaliveLen);
    return w.take();
}

std::vector<uint8_t> encode_msdp_sa_request(Ipv4Address group) {
    ByteWriter w(kMsdpSaRequestLen);
    w.u8(static_cast<uint8_t>(MsdpType::kSaRequest));
    w.u16(kMsdpSaRequestLen);
    w.u8(0);  // Reserved
    w.ipv4(group);
    return w.take();
}

std::vector<std::vector<uint8_t>> encode_msdp_source_active(Ipv4Address rp,
                                                            std::span<const MsdpSaEntry> entries,
                                                            std::span<const uint8_t> data, MsdpType type) {
    constexpr size_t kEntriesPerTlv =
        std::min(kMsdpMaxSaEntries, (kMsdpMaxTlvLen - kMsdpSaFixedLen) / kMsdpSaEntryLen);
    std::vector<std::vector<uint8_t>> out;
    if (entries.empty()) return out;
    if (type != MsdpType::kSaResponse) type = MsdpType::kSourceActive;
    if (kMsdpSaFixedLen + kMsdpSaEntryLen + data.size() > kMsdpMaxTlvLen) data = {};
    size_t pos = 0;
    while (pos < entries.size()) {
        size_t room = kEntriesPerTlv;
        if (!data.empty())
            room = std::min(room, (kMsdpMaxTlvLen - kMsdpSaFixedLen - data.size()) / kMsdpSaEntryLen);
        const size_t n = std::min(room, entries.size() - pos);
        ByteWriter w(kMsdpSaFixedLen + n * kMsdpSaEntryLen + data.size());
        write_sa_tlv(w, type, rp, entries.subspan(pos, n), data);
        out.push_back(w.take());
        pos += n;
        data = {};  // only the first TLV carries the data packet
    }
    return out;
}

}  // namespace fanout::packet
