#include "common/packet/decode_error.hpp"

namespace fanout::packet {

std::string_view to_string(DecodeErrorKind k) {
    auto i = static_cast<size_t>(k);
    return i < kDecodeErrorNames.size() ? kDecodeErrorNames[i] : std::string_view("unknown");
}

}  // namespace fanout::packet
