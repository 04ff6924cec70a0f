// libFuzzer target for the Bootstrap, C-RP-Advertisement (RFC 5059) and State Refresh (RFC 3973) codecs. The
// first input byte is the PIM header's Reserved byte (Bootstrap N bit), the rest a message body, which each
// body decoder tries in turn (a fuzzer rarely finds valid checksums, so the whole-message decoders only see
// the raw input). Properties (abort on violation): whatever decodes re-encodes into a message with a valid
// checksum that decodes to the same value; a decoded RP-set split into fragments reassembles to the same RPs.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "common/packet/pim_bootstrap.hpp"
#include "common/packet/pim_state_refresh.hpp"

using namespace fanout::packet;

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

void check_fragments(const PimBootstrap& bsm, size_t limit) {
    std::vector<BootstrapRp> want, got;
    for (const auto& g : bsm.groups)
        want.insert(want.end(), g.rps.begin(), g.rps.end());
    for (const auto& f : encode_pim_bootstrap_fragments(bsm, limit)) {
        check(f.size() <= std::max<size_t>(limit, kBootstrapFixedSize + kBootstrapGroupHeaderSize +
                                                      kBootstrapRpEntrySize));
        auto d = decode_pim_bootstrap(f);
        check(d.ok());
        check(d->fragment_tag == bsm.fragment_tag && d->bsr == bsm.bsr);
        for (const auto& g : d->groups)
            got.insert(got.end(), g.rps.begin(), g.rps.end());
    }
    check(got == want);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::span<const uint8_t> input(data, size);
    (void)decode_pim_bootstrap(input);
    (void)decode_pim_crp_adv(input);
    (void)decode_pim_state_refresh(input);
    if (size == 0) return 0;
    const uint8_t flags = data[0];
    const auto body = input.subspan(1);

    if (auto b = decode_pim_bootstrap_body(body, flags); b.ok()) {
        auto again = decode_pim_bootstrap(encode_pim_bootstrap(b.value()));
        check(again.ok());
        check(again.value() == b.value());
        check_fragments(b.value(), 36 + size_t{flags} * 6);
    }
    if (auto c = decode_pim_crp_adv_body(body); c.ok()) {
        auto again = decode_pim_crp_adv(encode_pim_crp_adv(c.value()));
        check(again.ok());
        check(again.value() == c.value());
    }
    if (auto s = decode_pim_state_refresh_body(body); s.ok()) {
        auto again = decode_pim_state_refresh(encode_pim_state_refresh(s.value()));
        check(again.ok());
        check(again.value() == s.value());
    }
    return 0;
}
