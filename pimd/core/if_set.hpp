// IfSet: a set of interface indexes, the "olist" of the RFC 7761 4.1.6 macros (macros.hpp).
//
// The macros build and combine many small sets per (S,G) evaluation (a new source costs dozens of them). A
// router has at most MAXVIFS (32) multicast interfaces, so the elements live sorted in place: no allocation
// up to kInline elements, a heap array beyond (a set is never wrong, only slower, past that). Iteration is in
// ascending order, as std::set<int>'s was.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <utility>

namespace fanout::pim {

class IfSet {
  public:
    using value_type = int;
    using size_type = size_t;
    using const_iterator = const int*;
    using iterator = const_iterator;

    static constexpr size_t kInline = 16;

    IfSet() = default;
    IfSet(std::initializer_list<int> values) {
        for (int v : values)
            insert(v);
    }
    IfSet(const IfSet& o) { assign(o); }
    IfSet& operator=(const IfSet& o) {
        if (this != &o) {
            size_ = 0;
            assign(o);
        }
        return *this;
    }
    IfSet(IfSet&& o) noexcept { take(std::move(o)); }
    IfSet& operator=(IfSet&& o) noexcept {
        if (this != &o) {
            heap_.reset();
            capacity_ = kInline;
            take(std::move(o));
        }
        return *this;
    }
    ~IfSet() = default;

    const_iterator begin() const { return data(); }
    const_iterator end() const { return data() + size_; }
    bool empty() const { return size_ == 0; }
    size_t size() const { return size_; }
    void clear() { size_ = 0; }

    bool contains(int v) const { return std::binary_search(begin(), end(), v); }
    size_t count(int v) const { return contains(v) ? 1 : 0; }

    // std::set-like: the position of v and whether it was added.
    std::pair<const_iterator, bool> insert(int v) {
        int* d = data();
        int* at = std::lower_bound(d, d + size_, v);
        const auto pos = static_cast<size_t>(at - d);
        if (at != d + size_ && *at == v) return {at, false};
        if (size_ == capacity_) grow();
        d = data();
        std::move_backward(d + pos, d + size_, d + size_ + 1);
        d[pos] = v;
        ++size_;
        return {d + pos, true};
    }
    size_t erase(int v) {
        int* d = data();
        int* at = std::lower_bound(d, d + size_, v);
        if (at == d + size_ || *at != v) return 0;
        std::move(at + 1, d + size_, at);
        --size_;
        return 1;
    }

    // (+) and (-) of the RFC's set notation.
    friend IfSet operator+(const IfSet& a, const IfSet& b) {
        IfSet out;
        out.reserve(a.size_ + b.size_);
        int* o = out.data();
        out.size_ = static_cast<uint32_t>(std::set_union(a.begin(), a.end(), b.begin(), b.end(), o) - o);
        return out;
    }
    friend IfSet operator-(const IfSet& a, const IfSet& b) {
        IfSet out;
        out.reserve(a.size_);
        int* o = out.data();
        out.size_ = static_cast<uint32_t>(std::set_difference(a.begin(), a.end(), b.begin(), b.end(), o) - o);
        return out;
    }

    friend bool operator==(const IfSet& a, const IfSet& b) {
        return std::equal(a.begin(), a.end(), b.begin(), b.end());
    }

  private:
    int* data() { return heap_ ? heap_.get() : inline_.data(); }
    const int* data() const { return heap_ ? heap_.get() : inline_.data(); }
    void reserve(size_t n) {
        while (capacity_ < n)
            grow();
    }
    void grow() {
        const uint32_t cap = capacity_ * 2;
        auto bigger = std::make_unique<int[]>(cap);
        std::copy(begin(), end(), bigger.get());
        heap_ = std::move(bigger);
        capacity_ = cap;
    }
    void assign(const IfSet& o) {
        reserve(o.size_);
        std::copy(o.begin(), o.end(), data());
        size_ = o.size_;
    }
    void take(IfSet&& o) {
        if (o.heap_) {
            heap_ = std::move(o.heap_);
            capacity_ = o.capacity_;
        } else {
            std::copy(o.begin(), o.end(), inline_.data());
        }
        size_ = o.size_;
        o.size_ = 0;
        o.capacity_ = kInline;
    }

    std::array<int, kInline> inline_{};
    std::unique_ptr<int[]> heap_;
    uint32_t size_ = 0;
    uint32_t capacity_ = kInline;
};

}  // namespace fanout::pim
