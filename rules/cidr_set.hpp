// A set of networks answering "does any contain this address?" in a few hash look-ups:
// one hash set of masked network addresses per prefix length in use, so 100k CIDRs cost
// at most 33 (IPv4) or 129 (IPv6) look-ups, usually a handful.
#pragma once

#include <array>
#include <cstdint>
#include <unordered_set>
#include <vector>

#include "rules/ip_address.hpp"

namespace verdict {

// The address with the bits below `prefix` cleared: a fixed-size key, so probing a set
// allocates nothing. (IPv4 and IPv6 keys are kept in separate sets.)
struct NetKey {
    std::uint64_t hi = 0, lo = 0;
    friend bool operator==(const NetKey&, const NetKey&) = default;
};
struct NetKeyHash {
    std::size_t operator()(const NetKey& k) const;
};
NetKey masked_key(const IpAddress& a, int prefix);

class CidrSet {
public:
    void add(const Cidr& c);
    bool contains(const IpAddress& a) const;
    std::size_t size() const { return count_; }
    const std::vector<Cidr>& networks() const { return list_; }  // as added
    bool empty() const { return count_ == 0; }

private:
    struct Level {
        int prefix;
        std::unordered_set<NetKey, NetKeyHash> nets;
    };
    std::vector<Level> v4_, v6_;  // sorted by prefix, longest first
    std::size_t count_ = 0;
    std::vector<Cidr> list_;
};

}  // namespace verdict
