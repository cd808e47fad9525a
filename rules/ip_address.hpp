// IP addresses and CIDR networks for client_ip matching.
//
// IPv4 and IPv6 are separate families. An IPv4-mapped IPv6 address (::ffff:192.0.2.1)
// is the IPv4 address it carries, both as a client address and in a CIDR whose prefix
// stays inside the mapped range (::ffff:192.0.2.0/120 is 192.0.2.0/24). A zone suffix
// on a client address ("fe80::1%eth0") is ignored; CIDRs in rule files take no zone.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace verdict {

struct IpAddress {
    bool v4 = true;
    std::array<std::uint8_t, 16> bytes{};  // v4 uses the first 4
    std::string str() const;
    friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

// Accepts dotted IPv4, IPv6 (with optional %zone), "[...]" brackets and an "IPv6:" prefix
// as MTAs write them.
std::optional<IpAddress> parse_ip(std::string_view s);

struct Cidr {
    IpAddress net;  // host bits cleared
    int prefix = 0;
    bool contains(const IpAddress& a) const;
    std::string str() const;
};

// "192.0.2.0/24", "2001:db8::/32", or a single address. Host bits set below the prefix
// are an error (the caller reports it), since they usually mean a typo.
struct CidrParse {
    std::optional<Cidr> cidr;
    std::string error;  // why not, when cidr is empty
};
CidrParse parse_cidr(std::string_view s);

}  // namespace verdict
