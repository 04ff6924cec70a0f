#include "tests/testlib/tshark.hpp"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "tests/testlib/pcap.hpp"

namespace fanout::test {
namespace {

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

std::optional<std::string> run(const std::string& cmd) {
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return std::nullopt;
    std::string out;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
        out.append(buf.data(), n);
    int rc = ::pclose(p);
    if (rc != 0) return std::nullopt;
    return out;
}

}  // namespace

bool tshark_available() {
    return run("tshark -v >/dev/null 2>&1").has_value();
}

std::optional<std::vector<TsharkRow>> tshark_fields(const std::string& pcap,
                                                    const std::vector<std::string>& fields,
                                                    const std::string& display_filter,
                                                    const std::vector<std::string>& preferences) {
    std::string cmd =
        "tshark -n -r " + shell_quote(pcap) + " -T fields -E occurrence=a -E aggregator=, -E separator=/t";
    for (const auto& f : fields)
        cmd += " -e " + shell_quote(f);
    if (!display_filter.empty()) cmd += " -Y " + shell_quote(display_filter);
    for (const auto& p : preferences)
        cmd += " -o " + shell_quote(p);
    cmd += " 2>/dev/null";
    auto out = run(cmd);
    if (!out) return std::nullopt;
    std::vector<TsharkRow> rows;
    std::istringstream lines(*out);
    std::string line;
    while (std::getline(lines, line)) {
        TsharkRow row;
        size_t start = 0;
        for (size_t i = 0; i < fields.size(); ++i) {
            size_t tab = line.find('\t', start);
            row[fields[i]] = line.substr(start, tab == std::string::npos ? std::string::npos : tab - start);
            start = tab == std::string::npos ? line.size() : tab + 1;
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

std::optional<std::vector<TsharkRow>> tshark_decode_ipv4(const std::string& tag,
                                                         const std::vector<std::vector<uint8_t>>& packets,
                                                         const std::vector<std::string>& fields,
                                                         const std::vector<std::string>& preferences) {
    auto dir = std::filesystem::temp_directory_path() / ("fanout-tshark-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto path = (dir / (tag + ".pcap")).string();
    if (!write_pcap_ipv4(path, packets)) return std::nullopt;
    return tshark_fields(path, fields, "", preferences);
}

std::string tshark_verbose(const std::string& pcap) {
    return run("tshark -n -V -r " + shell_quote(pcap) + " 2>&1").value_or("(tshark failed)");
}

}  // namespace fanout::test
