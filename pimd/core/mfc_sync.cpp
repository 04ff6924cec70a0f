// Desired vs installed MFC entries, applied as a budgeted diff. See mfc_sync.hpp.
#include "pimd/core/mfc_sync.hpp"

#include <vector>

namespace fanout::pim {

void MfcSync::mark_dirty(const SGKey& key) {
    if (dirty_.insert(key).second) dirty_queue_.push_back(key);
}

void MfcSync::set_desired(const MfcEntry& entry) {
    auto key = entry.key();
    desired_.insert_or_assign(key, entry);
    mark_dirty(key);
}

void MfcSync::remove_desired(const SGKey& key) {
    if (desired_.erase(key) > 0 || installed_.count(key)) mark_dirty(key);
}

void MfcSync::vif_removed(int vif) {
    if (vif < 0 || vif >= kMaxVifs) return;
    auto bit = static_cast<size_t>(vif);
    for (auto& [key, e] : desired_)
        if (e.oifs.test(bit)) e.clear_oif(vif);
    for (const auto& [key, e] : installed_) {
        if (!e.oifs.test(bit)) continue;
        ++counters_.vif_clears;
        mark_dirty(key);
    }
}

void MfcSync::forget_installed() {
    installed_.clear();
    renew_.clear();
    for (const auto& [key, e] : desired_)
        mark_dirty(key);
}

size_t MfcSync::clear_installed(std::optional<Ipv4Address> group) {
    ++counters_.clears;
    std::vector<SGKey> keys;
    for (const auto& [key, e] : installed_)
        if (!group || key.group == *group) keys.push_back(key);
    for (const auto& key : keys) {
        auto it = installed_.find(key);
        actions_.mfc_del(MfcDel{key.source, key.group, it->second.iif_vif});
        installed_.erase(it);
        if (desired_.count(key)) mark_dirty(key);
    }
    counters_.cleared += keys.size();
    return keys.size();
}

void MfcSync::renew(const SGKey& key) {
    if (!installed_.count(key)) return;
    renew_.insert(key);
    mark_dirty(key);
    expedite(std::span<const SGKey>(&key, 1));
}

bool MfcSync::reconcile(const SGKey& key) {
    auto want = desired_.find(key);
    auto have = installed_.find(key);
    if (renew_.erase(key) > 0 && have != installed_.end() && want != desired_.end()) {
        actions_.mfc_del(MfcDel{key.source, key.group, have->second.iif_vif});
        installed_.erase(have);
        have = installed_.end();
        ++counters_.renewals;
    }
    if (want == desired_.end()) {
        if (have == installed_.end()) return false;
        actions_.mfc_del(MfcDel{key.source, key.group, have->second.iif_vif});
        installed_.erase(have);
        ++counters_.deletes;
        return true;
    }
    if (have != installed_.end() && have->second == want->second) return false;
    actions_.mfc_set(want->second);
    if (have == installed_.end()) {
        installed_.emplace(key, want->second);
        ++counters_.adds;
    } else {
        have->second = want->second;
        ++counters_.updates;
    }
    return true;
}

void MfcSync::expedite(std::span<const SGKey> keys) {
    for (auto it = keys.rbegin(); it != keys.rend(); ++it)
        if (dirty_.count(*it)) expedited_.push_front(*it);
}

// Each expedited key is an answer the kernel is waiting for with packets queued, and while it waits every
// packet of a new (S,G) walks past it (mfc_sync.hpp). Their number is bounded by what one input can ask for
// (pimd hands the core its upcalls in chunks of 32, upcall_backlog.hpp), so they are never budgeted.
void MfcSync::flush_expedited() {
    while (!expedited_.empty()) {
        SGKey key = expedited_.front();
        expedited_.pop_front();
        if (dirty_.erase(key) > 0) reconcile(key);
    }
    if (dirty_.empty()) dirty_queue_.clear();
}

size_t MfcSync::flush(size_t budget) {
    flush_expedited();
    size_t calls = 0;
    while (calls < budget && !dirty_queue_.empty()) {
        SGKey key = dirty_queue_.front();
        dirty_queue_.pop_front();
        if (dirty_.erase(key) == 0) continue;  // reconciled earlier through the expedited queue
        if (reconcile(key)) ++calls;
    }
    if (dirty_.empty())
        dirty_queue_.clear();
    else
        ++counters_.deferred;
    return dirty_.size();
}

const MfcEntry* MfcSync::desired(const SGKey& key) const {
    auto it = desired_.find(key);
    return it == desired_.end() ? nullptr : &it->second;
}

const MfcEntry* MfcSync::installed(const SGKey& key) const {
    auto it = installed_.find(key);
    return it == installed_.end() ? nullptr : &it->second;
}

}  // namespace fanout::pim
