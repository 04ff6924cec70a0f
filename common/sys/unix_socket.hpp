// Small helpers for the daemons' Unix stream sockets (status socket, igmpd<->pimd IPC): an owning fd, a
// listener that replaces a stale socket file only when nobody listens on it, and a non-blocking connect.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/core/result.hpp"

namespace fanout::sys {

// Owns one file descriptor; closes it on destruction.
class UniqueFd {
  public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
    UniqueFd& operator=(UniqueFd&& o) noexcept {
        if (this != &o) reset(o.release());
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    int release() {
        int f = fd_;
        fd_ = -1;
        return f;
    }
    void reset(int fd = -1);

  private:
    int fd_ = -1;
};

struct UnixListenOptions {
    std::string path;
    mode_t mode = 0660;
    // chgrp the socket file to this group when the group exists (empty: leave it); failure only warns.
    std::string group = "fanout";
    // Create the parent directory (mode 0755) when it is missing.
    bool create_parent = true;
    int backlog = 64;
};

// A listening, non-blocking, close-on-exec Unix stream socket bound to options.path. A socket file left
// behind by a dead process is replaced; a live listener is never stolen (error "another process is listening
// on ..."). The returned inode lets the owner unlink the file on shutdown only if it is still its own.
struct UnixListener {
    UniqueFd fd;
    std::string path;
    ino_t inode = 0;
};
Result<UnixListener, std::string> listen_unix(const UnixListenOptions& options);

// Unlinks path if it is still the socket file with that inode (another instance may have replaced it).
void unlink_if_ours(const std::string& path, ino_t inode);

// Connects to a Unix stream socket. The fd is non-blocking and close-on-exec when nonblocking is true.
// On failure the error is "cannot connect to PATH: <strerror>"; errno_out (if given) receives errno.
Result<UniqueFd, std::string> connect_unix(const std::string& path, bool nonblocking,
                                           int* errno_out = nullptr);

// Accepts one connection (non-blocking, close-on-exec). Invalid fd when none is pending; errno is preserved.
UniqueFd accept_nonblocking(int listen_fd);

// Puts fd into non-blocking mode.
bool set_nonblocking(int fd);

}  // namespace fanout::sys
