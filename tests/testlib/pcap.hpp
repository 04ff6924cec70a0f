// Minimal libpcap (not pcapng) reader and writer for codec tests: Ethernet frames or raw IPv4 packets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fanout::test {

struct PcapFrame {
    uint32_t number = 0;  // 1-based, as tshark numbers frames
    uint64_t ts_usec = 0;
    std::vector<uint8_t> data;  // the captured bytes, link layer included
    // The IPv4 packet inside (link header stripped for DLT_EN10MB, as is for DLT_RAW); empty if not IPv4.
    std::vector<uint8_t> ipv4() const;
};

struct Pcap {
    uint32_t linktype = 0;
    std::vector<PcapFrame> frames;
};

// Reads a whole file; nullopt with *error set when it is not a pcap file.
std::optional<Pcap> read_pcap(const std::string& path, std::string* error = nullptr);

// Path of a shared capture by file name ("frr-hello.pcap").
std::string shared_pcap(const std::string& name);

// Writes IPv4 packets as a DLT_RAW (linktype 228, LINKTYPE_IPV4) capture, for tshark cross-checks.
bool write_pcap_ipv4(const std::string& path, const std::vector<std::vector<uint8_t>>& packets);

// Parsed IPv4 packet pieces used across codec tests.
struct Ipv4View {
    uint8_t protocol = 0;
    uint32_t src = 0, dst = 0;
    size_t header_len = 0;
    std::vector<uint8_t> payload;  // after the IP header (options skipped)
};
std::optional<Ipv4View> split_ipv4(const std::vector<uint8_t>& packet);

}  // namespace fanout::test
