// Prefix-length-bucketed network sets.
#include "rules/cidr_set.hpp"

#include <algorithm>
#include <cstring>

namespace verdict {

NetKey masked_key(const IpAddress& a, int prefix) {
    std::array<std::uint8_t, 16> b{};
    const std::size_t n = a.v4 ? 4 : 16;
    for (std::size_t i = 0; i < n; ++i) {
        const int bits = prefix - static_cast<int>(i) * 8;
        b[i] = bits >= 8 ? a.bytes[i] : bits <= 0 ? 0 : static_cast<std::uint8_t>(a.bytes[i] & (0xff << (8 - bits)));
    }
    NetKey k;
    std::memcpy(&k.hi, b.data(), 8);
    std::memcpy(&k.lo, b.data() + 8, 8);
    return k;
}

std::size_t NetKeyHash::operator()(const NetKey& k) const {
    std::uint64_t x = k.hi ^ (k.lo * 0x9e3779b97f4a7c15ull);  // then splitmix64's finaliser
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return static_cast<std::size_t>(x ^ (x >> 31));
}

void CidrSet::add(const Cidr& c) {
    auto& levels = c.net.v4 ? v4_ : v6_;
    auto it = std::find_if(levels.begin(), levels.end(), [&](const Level& l) { return l.prefix == c.prefix; });
    if (it == levels.end()) {
        levels.push_back(Level{c.prefix, {}});
        std::sort(levels.begin(), levels.end(), [](const Level& a, const Level& b) { return a.prefix > b.prefix; });
        it = std::find_if(levels.begin(), levels.end(), [&](const Level& l) { return l.prefix == c.prefix; });
    }
    if (it->nets.insert(masked_key(c.net, c.prefix)).second) {
        ++count_;
        list_.push_back(c);
    }
}

bool CidrSet::contains(const IpAddress& a) const {
    for (const auto& l : a.v4 ? v4_ : v6_)
        if (l.nets.count(masked_key(a, l.prefix))) return true;
    return false;
}

}  // namespace verdict
