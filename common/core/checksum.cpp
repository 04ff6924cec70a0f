#include "common/core/checksum.hpp"

namespace fanout {

void ChecksumAccumulator::add(std::span<const uint8_t> data) {
    size_t i = 0;
    if (odd_ && !data.empty()) {
        sum_ += data[0];  // low byte of the pending 16-bit word
        i = 1;
        odd_ = false;
    }
    for (; i + 1 < data.size(); i += 2)
        sum_ += (uint32_t{data[i]} << 8) | data[i + 1];
    if (i < data.size()) {
        sum_ += uint32_t{data[i]} << 8;
        odd_ = true;
    }
}

void ChecksumAccumulator::add_u16(uint16_t v) {
    const uint8_t b[2] = {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
    add(b);
}

uint16_t ChecksumAccumulator::finish() const {
    uint64_t s = sum_;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return static_cast<uint16_t>(~s & 0xffff);
}

uint16_t internet_checksum(std::span<const uint8_t> data) {
    ChecksumAccumulator acc;
    acc.add(data);
    return acc.finish();
}

}  // namespace fanout
