// MSDP peer connection state machine: RFC 3618 section 11 (states and transitions), 5.3-5.5 (Hold, KeepAlive,
// ConnectRetry timers), 12 (TLV framing: an unframeable stream closes the session; unknown TLVs are skipped).
// The transition table is in msdp_peer_fsm.hpp.
#include "pimd/core/msdp/msdp_peer_fsm.hpp"

#include "common/core/log.hpp"

namespace fanout::msdp {

std::string_view to_string(MsdpPeerState s) {
    switch (s) {
        case MsdpPeerState::kDisabled:
            return "disabled";
        case MsdpPeerState::kInactive:
            return "inactive";
        case MsdpPeerState::kListen:
            return "listen";
        case MsdpPeerState::kConnecting:
            return "connecting";
        case MsdpPeerState::kEstablished:
            return "established";
    }
    return "?";
}

std::string_view to_string(MsdpPeerEvent e) {
    switch (e) {
        case MsdpPeerEvent::kEnable:
            return "enable";
        case MsdpPeerEvent::kDisable:
            return "disable";
        case MsdpPeerEvent::kConnectRetryExpired:
            return "connect-retry-expired";
        case MsdpPeerEvent::kTcpConnected:
            return "tcp-connected";
        case MsdpPeerEvent::kTcpAccepted:
            return "tcp-accepted";
        case MsdpPeerEvent::kTcpClosed:
            return "tcp-closed";
        case MsdpPeerEvent::kHoldExpired:
            return "hold-expired";
        case MsdpPeerEvent::kKeepaliveExpired:
            return "keepalive-expired";
        case MsdpPeerEvent::kFramingError:
            return "framing-error";
        case MsdpPeerEvent::kDecodeError:
            return "decode-error";
        case MsdpPeerEvent::kMessage:
            return "message";
    }
    return "?";
}

std::string_view to_string(MsdpDrop d) {
    switch (d) {
        case MsdpDrop::kRpfFail:
            return "rpf-fail";
        case MsdpDrop::kFilterIn:
            return "filter-in";
        case MsdpDrop::kSaLimit:
            return "sa-limit";
        case MsdpDrop::kCacheFull:
            return "cache-full";
        case MsdpDrop::kInvalidEntry:
            return "invalid-entry";
        case MsdpDrop::kLocalOrigin:
            return "local-origin";
        case MsdpDrop::kUnknownTlv:
            return "unknown-tlv";
        case MsdpDrop::kSaRequest:
            return "sa-request";
        case MsdpDrop::kNotEstablished:
            return "not-established";
        case MsdpDrop::kCount:
            break;
    }
    return "?";
}

std::string_view to_string(MsdpDownReason r) {
    switch (r) {
        case MsdpDownReason::kHoldExpired:
            return "hold-expired";
        case MsdpDownReason::kFramingError:
            return "framing-error";
        case MsdpDownReason::kDecodeError:
            return "decode-error";
        case MsdpDownReason::kRemoteClosed:
            return "remote-closed";
        case MsdpDownReason::kSocketError:
            return "socket-error";
        case MsdpDownReason::kConnectFailed:
            return "connect-failed";
        case MsdpDownReason::kOutputOverflow:
            return "output-overflow";
        case MsdpDownReason::kDisabled:
            return "disabled";
        case MsdpDownReason::kCount:
            break;
    }
    return "?";
}

namespace {
MsdpDownReason reason_for(MsdpCloseCause c) {
    switch (c) {
        case MsdpCloseCause::kRemoteClosed:
            return MsdpDownReason::kRemoteClosed;
        case MsdpCloseCause::kSocketError:
            return MsdpDownReason::kSocketError;
        case MsdpCloseCause::kConnectFailed:
            return MsdpDownReason::kConnectFailed;
        case MsdpCloseCause::kOutputOverflow:
            return MsdpDownReason::kOutputOverflow;
    }
    return MsdpDownReason::kSocketError;
}
}  // namespace

MsdpPeer::MsdpPeer(MsdpPeerConfig config, const MsdpConfig& global, TimerService& timers,
                   MsdpActions& actions, MsdpPeerOwner& owner)
    : config_(std::move(config)),
      global_(global),
      timers_(timers),
      actions_(actions),
      owner_(owner),
      since_(timers.now()) {}

MsdpPeerState MsdpPeer::state() const {
    return static_cast<MsdpPeerState>(state_.index());
}

void MsdpPeer::transition(State next, MsdpPeerEvent why) {
    const auto from = state();
    state_ = std::move(next);
    since_ = timers_.now();
    FANOUT_LOG_DEBUG(LogCategory::kMsdp, "msdp peer {}: {} -> {} on {}", config_.address.to_string(),
                     to_string(from), to_string(state()), to_string(why));
}

void MsdpPeer::unexpected(MsdpPeerEvent ev) {
    ++counters_.unexpected_events;
    FANOUT_LOG_DEBUG(LogCategory::kMsdp, "msdp peer {}: unexpected {} in {}", config_.address.to_string(),
                     to_string(ev), to_string(state()));
}

TimerHandle MsdpPeer::connect_retry_timer() {
    return TimerHandle(timers_, global_.timers.connect_retry,
                       [this] { handle(MsdpPeerEvent::kConnectRetryExpired); });
}

void MsdpPeer::start_connect() {
    transition(Connecting{connect_retry_timer()}, MsdpPeerEvent::kConnectRetryExpired);
    actions_.connect(config_.address, local(), config_.md5_password);
}

void MsdpPeer::become_established(MsdpPeerEvent why) {
    rx_.clear();
    transition(Established{}, why);
    ++counters_.established;
    restart_hold();
    send_keepalive();  // also starts the KeepAlive timer
    owner_.peer_established(*this);
}

void MsdpPeer::go_down(MsdpPeerEvent why, MsdpDownReason reason) {
    const bool was_established = established();
    ++counters_.down(reason);
    last_down_ = to_string(reason);
    if (reason != MsdpDownReason::kRemoteClosed && reason != MsdpDownReason::kSocketError &&
        reason != MsdpDownReason::kOutputOverflow && reason != MsdpDownReason::kConnectFailed)
        actions_.close(config_.address);
    rx_.clear();
    if (active())
        transition(Inactive{connect_retry_timer()}, why);
    else
        transition(Listen{}, why);
    if (was_established) owner_.peer_down(*this);
}

void MsdpPeer::restart_hold() {
    if (auto* e = std::get_if<Established>(&state_))
        e->hold = TimerHandle(timers_, global_.timers.hold, [this] { handle(MsdpPeerEvent::kHoldExpired); });
}

void MsdpPeer::send_keepalive() {
    static const std::vector<uint8_t> ka = packet::encode_msdp_keepalive();
    if (send_tlv(ka)) ++counters_.keepalives_out;
}

bool MsdpPeer::send_tlv(std::span<const uint8_t> tlv, size_t sa_entries) {
    auto* e = std::get_if<Established>(&state_);
    if (!e) return false;
    actions_.send(config_.address, tlv);
    ++counters_.tlvs_out;
    counters_.sa_out += sa_entries;
    // 5.4: the KeepAlive timer restarts whenever anything is sent. The send may have closed the session
    // (output overflow reported synchronously by the wiring): re-check the state.
    if (auto* still = std::get_if<Established>(&state_))
        still->keepalive = TimerHandle(timers_, global_.timers.keepalive,
                                       [this] { handle(MsdpPeerEvent::kKeepaliveExpired); });
    return true;
}

void MsdpPeer::enable() {
    handle(MsdpPeerEvent::kEnable);
}
void MsdpPeer::disable() {
    handle(MsdpPeerEvent::kDisable);
}
void MsdpPeer::tcp_connected() {
    handle(MsdpPeerEvent::kTcpConnected);
}

bool MsdpPeer::tcp_accepted() {
    const auto before = state();
    handle(MsdpPeerEvent::kTcpAccepted);
    return before != MsdpPeerState::kEstablished && established();
}

void MsdpPeer::tcp_closed(MsdpCloseCause cause) {
    switch (state()) {
        case MsdpPeerState::kConnecting:
        case MsdpPeerState::kEstablished:
            if (cause == MsdpCloseCause::kConnectFailed && established()) break;
            go_down(MsdpPeerEvent::kTcpClosed, reason_for(cause));
            return;
        case MsdpPeerState::kDisabled:
        case MsdpPeerState::kInactive:
        case MsdpPeerState::kListen:
            break;
    }
    unexpected(MsdpPeerEvent::kTcpClosed);
}

// One switch over (state, event). Events that carry data (close cause, bytes) have their own entry points.
void MsdpPeer::handle(MsdpPeerEvent ev) {
    const auto s = state();
    if (ev == MsdpPeerEvent::kDisable) {
        if (s == MsdpPeerState::kDisabled) return unexpected(ev);
        const bool was_established = s == MsdpPeerState::kEstablished;
        if (s == MsdpPeerState::kEstablished || s == MsdpPeerState::kConnecting) {
            actions_.close(config_.address);
            ++counters_.down(MsdpDownReason::kDisabled);
        }
        transition(Disabled{}, ev);
        if (was_established) owner_.peer_down(*this);
        return;
    }
    switch (s) {
        case MsdpPeerState::kDisabled:
            if (ev != MsdpPeerEvent::kEnable) break;
            if (active()) return start_connect();
            owner_.peer_listen_needed();
            return transition(Listen{}, ev);
        case MsdpPeerState::kInactive:
            if (ev == MsdpPeerEvent::kConnectRetryExpired) return start_connect();
            if (ev == MsdpPeerEvent::kTcpAccepted) return become_established(ev);
            break;
        case MsdpPeerState::kListen:
            if (ev == MsdpPeerEvent::kTcpAccepted) return become_established(ev);
            break;
        case MsdpPeerState::kConnecting:
            if (ev == MsdpPeerEvent::kConnectRetryExpired) {
                actions_.close(config_.address);  // abandon the attempt that did not complete
                return start_connect();
            }
            if (ev == MsdpPeerEvent::kTcpConnected || ev == MsdpPeerEvent::kTcpAccepted)
                return become_established(ev);
            break;
        case MsdpPeerState::kEstablished:
            if (ev == MsdpPeerEvent::kKeepaliveExpired) return send_keepalive();
            if (ev == MsdpPeerEvent::kHoldExpired) return go_down(ev, MsdpDownReason::kHoldExpired);
            if (ev == MsdpPeerEvent::kFramingError) return go_down(ev, MsdpDownReason::kFramingError);
            if (ev == MsdpPeerEvent::kDecodeError) return go_down(ev, MsdpDownReason::kDecodeError);
            break;
    }
    unexpected(ev);
}

void MsdpPeer::receive(std::span<const uint8_t> bytes) {
    if (!established()) {
        ++counters_.drop(MsdpDrop::kNotEstablished);
        return unexpected(MsdpPeerEvent::kMessage);
    }
    rx_.insert(rx_.end(), bytes.begin(), bytes.end());
    // All complete TLVs are handled now: what stays buffered is one partial TLV, at most 9191 octets, so the
    // receive buffer is bounded by the codec's maximum TLV length whatever the peer sends.
    auto framed = packet::frame_msdp_stream(rx_);
    size_t handled = 0;
    for (auto tlv : framed.tlvs) {
        handle_tlv(tlv);
        if (!established()) return;  // closed by a bad TLV (rx_ cleared)
        handled += tlv.size();
    }
    if (framed.fatal) return handle(MsdpPeerEvent::kFramingError);
    rx_.erase(rx_.begin(), rx_.begin() + static_cast<std::ptrdiff_t>(handled));
}

void MsdpPeer::handle_tlv(std::span<const uint8_t> tlv) {
    ++counters_.tlvs_in;
    restart_hold();  // 5.3: any message received restarts the Peer Hold Timer
    auto decoded = packet::decode_msdp(tlv);
    if (!decoded) return handle(MsdpPeerEvent::kDecodeError);
    const auto& msg = decoded.value();
    if (std::holds_alternative<packet::MsdpKeepalive>(msg)) {
        ++counters_.keepalives_in;
        return;
    }
    if (std::holds_alternative<packet::MsdpUnknown>(msg)) {
        ++counters_.drop(MsdpDrop::kUnknownTlv);
        return;
    }
    owner_.peer_message(*this, msg);
}

Duration MsdpPeer::hold_remaining() const {
    auto* e = std::get_if<Established>(&state_);
    return e ? e->hold.remaining() : Duration::zero();
}
Duration MsdpPeer::keepalive_remaining() const {
    auto* e = std::get_if<Established>(&state_);
    return e ? e->keepalive.remaining() : Duration::zero();
}
Duration MsdpPeer::connect_retry_remaining() const {
    if (auto* c = std::get_if<Connecting>(&state_)) return c->connect_retry.remaining();
    if (auto* i = std::get_if<Inactive>(&state_)) return i->connect_retry.remaining();
    return Duration::zero();
}

}  // namespace fanout::msdp
