// The register-beacon packet, byte for byte (design: shared/reference/000_c004819f65b97456.txt, frame 242:
// "ip:pim:ip:udp:data", 60 bytes of IP for the 4-byte heartbeat).
//
//   outer IPv4 (20)  local address of the tunnel -> RP, protocol 103 (PIM)     [built by the kernel]
//   PIM Register (8) version 2, type 1, reserved 0, checksum, B=0 N=0 reserved2 0   (RFC 7761 4.9.3)
//   inner IPv4 (20)  S -> G, protocol 17, TTL 64, valid header checksum           (RFC 791)
//   UDP (8)          5765 -> 5765, length 8 + payload, checksum computed         (RFC 768)
//   payload          44 5a 00 01 ("DZ" + version 1)
//
// RFC 7761 4.9.3 (Register):
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |PIM Ver| Type  |   Reserved    |           Checksum            |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |B|N|                       Reserved2                           |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    .                     Multicast data packet                     .
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// "the checksum for Registers is done only on the first 8 bytes of the packet, including the PIM header and
// the next 4 bytes, excluding the data packet portion" (4.9); common/packet/pim_register encodes it.
//
// RFC 768 UDP header:
//    +--------+--------+--------+--------+
//    |     Source      |   Destination   |
//    |      Port       |      Port       |
//    +--------+--------+--------+--------+
//    |     Length      |    Checksum     |
//    +--------+--------+--------+--------+
// The UDP checksum covers the pseudo header (S, G, 0, 17, UDP length), the header and the payload; a
// computed 0 is sent as 0xffff (0 would mean "no checksum", legal but we always compute it).
//
// Inner header choices (frame 242 shows only S, G, protocol 17 and UDP length 12; the rest is ours): TOS 0,
// identification 0 with DF set (an atomic datagram, RFC 6864 4.1), TTL 64 (kBeaconInnerTtl: the RP forwards
// the decapsulated datagram down the shared tree, so TTL 1 would die there), no options.
//
// Outer header (beacon_outer_header) as Linux emits it from PimSocket::send_unicast: PimSocket sets IP_TTL 64
// and IP_TOS 0xc0; the raw socket does PMTU discovery so DF is set, and the kernel writes identification 0
// for DF datagrams of an unconnected socket; source = the tunnel's local address (IP_PKTINFO ipi_spec_dst).
// The core hands only the PIM message to the socket; the outer header is built here for tests and tshark.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/core/ip.hpp"
#include "common/packet/ipv4.hpp"
#include "pimd/core/beacon/beacon_config.hpp"

namespace fanout::pim {

inline constexpr uint8_t kBeaconInnerTtl = 64;
inline constexpr uint8_t kBeaconOuterTtl = 64;    // PimSocket's IP_TTL (common/sys/raw_socket.cpp)
inline constexpr uint8_t kBeaconOuterTos = 0xc0;  // PimSocket's IP_TOS
inline constexpr size_t kUdpHeaderSize = 8;

// RFC 768 checksum of a UDP datagram (header with a zero checksum field, plus payload) from src to dst.
// Never 0 (a computed 0 is returned as 0xffff).
uint16_t udp_checksum(Ipv4Address src, Ipv4Address dst, std::span<const uint8_t> udp);

// The inner IPv4/UDP datagram S -> G carrying the heartbeat.
std::vector<uint8_t> build_beacon_inner(SGKey sg, const BeaconHeartbeat& hb);
// The PIM Register around it: exactly what is handed to the socket.
std::vector<uint8_t> build_beacon_register(SGKey sg, const BeaconHeartbeat& hb);
// The outer header the kernel puts on it (see above).
packet::Ipv4Header beacon_outer_header(Ipv4Address local, Ipv4Address rp);
// The whole packet as it leaves the tunnel interface (outer header + Register).
std::vector<uint8_t> build_beacon_ip_packet(Ipv4Address local, Ipv4Address rp, SGKey sg,
                                            const BeaconHeartbeat& hb);

}  // namespace fanout::pim
