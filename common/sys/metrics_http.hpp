// The optional HTTP listener for Prometheus scrapes (libevent's evhttp on the daemon's event loop).
// Off unless the configuration has `metrics: {listen: ADDR:PORT}` (ADDR defaults to 127.0.0.1).
//   GET /metrics  -> 200, Content-Type text/plain; version=0.0.4, body = `show metrics` text
//   other paths   -> 404; methods other than GET/HEAD -> 501 (evhttp)
// Requests are small and answered at once from the loop; evhttp enforces a header/body size limit and a
// per-connection timeout, so a slow or hostile client cannot hold the loop. Each request is counted.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/core/ip.hpp"
#include "common/core/result.hpp"
#include "common/sys/event_loop.hpp"

struct evhttp;
struct evhttp_bound_socket;
struct evhttp_request;

namespace fanout::sys {

struct MetricsHttpCounters {
    uint64_t scrapes = 0;    // 200 replies on /metrics
    uint64_t not_found = 0;  // 404
};

class MetricsHttpServer {
  public:
    // listen: "ADDR:PORT" as validated by parse_host_port (config_yaml.hpp). render() builds the body.
    static Result<std::unique_ptr<MetricsHttpServer>, std::string> listen(
        EventLoop& loop, const std::string& listen, std::function<std::string()> render);
    ~MetricsHttpServer();
    MetricsHttpServer(const MetricsHttpServer&) = delete;
    MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

    const MetricsHttpCounters& counters() const { return counters_; }
    // The bound port (useful when listening on port 0 in tests).
    uint16_t port() const { return port_; }

  private:
    MetricsHttpServer() = default;
    static void on_request(evhttp_request* req, void* self);

    evhttp* http_ = nullptr;
    uint16_t port_ = 0;
    std::function<std::string()> render_;
    MetricsHttpCounters counters_;
};

}  // namespace fanout::sys
