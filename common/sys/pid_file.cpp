#include "common/sys/pid_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace fanout::sys {
namespace {

long read_pid(int fd) {
    char buf[32] = {};
    ssize_t n = ::pread(fd, buf, sizeof(buf) - 1, 0);
    return n > 0 ? std::strtol(buf, nullptr, 10) : 0;
}

// A live process named like the daemon (so a recycled pid of an unrelated process does not block us).
bool live_instance(long pid, std::string_view daemon) {
    if (pid <= 0 || pid == ::getpid() || ::kill(static_cast<pid_t>(pid), 0) != 0) return false;
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    std::getline(comm, name);
    return name == daemon.substr(0, 15);
}

}  // namespace

Result<PidFile, std::string> PidFile::acquire(const std::string& path, std::string_view daemon) {
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) {
        std::error_code ec;
        if (std::filesystem::create_directories(parent, ec)) ::chmod(parent.c_str(), 0755);
    }
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (!fd.valid()) return make_err("cannot open pid file " + path + ": " + std::strerror(errno));
    long other = read_pid(fd.get());
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK)
            return make_err("cannot lock pid file " + path + ": " + std::strerror(errno));
        return make_err("another " + std::string(daemon) + " is running (pid " + std::to_string(other) +
                        ", pid file " + path + ")");
    }
    // An older instance that does not lock (or a copy started by hand with another tool) still counts.
    if (live_instance(other, daemon))
        return make_err("another " + std::string(daemon) + " is running (pid " + std::to_string(other) +
                        ", pid file " + path + ")");
    PidFile p;
    p.path_ = path;
    p.fd_ = std::move(fd);
    if (!p.rewrite()) return make_err("cannot write pid file " + path + ": " + std::strerror(errno));
    return p;
}

bool PidFile::rewrite() {
    std::string text = std::to_string(::getpid()) + "\n";
    return ::ftruncate(fd_.get(), 0) == 0 &&
           ::pwrite(fd_.get(), text.data(), text.size(), 0) == static_cast<ssize_t>(text.size());
}

void PidFile::release() {
    if (fd_.valid()) {
        ::unlink(path_.c_str());  // while still locked: nobody else can own it yet
        fd_.reset();
    }
}

PidFile& PidFile::operator=(PidFile&& o) noexcept {
    if (this != &o) {
        release();
        path_ = std::move(o.path_);
        fd_ = std::move(o.fd_);
    }
    return *this;
}

PidFile::~PidFile() {
    release();
}

}  // namespace fanout::sys
