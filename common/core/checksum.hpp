// RFC 1071 Internet checksum (IPv4 header, IGMP, PIM).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace fanout {

// Accumulates 16-bit one's complement sums over several pieces (odd-length pieces are handled as if the
// pieces were concatenated).
class ChecksumAccumulator {
  public:
    void add(std::span<const uint8_t> data);
    void add_u16(uint16_t v);
    // The checksum to put in the header field.
    uint16_t finish() const;

  private:
    uint64_t sum_ = 0;
    bool odd_ = false;
};

uint16_t internet_checksum(std::span<const uint8_t> data);

// True when data (which contains its checksum field) sums to 0xffff, i.e. the checksum is right.
inline bool internet_checksum_ok(std::span<const uint8_t> data) {
    return internet_checksum(data) == 0;
}

}  // namespace fanout
