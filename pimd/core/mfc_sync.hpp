// Kernel forwarding state as a diff (shared/ARCHITECTURE.md: "After any event, recompute the desired
// forwarding entry and diff it against what the kernel has: program only the difference. Large fan-out is
// spread over several loop turns"; shared/LINUX-MROUTE.md "MFC entries").
//
// The TIB states what it wants per (S,G) with set_desired / remove_desired; MfcSync remembers what it has
// installed (the kernel's MFC dump is quadratic: never read it back) and flush(budget) emits at most `budget`
// PimActions::mfc_set / mfc_del calls, in the order the keys became dirty, and returns how many keys still
// wait. The wiring calls flush again on a later loop turn (defer) while work remains.
//  - A key set and reset before a flush costs nothing; a desired entry equal to the installed one costs
//    nothing.
//  - MRT_ADD_MFC updates in place, so a change is one mfc_set (no delete first).
//  - A negative entry (no oifs) is a valid desired state: it resolves the (S,G) and drops its traffic.
//  - vif_removed(v): the kernel keeps the index of a deleted VIF inside its MFC entries and revives those
//  oifs
//    when the index is re-added, so every entry using v as an oif is re-programmed without it (and v is
//    dropped from the desired entries). Entries whose iif is v are left to the TIB, which recomputes RPF.
//  - forget_installed(): the kernel table was flushed (MRT_INIT after a restart): reinstall everything.
//  - clear_installed([G]): the operator's `clear ip mroute [G]`: every installed entry (of G) is deleted from
//    the kernel at once (its packet counters go with it) and the desired ones are installed again on the next
//    flush.
//  - renew(key): the installed entry is deleted and added again on the next flush (a fresh kernel entry: the
//    kernel rate-limits WRONGVIF upcalls per entry, once in 3 s, and only a new entry starts that afresh).
//  - expedite(keys): these dirty keys are reconciled by the next flush, whatever its budget, before all
//    others and in the order given (ahead of keys expedited earlier). The kernel keeps its unresolved (S,G)
//    (those waiting for an answer to a NOCACHE upcall) in a list that it walks from the newest entry for
//    every MRT_ADD_MFC and for every packet of an unknown (S,G) (shared/LINUX-MROUTE.md): answering the
//    newest upcalls first finds each entry near the head of that list instead of behind every entry that
//    arrived after it, which keeps a burst of new sources linear instead of quadratic.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include "common/core/ip.hpp"
#include "pimd/core/pim_actions.hpp"

namespace fanout::pim {

struct MfcSyncCounters {
    uint64_t adds = 0;        // mfc_set of an (S,G) not installed
    uint64_t updates = 0;     // mfc_set of an installed (S,G) (in-place update)
    uint64_t deletes = 0;     // mfc_del
    uint64_t deferred = 0;    // flush() calls that ran out of budget with work left
    uint64_t vif_clears = 0;  // entries re-programmed because a VIF went away
    uint64_t clears = 0;      // clear_installed() calls (`clear ip mroute [G]`)
    uint64_t cleared = 0;     // installed entries those calls deleted
    uint64_t renewals = 0;    // installed entries deleted and added again (renew())
    bool operator==(const MfcSyncCounters&) const = default;
};

class MfcSync {
  public:
    explicit MfcSync(PimActions& actions) : actions_(actions) {}

    // The kernel should hold `entry` for entry.key().
    void set_desired(const MfcEntry& entry);
    // The kernel should hold nothing for key.
    void remove_desired(const SGKey& key);
    // VIF index v was deleted (see the top comment).
    void vif_removed(int vif);
    // The kernel lost every entry: everything desired is installed again on the next flushes.
    void forget_installed();
    // Deletes every installed entry (of group, when set) now; the desired ones are reinstalled by the next
    // flushes. Returns the number of entries deleted.
    size_t clear_installed(std::optional<Ipv4Address> group);

    // The installed entry for key is deleted and added again by the next flush, ahead of the other keys.
    void renew(const SGKey& key);

    // Reconciles these keys (those that are dirty) first, in this order, before keys expedited earlier (see
    // the top comment).
    void expedite(std::span<const SGKey> keys);

    // Reconciles every expedited key, then emits at most `budget` more kernel calls; returns the number of
    // keys still to reconcile (0: in sync).
    size_t flush(size_t budget);
    // Reconciles the expedited keys only (every one of them), leaving the other dirty keys to flush().
    void flush_expedited();
    size_t pending() const { return dirty_.size(); }

    const MfcEntry* desired(const SGKey& key) const;
    const MfcEntry* installed(const SGKey& key) const;
    size_t desired_count() const { return desired_.size(); }
    size_t installed_count() const { return installed_.size(); }
    const MfcSyncCounters& counters() const { return counters_; }

  private:
    void mark_dirty(const SGKey& key);
    // Reconciles one key; true when it made a kernel call.
    bool reconcile(const SGKey& key);

    PimActions& actions_;
    std::unordered_map<SGKey, MfcEntry> desired_;
    std::unordered_map<SGKey, MfcEntry> installed_;
    std::deque<SGKey> dirty_queue_;
    std::deque<SGKey> expedited_;  // drained before dirty_queue_; a key may be in both (dirty_ decides)
    std::unordered_set<SGKey> dirty_;
    std::unordered_set<SGKey> renew_;  // installed keys to delete before they are set again
    MfcSyncCounters counters_;
};

}  // namespace fanout::pim
