// MsdpTcpWiring: MSDP (RFC 3618 section 4, TCP port 639) connections on the EventLoop, see msdp_wiring.hpp.
#include "pimd/msdp_wiring.hpp"

#include <cstring>

#include "common/core/log.hpp"

namespace fanout::pimd {

namespace {
msdp::MsdpCloseCause cause_for(sys::TcpCloseReason r) {
    switch (r) {
        case sys::TcpCloseReason::kRemoteClosed:
            return msdp::MsdpCloseCause::kRemoteClosed;
        case sys::TcpCloseReason::kError:
            return msdp::MsdpCloseCause::kSocketError;
        case sys::TcpCloseReason::kConnectFailed:
        case sys::TcpCloseReason::kConnectTimeout:
            return msdp::MsdpCloseCause::kConnectFailed;
        case sys::TcpCloseReason::kOutputOverflow:
            return msdp::MsdpCloseCause::kOutputOverflow;
    }
    return msdp::MsdpCloseCause::kSocketError;
}
}  // namespace

MsdpTcpWiring::MsdpTcpWiring(sys::EventLoop& loop, sys::TcpStreamOptions options, uint16_t port)
    : loop_(loop), options_(options), port_(port) {}

MsdpTcpWiring::~MsdpTcpWiring() {
    *alive_ = false;
}

void MsdpTcpWiring::error(uint64_t& counter, const std::string& what) {
    ++counter;
    counters_.last_error = what;
    FANOUT_LOG_WARN("msdp: {}", what);
}

void MsdpTcpWiring::listen(Ipv4Address local) {
    auto l = sys::TcpListener::listen(
        loop_, local, port_,
        [this](sys::UniqueFd fd, Ipv4Address remote, uint16_t) { on_accept(std::move(fd), remote); });
    if (!l) return error(counters_.listen_errors, l.error().to_string());
    listener_ = std::move(l.value());
}

void MsdpTcpWiring::set_listen_md5(Ipv4Address peer, const std::string& password) {
    if (!listener_)
        return error(counters_.md5_errors, "TCP_MD5SIG for " + peer.to_string() + ": no listener");
    if (auto e = listener_->set_md5(peer, password)) error(counters_.md5_errors, e->to_string());
}

bool MsdpTcpWiring::current(Ipv4Address peer, uint64_t generation) const {
    auto it = streams_.find(peer);
    return it != streams_.end() && it->second.generation == generation;
}

void MsdpTcpWiring::retire(Ipv4Address peer) {
    auto it = streams_.find(peer);
    if (it == streams_.end()) return;
    if (it->second.stream) {
        it->second.stream->close();
        retired_.push_back(std::move(it->second.stream));
    }
    streams_.erase(it);
    std::weak_ptr<bool> alive = alive_;
    loop_.defer([this, alive] {
        auto a = alive.lock();
        if (a && *a) retired_.clear();
    });
}

sys::TcpStreamCallbacks MsdpTcpWiring::callbacks(Ipv4Address peer, uint64_t generation) {
    return sys::TcpStreamCallbacks{
        [this, peer, generation] {
            if (current(peer, generation) && core_) core_->tcp_connected(peer);
        },
        [this, peer, generation](std::span<const uint8_t> bytes) {
            if (current(peer, generation) && core_) core_->tcp_received(peer, bytes);
        },
        [this, peer, generation](sys::TcpCloseReason reason, int err) {
            if (!current(peer, generation)) return;
            FANOUT_LOG_DEBUG(LogCategory::kMsdp, "msdp peer {}: connection closed ({}{}{})", peer.to_string(),
                             sys::to_string(reason), err ? ": " : "", err ? std::strerror(err) : "");
            retire(peer);
            if (core_) core_->tcp_closed(peer, cause_for(reason));
        }};
}

void MsdpTcpWiring::on_accept(sys::UniqueFd fd, Ipv4Address remote) {
    if (!core_) return;
    const uint64_t gen = next_generation_++;
    Conn previous = std::move(streams_[remote]);
    streams_[remote] =
        Conn{sys::TcpStream::adopt(loop_, std::move(fd), remote, options_, callbacks(remote, gen)), gen};
    if (core_->tcp_accepted(remote)) {
        if (previous.stream) {  // a pending active open to the same peer: abandoned
            previous.stream->close();
            retired_.push_back(std::move(previous.stream));
        }
        return;
    }
    ++counters_.refused_accepts;
    streams_[remote].stream->close();
    retired_.push_back(std::move(streams_[remote].stream));
    if (previous.stream)
        streams_[remote] = std::move(previous);
    else
        streams_.erase(remote);
}

void MsdpTcpWiring::connect(Ipv4Address peer, Ipv4Address local, const std::string& md5_password) {
    retire(peer);
    const uint64_t gen = next_generation_++;
    auto s = sys::TcpStream::connect(loop_, local, peer, port_, md5_password, options_, callbacks(peer, gen));
    if (!s) {
        error(counters_.connect_errors, s.error().to_string());
        std::weak_ptr<bool> alive = alive_;
        loop_.defer([this, alive, peer] {
            auto a = alive.lock();
            if (a && *a && core_ && !streams_.count(peer))
                core_->tcp_closed(peer, msdp::MsdpCloseCause::kConnectFailed);
        });
        return;
    }
    streams_[peer] = Conn{std::move(s.value()), gen};
}

void MsdpTcpWiring::send(Ipv4Address peer, std::span<const uint8_t> bytes) {
    auto it = streams_.find(peer);
    if (it == streams_.end() || !it->second.stream) {
        ++counters_.send_without_stream;
        return;
    }
    it->second.stream->send(bytes);  // an overflow closes the stream and reports on a later turn
}

void MsdpTcpWiring::close(Ipv4Address peer) {
    retire(peer);
}

std::optional<Ipv4Address> MsdpRibRpf::next_hop(Ipv4Address addr) {
    auto r = rib_.lookup(addr);
    if (!r) return std::nullopt;
    const auto& route = r.value();
    return route.gateway.is_unspecified() ? addr : route.gateway;
}

}  // namespace fanout::pimd
