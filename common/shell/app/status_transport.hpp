// The shell's Transport over the daemons' status sockets, on the shared blocking client
// (common/sys/status_client.hpp): one connection per request, bounded by the timeout.
#pragma once

#include "common/core/clock.hpp"
#include "common/shell/shell.hpp"

namespace fanout::shell {

class StatusTransport : public Transport {
  public:
    explicit StatusTransport(Duration timeout) : timeout_(timeout) {}
    Result<nlohmann::json, TransportError> request(const DaemonEndpoint& daemon,
                                                   const nlohmann::json& request) override;

  private:
    Duration timeout_;
};

}  // namespace fanout::shell
