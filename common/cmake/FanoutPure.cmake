# Pure libraries (protocol cores and codecs) must never do I/O. Three guards:
#  1. every source of a pure target is compiled with a forced include that poisons socket calls;
#  2. after each build, the archive's undefined symbols are checked: no socket/file/clock calls, no
#     libevent or libmnl (check_pure_symbols.cmake);
#  3. at configure time, the transitive link closure of each pure target is checked: libevent, libmnl and the
#     system layer (common_sys) are refused.
set(FANOUT_PURE_TARGETS "" CACHE INTERNAL "")

function(fanout_pure_library name)
  add_library(${name} STATIC ${ARGN})
  target_include_directories(${name} PUBLIC ${FANOUT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE -include ${FANOUT_SOURCE_DIR}/common/core/pure_guard.hpp)
  target_compile_definitions(${name} PRIVATE FANOUT_PURE=1)
  set(FANOUT_PURE_TARGETS "${FANOUT_PURE_TARGETS};${name}" CACHE INTERNAL "")
  add_custom_command(TARGET ${name} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -DLIB=$<TARGET_FILE:${name}> -DNM=${CMAKE_NM}
            -P ${FANOUT_SOURCE_DIR}/common/cmake/check_pure_symbols.cmake
    COMMENT "Checking that ${name} does no I/O" VERBATIM)
endfunction()

function(_fanout_link_closure target out)
  set(seen "")
  set(todo ${target})
  while(todo)
    list(POP_FRONT todo cur)
    if(cur IN_LIST seen)
      continue()
    endif()
    list(APPEND seen ${cur})
    if(TARGET ${cur})
      get_target_property(libs ${cur} LINK_LIBRARIES)
      if(libs)
        list(APPEND todo ${libs})
      endif()
      get_target_property(ilibs ${cur} INTERFACE_LINK_LIBRARIES)
      if(ilibs)
        list(APPEND todo ${ilibs})
      endif()
    endif()
  endwhile()
  set(${out} ${seen} PARENT_SCOPE)
endfunction()

function(fanout_check_pure_targets)
  foreach(t ${FANOUT_PURE_TARGETS})
    if(NOT t)
      continue()
    endif()
    _fanout_link_closure(${t} closure)
    foreach(dep ${closure})
      if(dep MATCHES "event|mnl|common_sys|PkgConfig::")
        message(FATAL_ERROR "pure target ${t} must not link ${dep} (no I/O in cores and codecs)")
      endif()
    endforeach()
  endforeach()
endfunction()
