// The compact string set (see string_set.hpp): linear probing, tags to skip most key
// comparisons, the table doubled when it would pass half full.
#include "rules/string_set.hpp"

#include <functional>
#include <stdexcept>

namespace verdict {

namespace {

std::size_t hash_of(std::string_view s) { return std::hash<std::string_view>{}(s); }
std::uint32_t tag_of(std::size_t h) { return static_cast<std::uint32_t>(h >> 32) | 1u; }

}  // namespace

std::string_view StringSet::key(std::uint32_t n) const {
    const std::uint32_t begin = n == 0 ? 0 : ends_[n - 1];
    return std::string_view(pool_).substr(begin, ends_[n] - begin);
}

void StringSet::reserve(std::size_t n) {
    ends_.reserve(n);
    std::size_t want = 16;
    while (want < 2 * n) want *= 2;
    if (want <= slots_.size()) return;
    std::vector<Slot> old(want);
    old.swap(slots_);
    for (const Slot& s : old)
        if (s.key) {
            const std::string_view k = key(s.key - 1);
            slots_[find(k, hash_of(k))] = s;
        }
}

void StringSet::shrink_to_fit() {
    pool_.shrink_to_fit();
    ends_.shrink_to_fit();
}

std::size_t StringSet::find(std::string_view k, std::size_t h) const {
    const std::size_t mask = slots_.size() - 1;
    const std::uint32_t tag = tag_of(h);
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
        const Slot& s = slots_[i];
        if (s.key == 0 || (s.tag == tag && key(s.key - 1) == k)) return i;
    }
}

void StringSet::grow() { reserve(slots_.empty() ? 8 : slots_.size()); }

void StringSet::insert(std::string_view k) {
    if (2 * (ends_.size() + 1) > slots_.size()) grow();
    const std::size_t h = hash_of(k);
    const std::size_t i = find(k, h);
    if (slots_[i].key) return;
    if (pool_.size() + k.size() > UINT32_MAX || ends_.size() + 1 >= UINT32_MAX)
        throw std::length_error("list too large (4 GiB of entries)");
    pool_.append(k);
    ends_.push_back(static_cast<std::uint32_t>(pool_.size()));
    slots_[i] = Slot{static_cast<std::uint32_t>(ends_.size()), tag_of(h)};
}

bool StringSet::contains(std::string_view k) const {
    if (slots_.empty()) return false;
    return slots_[find(k, hash_of(k))].key != 0;
}

}  // namespace verdict
