// IGMP message classification (RFC 3376 7.1), checksum (RFC 3376 4.1.2 / 4.2.2, RFC 1071) and the IPv4 packet
// helpers. Layouts and rules: igmp.hpp, igmp_query.hpp, igmp_report.hpp.
#include "common/packet/igmp.hpp"

#include "common/core/checksum.hpp"

namespace fanout::packet {

namespace detail {
void patch_igmp_checksum(ByteWriter& w, size_t start) {
    w.patch_u16(start + 2, internet_checksum(w.view(start)));
}
}  // namespace detail

DecodeResult<IgmpMessage> decode_igmp(std::span<const uint8_t> message) {
    if (message.size() < kIgmpMinLength) return decode_error(DecodeErrorKind::kTruncated, "igmp header");
    if (!internet_checksum_ok(message)) return decode_error(DecodeErrorKind::kBadChecksum, "igmp checksum");
    switch (message[0]) {
        case kIgmpMembershipQuery:
            return detail::decode_igmp_query(message);
        case kIgmpV1MembershipReport:
        case kIgmpV2MembershipReport:
        case kIgmpV2LeaveGroup:
            return detail::decode_igmp_v1v2_report(message);
        case kIgmpV3MembershipReport:
            return detail::decode_igmp_v3_report(message);
        default:
            return decode_error(DecodeErrorKind::kBadType, "igmp type");
    }
}

void encode_igmp(ByteWriter& w, const IgmpMessage& m) {
    std::visit([&w](const auto& msg) { encode_igmp(w, msg); }, m);
}

std::vector<uint8_t> encode_igmp(const IgmpMessage& m) {
    ByteWriter w(64);
    encode_igmp(w, m);
    return w.take();
}

namespace {
struct DestinationOf {
    Ipv4Address operator()(const IgmpQueryV1&) const { return addr::kAllSystems; }
    Ipv4Address operator()(const IgmpQueryV2& q) const {
        return q.group.is_unspecified() ? addr::kAllSystems : q.group;
    }
    Ipv4Address operator()(const IgmpQueryV3& q) const {
        return q.group.is_unspecified() ? addr::kAllSystems : q.group;
    }
    Ipv4Address operator()(const IgmpReportV1& r) const { return r.group; }
    Ipv4Address operator()(const IgmpReportV2& r) const { return r.group; }
    Ipv4Address operator()(const IgmpLeaveV2&) const { return addr::kAllRouters; }
    Ipv4Address operator()(const IgmpReportV3&) const { return addr::kIgmpV3Reports; }
};
}  // namespace

Ipv4Address igmp_destination(const IgmpMessage& m) {
    return std::visit(DestinationOf{}, m);
}

DecodeResult<IgmpPacket> decode_igmp_packet(std::span<const uint8_t> ipv4_packet) {
    auto ip = decode_ipv4(ipv4_packet);
    if (!ip) return make_err(ip.error());
    if (ip->header.protocol != kIpProtoIgmp)
        return decode_error(DecodeErrorKind::kBadType, "ipv4 protocol not igmp");
    if (ip->header.is_fragment()) return decode_error(DecodeErrorKind::kBadField, "igmp in an ipv4 fragment");
    auto igmp = decode_igmp(ip->payload);
    if (!igmp) return make_err(igmp.error());
    return IgmpPacket{std::move(ip->header), std::move(*igmp)};
}

std::vector<uint8_t> encode_igmp_packet(Ipv4Address src, Ipv4Address dst, const IgmpMessage& m) {
    auto payload = encode_igmp(m);
    return encode_ipv4_packet(ipv4_control_header(src, dst, kIpProtoIgmp, true), payload);
}

}  // namespace fanout::packet
