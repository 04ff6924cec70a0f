// libFuzzer target for the MSDP codec and stream framer (RFC 3618 section 12). The input is a TCP byte stream
// from a peer. Properties checked (abort on violation):
//  - the framer never claims more bytes than it was given, and every TLV it cuts has its Length field's size;
//  - framing the stream in two pieces (the way TCP delivers it) yields the same TLVs as framing it at once;
//  - whatever decodes re-encodes into one TLV that decodes to the same message;
//  - a decoded SA's entries survive the splitting encoder.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "common/packet/msdp.hpp"

using namespace fanout::packet;

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

std::vector<std::vector<uint8_t>> tlv_bytes(const MsdpFramed& f) {
    std::vector<std::vector<uint8_t>> out;
    for (auto t : f.tlvs)
        out.emplace_back(t.begin(), t.end());
    return out;
}

void check_round_trip(std::span<const uint8_t> tlv) {
    auto m = decode_msdp(tlv);
    if (!m.ok()) return;
    auto bytes = encode_msdp(m.value());
    check(bytes.has_value());
    check(bytes->size() <= kMsdpMaxTlvLen);
    auto again = decode_msdp(*bytes);
    check(again.ok());
    check(again.value() == m.value());
    if (const auto* sa = std::get_if<MsdpSourceActive>(&m.value())) {
        std::vector<MsdpSaEntry> rejoined;
        for (const auto& t : encode_msdp_source_active(sa->rp, sa->entries, sa->data)) {
            check(t.size() <= kMsdpMaxTlvLen);
            auto d = decode_msdp(t);
            check(d.ok());
            const auto& part = std::get<MsdpSourceActive>(d.value());
            check(part.rp == sa->rp);
            rejoined.insert(rejoined.end(), part.entries.begin(), part.entries.end());
        }
        check(rejoined == sa->entries);
    }
}

// Frames data delivered in two reads split at `cut`, as a peer's receive buffer would see it.
std::vector<std::vector<uint8_t>> frame_in_two(std::span<const uint8_t> data, size_t cut, bool* fatal) {
    std::vector<uint8_t> buffer(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(cut));
    auto first = frame_msdp_stream(buffer);
    auto out = tlv_bytes(first);
    if (first.fatal) {
        *fatal = true;
        return out;
    }
    buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(first.consumed));
    buffer.insert(buffer.end(), data.begin() + static_cast<std::ptrdiff_t>(cut), data.end());
    auto second = frame_msdp_stream(buffer);
    auto more = tlv_bytes(second);
    out.insert(out.end(), more.begin(), more.end());
    *fatal = second.fatal.has_value();
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::span<const uint8_t> input(data, size);
    check_round_trip(input);

    const MsdpFramed whole = frame_msdp_stream(input);
    check(whole.consumed <= size);
    size_t covered = 0;
    for (auto t : whole.tlvs) {
        check(t.size() >= kMsdpTlvHeaderLen && t.size() <= kMsdpMaxTlvLen);
        check(t.size() == ((size_t{t[1]} << 8) | t[2]));
        covered += t.size();
        check_round_trip(t);
    }
    check(covered == whole.consumed);

    if (size > 0) {
        bool fatal = false;
        const size_t cut = size_t{data[0]} * 37 % (size + 1);
        auto pieces = frame_in_two(input, cut, &fatal);
        check(fatal == whole.fatal.has_value());
        check(pieces == tlv_bytes(whole));
    }
    return 0;
}
