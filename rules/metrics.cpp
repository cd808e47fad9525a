// Counting decisions and rendering them for Prometheus.
#include "rules/metrics.hpp"

namespace verdict {

namespace {

// Label values are rule names, stages and the like: escape as the format requires.
std::string esc(std::string_view v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

std::string label(std::string_view k, std::string_view v) { return std::string(k) + "=\"" + esc(v) + "\""; }

}  // namespace

void Metrics::add(Counts& m, std::string_view key, std::int64_t delta) {
    auto it = m.find(key);
    if (it == m.end()) it = m.emplace(std::string(key), 0).first;
    it->second = static_cast<std::uint64_t>(static_cast<std::int64_t>(it->second) + delta);
}

void Metrics::record(std::string_view fe, const Decision& d, std::chrono::nanoseconds latency) {
    const double seconds = std::chrono::duration<double>(latency).count();
    const DecisionView key{fe, d.stage, d.action, d.reply.code};
    std::lock_guard lock(mu_);
    auto it = decisions_.find(key);
    if (it == decisions_.end()) it = decisions_.emplace(DecisionKey{fe, d.stage, d.action, d.reply.code}, 0).first;
    ++it->second;
    if (d.rule) ++rule_hits_[d.rule->name][0];  // [enforce, monitor]
    for (const Rule* r : d.monitor_hits) ++rule_hits_[r->name][1];
    std::size_t b = 0;
    while (b < kLatencyBuckets.size() && seconds > kLatencyBuckets[b]) ++b;
    ++latency_buckets_[b];
    latency_sum_ += seconds;
    ++latency_count_;
}

void Metrics::connection_opened(std::string_view fe) {
    std::lock_guard lock(mu_);
    add(connections_, fe);
    add(open_, fe);
}

void Metrics::connection_closed(std::string_view fe) {
    std::lock_guard lock(mu_);
    add(open_, fe, -1);
}

void Metrics::protocol_error(std::string_view fe) {
    std::lock_guard lock(mu_);
    add(errors_, fe);
}

void Metrics::reload(bool ok) { ++(ok ? reloads_ok_ : reloads_failed_); }

std::uint64_t Metrics::rule_hits(std::string_view rule, Mode mode) const {
    std::lock_guard lock(mu_);
    auto it = rule_hits_.find(rule);
    return it == rule_hits_.end() ? 0 : it->second[mode == Mode::Monitor ? 1 : 0];
}

std::uint64_t Metrics::open_connections(std::string_view fe) const {
    std::lock_guard lock(mu_);
    auto it = open_.find(fe);
    return it == open_.end() ? 0 : it->second;
}

std::string Metrics::prometheus() const {
    std::lock_guard lock(mu_);
    std::string o;
    auto family = [&](const char* name, const char* type, const char* help) {
        o += std::string("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
    };
    family("verdict_decisions_total", "counter", "Decisions answered, by front end, stage, action and reply code.");
    for (const auto& [k, v] : decisions_) {
        const auto& [fe, stage, action, code] = k;
        o += "verdict_decisions_total{" + label("front_end", fe) + ',' + label("stage", stage_name(stage)) + ',' +
             label("action", action_name(action)) + ',' + label("code", code ? std::to_string(code) : "none") + "} " +
             std::to_string(v) + '\n';
    }
    family("verdict_rule_hits_total", "counter", "Rule matches, enforced or in monitor mode (would have matched).");
    for (const auto& [rule, counts] : rule_hits_)
        for (int m : {0, 1})
            if (counts[m])
                o += "verdict_rule_hits_total{" + label("rule", rule) + ',' + label("mode", m ? "monitor" : "enforce") +
                     "} " + std::to_string(counts[m]) + '\n';
    family("verdict_evaluation_seconds", "histogram", "Time to evaluate one stage.");
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
        cumulative += latency_buckets_[i];
        char le[32];
        std::snprintf(le, sizeof le, "%g", kLatencyBuckets[i]);
        o += std::string("verdict_evaluation_seconds_bucket{le=\"") + le + "\"} " + std::to_string(cumulative) + '\n';
    }
    cumulative += latency_buckets_.back();
    o += "verdict_evaluation_seconds_bucket{le=\"+Inf\"} " + std::to_string(cumulative) + '\n';
    char sum[64];
    std::snprintf(sum, sizeof sum, "%.9f", latency_sum_);
    o += std::string("verdict_evaluation_seconds_sum ") + sum + '\n';
    o += "verdict_evaluation_seconds_count " + std::to_string(latency_count_) + '\n';
    family("verdict_connections_total", "counter", "Connections accepted, by front end.");
    for (const auto& [k, v] : connections_) o += "verdict_connections_total{" + label("front_end", k) + "} " + std::to_string(v) + '\n';
    family("verdict_connections_open", "gauge", "Connections open now, by front end.");
    for (const auto& [k, v] : open_) o += "verdict_connections_open{" + label("front_end", k) + "} " + std::to_string(v) + '\n';
    family("verdict_protocol_errors_total", "counter", "Malformed milter or policy input, by front end.");
    for (const auto& [k, v] : errors_) o += "verdict_protocol_errors_total{" + label("front_end", k) + "} " + std::to_string(v) + '\n';
    family("verdict_reloads_total", "counter", "Rule reloads, by result.");
    o += "verdict_reloads_total{result=\"ok\"} " + std::to_string(reloads_ok_.load()) + '\n';
    o += "verdict_reloads_total{result=\"failed\"} " + std::to_string(reloads_failed_.load()) + '\n';
    return o;
}

}  // namespace verdict
