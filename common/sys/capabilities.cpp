#include "common/sys/capabilities.hpp"

#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace fanout::sys {

std::vector<int> default_daemon_capabilities() {
    return {CAP_NET_ADMIN, CAP_NET_RAW, CAP_NET_BIND_SERVICE};
}

Result<Unit, std::string> drop_capabilities(const std::vector<int>& keep) {
    if (::geteuid() != 0) return Unit{};
    auto kept = [&](int c) { return std::find(keep.begin(), keep.end(), c) != keep.end(); };
    // The bounding set first: dropping from it needs CAP_SETPCAP, which goes next.
    for (int c = 0; c <= CAP_LAST_CAP; ++c) {
        if (kept(c) || !CAP_IS_SUPPORTED(c)) continue;
        if (cap_drop_bound(static_cast<cap_value_t>(c)) != 0)
            return make_err("cannot drop capability " + std::to_string(c) +
                            " from the bounding set: " + std::strerror(errno));
    }
    if (cap_reset_ambient() != 0 && errno != EINVAL)
        return make_err(std::string("cannot clear ambient capabilities: ") + std::strerror(errno));
    cap_t caps = cap_init();  // all clear
    if (!caps) return make_err(std::string("cap_init: ") + std::strerror(errno));
    std::vector<cap_value_t> values(keep.begin(), keep.end());
    bool ok =
        values.empty() ||
        (cap_set_flag(caps, CAP_PERMITTED, static_cast<int>(values.size()), values.data(), CAP_SET) == 0 &&
         cap_set_flag(caps, CAP_EFFECTIVE, static_cast<int>(values.size()), values.data(), CAP_SET) == 0);
    ok = ok && cap_set_proc(caps) == 0;
    int err = errno;
    cap_free(caps);
    if (!ok) return make_err(std::string("cannot set process capabilities: ") + std::strerror(err));
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return make_err(std::string("cannot set no_new_privs: ") + std::strerror(errno));
    return Unit{};
}

std::string current_capabilities_text() {
    cap_t caps = cap_get_proc();
    if (!caps) return "?";
    char* text = cap_to_text(caps, nullptr);
    std::string out = text ? text : "?";
    cap_free(text);
    cap_free(caps);
    return out;
}

}  // namespace fanout::sys
