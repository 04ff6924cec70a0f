// Counts since a baseline, for `clear ... statistics` commands that clear for display only: the daemon's
// counters keep running (what `show metrics` reads: Prometheus counters never go down) and `show` subtracts
// the totals taken at the clear. A counter below its baseline was reset since the clear (its owner was made
// anew: a reload that recreated an MSDP peer, an interface that came back): it counts from that reset.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace fanout::sys {

inline uint64_t since(uint64_t now, uint64_t base) {
    return now >= base ? now - base : now;
}

// Keyed counters: each key of `now` minus its baseline; a key new since the clear counts from 0.
inline void since(std::map<std::string, uint64_t>& now, const std::map<std::string, uint64_t>& base) {
    for (auto& [k, v] : now)
        if (auto it = base.find(k); it != base.end()) v = since(v, it->second);
}

// Counters by reason (an array indexed by an enum): each entry minus its baseline.
template <size_t N>
void since(std::array<uint64_t, N>& now, const std::array<uint64_t, N>& base) {
    for (size_t i = 0; i < N; ++i)
        now[i] = since(now[i], base[i]);
}

// Each listed counter of `now` becomes its count since `base`.
template <typename Counters, typename... Field>
void since_fields(Counters& now, const Counters& base, Field Counters::*... fields) {
    ((now.*fields = since(now.*fields, base.*fields)), ...);
}

}  // namespace fanout::sys
