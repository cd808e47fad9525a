// Counters of a running daemon: decisions by front end/stage/action/code, rule hits
// (enforced and monitor mode), evaluation latency, connections, reloads and protocol
// errors, rendered in the Prometheus text exposition format. Thread-safe; the only
// mutable state shared between connections besides the rule snapshot.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "rules/engine.hpp"

namespace verdict {

class Metrics {
public:
    // One decision as a front end answered it; `latency` is the evaluation time.
    void record(std::string_view front_end, const Decision& d, std::chrono::nanoseconds latency);
    void connection_opened(std::string_view front_end);
    void connection_closed(std::string_view front_end);
    void protocol_error(std::string_view front_end);
    void reload(bool ok);

    std::uint64_t rule_hits(std::string_view rule, Mode mode) const;
    std::uint64_t open_connections(std::string_view front_end) const;
    std::uint64_t reloads(bool ok) const { return ok ? reloads_ok_ : reloads_failed_; }

    std::string prometheus() const;

    static constexpr std::array<double, 10> kLatencyBuckets = {0.00001, 0.00005, 0.0001, 0.0005, 0.001,
                                                               0.005,   0.01,    0.05,   0.1,    1.0};

private:
    // Counters are found by their parts (no label text built per decision); the labels
    // are rendered only by prometheus().
    using Counts = std::map<std::string, std::uint64_t, std::less<>>;
    static void add(Counts& m, std::string_view key, std::int64_t delta = 1);
    mutable std::mutex mu_;
    // (front_end, stage, action, reply code or 0) -> count; found without a string copy.
    using DecisionKey = std::tuple<std::string, Stage, Action, int>;
    using DecisionView = std::tuple<std::string_view, Stage, Action, int>;
    struct DecisionOrder {
        using is_transparent = void;
        template <typename A, typename B>
        bool operator()(const A& a, const B& b) const {
            return view(a) < view(b);
        }
        template <typename T>
        static DecisionView view(const T& t) {
            return {std::get<0>(t), std::get<1>(t), std::get<2>(t), std::get<3>(t)};
        }
    };
    std::map<DecisionKey, std::uint64_t, DecisionOrder> decisions_;
    std::map<std::string, std::array<std::uint64_t, 2>, std::less<>> rule_hits_;  // rule -> [enforce, monitor]
    Counts connections_;  // front_end -> total
    Counts open_;         // front_end -> open now
    Counts errors_;       // front_end -> count
    std::array<std::uint64_t, kLatencyBuckets.size() + 1> latency_buckets_{};
    double latency_sum_ = 0;
    std::uint64_t latency_count_ = 0;
    std::atomic<std::uint64_t> reloads_ok_{0}, reloads_failed_{0};
};

}  // namespace verdict
