// evhttp listener serving `show metrics` (see metrics_http.hpp).
#include "common/sys/metrics_http.hpp"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include "common/core/log.hpp"
#include "common/sys/config_yaml.hpp"

namespace fanout::sys {

Result<std::unique_ptr<MetricsHttpServer>, std::string> MetricsHttpServer::listen(
    EventLoop& loop, const std::string& listen, std::function<std::string()> render) {
    auto hp = parse_host_port(listen, true);
    if (!hp) return make_err("metrics: bad listen address '" + listen + "' (expected ADDR:PORT)");
    std::unique_ptr<MetricsHttpServer> s(new MetricsHttpServer());
    s->render_ = std::move(render);
    s->http_ = evhttp_new(loop.base());
    if (!s->http_) return make_err(std::string("metrics: evhttp_new failed"));
    evhttp_set_timeout(s->http_, 5);
    evhttp_set_max_headers_size(s->http_, 8 * 1024);
    evhttp_set_max_body_size(s->http_, 1024);
    evhttp_set_allowed_methods(s->http_, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
    evhttp_set_gencb(s->http_, &MetricsHttpServer::on_request, s.get());
    evhttp_bound_socket* bound =
        evhttp_bind_socket_with_handle(s->http_, hp->first.to_string().c_str(), hp->second);
    if (!bound)
        return make_err("metrics: cannot listen on " + listen + ": " + std::string(std::strerror(errno)));
    sockaddr_in sa{};
    socklen_t len = sizeof sa;
    evutil_socket_t fd = evhttp_bound_socket_get_fd(bound);
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len) == 0) s->port_ = ntohs(sa.sin_port);
    FANOUT_LOG_INFO("metrics: listening on http://{}:{}/metrics", hp->first.to_string(), s->port_);
    return s;
}

MetricsHttpServer::~MetricsHttpServer() {
    if (http_) evhttp_free(http_);
}

void MetricsHttpServer::on_request(evhttp_request* req, void* self_ptr) {
    auto* self = static_cast<MetricsHttpServer*>(self_ptr);
    const char* uri = evhttp_request_get_uri(req);
    std::string path = uri ? uri : "";
    if (auto q = path.find('?'); q != std::string::npos) path.resize(q);
    if (path != "/metrics") {
        ++self->counters_.not_found;
        evhttp_send_error(req, HTTP_NOTFOUND, "only /metrics is served");
        return;
    }
    ++self->counters_.scrapes;
    std::string body = self->render_ ? self->render_() : std::string();
    evkeyvalq* headers = evhttp_request_get_output_headers(req);
    evhttp_add_header(headers, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    evbuffer* buf = evbuffer_new();
    if (!buf) {
        evhttp_send_error(req, HTTP_INTERNAL, "out of memory");
        return;
    }
    evbuffer_add(buf, body.data(), body.size());
    evhttp_send_reply(req, HTTP_OK, "OK", buf);
    evbuffer_free(buf);
}

}  // namespace fanout::sys
