#include "common/sys/unix_socket.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/core/log.hpp"

namespace fanout::sys {
namespace {

bool make_address(const std::string& path, struct sockaddr_un& sa, socklen_t& len) {
    std::memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(sa.sun_path)) return false;
    std::memcpy(sa.sun_path, path.data(), path.size());
    len = static_cast<socklen_t>(offsetof(struct sockaddr_un, sun_path) + path.size() + 1);
    return true;
}

std::string errno_text(const std::string& what, const std::string& path, int err) {
    return what + " " + path + ": " + std::strerror(err);
}

// A socket file exists at path: remove it if nobody accepts connections on it.
Result<Unit, std::string> clear_stale(const std::string& path) {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return Unit{};
        return make_err(errno_text("cannot stat", path, errno));
    }
    if (!S_ISSOCK(st.st_mode)) return make_err(path + " exists and is not a socket");
    int err = 0;
    auto probe = connect_unix(path, false, &err);
    if (probe.ok()) return make_err("another process is listening on " + path);
    if (err != ECONNREFUSED && err != ENOENT)
        return make_err(errno_text("cannot probe existing socket", path, err));
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        return make_err(errno_text("cannot remove stale socket", path, errno));
    return Unit{};
}

}  // namespace

void UniqueFd::reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
}

bool set_nonblocking(int fd) {
    int fl = ::fcntl(fd, F_GETFL);
    return fl >= 0 && ::fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0;
}

Result<UniqueFd, std::string> connect_unix(const std::string& path, bool nonblocking, int* errno_out) {
    struct sockaddr_un sa;
    socklen_t len = 0;
    if (!make_address(path, sa, len)) {
        if (errno_out) *errno_out = ENAMETOOLONG;
        return make_err("cannot connect to " + path + ": invalid socket path");
    }
    int type = SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0);
    UniqueFd fd(::socket(AF_UNIX, type, 0));
    if (!fd.valid()) {
        if (errno_out) *errno_out = errno;
        return make_err(errno_text("cannot connect to", path, errno));
    }
    if (::connect(fd.get(), reinterpret_cast<struct sockaddr*>(&sa), len) != 0) {  // NOLINT
        int err = errno;
        if (errno_out) *errno_out = err;
        return make_err(errno_text("cannot connect to", path, err));
    }
    if (errno_out) *errno_out = 0;
    return fd;
}

Result<UnixListener, std::string> listen_unix(const UnixListenOptions& o) {
    struct sockaddr_un sa;
    socklen_t len = 0;
    if (!make_address(o.path, sa, len)) return make_err("invalid socket path '" + o.path + "'");
    std::filesystem::path parent = std::filesystem::path(o.path).parent_path();
    if (o.create_parent && !parent.empty()) {
        std::error_code ec;
        if (std::filesystem::create_directories(parent, ec))
            ::chmod(parent.c_str(), 0755);
        else if (ec)
            return make_err("cannot create directory " + parent.string() + ": " + ec.message());
    }
    auto stale = clear_stale(o.path);
    if (!stale.ok()) return make_err(stale.error());
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return make_err(errno_text("cannot create socket for", o.path, errno));
    if (::bind(fd.get(), reinterpret_cast<struct sockaddr*>(&sa), len) != 0)  // NOLINT
        return make_err(errno_text("cannot bind", o.path, errno));
    if (::chmod(o.path.c_str(), o.mode) != 0) return make_err(errno_text("cannot chmod", o.path, errno));
    if (!o.group.empty()) {
        if (struct group* g = ::getgrnam(o.group.c_str()); g != nullptr) {
            // Not fatal: the socket stays usable by its owner (e.g. a daemon run unprivileged in a test).
            if (::chown(o.path.c_str(), static_cast<uid_t>(-1), g->gr_gid) != 0)
                FANOUT_LOG_WARN("{}", errno_text("cannot chgrp " + o.group, o.path, errno));
        }
    }
    if (::listen(fd.get(), o.backlog) != 0) return make_err(errno_text("cannot listen on", o.path, errno));
    struct stat st;
    UnixListener l;
    l.inode = ::stat(o.path.c_str(), &st) == 0 ? st.st_ino : 0;
    l.fd = std::move(fd);
    l.path = o.path;
    return l;
}

void unlink_if_ours(const std::string& path, ino_t inode) {
    struct stat st;
    if (inode != 0 && ::lstat(path.c_str(), &st) == 0 && st.st_ino == inode) ::unlink(path.c_str());
}

UniqueFd accept_nonblocking(int listen_fd) {
    return UniqueFd(::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
}

}  // namespace fanout::sys
