#include "common/shell/app/status_transport.hpp"

#include <string>
#include <vector>

#include "common/sys/status_client.hpp"

namespace fanout::shell {

Result<nlohmann::json, TransportError> StatusTransport::request(const DaemonEndpoint& daemon,
                                                                const nlohmann::json& request) {
    sys::StatusRequestOptions o;
    o.format = request.value("format", std::string("text"));
    o.timeout = timeout_;
    o.daemon = daemon.name;
    auto argv = request.at("argv").get<std::vector<std::string>>();
    auto reply = sys::status_request(daemon.socket, argv, o);
    if (!reply) return make_err(classify_client_error(reply.error()));
    const sys::StatusReply& r = reply.value();
    if (r.raw.is_object()) return r.raw;
    nlohmann::json j{{"ok", r.ok}};
    if (!r.ok) {
        j["error"] = r.error;
    } else if (r.format == "text") {
        j["format"] = "text";
        j["text"] = r.text;
    } else {
        j["format"] = "json";
        j["data"] = r.data;
    }
    return j;
}

}  // namespace fanout::shell
