// Blocking one-shot client of a daemon's status socket (common/sys/status_protocol.md): used by the `fanout`
// CLI and by tests. Connects, writes one request line, reads the reply to EOF, all within a deadline.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/core/clock.hpp"
#include "common/core/result.hpp"

namespace fanout::sys {

struct StatusReply {
    bool ok = false;
    std::string format;   // "json" or "text" when ok
    nlohmann::json data;  // format "json"
    std::string text;     // format "text"
    std::string error;    // when !ok: the daemon's reason
    nlohmann::json raw;   // the whole reply object
};

struct StatusRequestOptions {
    std::string format = "json";
    Duration timeout = 5s;
    size_t max_reply = 256u * 1024 * 1024;
    // Named in the connect error ("pimd is not running ..."); derived from the socket file name when empty.
    std::string daemon;
};

// Sends argv to the daemon at socket_path. The Result's error is a transport problem (not running, timeout,
// malformed reply), e.g. "pimd is not running (cannot connect to /run/fanout/pimd.sock: No such file or
// directory)"; a command the daemon refused is a StatusReply with ok=false.
Result<StatusReply, std::string> status_request(const std::string& socket_path,
                                                const std::vector<std::string>& argv,
                                                const StatusRequestOptions& options = {});

}  // namespace fanout::sys
