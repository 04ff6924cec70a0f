// Dropping privileges when started as root (libcap).
//
// Choice: the daemons stay uid 0 and keep only the capabilities they use, in the permitted and effective
// sets, and drop every other one from the bounding set (so no later execve can regain them); the inheritable
// and ambient sets are cleared and no_new_privs is set. Staying uid 0 (rather than setuid to a service user)
// keeps the files they create (pid file, sockets in /run/fanout) owned by and removable by the same uid, and
// lets a reload read a root-owned 0600 configuration without CAP_DAC_OVERRIDE. The kept set:
//   CAP_NET_ADMIN         the multicast routing socket (MRT_INIT, VIFs, MFC), netlink changes
//   CAP_NET_RAW           raw IGMP/PIM sockets
//   CAP_NET_BIND_SERVICE  MSDP listens on TCP port 639 (< 1024)
#pragma once

#include <string>
#include <vector>

#include "common/core/result.hpp"

namespace fanout::sys {

// Capability numbers (linux/capability.h values), to keep <sys/capability.h> out of this header.
std::vector<int> default_daemon_capabilities();

// Keeps only `keep` when running with euid 0 (a no-op otherwise). Errors name the failing step.
Result<Unit, std::string> drop_capabilities(const std::vector<int>& keep);

// "cap_net_admin,cap_net_raw+ep"-style text of the current process's capabilities (for logs and tests).
std::string current_capabilities_text();

}  // namespace fanout::sys
