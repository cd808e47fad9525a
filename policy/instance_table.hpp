// Per-message policy state by Postfix "instance" name, bounded in memory and shared by
// the policy threads. Keys are spread over shards, each with its own lock, so threads
// rarely wait for one another. Each shard keeps two generations: entries are made in the
// young one, an entry found in the old one moves back to the young one, and when the young
// one is full the old one is dropped whole and the young one takes its place. So an entry
// used within the last generation survives, stale ones go in O(1) per request with no
// sorting, and the table never holds more than its capacity.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace verdict::policy {

template <typename T>
class InstanceTable {
public:
    explicit InstanceTable(std::size_t capacity) : per_generation_(std::max<std::size_t>(1, capacity / (2 * kShards))) {}

    // The entry for `key`; `make()` makes it when there is none.
    template <typename Make>
    std::shared_ptr<T> find_or_make(std::string_view key, Make&& make) {
        Shard& s = shard(key);
        Map dropped;  // destroyed after the lock is released
        std::lock_guard lock(s.mu);
        if (auto it = s.young.find(key); it != s.young.end()) return it->second;
        std::shared_ptr<T> entry;
        if (auto it = s.old.find(key); it != s.old.end()) {
            entry = std::move(it->second);
            s.old.erase(it);
        } else {
            entry = make();
        }
        if (s.young.size() >= per_generation_) {
            dropped.swap(s.old);
            s.old.swap(s.young);
        }
        s.young.emplace(std::string(key), entry);
        return entry;
    }

    void erase(std::string_view key) {
        Shard& s = shard(key);
        std::shared_ptr<T> gone;  // destroyed after the lock is released
        std::lock_guard lock(s.mu);
        for (Map* m : {&s.young, &s.old})
            if (auto it = m->find(key); it != m->end()) {
                gone = std::move(it->second);
                m->erase(it);
            }
    }

    std::size_t size() const {
        std::size_t n = 0;
        for (const Shard& s : shards_) {
            std::lock_guard lock(s.mu);
            n += s.young.size() + s.old.size();
        }
        return n;
    }

    std::size_t capacity() const { return 2 * kShards * per_generation_; }

private:
    static constexpr std::size_t kShards = 16;
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view k) const { return std::hash<std::string_view>{}(k); }
    };
    using Map = std::unordered_map<std::string, std::shared_ptr<T>, Hash, std::equal_to<>>;
    struct Shard {
        mutable std::mutex mu;
        Map young, old;
    };
    Shard& shard(std::string_view key) {
        // The map hashes again; a different mix here keeps shard and bucket choices apart.
        return shards_[(Hash{}(key) >> 17) % kShards];
    }

    std::array<Shard, kShards> shards_;
    std::size_t per_generation_;
};

}  // namespace verdict::policy
