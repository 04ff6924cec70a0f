// Typed decode errors shared by every codec. Callers count drops by kind (every drop has a reason that `show`
// can display), so the set is small, stable and named.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "common/core/result.hpp"

namespace fanout::packet {

enum class DecodeErrorKind : uint8_t {
    kTruncated,         // fewer bytes than the fixed part or a length field says
    kBadChecksum,       // checksum does not verify
    kBadVersion,        // IP version, PIM version, IGMP version mismatch
    kBadType,           // unknown or unexpected message type
    kBadAddressFamily,  // encoded address family not IPv4
    kBadEncodingType,   // encoded address encoding type not native
    kBadLength,         // a length field inconsistent with the data (too long, too short, odd)
    kBadAddress,        // an address that cannot be valid there (e.g. unicast group)
    kBadField,          // any other field with an impossible value
    kCount
};

inline constexpr std::array<std::string_view, static_cast<size_t>(DecodeErrorKind::kCount)>
    kDecodeErrorNames = {"truncated",         "bad-checksum", "bad-version", "bad-type", "bad-address-family",
                         "bad-encoding-type", "bad-length",   "bad-address", "bad-field"};

struct DecodeError {
    DecodeErrorKind kind = DecodeErrorKind::kBadField;
    // A static description of where it happened, e.g. "hello option 1 length".
    std::string_view what;
};

std::string_view to_string(DecodeErrorKind k);

template <typename T>
using DecodeResult = Result<T, DecodeError>;

inline Err<DecodeError> decode_error(DecodeErrorKind k, std::string_view what) {
    return Err<DecodeError>{DecodeError{k, what}};
}

// Per-kind counters, for callers that count drops.
struct DecodeErrorCounters {
    std::array<uint64_t, static_cast<size_t>(DecodeErrorKind::kCount)> by_kind{};
    void count(const DecodeError& e) { ++by_kind[static_cast<size_t>(e.kind)]; }
    uint64_t total() const {
        uint64_t t = 0;
        for (auto v : by_kind)
            t += v;
        return t;
    }
};

}  // namespace fanout::packet
