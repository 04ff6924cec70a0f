// IPv4 header codec: RFC 791 3.1, RFC 2113 2.1 (Router Alert). See ipv4.hpp for the diagrams.
#include "common/packet/ipv4.hpp"

#include "common/core/byte_reader.hpp"
#include "common/core/checksum.hpp"

namespace fanout::packet {
namespace {

constexpr uint16_t kFlagDontFragment = 0x4000;
constexpr uint16_t kFlagMoreFragments = 0x2000;
constexpr uint16_t kFragmentOffsetMask = 0x1fff;
constexpr size_t kMaxOptionData = 253;  // length octet 255 minus type and length
constexpr size_t kRouterAlertLength = 4;

// RFC 791 3.1 options: End (0) ends the list (the rest is padding), NOP (1) is one octet, everything else is
// type-length-data with length >= 2 and within the options area. RFC 2113: Router Alert has length 4.
DecodeResult<Unit> decode_options(std::span<const uint8_t> options, Ipv4Header& h) {
    ByteReader r(options);
    while (!r.at_end()) {
        uint8_t type = r.u8();
        if (type == kIpv4OptionEnd) break;
        if (type == kIpv4OptionNop) continue;
        if (r.at_end()) return decode_error(DecodeErrorKind::kTruncated, "ipv4 option length");
        uint8_t len = r.u8();
        if (len < 2) return decode_error(DecodeErrorKind::kBadLength, "ipv4 option length < 2");
        if (len - 2u > r.remaining())
            return decode_error(DecodeErrorKind::kBadLength, "ipv4 option overruns");
        auto data = r.bytes(len - 2u);
        if (type == kIpv4OptionRouterAlert) {
            if (len != kRouterAlertLength)
                return decode_error(DecodeErrorKind::kBadLength, "ipv4 router alert length");
            if (h.router_alert) return decode_error(DecodeErrorKind::kBadField, "ipv4 router alert repeated");
            h.router_alert = static_cast<uint16_t>((data[0] << 8) | data[1]);
            continue;
        }
        h.other_options.push_back(Ipv4Option{type, std::vector<uint8_t>(data.begin(), data.end())});
    }
    return Unit{};
}

}  // namespace

DecodeResult<Ipv4Packet> decode_ipv4(std::span<const uint8_t> packet) {
    ByteReader r(packet);
    if (!r.need(kIpv4MinHeaderLength)) return decode_error(DecodeErrorKind::kTruncated, "ipv4 header");
    uint8_t vihl = r.u8();
    if ((vihl >> 4) != 4) return decode_error(DecodeErrorKind::kBadVersion, "ipv4 version");
    Ipv4Header h;
    h.header_length = static_cast<uint8_t>((vihl & 0x0f) * 4);
    if (h.header_length < kIpv4MinHeaderLength)
        return decode_error(DecodeErrorKind::kBadLength, "ipv4 ihl < 5");
    if (packet.size() < h.header_length) return decode_error(DecodeErrorKind::kTruncated, "ipv4 options");
    h.tos = r.u8();
    h.total_length = r.u16();
    if (h.total_length < h.header_length)
        return decode_error(DecodeErrorKind::kBadLength, "ipv4 total length < header length");
    if (h.total_length > packet.size()) return decode_error(DecodeErrorKind::kTruncated, "ipv4 total length");
    if (!internet_checksum_ok(packet.first(h.header_length)))
        return decode_error(DecodeErrorKind::kBadChecksum, "ipv4 header checksum");
    h.id = r.u16();
    uint16_t frag = r.u16();
    // The reserved flag bit (RFC 791: "must be zero") is ignored on receipt, as every stack does.
    h.dont_fragment = (frag & kFlagDontFragment) != 0;
    h.more_fragments = (frag & kFlagMoreFragments) != 0;
    h.fragment_offset = frag & kFragmentOffsetMask;
    h.ttl = r.u8();
    h.protocol = r.u8();
    r.skip(2);  // checksum, verified above
    h.src = r.ipv4();
    h.dst = r.ipv4();
    auto opts = decode_options(r.bytes(h.header_length - kIpv4MinHeaderLength), h);
    if (!opts) return make_err(opts.error());
    auto payload = packet.subspan(h.header_length, h.total_length - h.header_length);
    return Ipv4Packet{std::move(h), payload};
}

size_t ipv4_options_length(const Ipv4Header& h) {
    size_t n = h.router_alert ? kRouterAlertLength : 0;
    for (const auto& o : h.other_options)
        n += 2 + o.data.size();
    return (n + 3) & ~size_t{3};
}

bool encode_ipv4_header(ByteWriter& w, const Ipv4Header& h, size_t payload_length) {
    for (const auto& o : h.other_options)
        if (o.data.size() > kMaxOptionData) return false;
    size_t opt_len = ipv4_options_length(h);
    size_t header_len = kIpv4MinHeaderLength + opt_len;
    if (opt_len > kIpv4MaxOptionsLength || header_len + payload_length > 0xffff) return false;
    size_t start = w.size();
    w.u8(static_cast<uint8_t>(0x40 | (header_len / 4)));
    w.u8(h.tos);
    w.u16(static_cast<uint16_t>(header_len + payload_length));
    w.u16(h.id);
    uint16_t frag = h.fragment_offset & kFragmentOffsetMask;
    if (h.dont_fragment) frag |= kFlagDontFragment;
    if (h.more_fragments) frag |= kFlagMoreFragments;
    w.u16(frag);
    w.u8(h.ttl);
    w.u8(h.protocol);
    size_t checksum_at = w.placeholder_u16();
    w.ipv4(h.src);
    w.ipv4(h.dst);
    size_t options_start = w.size();
    if (h.router_alert) {
        w.u8(kIpv4OptionRouterAlert);
        w.u8(kRouterAlertLength);
        w.u16(*h.router_alert);
    }
    for (const auto& o : h.other_options) {
        w.u8(o.type);
        w.u8(static_cast<uint8_t>(2 + o.data.size()));
        w.bytes(o.data);
    }
    w.zeros(opt_len - (w.size() - options_start));  // End of Option List, then padding (all zero)
    w.patch_u16(checksum_at, internet_checksum(w.view(start, header_len)));
    return true;
}

std::vector<uint8_t> encode_ipv4_packet(const Ipv4Header& h, std::span<const uint8_t> payload) {
    ByteWriter w(kIpv4MaxHeaderLength + payload.size());
    if (!encode_ipv4_header(w, h, payload.size())) return {};
    w.bytes(payload);
    return w.take();
}

Ipv4Header ipv4_control_header(Ipv4Address src, Ipv4Address dst, uint8_t protocol, bool router_alert) {
    Ipv4Header h;
    h.tos = kIpv4TosNetworkControl;
    h.dont_fragment = true;
    h.ttl = 1;
    h.protocol = protocol;
    h.src = src;
    h.dst = dst;
    if (router_alert) h.router_alert = 0;
    return h;
}

}  // namespace fanout::packet
