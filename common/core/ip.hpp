// IPv4 addresses, prefixes and multicast routing keys ((S,G), (*,G)).
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace fanout {

// An IPv4 address held in host byte order (so comparisons follow numeric order, as PIM's
// "highest address" tie-breaks require).
class Ipv4Address {
  public:
    constexpr Ipv4Address() = default;
    constexpr explicit Ipv4Address(uint32_t host_order) : v_(host_order) {}
    constexpr Ipv4Address(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
        : v_((uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) | uint32_t{d}) {}

    static std::optional<Ipv4Address> parse(std::string_view text);
    static constexpr Ipv4Address any() { return Ipv4Address(); }

    constexpr uint32_t value() const { return v_; }  // host order
    uint32_t network_order() const;                  // for the socket layer
    static Ipv4Address from_network_order(uint32_t n);

    constexpr bool is_unspecified() const { return v_ == 0; }
    constexpr bool is_multicast() const { return (v_ >> 28) == 0xe; }
    // 224.0.0.0/24: never forwarded, never routed.
    constexpr bool is_link_local_multicast() const { return (v_ >> 8) == 0xe00000; }
    constexpr bool is_loopback() const { return (v_ >> 24) == 127; }
    constexpr bool is_broadcast() const { return v_ == 0xffffffffu; }
    // A plausible unicast host address (not 0/8, loopback, multicast, class E or broadcast).
    constexpr bool is_unicast() const {
        return v_ != 0 && (v_ >> 24) != 0 && !is_loopback() && (v_ >> 28) < 0xe;
    }

    std::string to_string() const;

    constexpr auto operator<=>(const Ipv4Address&) const = default;

  private:
    uint32_t v_ = 0;
};

class Ipv4Prefix {
  public:
    constexpr Ipv4Prefix() = default;
    // Host bits are cleared.
    constexpr Ipv4Prefix(Ipv4Address addr, uint8_t len)
        : addr_(Ipv4Address(len == 0 ? 0 : (addr.value() & mask_for(len)))), len_(len > 32 ? 32 : len) {}

    // "a.b.c.d/n"; a bare address is a /32. Host bits set is an error (strict) unless allow_host_bits.
    static std::optional<Ipv4Prefix> parse(std::string_view text, bool allow_host_bits = false);

    constexpr Ipv4Address address() const { return addr_; }
    constexpr uint8_t length() const { return len_; }
    constexpr uint32_t mask() const { return mask_for(len_); }
    constexpr bool contains(Ipv4Address a) const { return (a.value() & mask()) == addr_.value(); }
    constexpr bool contains(const Ipv4Prefix& p) const { return p.len_ >= len_ && contains(p.addr_); }

    std::string to_string() const;
    constexpr auto operator<=>(const Ipv4Prefix&) const = default;

    static constexpr uint32_t mask_for(uint8_t len) {
        return len == 0 ? 0u : (len >= 32 ? 0xffffffffu : ~((1u << (32 - len)) - 1u));
    }

  private:
    Ipv4Address addr_;
    uint8_t len_ = 0;
};

// Well-known addresses.
namespace addr {
inline constexpr Ipv4Address kAllSystems{224, 0, 0, 1};
inline constexpr Ipv4Address kAllRouters{224, 0, 0, 2};
inline constexpr Ipv4Address kAllPimRouters{224, 0, 0, 13};
inline constexpr Ipv4Address kIgmpV3Reports{224, 0, 0, 22};
inline constexpr Ipv4Prefix kMulticast{Ipv4Address{224, 0, 0, 0}, 4};
inline constexpr Ipv4Prefix kDefaultSsm{Ipv4Address{232, 0, 0, 0}, 8};
}  // namespace addr

// (S,G): a source-specific multicast routing key.
struct SGKey {
    Ipv4Address source;
    Ipv4Address group;
    constexpr auto operator<=>(const SGKey&) const = default;
    std::string to_string() const;  // "(198.18.0.2,239.1.1.1)"
};

// (*,G): a shared-tree routing key.
struct StarGKey {
    Ipv4Address group;
    constexpr auto operator<=>(const StarGKey&) const = default;
    std::string to_string() const;  // "(*,239.1.1.1)"
};

}  // namespace fanout

template <>
struct std::hash<fanout::Ipv4Address> {
    size_t operator()(const fanout::Ipv4Address& a) const noexcept {
        // Fibonacci hashing spreads sequential addresses (common in tests and in real group plans).
        return static_cast<size_t>(uint64_t{a.value()} * 0x9e3779b97f4a7c15ull >> 16);
    }
};
template <>
struct std::hash<fanout::Ipv4Prefix> {
    size_t operator()(const fanout::Ipv4Prefix& p) const noexcept {
        return std::hash<fanout::Ipv4Address>{}(p.address()) ^ (size_t{p.length()} << 1);
    }
};
template <>
struct std::hash<fanout::SGKey> {
    size_t operator()(const fanout::SGKey& k) const noexcept {
        uint64_t x = (uint64_t{k.source.value()} << 32) | k.group.value();
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdull;
        x ^= x >> 33;
        return static_cast<size_t>(x);
    }
};
template <>
struct std::hash<fanout::StarGKey> {
    size_t operator()(const fanout::StarGKey& k) const noexcept {
        return std::hash<fanout::Ipv4Address>{}(k.group);
    }
};
