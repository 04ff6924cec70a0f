// Big-endian writer into a growable buffer, with back-patching of lengths and checksums written later.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/core/ip.hpp"

namespace fanout {

class ByteWriter {
  public:
    ByteWriter() = default;
    explicit ByteWriter(size_t reserve) { buf_.reserve(reserve); }

    void u8(uint8_t v) { buf_.push_back(v); }
    void u16(uint16_t v) {
        buf_.push_back(static_cast<uint8_t>(v >> 8));
        buf_.push_back(static_cast<uint8_t>(v));
    }
    void u32(uint32_t v) {
        u16(static_cast<uint16_t>(v >> 16));
        u16(static_cast<uint16_t>(v));
    }
    void u64(uint64_t v) {
        u32(static_cast<uint32_t>(v >> 32));
        u32(static_cast<uint32_t>(v));
    }
    void ipv4(Ipv4Address a) { u32(a.value()); }
    void bytes(std::span<const uint8_t> b) { buf_.insert(buf_.end(), b.begin(), b.end()); }
    void zeros(size_t n) { buf_.insert(buf_.end(), n, 0); }

    // Reserve room for a value that is known only later; returns its offset.
    size_t placeholder_u8() {
        u8(0);
        return buf_.size() - 1;
    }
    size_t placeholder_u16() {
        u16(0);
        return buf_.size() - 2;
    }
    size_t placeholder_u32() {
        u32(0);
        return buf_.size() - 4;
    }
    void patch_u8(size_t at, uint8_t v) { buf_.at(at) = v; }
    void patch_u16(size_t at, uint16_t v) {
        buf_.at(at) = static_cast<uint8_t>(v >> 8);
        buf_.at(at + 1) = static_cast<uint8_t>(v);
    }
    void patch_u32(size_t at, uint32_t v) {
        patch_u16(at, static_cast<uint16_t>(v >> 16));
        patch_u16(at + 2, static_cast<uint16_t>(v));
    }

    size_t size() const { return buf_.size(); }
    std::span<const uint8_t> view() const { return buf_; }
    std::span<const uint8_t> view(size_t from) const { return std::span<const uint8_t>(buf_).subspan(from); }
    std::span<const uint8_t> view(size_t from, size_t len) const {
        return std::span<const uint8_t>(buf_).subspan(from, len);
    }
    const std::vector<uint8_t>& buffer() const { return buf_; }
    std::vector<uint8_t> take() { return std::move(buf_); }

  private:
    std::vector<uint8_t> buf_;
};

}  // namespace fanout
