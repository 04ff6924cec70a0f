#include "common/sys/ipc_messages.hpp"

#include "common/core/byte_reader.hpp"
#include "common/core/byte_writer.hpp"

namespace fanout::sys::ipc {

using packet::decode_error;
using packet::DecodeErrorKind;
using packet::DecodeResult;

namespace {

void put_string(ByteWriter& w, const std::string& s, size_t max) {
    size_t n = s.size() < max ? s.size() : max;
    w.u8(static_cast<uint8_t>(n));
    w.bytes(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), n));  // NOLINT
}

bool get_string(ByteReader& r, std::string& out, size_t max) {
    uint8_t n = r.u8();
    if (!r.ok() || n > max) return false;
    auto b = r.bytes(n);
    if (!r.ok()) return false;
    out.assign(b.begin(), b.end());
    return true;
}

struct PayloadEncoder {
    ByteWriter& w;
    uint16_t operator()(const Hello& m) const {
        w.u16(m.version);
        put_string(w, m.sender, kMaxSenderName);
        w.u64(m.session_id);
        return static_cast<uint16_t>(MessageType::kHello);
    }
    uint16_t operator()(const SnapshotBegin&) const {
        return static_cast<uint16_t>(MessageType::kSnapshotBegin);
    }
    uint16_t operator()(const Membership& m) const {
        put_string(w, m.ifname, kMaxIfName);
        w.u32(m.ifindex);
        w.ipv4(m.group);
        w.u8(static_cast<uint8_t>(m.mode));
        w.u8(0);
        size_t n = m.sources.size() > 0xffff ? 0xffff : m.sources.size();
        w.u16(static_cast<uint16_t>(n));
        for (size_t i = 0; i < n; ++i)
            w.ipv4(m.sources[i]);
        return static_cast<uint16_t>(MessageType::kMembership);
    }
    uint16_t operator()(const MembershipRemoved& m) const {
        put_string(w, m.ifname, kMaxIfName);
        w.u32(m.ifindex);
        w.ipv4(m.group);
        return static_cast<uint16_t>(MessageType::kMembershipRemoved);
    }
    uint16_t operator()(const SnapshotEnd& m) const {
        w.u32(m.count);
        return static_cast<uint16_t>(MessageType::kSnapshotEnd);
    }
    uint16_t operator()(const Keepalive&) const { return static_cast<uint16_t>(MessageType::kKeepalive); }
    uint16_t operator()(const UnknownMessage& m) const {
        w.zeros(m.length);
        return m.type;
    }
};

DecodeResult<Message> decode_hello(ByteReader& r) {
    Hello h;
    h.version = r.u16();
    if (!get_string(r, h.sender, kMaxSenderName))
        return decode_error(DecodeErrorKind::kBadLength, "hello sender");
    h.session_id = r.u64();
    if (!r.ok()) return decode_error(DecodeErrorKind::kTruncated, "hello");
    if (h.version == 0) return decode_error(DecodeErrorKind::kBadVersion, "hello protocol version");
    return Message{std::move(h)};
}

// The (ifname, ifindex, group) head shared by Membership and MembershipRemoved.
bool decode_key(ByteReader& r, std::string& ifname, uint32_t& ifindex, Ipv4Address& group) {
    if (!get_string(r, ifname, kMaxIfName)) return false;
    ifindex = r.u32();
    group = r.ipv4();
    return r.ok();
}

DecodeResult<Message> decode_membership(ByteReader& r) {
    Membership m;
    if (!decode_key(r, m.ifname, m.ifindex, m.group))
        return decode_error(DecodeErrorKind::kTruncated, "membership interface/group");
    if (!m.group.is_multicast()) return decode_error(DecodeErrorKind::kBadAddress, "membership group");
    uint8_t mode = r.u8();
    r.skip(1);
    uint16_t n = r.u16();
    if (!r.ok()) return decode_error(DecodeErrorKind::kTruncated, "membership mode");
    if (mode != static_cast<uint8_t>(FilterMode::kInclude) &&
        mode != static_cast<uint8_t>(FilterMode::kExclude))
        return decode_error(DecodeErrorKind::kBadField, "membership filter mode");
    m.mode = static_cast<FilterMode>(mode);
    if (!r.need(size_t{n} * 4)) return decode_error(DecodeErrorKind::kTruncated, "membership sources");
    m.sources.reserve(n);
    for (uint16_t i = 0; i < n; ++i)
        m.sources.push_back(r.ipv4());
    return Message{std::move(m)};
}

DecodeResult<Message> decode_removed(ByteReader& r) {
    MembershipRemoved m;
    if (!decode_key(r, m.ifname, m.ifindex, m.group))
        return decode_error(DecodeErrorKind::kTruncated, "membership-removed interface/group");
    if (!m.group.is_multicast())
        return decode_error(DecodeErrorKind::kBadAddress, "membership-removed group");
    return Message{std::move(m)};
}

}  // namespace

std::string_view to_string(FilterMode m) {
    switch (m) {
        case FilterMode::kInclude:
            return "include";
        case FilterMode::kExclude:
            return "exclude";
    }
    return "?";
}

void encode_into(const Message& m, std::vector<uint8_t>& out) {
    // Room for a membership frame with a few sources: growing the buffer from empty reallocated it 5-7 times.
    constexpr size_t kTypicalFrame = 128;
    ByteWriter w(kTypicalFrame);
    w.u16(kFrameVersion);
    size_t type_at = w.placeholder_u16();
    size_t len_at = w.placeholder_u32();
    uint16_t type = std::visit(PayloadEncoder{w}, m);
    w.patch_u16(type_at, type);
    w.patch_u32(len_at, static_cast<uint32_t>(w.size() - kHeaderSize));
    auto v = w.view();
    out.insert(out.end(), v.begin(), v.end());
}

std::vector<uint8_t> encode(const Message& m) {
    std::vector<uint8_t> out;
    encode_into(m, out);
    return out;
}

DecodeResult<FrameHeader> decode_header(std::span<const uint8_t> data) {
    ByteReader r(data);
    FrameHeader h;
    h.version = r.u16();
    h.type = r.u16();
    h.length = r.u32();
    if (!r.ok()) return decode_error(DecodeErrorKind::kTruncated, "ipc frame header");
    if (h.version != kFrameVersion) return decode_error(DecodeErrorKind::kBadVersion, "ipc frame version");
    if (h.length > kMaxPayload) return decode_error(DecodeErrorKind::kBadLength, "ipc frame length");
    return h;
}

DecodeResult<Message> decode_payload(uint16_t type, std::span<const uint8_t> payload) {
    ByteReader r(payload);
    switch (type) {
        case static_cast<uint16_t>(MessageType::kHello):
            return decode_hello(r);
        case static_cast<uint16_t>(MessageType::kSnapshotBegin):
            return Message{SnapshotBegin{}};
        case static_cast<uint16_t>(MessageType::kMembership):
            return decode_membership(r);
        case static_cast<uint16_t>(MessageType::kMembershipRemoved):
            return decode_removed(r);
        case static_cast<uint16_t>(MessageType::kSnapshotEnd): {
            SnapshotEnd e{r.u32()};
            if (!r.ok()) return decode_error(DecodeErrorKind::kTruncated, "snapshot-end count");
            return Message{e};
        }
        case static_cast<uint16_t>(MessageType::kKeepalive):
            return Message{Keepalive{}};
        default:
            return Message{UnknownMessage{type, static_cast<uint32_t>(payload.size())}};
    }
}

DecodeResult<std::optional<Message>> decode_frame(std::span<const uint8_t> data, size_t& consumed) {
    consumed = 0;
    if (data.size() < kHeaderSize) return std::optional<Message>{};
    auto h = decode_header(data);
    if (!h.ok()) return make_err(h.error());
    if (data.size() - kHeaderSize < h.value().length) return std::optional<Message>{};
    auto m = decode_payload(h.value().type, data.subspan(kHeaderSize, h.value().length));
    if (!m.ok()) return make_err(m.error());
    consumed = kHeaderSize + h.value().length;
    DecodeResult<std::optional<Message>> out{std::optional<Message>{}};
    out.value().emplace(std::move(m.value()));
    return out;
}

std::string_view message_name(const Message& m) {
    static constexpr std::string_view kNames[] = {
        "hello",        "snapshot-begin", "membership", "membership-removed",
        "snapshot-end", "keepalive",      "unknown"};
    return kNames[m.index()];
}

}  // namespace fanout::sys::ipc
