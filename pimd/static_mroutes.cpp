// Static kernel forwarding entries (see static_mroutes.hpp).
#include "pimd/static_mroutes.hpp"

#include "common/core/log.hpp"

namespace fanout::pimd {

namespace {
// TTL threshold of every static oif: forward everything that may be forwarded (TTL > 1).
constexpr uint8_t kStaticOifTtl = 1;
}  // namespace

bool StaticMroutes::configured(const SGKey& key) const {
    for (const auto& r : routes_)
        if (r.key() == key) return true;
    return false;
}

void StaticMroutes::remove(const SGKey& key) {
    if (mrt_.mfcs().count(key) != 0) {
        auto r = mrt_.del_mfc(key.source, key.group);
        if (!r) {
            ++counters_.failures;
            FANOUT_LOG_WARN("pimd: static mroute {}: {}", key.to_string(), r.error().message);
        } else {
            ++counters_.removals;
            FANOUT_LOG_INFO("pimd: static mroute {} removed", key.to_string());
        }
    }
    installed_.erase(key);
}

void StaticMroutes::sync(const VifResolver& vif_of) {
    std::vector<SGKey> gone;
    for (const SGKey& k : installed_)
        if (!configured(k)) gone.push_back(k);
    for (const SGKey& k : gone)
        remove(k);

    states_.clear();
    for (const StaticMroute& route : routes_) {
        StaticMrouteState st{route, false, vif_of(route.iif), {}, {}};
        sys::MfcEntry want;
        want.source = route.source;
        want.group = route.group;
        for (const std::string& o : route.oifs) {
            auto v = vif_of(o);
            if (v && (!st.iif_vif || *v != *st.iif_vif))
                want.oifs[*v] = kStaticOifTtl;
            else
                st.missing_oifs.push_back(o);
        }
        if (!st.iif_vif) {
            st.error = "waiting for a VIF on iif " + route.iif;
            if (installed_.count(route.key())) remove(route.key());
            states_.push_back(std::move(st));
            continue;
        }
        want.iif = *st.iif_vif;
        auto have = mrt_.mfcs().find(route.key());
        bool present = have != mrt_.mfcs().end();
        if (!present || !(have->second == want)) {
            auto r = mrt_.add_mfc(want);
            if (!r) {
                ++counters_.failures;
                st.error = r.error().message;
                FANOUT_LOG_WARN("pimd: static mroute {}: {}", route.key().to_string(), st.error);
                states_.push_back(std::move(st));
                continue;
            }
            ++(present ? counters_.updates : counters_.installs);
            FANOUT_LOG_INFO("pimd: static mroute {} iif VIF {} with {} oif(s) {}", route.key().to_string(),
                            want.iif, want.oifs.size(), present ? "updated" : "installed");
        }
        installed_.insert(route.key());
        st.installed = true;
        states_.push_back(std::move(st));
    }
}

void StaticMroutes::remove_all() {
    std::vector<SGKey> keys(installed_.begin(), installed_.end());
    for (const SGKey& k : keys)
        remove(k);
    for (auto& st : states_) {
        st.installed = false;
        st.error = "removed";
    }
}

}  // namespace fanout::pimd
