// Rendering an effective configuration back as the YAML the loader reads (`show running-config` of both
// daemons): the value helpers and the sections every daemon has. Each daemon renders its own sections with
// these, and its tests parse the result back to the same configuration.
#pragma once

#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

#include "common/core/clock.hpp"
#include "common/sys/config_yaml.hpp"

namespace fanout::sys {

// A duration as the loader reads it back ("30s", "500ms").
std::string yaml_duration(Duration d);

inline const char* yaml_bool(bool b) {
    return b ? "true" : "false";
}

// A YAML flow sequence of strings or of values with to_string() (addresses, prefixes): "[a, b]", "[]".
template <typename T>
std::string yaml_flow_list(const std::vector<T>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) {
        if (i) s += ", ";
        if constexpr (std::is_same_v<T, std::string>)
            s += v[i];
        else
            s += v[i].to_string();
    }
    return s + "]";
}

// The daemon: section, then metrics: when a listener is configured (parse_daemon_section reads both).
void render_daemon_section(std::ostream& os, const DaemonCommonConfig& d);

}  // namespace fanout::sys
