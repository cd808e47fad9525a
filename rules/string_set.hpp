// A compact, immutable-after-build set of strings for large lists (a million recipient
// addresses): the keys live end to end in one buffer, and an open-addressing table of
// (key number, hash tag) pairs finds them. About 16 bytes per key plus the key itself,
// against about 100 for a std::unordered_set<std::string> of short addresses, and one
// allocation per table instead of two per key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace verdict {

class StringSet {
public:
    void reserve(std::size_t n);
    void insert(std::string_view key);  // no effect if already present
    void shrink_to_fit();               // after the last insert: no spare capacity kept
    bool contains(std::string_view key) const;
    std::size_t size() const { return ends_.size(); }
    bool empty() const { return ends_.empty(); }

private:
    struct Slot {
        std::uint32_t key = 0;  // key number + 1; 0 = empty
        std::uint32_t tag = 0;  // high bits of the key's hash
    };
    std::string_view key(std::uint32_t n) const;
    std::size_t find(std::string_view key, std::size_t h) const;  // slot holding key, or the empty slot to use
    void grow();

    std::string pool_;                // the keys, end to end
    std::vector<std::uint32_t> ends_; // end offset of each key in pool_
    std::vector<Slot> slots_;         // power-of-two size, at most half full
};

}  // namespace verdict
