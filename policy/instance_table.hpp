// Per-message policy state by Postfix "instance" name, bounded in memory and shared by
// the policy threads. Keys are spread over shards, each with its own lock, so threads
// rarely wait for one another. Each shard keeps its entries in least-recently-used order:
// a look-up moves the entry to the front, and a new entry beyond the shard's share of the
// capacity pushes out the one at the back. One entry at most is dropped per request, so
// no request pays for clearing out many.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace verdict::policy {

template <typename T>
class InstanceTable {
public:
    // Never more than max(1, capacity) entries: up to 16 shards, each holding an equal share.
    explicit InstanceTable(std::size_t capacity)
        : nshards_(std::clamp<std::size_t>(capacity, 1, kMaxShards)),
          per_shard_(std::max<std::size_t>(1, capacity / nshards_)),
          shards_(std::make_unique<Shard[]>(nshards_)) {}

    // The entry for `key`; `make()` makes it when there is none.
    template <typename Make>
    std::shared_ptr<T> find_or_make(std::string_view key, Make&& make) {
        Shard& s = shard(key);
        std::shared_ptr<T> dropped;  // destroyed after the lock is released
        std::lock_guard lock(s.mu);
        if (auto it = s.where.find(key); it != s.where.end()) {
            s.lru.splice(s.lru.begin(), s.lru, it->second);
            return it->second->value;
        }
        s.lru.push_front(Node{std::string(key), make()});
        s.where.emplace(s.lru.front().key, s.lru.begin());
        if (s.lru.size() > per_shard_) {
            dropped = std::move(s.lru.back().value);
            s.where.erase(s.lru.back().key);
            s.lru.pop_back();
        }
        return s.lru.front().value;
    }

    void erase(std::string_view key) {
        Shard& s = shard(key);
        std::shared_ptr<T> gone;  // destroyed after the lock is released
        std::lock_guard lock(s.mu);
        auto it = s.where.find(key);
        if (it == s.where.end()) return;
        auto node = it->second;
        gone = std::move(node->value);
        s.where.erase(it);
        s.lru.erase(node);
    }

    std::size_t size() const {
        std::size_t n = 0;
        for (std::size_t i = 0; i < nshards_; ++i) {
            std::lock_guard lock(shards_[i].mu);
            n += shards_[i].lru.size();
        }
        return n;
    }

    std::size_t capacity() const { return nshards_ * per_shard_; }

private:
    static constexpr std::size_t kMaxShards = 16;
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view k) const { return std::hash<std::string_view>{}(k); }
    };
    struct Node {
        std::string key;
        std::shared_ptr<T> value;
    };
    using Lru = std::list<Node>;  // most recently used first
    struct Shard {
        mutable std::mutex mu;
        Lru lru;
        std::unordered_map<std::string_view, typename Lru::iterator, Hash, std::equal_to<>> where;  // keys: in lru
    };
    Shard& shard(std::string_view key) {
        // The map hashes again; a different mix here keeps shard and bucket choices apart.
        return shards_[(Hash{}(key) >> 17) % nshards_];
    }

    std::size_t nshards_, per_shard_;
    std::unique_ptr<Shard[]> shards_;
};

}  // namespace verdict::policy
