// Logging on spdlog, with debug categories switchable at run time (`debug pim packets` and the like).
// Warnings and errors always log; debug lines log only when their category is on.
#pragma once

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <optional>
#include <string_view>
#include <vector>

namespace fanout {

enum class LogCategory : uint8_t {
    kPacket,     // every packet sent and received, decoded
    kFsm,        // state machine transitions
    kKernel,     // MRT socket, VIFs, MFC, upcalls
    kConfig,     // configuration load and reload
    kIpc,        // igmpd <-> pimd
    kEvents,     // interface, address and route changes
    kRegister,   // register path
    kAssert,     // assert machines
    kJoinPrune,  // join/prune processing
    kMsdp,       // MSDP peers and SAs
    kIgmp,       // IGMP router and proxy
    kCount
};

namespace log {

constexpr size_t kCategoryCount = static_cast<size_t>(LogCategory::kCount);

std::string_view category_name(LogCategory c);
std::optional<LogCategory> category_from_name(std::string_view name);
std::vector<LogCategory> all_categories();

void set_debug(LogCategory c, bool on);
bool debug_enabled(LogCategory c);

// The process-wide logger (stderr by default; the system layer may add sinks).
spdlog::logger& logger();

}  // namespace log
}  // namespace fanout

#define FANOUT_LOG_DEBUG(cat, ...)                                                        \
    do {                                                                                  \
        if (::fanout::log::debug_enabled(cat)) ::fanout::log::logger().info(__VA_ARGS__); \
    } while (0)
#define FANOUT_LOG_INFO(...) ::fanout::log::logger().info(__VA_ARGS__)
#define FANOUT_LOG_WARN(...) ::fanout::log::logger().warn(__VA_ARGS__)
#define FANOUT_LOG_ERROR(...) ::fanout::log::logger().error(__VA_ARGS__)
