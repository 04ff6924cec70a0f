// IGMP report and leave codec: RFC 1112 Appendix I, RFC 2236 2, RFC 3376 4.2 (v3 report), 4.2.12 (record
// types) and 5.2 (splitting a report over several messages). Layout and validation rules: igmp_report.hpp.
#include <algorithm>

#include "common/core/byte_reader.hpp"
#include "common/packet/igmp.hpp"

namespace fanout::packet {
namespace {

bool known_record_type(uint8_t t) {
    return t >= static_cast<uint8_t>(IgmpRecordType::kModeIsInclude) &&
           t <= static_cast<uint8_t>(IgmpRecordType::kBlockOldSources);
}

// One group record (RFC 3376 4.2.4), appended to report; a record of an unknown type is consumed and counted.
DecodeResult<Unit> decode_group_record(ByteReader& r, IgmpReportV3& report) {
    if (!r.need(kIgmpGroupRecordHeaderLength))
        return decode_error(DecodeErrorKind::kTruncated, "igmpv3 group record header");
    uint8_t type = r.u8();
    uint8_t aux_words = r.u8();
    uint16_t n = r.u16();
    Ipv4Address group = r.ipv4();
    if (r.remaining() / 4 < size_t{n} + aux_words)
        return decode_error(DecodeErrorKind::kTruncated, "igmpv3 group record sources");
    if (!known_record_type(type)) {
        r.skip(4 * (size_t{n} + aux_words));
        ++report.unknown_records_skipped;
        return Unit{};
    }
    if (!group.is_multicast()) return decode_error(DecodeErrorKind::kBadAddress, "igmpv3 record group");
    IgmpGroupRecord rec;
    rec.type = static_cast<IgmpRecordType>(type);
    rec.group = group;
    rec.sources.reserve(n);
    for (uint16_t i = 0; i < n; ++i)
        rec.sources.push_back(r.ipv4());
    r.skip(4 * size_t{aux_words});  // auxiliary data: none defined, ignored (4.2.10)
    report.records.push_back(std::move(rec));
    return Unit{};
}

size_t record_length(const IgmpGroupRecord& rec) {
    return kIgmpGroupRecordHeaderLength + 4 * rec.sources.size();
}

bool is_exclude_type(IgmpRecordType t) {
    return t == IgmpRecordType::kModeIsExclude || t == IgmpRecordType::kChangeToExcludeMode;
}

// Collects records into reports of at most `budget` octets of records each.
class ReportSplitter {
  public:
    explicit ReportSplitter(size_t budget) : budget_(budget) {}

    void add(const IgmpGroupRecord& rec) {
        size_t len = record_length(rec);
        if (len <= budget_) {
            if (len > budget_ - used_) flush();
            append(rec);
            return;
        }
        // Too large for any one report: RFC 3376 5.2.
        flush();
        size_t per_report = (budget_ - kIgmpGroupRecordHeaderLength) / 4;
        if (is_exclude_type(rec.type)) {
            append(IgmpGroupRecord{
                rec.type, rec.group, {rec.sources.begin(), rec.sources.begin() + per_report}});
            return;
        }
        for (size_t i = 0; i < rec.sources.size(); i += per_report) {
            size_t end = std::min(rec.sources.size(), i + per_report);
            flush();
            append(IgmpGroupRecord{
                rec.type,
                rec.group,
                {rec.sources.begin() + static_cast<long>(i), rec.sources.begin() + static_cast<long>(end)}});
        }
    }

    std::vector<IgmpReportV3> finish() {
        flush();
        return std::move(out_);
    }

  private:
    void append(IgmpGroupRecord rec) {
        used_ += record_length(rec);
        current_.records.push_back(std::move(rec));
    }
    void flush() {
        if (current_.records.empty()) return;
        out_.push_back(std::move(current_));
        current_ = IgmpReportV3{};
        used_ = 0;
    }

    size_t budget_;
    size_t used_ = 0;
    IgmpReportV3 current_;
    std::vector<IgmpReportV3> out_;
};

}  // namespace

const char* to_string(IgmpRecordType t) {
    switch (t) {
        case IgmpRecordType::kModeIsInclude:
            return "IS_IN";
        case IgmpRecordType::kModeIsExclude:
            return "IS_EX";
        case IgmpRecordType::kChangeToIncludeMode:
            return "TO_IN";
        case IgmpRecordType::kChangeToExcludeMode:
            return "TO_EX";
        case IgmpRecordType::kAllowNewSources:
            return "ALLOW";
        case IgmpRecordType::kBlockOldSources:
            return "BLOCK";
    }
    return "?";
}

namespace detail {

DecodeResult<IgmpMessage> decode_igmp_v1v2_report(std::span<const uint8_t> message) {
    ByteReader r(message);
    uint8_t type = r.u8();
    r.skip(3);  // unused / max resp time (0 in reports, ignored) and checksum (verified by decode_igmp)
    Ipv4Address group = r.ipv4();
    if (!group.is_multicast()) return decode_error(DecodeErrorKind::kBadAddress, "igmp report group");
    // Octets after the first 8 are ignored (RFC 2236 2.5).
    if (type == kIgmpV1MembershipReport) return IgmpMessage{IgmpReportV1{group}};
    if (type == kIgmpV2MembershipReport) return IgmpMessage{IgmpReportV2{group}};
    return IgmpMessage{IgmpLeaveV2{group}};
}

DecodeResult<IgmpMessage> decode_igmp_v3_report(std::span<const uint8_t> message) {
    ByteReader r(message);
    r.skip(6);  // type, reserved, checksum, reserved
    uint16_t m = r.u16();
    // Each record takes at least 8 octets: bound the count before reserving.
    if (r.remaining() / kIgmpGroupRecordHeaderLength < m)
        return decode_error(DecodeErrorKind::kTruncated, "igmpv3 report records");
    IgmpReportV3 report;
    report.records.reserve(m);
    for (uint16_t i = 0; i < m; ++i) {
        auto rec = decode_group_record(r, report);
        if (!rec) return make_err(rec.error());
    }
    // Octets after the M records are ignored (RFC 3376 4.2.11).
    return IgmpMessage{std::move(report)};
}

}  // namespace detail

void encode_igmp(ByteWriter& w, const IgmpReportV1& r) {
    size_t start = w.size();
    w.u8(kIgmpV1MembershipReport);
    w.u8(0);
    w.placeholder_u16();
    w.ipv4(r.group);
    detail::patch_igmp_checksum(w, start);
}

void encode_igmp(ByteWriter& w, const IgmpReportV2& r) {
    size_t start = w.size();
    w.u8(kIgmpV2MembershipReport);
    w.u8(0);
    w.placeholder_u16();
    w.ipv4(r.group);
    detail::patch_igmp_checksum(w, start);
}

void encode_igmp(ByteWriter& w, const IgmpLeaveV2& r) {
    size_t start = w.size();
    w.u8(kIgmpV2LeaveGroup);
    w.u8(0);
    w.placeholder_u16();
    w.ipv4(r.group);
    detail::patch_igmp_checksum(w, start);
}

void encode_igmp(ByteWriter& w, const IgmpReportV3& r) {
    size_t start = w.size();
    w.u8(kIgmpV3MembershipReport);
    w.u8(0);
    w.placeholder_u16();
    w.u16(0);
    w.u16(static_cast<uint16_t>(r.records.size()));
    for (const auto& rec : r.records) {
        w.u8(static_cast<uint8_t>(rec.type));
        w.u8(0);  // no auxiliary data
        w.u16(static_cast<uint16_t>(rec.sources.size()));
        w.ipv4(rec.group);
        for (auto s : rec.sources)
            w.ipv4(s);
    }
    detail::patch_igmp_checksum(w, start);
}

size_t igmp_v3_report_length(const IgmpReportV3& r) {
    size_t n = kIgmpV3ReportHeaderLength;
    for (const auto& rec : r.records)
        n += record_length(rec);
    return n;
}

std::vector<IgmpReportV3> split_igmp_v3_report(const IgmpReportV3& r, size_t ip_mtu) {
    size_t mtu = std::clamp(ip_mtu, kIpv4MinMtu, kIpv4MaxPacket);
    ReportSplitter splitter(mtu - kIpv4HeaderWithRouterAlert - kIgmpV3ReportHeaderLength);
    for (const auto& rec : r.records)
        splitter.add(rec);
    return splitter.finish();
}

}  // namespace fanout::packet
