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

void Metrics::add(std::map<std::string, std::uint64_t>& m, const std::string& key, std::int64_t delta) {
    auto& v = m[key];
    v = static_cast<std::uint64_t>(static_cast<std::int64_t>(v) + delta);
}

void Metrics::record(std::string_view fe, const Decision& d, std::chrono::nanoseconds latency) {
    std::string key = label("front_end", fe) + ',' + label("stage", stage_name(d.stage)) + ',' +
                      label("action", action_name(d.action)) + ',' +
                      label("code", d.reply.code ? std::to_string(d.reply.code) : "none");
    const double seconds = std::chrono::duration<double>(latency).count();
    std::lock_guard lock(mu_);
    add(decisions_, key);
    if (d.rule) add(rule_hits_, label("rule", d.rule->name) + ',' + label("mode", "enforce"));
    for (const Rule* r : d.monitor_hits) add(rule_hits_, label("rule", r->name) + ',' + label("mode", "monitor"));
    std::size_t b = 0;
    while (b < kLatencyBuckets.size() && seconds > kLatencyBuckets[b]) ++b;
    ++latency_buckets_[b];
    latency_sum_ += seconds;
    ++latency_count_;
}

void Metrics::connection_opened(std::string_view fe) {
    std::lock_guard lock(mu_);
    add(connections_, std::string(fe));
    add(open_, std::string(fe));
}

void Metrics::connection_closed(std::string_view fe) {
    std::lock_guard lock(mu_);
    add(open_, std::string(fe), -1);
}

void Metrics::protocol_error(std::string_view fe) {
    std::lock_guard lock(mu_);
    add(errors_, std::string(fe));
}

void Metrics::reload(bool ok) { ++(ok ? reloads_ok_ : reloads_failed_); }

std::uint64_t Metrics::rule_hits(std::string_view rule, Mode mode) const {
    std::lock_guard lock(mu_);
    auto it = rule_hits_.find(label("rule", rule) + ',' + label("mode", mode == Mode::Monitor ? "monitor" : "enforce"));
    return it == rule_hits_.end() ? 0 : it->second;
}

std::uint64_t Metrics::open_connections(std::string_view fe) const {
    std::lock_guard lock(mu_);
    auto it = open_.find(std::string(fe));
    return it == open_.end() ? 0 : it->second;
}

std::string Metrics::prometheus() const {
    std::lock_guard lock(mu_);
    std::string o;
    auto family = [&](const char* name, const char* type, const char* help) {
        o += std::string("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
    };
    family("verdict_decisions_total", "counter", "Decisions answered, by front end, stage, action and reply code.");
    for (const auto& [k, v] : decisions_) o += "verdict_decisions_total{" + k + "} " + std::to_string(v) + '\n';
    family("verdict_rule_hits_total", "counter", "Rule matches, enforced or in monitor mode (would have matched).");
    for (const auto& [k, v] : rule_hits_) o += "verdict_rule_hits_total{" + k + "} " + std::to_string(v) + '\n';
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
