// Forced include for pure targets (codecs and protocol cores): they must do no I/O.
// The socket API is poisoned, so any use is a compile error. See common/cmake/FanoutPure.cmake.
#pragma once
#if defined(__cplusplus)
#include <sys/socket.h>
#endif
#pragma GCC poison socket sendto recvfrom sendmsg recvmsg setsockopt getsockopt connect accept listen
#pragma GCC poison event_base_new event_new evtimer_new mnl_socket_open
