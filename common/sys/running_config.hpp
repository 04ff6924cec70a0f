// Rendering an effective configuration back as the YAML the loader reads (`show running-config` of both
// daemons): the value helpers and the sections every daemon has. Each daemon renders its own sections with
// these, and its tests parse the result back to the same configuration.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "common/sys/config_yaml.hpp"

namespace fanout::sys {

// A value as the loader reads it back ("30s", "true", an address or prefix): ConfigValue<T>::show.
template <typename T>
std::string yaml_value(const T& v) {
    return ConfigValue<T>::show(v);
}

// A YAML flow sequence of such values: "[a, b]", "[]".
template <typename T>
std::string yaml_flow_list(const std::vector<T>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) {
        if (i) s += ", ";
        s += yaml_value(v[i]);
    }
    return s + "]";
}

// The daemon: section, then metrics: when a listener is configured (parse_daemon_section reads both).
void render_daemon_section(std::ostream& os, const DaemonCommonConfig& d);

}  // namespace fanout::sys
