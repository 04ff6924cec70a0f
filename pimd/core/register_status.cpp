// `show ip pim register` snapshot (RFC 7761 4.4.1 / 4.4.2 state). See register_status.hpp.
#include "pimd/core/register_status.hpp"

#include <chrono>

namespace fanout::pim {

namespace {
int64_t ms(Duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

std::optional<int64_t> rst_remaining(const RegisterDrVariant& v) {
    if (const auto* jp = std::get_if<RegJoinPending>(&v)) return ms(jp->register_stop.remaining());
    if (const auto* p = std::get_if<RegPrune>(&v)) return ms(p->register_stop.remaining());
    return std::nullopt;
}

RegisterSgStatus dr_entry(const SGRegisterState& st, TimePoint now) {
    RegisterSgStatus s;
    s.role = "dr";
    s.source = st.sg.source;
    s.group = st.sg.group;
    s.state = std::string(to_string(st.state()));
    s.rp = st.rp;
    s.register_stop_timer_ms = rst_remaining(st.fsm);
    s.uptime_ms = ms(now - st.since);
    s.packets = st.counters.packets_encapsulated;
    s.bytes = st.counters.bytes_encapsulated;
    s.null_registers = st.counters.null_registers_sent;
    s.register_stops = st.counters.register_stops_received;
    for (size_t i = 0; i < st.counters.drops.size(); ++i)
        if (st.counters.drops[i])
            s.drops[std::string(to_string(static_cast<RegisterDrDrop>(i)))] = st.counters.drops[i];
    return s;
}

RegisterSgStatus rp_entry(const RegisterRpSgState& st, TimePoint now) {
    RegisterSgStatus s;
    s.role = "rp";
    s.source = st.sg.source;
    s.group = st.sg.group;
    s.state = st.forwarded_last ? "forwarding" : "stopped";
    s.sender = st.last_sender;
    s.pmbr = st.pmbr;
    s.uptime_ms = ms(now - st.first_seen);
    s.packets = st.registers;
    s.bytes = st.bytes;
    s.null_registers = st.null_registers;
    s.register_stops = st.register_stops_sent;
    return s;
}
}  // namespace

RegisterStatus register_status(const RegisterDr& dr, const RegisterRp& rp, TimePoint now) {
    RegisterStatus out;
    for (const auto& [sg, st] : dr.states())
        out.entries.push_back(dr_entry(st, now));
    for (const auto& [sg, st] : rp.states())
        out.entries.push_back(rp_entry(st, now));
    out.counters = RegisterCountersStatus{dr.counters(), dr.fsm_counters(), rp.counters()};
    return out;
}

}  // namespace fanout::pim
