// Wireshark's tshark as an independent judge of what Fanout encodes: write packets to a pcap, let tshark
// dissect them, and read back fields (-T fields) for assertions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fanout::test {

bool tshark_available();

// One row per frame; each requested field maps to tshark's text ("" when absent; repeated occurrences are
// joined with ',').
using TsharkRow = std::map<std::string, std::string>;

// Runs `tshark -r pcap -T fields -E occurrence=a -E aggregator=, -e f1 -e f2 ... [-Y filter] [-o pref ...]`.
// preferences are passed as `-o` options, e.g. "ip.check_checksum:TRUE" (tshark does not verify IPv4 header
// checksums by default: ip.checksum.status is 2, "unverified", without it).
std::optional<std::vector<TsharkRow>> tshark_fields(const std::string& pcap,
                                                    const std::vector<std::string>& fields,
                                                    const std::string& display_filter = "",
                                                    const std::vector<std::string>& preferences = {});

// Convenience: writes IPv4 packets to a temporary pcap (named after tag) and dissects it.
std::optional<std::vector<TsharkRow>> tshark_decode_ipv4(const std::string& tag,
                                                         const std::vector<std::vector<uint8_t>>& packets,
                                                         const std::vector<std::string>& fields,
                                                         const std::vector<std::string>& preferences = {});

// The full verbose dissection (-V) of a pcap, for debugging output in failure messages.
std::string tshark_verbose(const std::string& pcap);

}  // namespace fanout::test
