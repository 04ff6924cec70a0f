// Helpers shared by the daemons' JSON status renderers (igmpd/core/igmp_status_json.hpp,
// pimd/core/pim_status_json.hpp and friends). Header-only templates over the JSON type, so pure libraries can
// use them without including nlohmann/json.hpp; the daemons, tests and conformance drivers instantiate them
// with nlohmann::json.
#pragma once

#include <optional>
#include <vector>

#include "common/core/ip.hpp"

namespace fanout::status_json {

// A list of addresses as dotted-quad strings.
template <typename Json>
Json addresses(const std::vector<Ipv4Address>& v) {
    Json a = Json::array();
    for (auto x : v)
        a.push_back(x.to_string());
    return a;
}

// An optional value, or null.
template <typename Json, typename T>
Json opt(const std::optional<T>& v) {
    return v ? Json(*v) : Json(nullptr);
}

}  // namespace fanout::status_json
