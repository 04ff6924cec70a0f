// Randomness for protocol cores (hello jitter, generation IDs, register-stop randomisation), injected so that
// tests are deterministic.
#pragma once

#include <cstdint>
#include <random>

#include "common/core/clock.hpp"

namespace fanout {

class Random {
  public:
    virtual ~Random() = default;
    virtual uint32_t next_u32() = 0;
    // Uniform in [lo, hi] (inclusive).
    uint32_t uniform(uint32_t lo, uint32_t hi) {
        if (hi <= lo) return lo;
        uint64_t span = uint64_t{hi} - lo + 1;
        return lo + static_cast<uint32_t>(next_u32() % span);
    }
    // Uniform duration in [lo, hi].
    Duration uniform(Duration lo, Duration hi) {
        if (hi <= lo) return lo;
        auto span = static_cast<uint64_t>((hi - lo).count());
        uint64_t r = (uint64_t{next_u32()} << 32) | next_u32();
        return lo + Duration(static_cast<Duration::rep>(r % (span + 1)));
    }
};

// Seeded Mersenne twister: deterministic with a fixed seed (tests), or seeded from std::random_device.
class SeededRandom final : public Random {
  public:
    explicit SeededRandom(uint32_t seed) : gen_(seed) {}
    static SeededRandom from_entropy() { return SeededRandom(std::random_device{}()); }
    uint32_t next_u32() override { return static_cast<uint32_t>(gen_()); }

  private:
    std::mt19937 gen_;
};

}  // namespace fanout
