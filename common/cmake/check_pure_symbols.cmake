# Run as: cmake -DLIB=<archive> -DNM=<nm> -P check_pure_symbols.cmake
# Fails when a pure library references I/O entry points (see common/core/pure_guard.hpp).
execute_process(COMMAND ${NM} -u --format=posix ${LIB} OUTPUT_VARIABLE undefined RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm failed on ${LIB}")
endif()
string(REPLACE "\n" ";" lines "${undefined}")
set(bad "")
foreach(line ${lines})
  string(REGEX MATCH "^[^ ]+" sym "${line}")
  if(sym MATCHES "^(socket|socketpair|connect|bind|listen|accept|accept4|send|recv|sendto|recvfrom|sendmsg|recvmsg|setsockopt|getsockopt|ioctl|open|openat|read|write|fopen|popen|system|clock_gettime|gettimeofday|time)(@.*)?$"
     OR sym MATCHES "^(event_|evtimer_|evbuffer_|bufferevent_|evhttp_|mnl_)")
    list(APPEND bad ${sym})
  endif()
endforeach()
if(bad)
  list(REMOVE_DUPLICATES bad)
  get_filename_component(name ${LIB} NAME)
  message(FATAL_ERROR "pure library ${name} references I/O or clock symbols: ${bad}\n"
                      "Cores and codecs do no I/O and read no clock: take a TimerService/Clock and emit actions.")
endif()
