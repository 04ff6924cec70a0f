// Register-beacon packet builder; layout and field choices in beacon_packet.hpp (RFC 7761 4.9.3, RFC 768,
// RFC 791).
#include "pimd/core/beacon/beacon_packet.hpp"

#include "common/core/byte_writer.hpp"
#include "common/core/checksum.hpp"
#include "common/packet/pim_register.hpp"

namespace fanout::pim {

uint16_t udp_checksum(Ipv4Address src, Ipv4Address dst, std::span<const uint8_t> udp) {
    ChecksumAccumulator acc;
    acc.add_u16(static_cast<uint16_t>(src.value() >> 16));
    acc.add_u16(static_cast<uint16_t>(src.value()));
    acc.add_u16(static_cast<uint16_t>(dst.value() >> 16));
    acc.add_u16(static_cast<uint16_t>(dst.value()));
    acc.add_u16(packet::kIpProtoUdp);
    acc.add_u16(static_cast<uint16_t>(udp.size()));
    acc.add(udp);
    const uint16_t c = acc.finish();
    return c == 0 ? 0xffff : c;
}

std::vector<uint8_t> build_beacon_inner(SGKey sg, const BeaconHeartbeat& hb) {
    const size_t udp_length = kUdpHeaderSize + hb.payload.size();
    packet::Ipv4Header h;
    h.tos = 0;
    h.id = 0;
    h.dont_fragment = true;
    h.ttl = kBeaconInnerTtl;
    h.protocol = packet::kIpProtoUdp;
    h.src = sg.source;
    h.dst = sg.group;
    ByteWriter w(packet::kIpv4MinHeaderLength + udp_length);
    // Cannot fail: no options and the payload is bounded by kMaxHeartbeatPayload (make_beacon_config).
    (void)packet::encode_ipv4_header(w, h, udp_length);
    const size_t udp_start = w.size();
    w.u16(hb.source_port);
    w.u16(hb.dest_port);
    w.u16(static_cast<uint16_t>(udp_length));
    const size_t checksum_at = w.placeholder_u16();
    w.bytes(hb.payload);
    w.patch_u16(checksum_at, udp_checksum(sg.source, sg.group, w.view(udp_start)));
    return w.take();
}

std::vector<uint8_t> build_beacon_register(SGKey sg, const BeaconHeartbeat& hb) {
    return packet::encode_register(build_beacon_inner(sg, hb), /*border=*/false);
}

packet::Ipv4Header beacon_outer_header(Ipv4Address local, Ipv4Address rp) {
    packet::Ipv4Header h;
    h.tos = kBeaconOuterTos;
    h.id = 0;
    h.dont_fragment = true;
    h.ttl = kBeaconOuterTtl;
    h.protocol = packet::kIpProtoPim;
    h.src = local;
    h.dst = rp;
    return h;
}

std::vector<uint8_t> build_beacon_ip_packet(Ipv4Address local, Ipv4Address rp, SGKey sg,
                                            const BeaconHeartbeat& hb) {
    return packet::encode_ipv4_packet(beacon_outer_header(local, rp), build_beacon_register(sg, hb));
}

}  // namespace fanout::pim
