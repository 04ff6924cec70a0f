// Builds rtnetlink messages in memory with libmnl, as the kernel would send them, for the netlink parse
// tests.
#pragma once

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <array>
#include <cstring>
#include <vector>

#include "common/core/ip.hpp"

namespace fanout::sys::test {

class Msg {
  public:
    explicit Msg(uint16_t type) {
        nlh_ = mnl_nlmsg_put_header(buf_.data());
        nlh_->nlmsg_type = type;
    }
    template <typename T>
    T* family() {
        return static_cast<T*>(mnl_nlmsg_put_extra_header(nlh_, sizeof(T)));
    }
    Msg& u32(uint16_t type, uint32_t v) {
        mnl_attr_put_u32(nlh_, type, v);
        return *this;
    }
    Msg& addr(uint16_t type, Ipv4Address a) { return u32(type, a.network_order()); }
    Msg& str(uint16_t type, const char* s) {
        mnl_attr_put_strz(nlh_, type, s);
        return *this;
    }
    // An attribute with raw bytes (no NUL added).
    Msg& raw(uint16_t type, const void* data, size_t len) {
        mnl_attr_put(nlh_, type, len, data);
        return *this;
    }
    // RTA_MULTIPATH with (ifindex, gateway, weight) next hops.
    struct Hop {
        int ifindex;
        Ipv4Address gateway;
        int weight;
    };
    Msg& multipath(const std::vector<Hop>& hops) {
        nlattr* nest = mnl_attr_nest_start(nlh_, RTA_MULTIPATH);
        for (const auto& h : hops) {
            char* start = static_cast<char*>(mnl_nlmsg_get_payload_tail(nlh_));
            auto* rtnh = static_cast<rtnexthop*>(mnl_nlmsg_put_extra_header(nlh_, sizeof(rtnexthop)));
            rtnh->rtnh_ifindex = h.ifindex;
            rtnh->rtnh_hops = static_cast<unsigned char>(h.weight - 1);
            if (!h.gateway.is_unspecified()) mnl_attr_put_u32(nlh_, RTA_GATEWAY, h.gateway.network_order());
            char* end = static_cast<char*>(mnl_nlmsg_get_payload_tail(nlh_));
            rtnh->rtnh_len = static_cast<unsigned short>(end - start);
        }
        mnl_attr_nest_end(nlh_, nest);
        return *this;
    }
    nlmsghdr& hdr() { return *nlh_; }
    char* bytes() { return buf_.data(); }

  private:
    alignas(NLMSG_ALIGNTO) std::array<char, 2048> buf_{};
    nlmsghdr* nlh_;
};

inline Msg link_msg(uint16_t type, int ifindex, unsigned flags, const char* name, uint32_t mtu = 1500,
                    unsigned char family = AF_UNSPEC) {
    Msg m(type);
    auto* ifi = m.family<ifinfomsg>();
    ifi->ifi_family = family;
    ifi->ifi_index = ifindex;
    ifi->ifi_flags = flags;
    if (name) m.str(IFLA_IFNAME, name);
    m.u32(IFLA_MTU, mtu);
    return m;
}

inline Msg addr_msg(uint16_t type, int ifindex, Ipv4Address local, uint8_t prefix_len,
                    unsigned char flags = 0, Ipv4Address address = Ipv4Address()) {
    Msg m(type);
    auto* ifa = m.family<ifaddrmsg>();
    ifa->ifa_family = AF_INET;
    ifa->ifa_prefixlen = prefix_len;
    ifa->ifa_flags = flags;
    ifa->ifa_index = static_cast<uint32_t>(ifindex);
    m.addr(IFA_LOCAL, local);
    m.addr(IFA_ADDRESS, address.is_unspecified() ? local : address);
    return m;
}

inline Msg route_msg(uint16_t type, Ipv4Prefix prefix, unsigned char rtype = RTN_UNICAST,
                     unsigned char protocol = RTPROT_STATIC, uint32_t table = RT_TABLE_MAIN,
                     unsigned flags = 0) {
    Msg m(type);
    auto* rtm = m.family<rtmsg>();
    rtm->rtm_family = AF_INET;
    rtm->rtm_dst_len = prefix.length();
    rtm->rtm_table = static_cast<unsigned char>(table < 256 ? table : uint32_t{RT_TABLE_COMPAT});
    rtm->rtm_protocol = protocol;
    rtm->rtm_type = rtype;
    rtm->rtm_scope = RT_SCOPE_UNIVERSE;
    rtm->rtm_flags = flags;
    m.u32(RTA_TABLE, table);
    if (prefix.length() > 0) m.addr(RTA_DST, prefix.address());
    return m;
}

}  // namespace fanout::sys::test
