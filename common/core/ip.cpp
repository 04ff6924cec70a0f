#include "common/core/ip.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace fanout {

std::optional<Ipv4Address> Ipv4Address::parse(std::string_view text) {
    uint32_t v = 0;
    const char* p = text.data();
    const char* end = text.data() + text.size();
    for (int i = 0; i < 4; ++i) {
        if (p == end) return std::nullopt;
        // Reject leading '+', spaces, and octal-looking leading zeros ("010").
        if (*p < '0' || *p > '9') return std::nullopt;
        if (*p == '0' && p + 1 != end && p[1] >= '0' && p[1] <= '9') return std::nullopt;
        unsigned octet = 0;
        auto [next, ec] = std::from_chars(p, end, octet);
        if (ec != std::errc() || octet > 255 || next - p > 3) return std::nullopt;
        v = (v << 8) | octet;
        p = next;
        if (i < 3) {
            if (p == end || *p != '.') return std::nullopt;
            ++p;
        }
    }
    if (p != end) return std::nullopt;
    return Ipv4Address(v);
}

uint32_t Ipv4Address::network_order() const {
    return htonl(v_);
}
Ipv4Address Ipv4Address::from_network_order(uint32_t n) {
    return Ipv4Address(ntohl(n));
}

std::string Ipv4Address::to_string() const {
    std::string s;
    s.reserve(15);
    for (int shift = 24; shift >= 0; shift -= 8) {
        s += std::to_string((v_ >> shift) & 0xff);
        if (shift) s += '.';
    }
    return s;
}

std::optional<Ipv4Prefix> Ipv4Prefix::parse(std::string_view text, bool allow_host_bits) {
    auto slash = text.find('/');
    auto addr = Ipv4Address::parse(text.substr(0, slash));
    if (!addr) return std::nullopt;
    unsigned len = 32;
    if (slash != std::string_view::npos) {
        auto lt = text.substr(slash + 1);
        if (lt.empty() || lt.size() > 2) return std::nullopt;
        auto [next, ec] = std::from_chars(lt.data(), lt.data() + lt.size(), len);
        if (ec != std::errc() || next != lt.data() + lt.size() || len > 32) return std::nullopt;
    }
    Ipv4Prefix p(*addr, static_cast<uint8_t>(len));
    if (!allow_host_bits && p.address() != *addr) return std::nullopt;
    return p;
}

std::string Ipv4Prefix::to_string() const {
    return addr_.to_string() + "/" + std::to_string(len_);
}

std::string SGKey::to_string() const {
    return "(" + source.to_string() + "," + group.to_string() + ")";
}
std::string StarGKey::to_string() const {
    return "(*," + group.to_string() + ")";
}

}  // namespace fanout
