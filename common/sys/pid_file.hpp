// A pid file that also guards against a second instance: it is held with an exclusive flock(2) for the life
// of the process (the lock dies with the process, so a file left by a crash never blocks a restart).
#pragma once

#include <string>
#include <string_view>

#include "common/core/result.hpp"
#include "common/sys/unix_socket.hpp"

namespace fanout::sys {

class PidFile {
  public:
    PidFile() = default;
    // Creates the parent directory if needed, locks the file and writes our pid. Fails with
    // "another pimd is running (pid 123, pid file /run/fanout/pimd.pid)" when a live instance holds it.
    static Result<PidFile, std::string> acquire(const std::string& path, std::string_view daemon);
    ~PidFile();
    PidFile(PidFile&& o) noexcept = default;
    PidFile& operator=(PidFile&& o) noexcept;
    PidFile(const PidFile&) = delete;
    PidFile& operator=(const PidFile&) = delete;

    const std::string& path() const { return path_; }
    bool held() const { return fd_.valid(); }
    // Rewrites the pid (after fork into the background).
    bool rewrite();

  private:
    void release();
    std::string path_;
    UniqueFd fd_;
};

}  // namespace fanout::sys
