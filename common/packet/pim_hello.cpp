// PIM Hello message (RFC 7761 4.9.2, RFC 3973 4.7.5). Decoding policy in pim_hello.hpp.
#include "common/packet/pim_hello.hpp"

#include <algorithm>

#include "common/core/byte_reader.hpp"
#include "common/packet/pim_address.hpp"
#include "common/packet/pim_header.hpp"

namespace fanout::packet {

namespace {

constexpr uint16_t kTBit = 0x8000;
// Option Length is 16 bits: longer values are cut to what fits (a Hello that large cannot be sent anyway).
constexpr size_t kMaxOptionLength = 0xffff;

template <typename T>
void note(std::optional<T>& field, T value, bool& duplicate) {
    if (field) {
        duplicate = true;
        return;
    }
    field = value;
}

// Applies one known option; false when its length/content is not acceptable (caller notes it as malformed).
bool apply_known_option(Hello& h, uint16_t type, std::span<const uint8_t> value) {
    ByteReader r(value);
    bool duplicate = false;
    switch (static_cast<HelloOptionType>(type)) {
        case HelloOptionType::kHoldtime:
            if (value.size() != 2) return false;
            note(h.holdtime_s, r.u16(), duplicate);
            break;
        case HelloOptionType::kLanPruneDelay: {
            if (value.size() != 4) return false;
            const uint16_t first = r.u16();
            LanPruneDelay d{(first & kTBit) != 0, static_cast<uint16_t>(first & ~kTBit), r.u16()};
            note(h.lan_prune_delay, d, duplicate);
            break;
        }
        case HelloOptionType::kDrPriority:
            if (value.size() != 4) return false;
            note(h.dr_priority, r.u32(), duplicate);
            break;
        case HelloOptionType::kGenerationId:
            if (value.size() != 4) return false;
            note(h.generation_id, r.u32(), duplicate);
            break;
        case HelloOptionType::kStateRefreshCapable: {
            if (value.size() != 4) return false;
            StateRefreshCapable s;
            s.version = r.u8();
            s.interval_s = r.u8();
            s.reserved = r.u16();
            note(h.state_refresh, s, duplicate);
            break;
        }
        case HelloOptionType::kAddressList: {
            if (value.size() % kEncodedUnicastSize != 0 || !h.address_list.empty()) return false;
            std::vector<Ipv4Address> list;
            list.reserve(value.size() / kEncodedUnicastSize);
            while (!r.at_end()) {
                auto a = decode_encoded_unicast(r);
                if (!a) return false;
                list.push_back(*a);
            }
            h.address_list = std::move(list);
            break;
        }
    }
    return !duplicate;
}

bool is_known_option(uint16_t type) {
    switch (static_cast<HelloOptionType>(type)) {
        case HelloOptionType::kHoldtime:
        case HelloOptionType::kLanPruneDelay:
        case HelloOptionType::kDrPriority:
        case HelloOptionType::kGenerationId:
        case HelloOptionType::kStateRefreshCapable:
        case HelloOptionType::kAddressList:
            return true;
    }
    return false;
}

void put_option_header(ByteWriter& w, HelloOptionType type, uint16_t length) {
    w.u16(static_cast<uint16_t>(type));
    w.u16(length);
}

}  // namespace

DecodeResult<Hello> decode_hello_body(std::span<const uint8_t> body) {
    ByteReader r(body);
    Hello h;
    while (!r.at_end()) {
        if (!r.need(4)) return decode_error(DecodeErrorKind::kTruncated, "hello option header");
        const uint16_t type = r.u16();
        const uint16_t length = r.u16();
        if (!r.need(length)) return decode_error(DecodeErrorKind::kTruncated, "hello option length");
        auto value = r.bytes(length);
        if (!is_known_option(type)) {
            h.unknown_options.push_back({type, {value.begin(), value.end()}});
        } else if (!apply_known_option(h, type, value)) {
            h.malformed_options.push_back({type, {value.begin(), value.end()}});
        }
    }
    return h;
}

DecodeResult<Hello> decode_hello(std::span<const uint8_t> message) {
    auto m = decode_pim_message_of_type(message, PimType::kHello);
    if (!m) return make_err(m.error());
    return decode_hello_body(m->body);
}

void encode_hello(ByteWriter& w, const Hello& h) {
    const size_t start = begin_pim_message(w, PimType::kHello);
    if (h.holdtime_s) {
        put_option_header(w, HelloOptionType::kHoldtime, 2);
        w.u16(*h.holdtime_s);
    }
    if (h.lan_prune_delay) {
        put_option_header(w, HelloOptionType::kLanPruneDelay, 4);
        const auto& d = *h.lan_prune_delay;
        w.u16(static_cast<uint16_t>((d.tracking_support ? kTBit : 0) | (d.propagation_delay_ms & ~kTBit)));
        w.u16(d.override_interval_ms);
    }
    if (h.dr_priority) {
        put_option_header(w, HelloOptionType::kDrPriority, 4);
        w.u32(*h.dr_priority);
    }
    if (h.generation_id) {
        put_option_header(w, HelloOptionType::kGenerationId, 4);
        w.u32(*h.generation_id);
    }
    if (h.state_refresh) {
        put_option_header(w, HelloOptionType::kStateRefreshCapable, 4);
        w.u8(h.state_refresh->version);
        w.u8(h.state_refresh->interval_s);
        w.u16(h.state_refresh->reserved);
    }
    if (!h.address_list.empty()) {
        const size_t n = std::min(h.address_list.size(), kMaxOptionLength / kEncodedUnicastSize);
        put_option_header(w, HelloOptionType::kAddressList, static_cast<uint16_t>(n * kEncodedUnicastSize));
        for (size_t i = 0; i < n; ++i)
            encode_encoded_unicast(w, h.address_list[i]);
    }
    for (const auto& o : h.unknown_options) {
        const size_t n = std::min(o.value.size(), kMaxOptionLength);
        w.u16(o.type);
        w.u16(static_cast<uint16_t>(n));
        w.bytes(std::span<const uint8_t>(o.value).first(n));
    }
    finish_pim_message(w, start);
}

std::vector<uint8_t> encode_hello(const Hello& h) {
    ByteWriter w(64);
    encode_hello(w, h);
    return w.take();
}

}  // namespace fanout::packet
