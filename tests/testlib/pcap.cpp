#include "tests/testlib/pcap.hpp"

#include <fstream>
#include <iterator>

namespace fanout::test {
namespace {

uint32_t rd32(const uint8_t* p, bool swap) {
    uint32_t le = uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
    if (!swap) return le;
    return (le >> 24) | ((le >> 8) & 0xff00) | ((le << 8) & 0xff0000) | (le << 24);
}

void wr32(std::vector<uint8_t>& out, uint32_t v) {
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void wr16(std::vector<uint8_t>& out, uint16_t v) {
    out.push_back(static_cast<uint8_t>(v));
    out.push_back(static_cast<uint8_t>(v >> 8));
}

constexpr uint32_t kDltEthernet = 1;
constexpr uint32_t kDltRaw = 101;
constexpr uint32_t kDltIpv4 = 228;

}  // namespace

std::vector<uint8_t> PcapFrame::ipv4() const {
    // Ethernet II, optionally one 802.1Q tag.
    if (data.size() < 14) return {};
    size_t off = 12;
    uint16_t type = static_cast<uint16_t>((data[off] << 8) | data[off + 1]);
    off += 2;
    if (type == 0x8100 && data.size() >= 18) {
        type = static_cast<uint16_t>((data[off + 2] << 8) | data[off + 3]);
        off += 4;
    }
    if (type != 0x0800) return {};
    return std::vector<uint8_t>(data.begin() + static_cast<long>(off), data.end());
}

std::optional<Pcap> read_pcap(const std::string& path, std::string* error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (error) *error = "cannot open " + path;
        return std::nullopt;
    }
    std::vector<uint8_t> buf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (buf.size() < 24) {
        if (error) *error = "short file";
        return std::nullopt;
    }
    uint32_t magic = rd32(buf.data(), false);
    bool swap;
    if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
        swap = false;
    else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
        swap = true;
    else {
        if (error) *error = "not a pcap file";
        return std::nullopt;
    }
    Pcap p;
    p.linktype = rd32(buf.data() + 20, swap);
    size_t off = 24;
    uint32_t n = 0;
    while (off + 16 <= buf.size()) {
        uint32_t sec = rd32(buf.data() + off, swap), usec = rd32(buf.data() + off + 4, swap);
        uint32_t incl = rd32(buf.data() + off + 8, swap);
        off += 16;
        if (incl > buf.size() - off) {
            if (error) *error = "truncated record";
            return std::nullopt;
        }
        PcapFrame f;
        f.number = ++n;
        f.ts_usec = uint64_t{sec} * 1000000 + usec;
        f.data.assign(buf.begin() + static_cast<long>(off), buf.begin() + static_cast<long>(off + incl));
        if (p.linktype == kDltRaw || p.linktype == kDltIpv4) {
            // Represent raw captures as Ethernet-less: prepend a fake Ethernet header so ipv4() works.
            std::vector<uint8_t> eth(12, 0);
            eth.push_back(0x08);
            eth.push_back(0x00);
            f.data.insert(f.data.begin(), eth.begin(), eth.end());
        } else if (p.linktype != kDltEthernet) {
            if (error) *error = "unsupported link type";
            return std::nullopt;
        }
        p.frames.push_back(std::move(f));
        off += incl;
    }
    return p;
}

std::string shared_pcap(const std::string& name) {
    return std::string(FANOUT_PCAP_DIR) + "/" + name;
}

bool write_pcap_ipv4(const std::string& path, const std::vector<std::vector<uint8_t>>& packets) {
    std::vector<uint8_t> out;
    wr32(out, 0xa1b2c3d4);
    wr16(out, 2);
    wr16(out, 4);
    wr32(out, 0);
    wr32(out, 0);
    wr32(out, 65535);
    wr32(out, kDltIpv4);
    uint32_t sec = 1700000000;
    for (const auto& pkt : packets) {
        wr32(out, sec++);
        wr32(out, 0);
        wr32(out, static_cast<uint32_t>(pkt.size()));
        wr32(out, static_cast<uint32_t>(pkt.size()));
        out.insert(out.end(), pkt.begin(), pkt.end());
    }
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size()));
    return static_cast<bool>(f);
}

std::optional<Ipv4View> split_ipv4(const std::vector<uint8_t>& packet) {
    if (packet.size() < 20 || (packet[0] >> 4) != 4) return std::nullopt;
    Ipv4View v;
    v.header_len = size_t{packet[0] & 0x0fu} * 4;
    size_t total = (size_t{packet[2]} << 8) | packet[3];
    if (v.header_len < 20 || total < v.header_len || total > packet.size()) return std::nullopt;
    v.protocol = packet[9];
    v.src = (uint32_t{packet[12]} << 24) | (uint32_t{packet[13]} << 16) | (uint32_t{packet[14]} << 8) |
            packet[15];
    v.dst = (uint32_t{packet[16]} << 24) | (uint32_t{packet[17]} << 16) | (uint32_t{packet[18]} << 8) |
            packet[19];
    v.payload.assign(packet.begin() + static_cast<long>(v.header_len),
                     packet.begin() + static_cast<long>(total));
    return v;
}

}  // namespace fanout::test
