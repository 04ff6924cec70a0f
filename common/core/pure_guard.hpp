// Forced include for pure targets (codecs and protocol cores): they must do no I/O.
// Socket calls whose names nothing else uses are poisoned here, so any use is a compile error. Names that
// standard or library headers legitimately use as identifiers (std::filesystem::file_type::socket,
// nlohmann::json::accept) cannot be poisoned; for those a link-level check runs after each pure library is
// built: it fails the build if the archive references socket(), connect(), bind(), listen(), accept() or any
// libevent/libmnl symbol. See common/cmake/FanoutPure.cmake.
#pragma once
#if defined(__cplusplus)
#include <sys/socket.h>
#endif
#pragma GCC poison sendto recvfrom sendmsg recvmsg setsockopt getsockopt
#pragma GCC poison event_base_new event_new evtimer_new mnl_socket_open
