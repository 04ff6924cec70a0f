// PIM Hello message (RFC 7761 4.9.2; State Refresh Capable option: RFC 3973 4.7.5).
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |PIM Ver| Type  |   Reserved    |           Checksum            |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |          Option Type          |         Option Length         |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                          Option Value                         |
//    |                              ...                              |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                               .                               |
//    |          Option Type          |         Option Length         |
//    |                          Option Value  ...                    |
//
// Options understood (value layouts):
//   1 Holdtime, length 2:           | Hold Time (16, seconds; 0 = goodbye, 0xffff = never expire) |
//   2 LAN Prune Delay, length 4:    |T| Propagation_Delay (15, ms) | Override_Interval (16, ms) |
//  19 DR Priority, length 4:        | DR Priority (32) |
//  20 Generation ID, length 4:      | Generation ID (32) |
//  21 State Refresh Capable (RFC 3973 4.7.5), length 4: | Version (8) = 1 | Interval (8, s) | Reserved (16) |
//  24 Address List, length 6*n:     | Secondary Address 1 (Encoded-Unicast) | ... |
//
// Decoding policy:
//  - An option whose Option Length runs past the end of the message is an error (kTruncated); so is a
//  trailing
//    fragment shorter than an option header (1..3 bytes).
//  - Unknown option types are never rejected: they are kept, in order, as raw (type, value) in
//  unknown_options.
//  - A KNOWN option with the wrong length (or an Address List entry that is not an IPv4 native encoding) is
//    IGNORED AND NOTED: it does not set its field, and its raw (type, value) goes to malformed_options, so
//    the caller can count/log it. Rationale: RFC 7761 4.9.2 requires ignoring what is not understood, and
//    dropping the whole Hello would tear down a neighbour over one odd option; missing options take their
//    defaults (Hello_Holdtime, DR priority 1 "not present", ...), which is what the state machines already
//    handle.
//  - A known option that appears a second time is noted the same way (the first occurrence wins).
//  - An empty Address List option (length 0) decodes as an empty list.
// Encoding: options in the stable order 1, 2, 19, 20, 21, 24, then unknown_options in their order;
// malformed_options are never sent. FRR sends 1,2,19,20,24 and pimd 1,19,20, so re-encoding their Hellos
// reproduces their bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/core/byte_writer.hpp"
#include "common/core/ip.hpp"
#include "common/packet/decode_error.hpp"

namespace fanout::packet {

enum class HelloOptionType : uint16_t {
    kHoldtime = 1,
    kLanPruneDelay = 2,
    kDrPriority = 19,
    kGenerationId = 20,
    kStateRefreshCapable = 21,
    kAddressList = 24,
};

struct LanPruneDelay {
    bool tracking_support = false;      // T: join suppression may be disabled
    uint16_t propagation_delay_ms = 0;  // 15 bits
    uint16_t override_interval_ms = 0;
    constexpr auto operator<=>(const LanPruneDelay&) const = default;
};

struct StateRefreshCapable {
    uint8_t version = 1;
    uint8_t interval_s = 0;
    uint16_t reserved = 0;
    constexpr auto operator<=>(const StateRefreshCapable&) const = default;
};

struct HelloRawOption {
    uint16_t type = 0;
    std::vector<uint8_t> value;
    auto operator<=>(const HelloRawOption&) const = default;
};

struct Hello {
    std::optional<uint16_t> holdtime_s;
    std::optional<LanPruneDelay> lan_prune_delay;
    std::optional<uint32_t> dr_priority;
    std::optional<uint32_t> generation_id;
    std::optional<StateRefreshCapable> state_refresh;
    std::vector<Ipv4Address> address_list;          // option 24 sent only when non-empty
    std::vector<HelloRawOption> unknown_options;    // decoded in order; encoded after the known ones
    std::vector<HelloRawOption> malformed_options;  // decode only: known options ignored (see above)
    bool operator==(const Hello&) const = default;
};

// A whole PIM message (header, checksum and type checked).
DecodeResult<Hello> decode_hello(std::span<const uint8_t> message);
// The bytes after the PIM header.
DecodeResult<Hello> decode_hello_body(std::span<const uint8_t> body);

// Appends a complete Hello message (header, options, checksum) to w.
void encode_hello(ByteWriter& w, const Hello& h);
std::vector<uint8_t> encode_hello(const Hello& h);

}  // namespace fanout::packet
