#include "common/core/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>

namespace fanout::log {
namespace {

constexpr std::array<std::string_view, kCategoryCount> kNames = {
    "packet", "fsm", "kernel", "config", "ipc", "events", "register", "assert", "join-prune", "msdp", "igmp"};

std::array<std::atomic<bool>, kCategoryCount>& flags() {
    static std::array<std::atomic<bool>, kCategoryCount> f{};
    return f;
}

}  // namespace

std::string_view category_name(LogCategory c) {
    auto i = static_cast<size_t>(c);
    return i < kCategoryCount ? kNames[i] : std::string_view("?");
}

std::optional<LogCategory> category_from_name(std::string_view name) {
    for (size_t i = 0; i < kCategoryCount; ++i)
        if (kNames[i] == name) return static_cast<LogCategory>(i);
    return std::nullopt;
}

std::vector<LogCategory> all_categories() {
    std::vector<LogCategory> v;
    for (size_t i = 0; i < kCategoryCount; ++i)
        v.push_back(static_cast<LogCategory>(i));
    return v;
}

void set_debug(LogCategory c, bool on) {
    auto i = static_cast<size_t>(c);
    if (i < kCategoryCount) flags()[i].store(on, std::memory_order_relaxed);
}

bool debug_enabled(LogCategory c) {
    auto i = static_cast<size_t>(c);
    return i < kCategoryCount && flags()[i].load(std::memory_order_relaxed);
}

spdlog::logger& logger() {
    static std::shared_ptr<spdlog::logger> l = [] {
        auto lg =
            std::make_shared<spdlog::logger>("fanout", std::make_shared<spdlog::sinks::stderr_sink_mt>());
        lg->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
        return lg;
    }();
    return *l;
}

}  // namespace fanout::log
