// PIMv2 common header and checksum (RFC 7761 4.9; Register rule in 4.9 and 4.9.3).
#include "common/packet/pim_header.hpp"

#include "common/core/checksum.hpp"

namespace fanout::packet {

std::string_view to_string(PimType t) {
    switch (t) {
        case PimType::kHello:
            return "hello";
        case PimType::kRegister:
            return "register";
        case PimType::kRegisterStop:
            return "register-stop";
        case PimType::kJoinPrune:
            return "join-prune";
        case PimType::kBootstrap:
            return "bootstrap";
        case PimType::kAssert:
            return "assert";
        case PimType::kGraft:
            return "graft";
        case PimType::kGraftAck:
            return "graft-ack";
        case PimType::kCandidateRpAdvertisement:
            return "c-rp-adv";
        case PimType::kStateRefresh:
            return "state-refresh";
    }
    return "unknown";
}

bool is_known_pim_type(uint8_t raw_type) {
    return raw_type <= static_cast<uint8_t>(PimType::kStateRefresh);
}

DecodeResult<PimHeader> decode_pim_header(ByteReader& r) {
    if (!r.need(kPimHeaderSize)) return decode_error(DecodeErrorKind::kTruncated, "pim header");
    const uint8_t vt = r.u8();
    PimHeader h;
    h.version = static_cast<uint8_t>(vt >> 4);
    h.type = static_cast<PimType>(vt & 0x0f);
    h.flags = r.u8();
    h.checksum = r.u16();
    if (h.version != kPimVersion) return decode_error(DecodeErrorKind::kBadVersion, "pim version");
    return h;
}

namespace {

// Checksum of `covered` with its bytes 2..3 (the checksum field) taken as zero.
uint16_t checksum_with_zero_field(std::span<const uint8_t> covered) {
    ChecksumAccumulator acc;
    acc.add(covered.first(2));
    acc.add_u16(0);
    acc.add(covered.subspan(kPimHeaderSize));
    return acc.finish();
}

bool is_register(std::span<const uint8_t> message) {
    return (message[0] & 0x0f) == static_cast<uint8_t>(PimType::kRegister);
}

}  // namespace

uint16_t pim_checksum(std::span<const uint8_t> message) {
    if (message.size() < kPimHeaderSize) return 0;
    if (is_register(message) && message.size() >= kPimRegisterChecksumBytes) {
        return checksum_with_zero_field(message.first(kPimRegisterChecksumBytes));
    }
    return checksum_with_zero_field(message);
}

bool pim_checksum_ok(std::span<const uint8_t> message) {
    if (message.size() < kPimHeaderSize) return false;
    if (is_register(message)) {
        if (message.size() >= kPimRegisterChecksumBytes &&
            internet_checksum_ok(message.first(kPimRegisterChecksumBytes))) {
            return true;
        }
        // Fall through: some senders sum the whole Register.
    }
    return internet_checksum_ok(message);
}

DecodeResult<PimMessageView> decode_pim_message(std::span<const uint8_t> message) {
    ByteReader r(message);
    auto h = decode_pim_header(r);
    if (!h) return make_err(h.error());
    if (!pim_checksum_ok(message)) return decode_error(DecodeErrorKind::kBadChecksum, "pim checksum");
    return PimMessageView{*h, message.subspan(kPimHeaderSize)};
}

DecodeResult<PimMessageView> decode_pim_message_of_type(std::span<const uint8_t> message, PimType expected) {
    auto m = decode_pim_message(message);
    if (m && m->header.type != expected) return decode_error(DecodeErrorKind::kBadType, "pim type");
    return m;
}

size_t begin_pim_message(ByteWriter& w, PimType type, uint8_t flags) {
    const size_t start = w.size();
    w.u8(static_cast<uint8_t>((kPimVersion << 4) | (static_cast<uint8_t>(type) & 0x0f)));
    w.u8(flags);
    w.u16(0);
    return start;
}

void finish_pim_message(ByteWriter& w, size_t start) {
    w.patch_u16(start + 2, pim_checksum(w.view(start)));
}

}  // namespace fanout::packet
