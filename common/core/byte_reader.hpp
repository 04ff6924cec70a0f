// Bounds-checked big-endian reader. It never reads past the end and never throws: a read that does not fit
// marks the reader failed, returns zero, and every later read fails too. Decoders read freely and check ok()
// (or use the need() guard) at decision points.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "common/core/ip.hpp"

namespace fanout {

class ByteReader {
  public:
    ByteReader() = default;
    explicit ByteReader(std::span<const uint8_t> data) : data_(data) {}

    bool ok() const { return ok_; }
    size_t offset() const { return pos_; }
    size_t size() const { return data_.size(); }
    size_t remaining() const { return ok_ ? data_.size() - pos_ : 0; }
    bool at_end() const { return remaining() == 0; }
    // True when n more bytes are available; otherwise marks the reader failed.
    bool need(size_t n) {
        if (!ok_ || data_.size() - pos_ < n) {
            ok_ = false;
            return false;
        }
        return true;
    }

    uint8_t u8() {
        if (!need(1)) return 0;
        return data_[pos_++];
    }
    uint16_t u16() {
        if (!need(2)) return 0;
        uint16_t v = static_cast<uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
        pos_ += 2;
        return v;
    }
    uint32_t u32() {
        if (!need(4)) return 0;
        uint32_t v = (uint32_t{data_[pos_]} << 24) | (uint32_t{data_[pos_ + 1]} << 16) |
                     (uint32_t{data_[pos_ + 2]} << 8) | uint32_t{data_[pos_ + 3]};
        pos_ += 4;
        return v;
    }
    uint64_t u64() {
        uint64_t hi = u32();
        return (hi << 32) | u32();
    }
    Ipv4Address ipv4() { return Ipv4Address(u32()); }
    // n bytes as a view into the input (empty on failure).
    std::span<const uint8_t> bytes(size_t n) {
        if (!need(n)) return {};
        auto s = data_.subspan(pos_, n);
        pos_ += n;
        return s;
    }
    // The rest of the input.
    std::span<const uint8_t> rest() { return bytes(remaining()); }
    void skip(size_t n) {
        if (need(n)) pos_ += n;
    }
    // A reader over the next n bytes; this reader moves past them.
    ByteReader sub(size_t n) {
        auto s = bytes(n);
        ByteReader r(s);
        if (!ok_) r.ok_ = false;
        return r;
    }
    // Look at a byte ahead without consuming it (0 and not failing if absent).
    uint8_t peek(size_t ahead = 0) const {
        return (ok_ && pos_ + ahead < data_.size()) ? data_[pos_ + ahead] : 0;
    }
    std::span<const uint8_t> data() const { return data_; }

  private:
    std::span<const uint8_t> data_;
    size_t pos_ = 0;
    bool ok_ = true;
};

}  // namespace fanout
