// Adapter from the Assert subsystem (assert.hpp, RFC 7761 4.6) to the AssertQuery interface the 4.1.6 / 4.6.5
// macros read (macros.hpp): AssertWinner(S,G,I), AssertWinner(*,G,I), "AssertWinnerMetric(S,G,I) is better
// than spt_assert_metric(S,I)" (lost_assert(S,G,I)) and I_Am_Assert_Loser. SparseMode plugs it in with
// set_asserts(&view).
#pragma once

#include "pimd/core/assert.hpp"
#include "pimd/core/macros.hpp"

namespace fanout::pim {

class AssertQueryView final : public AssertQuery {
  public:
    explicit AssertQueryView(const Assert& a) : a_(a) {}

    AssertWinner assert_winner(const SGKey& sg, int ifindex) const override {
        if (a_.state(sg, ifindex) == AssertState::kNoInfo) return {};
        return winner(a_.state(sg, ifindex), a_.assert_winner(sg, ifindex));
    }
    AssertWinner assert_winner_star_g(Ipv4Address group, int ifindex) const override {
        StarGKey g{group};
        if (a_.state(g, ifindex) == AssertState::kNoInfo) return {};
        return winner(a_.state(g, ifindex), a_.assert_winner(g, ifindex));
    }
    bool winner_metric_better_than_spt(const SGKey& sg, int ifindex) const override {
        return a_.winner_metric_better_than_spt(sg, ifindex);
    }
    bool i_am_assert_loser(const SGKey& sg, int ifindex) const override {
        return a_.i_am_assert_loser(sg, ifindex);
    }
    bool i_am_assert_loser_star_g(Ipv4Address group, int ifindex) const override {
        return a_.i_am_assert_loser(StarGKey{group}, ifindex);
    }

  private:
    static AssertWinner winner(AssertState s, std::optional<Ipv4Address> addr) {
        AssertWinner w;
        w.kind = s == AssertState::kWinner ? AssertWinner::Kind::kMe : AssertWinner::Kind::kOther;
        w.address = addr.value_or(Ipv4Address{});
        return w;
    }
    const Assert& a_;
};

}  // namespace fanout::pim
