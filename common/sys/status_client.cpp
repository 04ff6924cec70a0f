#include "common/sys/status_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "common/sys/unix_socket.hpp"

namespace fanout::sys {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Waits for events on fd until the deadline; false on timeout or error.
bool wait_for(int fd, short events, SteadyClock::time_point deadline) {
    for (;;) {
        auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
        if (left <= 0) return false;
        struct pollfd p {
            fd, events, 0
        };
        int r = ::poll(&p, 1, static_cast<int>(left));
        if (r > 0) return true;
        if (r < 0 && errno != EINTR) return false;
    }
}

std::string daemon_name(const std::string& path, const std::string& given) {
    if (!given.empty()) return given;
    std::string stem = std::filesystem::path(path).stem().string();
    return stem.empty() ? "the daemon" : stem;
}

Result<StatusReply, std::string> parse_reply(const std::string& in) {
    auto line = in;
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.pop_back();
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("ok") || !j["ok"].is_boolean())
        return make_err(std::string("malformed reply from the daemon"));
    StatusReply r;
    r.ok = j["ok"].get<bool>();
    if (r.ok) {
        r.format = j.value("format", "json");
        if (auto d = j.find("data"); d != j.end()) r.data = *d;
        if (auto t = j.find("text"); t != j.end() && t->is_string()) r.text = t->get<std::string>();
    } else {
        r.error = j.value("error", "unknown error");
    }
    r.raw = std::move(j);
    return r;
}

}  // namespace

Result<StatusReply, std::string> status_request(const std::string& path, const std::vector<std::string>& argv,
                                                const StatusRequestOptions& o) {
    auto deadline = SteadyClock::now() + std::chrono::duration_cast<SteadyClock::duration>(o.timeout);
    const std::string name = daemon_name(path, o.daemon);
    auto conn = connect_unix(path, true);
    if (!conn.ok()) return make_err(name + " is not running (" + conn.error() + ")");
    int fd = conn.value().get();

    std::string req = nlohmann::json{{"argv", argv}, {"format", o.format}}.dump() + "\n";
    size_t off = 0;
    while (off < req.size()) {
        ssize_t n = ::send(fd, req.data() + off, req.size() - off, MSG_NOSIGNAL);
        if (n > 0) {
            off += static_cast<size_t>(n);
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!wait_for(fd, POLLOUT, deadline)) return make_err("timed out sending the request to " + name);
        } else if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) {
            break;  // the server closed early: it may still have left a reply (e.g. "too many connections")
        } else if (n < 0 && errno != EINTR) {
            return make_err("cannot send the request to " + name + ": " + std::strerror(errno));
        }
    }
    std::string in;
    char buf[65536];
    for (;;) {
        ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
        if (n > 0) {
            in.append(buf, static_cast<size_t>(n));
            if (in.size() > o.max_reply) return make_err("reply from " + name + " too large");
        } else if (n == 0) {
            break;
        } else if (errno == ECONNRESET && !in.empty()) {
            break;  // a server that refused us (too many connections) closed with our request unread
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (!wait_for(fd, POLLIN, deadline))
                return make_err("timed out waiting for " + name + " to reply");
        } else if (errno != EINTR) {
            return make_err("cannot read the reply from " + name + ": " + std::strerror(errno));
        }
    }
    if (in.empty()) return make_err(name + " closed the connection without a reply");
    return parse_reply(in);
}

}  // namespace fanout::sys
