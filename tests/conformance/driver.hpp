// A conformance driver turns one case's input (config + a stream of timed input events) into the actions a
// core emitted, as JSON. Drivers register themselves under their suite name (the folder under
// tests/conformance/).
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <string>

namespace fanout::conformance {

using Driver =
    std::function<nlohmann::json(const std::filesystem::path& case_dir, const nlohmann::json& input)>;

std::map<std::string, Driver>& drivers();

struct RegisterDriver {
    RegisterDriver(const std::string& suite, Driver d) { drivers()[suite] = std::move(d); }
};

// Registers d for every suite folder whose name starts with prefix. A suite that has a driver keeps it,
// unless `replace` (a more specific prefix: pim_assert_ over pim_), whatever order the drivers register in.
// Returns true, for a namespace-scope `const bool`.
bool register_suites(const std::string& prefix, const Driver& d, bool replace = false);

// Parses "+1.5s", "250ms", "30s", "2m" into milliseconds (as used by the "at"/"advance" fields of inputs).
int64_t parse_duration_ms(const nlohmann::json& v);

}  // namespace fanout::conformance
