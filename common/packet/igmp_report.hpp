// IGMP membership reports and leaves: RFC 1112 Appendix I (v1 report), RFC 2236 section 2 (v2 report, leave),
// RFC 3376 sections 4.2 (v3 report), 4.2.12 (record types) and 5.2 (splitting a report to fit the MTU).
//
// RFC 1112 / RFC 2236 report and leave (8 octets; longer messages are accepted, the extra octets are covered
// by the checksum and otherwise ignored, RFC 2236 2.5):
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |      Type     |    Unused     |           Checksum            |   0x12 v1 report, 0x16 v2 report,
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   0x17 v2 leave
//    |                         Group Address                         |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RFC 3376 4.2 Version 3 Membership Report:
//
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |  Type = 0x22  |    Reserved   |           Checksum            |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |           Reserved            |  Number of Group Records (M)  |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                  Group Record [1] ... [M]                     |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//  Group Record (4.2.4):
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |  Record Type  |  Aux Data Len |     Number of Sources (N)     |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                       Multicast Address                       |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                  Source Address [1] ... [N]                   |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                 Auxiliary Data (Aux Data Len 32-bit words)    |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Decoding: every record's 8 + 4N + 4*AuxDataLen octets must be present (else kTruncated); auxiliary data is
// skipped (4.2.10: none is defined, receivers ignore it); records of an unknown type are skipped and counted
// (4.2.12: "unrecognized Record Type values MUST be silently ignored"); octets after the M records are
// ignored (4.2.11). The multicast address of every record, and the group of v1/v2 reports and leaves, must be
// a multicast address (kBadAddress). Encoders write zero reserved fields and no auxiliary data.
#pragma once

#include <cstdint>
#include <vector>

#include "common/core/byte_writer.hpp"
#include "common/core/ip.hpp"

namespace fanout::packet {

inline constexpr uint8_t kIgmpV1MembershipReport = 0x12;
inline constexpr uint8_t kIgmpV2MembershipReport = 0x16;
inline constexpr uint8_t kIgmpV2LeaveGroup = 0x17;
inline constexpr uint8_t kIgmpV3MembershipReport = 0x22;
inline constexpr size_t kIgmpV3ReportHeaderLength = 8;
inline constexpr size_t kIgmpGroupRecordHeaderLength = 8;

struct IgmpReportV1 {
    Ipv4Address group;
    bool operator==(const IgmpReportV1&) const = default;
};

struct IgmpReportV2 {
    Ipv4Address group;
    bool operator==(const IgmpReportV2&) const = default;
};

struct IgmpLeaveV2 {
    Ipv4Address group;
    bool operator==(const IgmpLeaveV2&) const = default;
};

// RFC 3376 4.2.12.
enum class IgmpRecordType : uint8_t {
    kModeIsInclude = 1,        // IS_IN (current-state)
    kModeIsExclude = 2,        // IS_EX (current-state)
    kChangeToIncludeMode = 3,  // TO_IN (filter-mode-change)
    kChangeToExcludeMode = 4,  // TO_EX (filter-mode-change)
    kAllowNewSources = 5,      // ALLOW (source-list-change)
    kBlockOldSources = 6,      // BLOCK (source-list-change)
};
const char* to_string(IgmpRecordType t);  // "IS_IN", "IS_EX", "TO_IN", "TO_EX", "ALLOW", "BLOCK"

struct IgmpGroupRecord {
    IgmpRecordType type = IgmpRecordType::kModeIsInclude;
    Ipv4Address group;
    std::vector<Ipv4Address> sources;
    bool operator==(const IgmpGroupRecord&) const = default;
};

struct IgmpReportV3 {
    std::vector<IgmpGroupRecord> records;
    // Set by the decoder: records of an unknown type that were skipped (never encoded).
    uint16_t unknown_records_skipped = 0;
    bool operator==(const IgmpReportV3&) const = default;
};

// Encoders append one message with its checksum. A v3 report must have at most 65535 records of at most 65535
// sources each (anything that fits an IP packet does); use split_igmp_v3_report for reports built from state.
void encode_igmp(ByteWriter& w, const IgmpReportV1& r);
void encode_igmp(ByteWriter& w, const IgmpReportV2& r);
void encode_igmp(ByteWriter& w, const IgmpLeaveV2& r);
void encode_igmp(ByteWriter& w, const IgmpReportV3& r);

// Octets the encoded report takes.
size_t igmp_v3_report_length(const IgmpReportV3& r);

// RFC 3376 5.2: spreads the records over as many reports as needed so that each one, in an IPv4 packet with a
// Router Alert option (24-octet header), fits ip_mtu octets (values are clamped to [68, 65535], the IPv4
// minimum and maximum). Records keep their order and are never reordered across reports. A record too large
// for one report is, for IS_EX and TO_EX, sent once with as many of its first sources as fit (the rest are
// not reported, so the same sources are reported each time when callers keep source lists sorted); for every
// other type it is split into several records of the same type, each carrying the next sources in order, each
// in a separate report. Returns no report when there are no records.
std::vector<IgmpReportV3> split_igmp_v3_report(const IgmpReportV3& r, size_t ip_mtu);

}  // namespace fanout::packet
