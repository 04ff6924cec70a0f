// MSDP-learned sources in PIM-SM (RFC 3618 section 6: "if the RP has (*,G) state ... it creates (S,G) state
// for the source and joins toward S"; RFC 7761 4.5.5 JoinDesired(S,G) = immediate_olist(S,G) != NULL OR
// (KeepaliveTimer(S,G) running AND inherited_olist(S,G) != NULL)). The MSDP service (pimd/msdp_service.hpp)
// calls this for every cached SA whose group has (*,G) receivers.
#include "pimd/core/sparse_mode.hpp"

namespace fanout::pim {

void SparseMode::msdp_sa_learned(const SGKey& sg, bool active) {
    if (!sg.group.is_multicast() || sg.group.is_link_local_multicast() || !sg.source.is_unicast() ||
        is_ssm(sg.group))
        return;
    if (active) {
        SGEntry* e = sg_entry(sg);
        if (!e) return;
        e->flags.msdp_learned = true;  // M
        restart_keepalive(*e);
    } else {
        SGEntry* e = tib_.find(sg);
        if (!e) return;
        e->flags.msdp_learned = false;
    }
    // This source only: 10,000 cached SAs of 100 groups would otherwise re-evaluate each group 100 times.
    recompute_source(sg);
    finish();
}

}  // namespace fanout::pim
