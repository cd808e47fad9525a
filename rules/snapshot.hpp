// The current rule snapshot of a running daemon: a shared_ptr<const Ruleset> swapped
// atomically on reload. Connections take a copy when they start and keep it (pinning),
// so a reload affects new connections only.
#pragma once

#include <atomic>
#include <memory>

#include "rules/ruleset.hpp"

namespace verdict {

class SnapshotHolder {
public:
    explicit SnapshotHolder(std::shared_ptr<const Ruleset> initial) : current_(std::move(initial)) {}
    std::shared_ptr<const Ruleset> get() const { return current_.load(std::memory_order_acquire); }
    void set(std::shared_ptr<const Ruleset> next) { current_.store(std::move(next), std::memory_order_release); }

private:
    std::atomic<std::shared_ptr<const Ruleset>> current_;
};

}  // namespace verdict
