// Prefix-length-bucketed network sets.
#include "rules/cidr_set.hpp"

#include <algorithm>

namespace verdict {

std::string masked_key(const IpAddress& a, int prefix) {
    const std::size_t n = a.v4 ? 4 : 16;
    std::string key(reinterpret_cast<const char*>(a.bytes.data()), n);
    for (std::size_t i = 0; i < n; ++i) {
        const int bits = prefix - static_cast<int>(i) * 8;
        if (bits >= 8) continue;
        key[i] = static_cast<char>(bits <= 0 ? 0 : static_cast<unsigned char>(key[i]) & (0xff << (8 - bits)));
    }
    return key;
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
