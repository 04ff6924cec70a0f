// Shared status helpers (see status_text.hpp).
#include "common/sys/status_text.hpp"

#include <algorithm>
#include <cstdio>

#include "common/core/log.hpp"

namespace fanout::sys {

std::string render_table(const std::vector<std::string>& headers,
                         const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> width(headers.size(), 0);
    for (size_t i = 0; i < headers.size(); ++i)
        width[i] = headers[i].size();
    for (const auto& r : rows)
        for (size_t i = 0; i < r.size() && i < width.size(); ++i)
            width[i] = std::max(width[i], r[i].size());
    auto line = [&](const std::vector<std::string>& cells) {
        std::string s;
        for (size_t i = 0; i < cells.size() && i < width.size(); ++i) {
            s += cells[i];
            if (i + 1 < cells.size()) s += std::string(width[i] - cells[i].size() + 2, ' ');
        }
        while (!s.empty() && s.back() == ' ')
            s.pop_back();
        return s + "\n";
    };
    std::string out = line(headers);
    for (const auto& r : rows)
        out += line(r);
    return out;
}

std::string format_hms(std::optional<int64_t> ms) {
    if (!ms) return "--:--:--";
    int64_t s = std::max<int64_t>(0, *ms) / 1000;
    char buf[32];
    if (s >= 86400)
        std::snprintf(buf, sizeof buf, "%lldd%02lldh%02lldm", static_cast<long long>(s / 86400),
                      static_cast<long long>(s / 3600 % 24), static_cast<long long>(s / 60 % 60));
    else
        std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                      static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
    return buf;
}

LoggingView logging_view() {
    LoggingView v;
    auto lvl = spdlog::level::to_string_view(log::logger().level());
    v.level = std::string(lvl.data(), lvl.size());
    for (LogCategory c : log::all_categories())
        if (log::debug_enabled(c)) v.debug_on.emplace_back(log::category_name(c));
    return v;
}

nlohmann::json to_json(const LoggingView& v) {
    return {{"level", v.level}, {"debug", v.debug_on}};
}

std::string to_text(const LoggingView& v) {
    std::string on;
    for (size_t i = 0; i < v.debug_on.size(); ++i)
        on += (i ? ", " : "") + v.debug_on[i];
    return "Log level: " + v.level + "\nDebug categories on: " + (on.empty() ? "none" : on) + "\n";
}

void register_control_commands(StatusServer& s, std::function<Result<Unit, ConfigError>()> reload) {
    using Reply = Result<ShowOutput, std::string>;
    s.add({{"show", "logging"}, "log level and the debug categories that are on", {}},
          [](const std::vector<std::string>&) -> Reply { return ShowOutput::of(logging_view()); });
    s.add({{"debug"},
           "turn a debug category on or off",
           {{"CATEGORY", kArgCategory, false, "debug category"}, {"STATE", kArgWord, false, "on | off"}}},
          [](const std::vector<std::string>& args) -> Reply {
              auto cat = log::category_from_name(args.at(0));
              if (!cat) {
                  std::string known;
                  for (LogCategory c : log::all_categories())
                      known += (known.empty() ? "" : ", ") + std::string(log::category_name(c));
                  return make_err("unknown debug category '" + args[0] + "' (known: " + known + ")");
              }
              if (args.at(1) != "on" && args.at(1) != "off")
                  return make_err("expected on or off, got '" + args[1] + "'");
              log::set_debug(*cat, args[1] == "on");
              return ShowOutput::of(logging_view());
          });
    s.add({{"reload"}, "re-read the configuration file (as SIGHUP); a bad file is refused and reported", {}},
          [reload = std::move(reload)](const std::vector<std::string>&) -> Reply {
              auto r = reload();
              if (!r) return make_err("reload refused, running configuration kept: " + r.error().to_string());
              ShowOutput out;
              out.json = {{"reloaded", true}};
              out.text = "configuration reloaded\n";
              return out;
          });
}

}  // namespace fanout::sys
