// Parsing and containment of IPv4/IPv6 addresses and networks.
#include "rules/ip_address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace verdict {

namespace {

constexpr std::uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

std::optional<IpAddress> parse_plain(std::string_view s) {
    if (s.empty() || s.size() > 63) return std::nullopt;
    char buf[64];
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
    IpAddress a;
    if (inet_pton(AF_INET, buf, a.bytes.data()) == 1) return a;
    a.v4 = false;
    if (inet_pton(AF_INET6, buf, a.bytes.data()) != 1) return std::nullopt;
    if (std::memcmp(a.bytes.data(), kMappedPrefix, 12) == 0) {  // ::ffff:a.b.c.d
        IpAddress m;
        std::memcpy(m.bytes.data(), a.bytes.data() + 12, 4);
        return m;
    }
    return a;
}

}  // namespace

std::string IpAddress::str() const {
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(v4 ? AF_INET : AF_INET6, bytes.data(), buf, sizeof buf);
    return buf;
}

std::optional<IpAddress> parse_ip(std::string_view s) {
    if (s.size() >= 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
    if (s.size() > 5 && (s.substr(0, 5) == "IPv6:" || s.substr(0, 5) == "ipv6:")) s.remove_prefix(5);
    if (auto pct = s.find('%'); pct != std::string_view::npos) s = s.substr(0, pct);
    return parse_plain(s);
}

bool Cidr::contains(const IpAddress& a) const {
    if (a.v4 != net.v4) return false;
    int full = prefix / 8, rest = prefix % 8;
    if (std::memcmp(a.bytes.data(), net.bytes.data(), static_cast<std::size_t>(full)) != 0) return false;
    if (rest == 0) return true;
    auto m = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (a.bytes[static_cast<std::size_t>(full)] & m) == net.bytes[static_cast<std::size_t>(full)];
}

std::string Cidr::str() const { return net.str() + '/' + std::to_string(prefix); }

CidrParse parse_cidr(std::string_view s) {
    std::string_view addr = s, len;
    if (auto slash = s.find('/'); slash != std::string_view::npos) {
        addr = s.substr(0, slash);
        len = s.substr(slash + 1);
    }
    if (addr.find('%') != std::string_view::npos) return {std::nullopt, "a network takes no zone (%...)"};
    // Parse without the mapped-address folding first, to know the written family.
    char buf[64];
    if (addr.empty() || addr.size() > 63) return {std::nullopt, "not an IP address"};
    std::memcpy(buf, addr.data(), addr.size());
    buf[addr.size()] = '\0';
    IpAddress raw;
    int max = 32;
    if (inet_pton(AF_INET, buf, raw.bytes.data()) != 1) {
        raw.v4 = false;
        max = 128;
        if (inet_pton(AF_INET6, buf, raw.bytes.data()) != 1) return {std::nullopt, "not an IP address"};
    }
    int prefix = max;
    if (!len.empty() || s.find('/') != std::string_view::npos) {
        auto [p, ec] = std::from_chars(len.data(), len.data() + len.size(), prefix);
        if (ec != std::errc{} || p != len.data() + len.size() || len.empty() || (len.size() > 1 && len[0] == '0') ||
            prefix < 0 || prefix > max)
            return {std::nullopt, "prefix length must be 0-" + std::to_string(max)};
    }
    Cidr c{raw, prefix};
    // Host bits below the prefix must be zero.
    for (int bit = prefix; bit < max; ++bit)
        if (raw.bytes[static_cast<std::size_t>(bit / 8)] & (0x80 >> (bit % 8)))
            return {std::nullopt, "host bits are set below /" + std::to_string(prefix)};
    if (!raw.v4 && prefix >= 96 && std::memcmp(raw.bytes.data(), kMappedPrefix, 12) == 0) {
        IpAddress m;
        std::memcpy(m.bytes.data(), raw.bytes.data() + 12, 4);
        c = Cidr{m, prefix - 96};
    }
    return {c, {}};
}

}  // namespace verdict
