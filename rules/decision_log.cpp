// Formatting decision log lines and writing them to syslog or stderr.
#include "rules/decision_log.hpp"

#include <syslog.h>
#include <unistd.h>

#include <cerrno>

#include <ctime>

#include "rules/printable.hpp"

namespace verdict {

namespace {

std::string quote_kv(const std::string& v) {
    if (!v.empty() && v.find_first_of(" \"=") == std::string::npos) return v;
    std::string out = "\"";
    for (char c : v) {
        if (c == '"') out += '\\';
        out += c;
    }
    return out + '"';
}

std::string utc_now() {
    auto now = std::chrono::system_clock::now();
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
 char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    return buf;
}

}  // namespace

LogFields decision_fields(std::string_view front_end, const Decision& d, const Connection& c, const Message& m,
                          std::string_view rcpt, std::chrono::nanoseconds latency) {
    LogFields f;
    auto add = [&](const char* k, std::string_view v) { f.emplace_back(k, make_printable(v, 200)); };
    add("ts", utc_now());
    add("queue_id", m.queue_id.empty() ? "-" : m.queue_id);
    add("front_end", front_end);
    add("stage", stage_name(d.stage));
    add("rule", d.rule ? std::string_view(d.rule->name) : "-");
    add("mode", d.rule || d.monitor_hits.empty() ? "enforce" : "monitor");
    add("action", action_name(d.action));
    add("code", d.reply.code ? std::to_string(d.reply.code) : "-");
    add("enhanced", d.reply.enhanced.empty() ? "-" : d.reply.enhanced);
    add("client_ip", c.client_ip.raw);
    add("helo", c.helo.raw);
    add("sender", m.has_sender ? (m.sender.raw.empty() ? "<>" : std::string_view(m.sender.raw)) : "-");
    add("rcpt", rcpt.empty() ? "-" : rcpt);
    add("latency_us", std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(latency).count()));
    if (!d.modifications.empty()) {
        // add_header:X-Name(rule),remove_rcpt:a@b(rule) ...
        static constexpr const char* kinds[] = {"add_header:", "remove_header:", "add_rcpt:", "remove_rcpt:"};
        std::string changes;
        for (const auto& mod : d.modifications) {
            if (!changes.empty()) changes += ',';
            changes += kinds[static_cast<int>(mod.kind)] + mod.name;
            if (mod.rule) changes += "(" + mod.rule->name + ")";
        }
        add("changes", changes);
    }
    if (!d.monitor_hits.empty()) {
        std::string names;
        for (const Rule* r : d.monitor_hits) names += (names.empty() ? "" : ",") + r->name;
        add("monitor", names);
    }
    return f;
}

std::string render_kv(const LogFields& f) {
    std::string out;
    for (const auto& [k, v] : f) {
        if (!out.empty()) out += ' ';
        out += k + '=' + quote_kv(v);
    }
    return out;
}

std::string render_json(const LogFields& f) {
    // Values are printable ASCII already; only '"' and '\\' need escaping.
    std::string out = "{";
    for (const auto& [k, v] : f) {
        if (out.size() > 1) out += ',';
        out += '"' + k + "\":\"";
        for (char c : v) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + '}';
}

std::string format_decision(std::string_view front_end, const Decision& d, const Connection& c, const Message& m,
                            std::string_view rcpt) {
    return render_kv(decision_fields(front_end, d, c, m, rcpt));
}

LogSink::LogSink(bool to_stderr, const char* ident, LogFormat format) : stderr_(to_stderr), format_(format) {
    if (!stderr_) openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void LogSink::info(std::string_view line) { write(LOG_INFO, line); }
void LogSink::error(std::string_view line) { write(LOG_ERR, line); }
void LogSink::decision(const LogFields& f) { write(LOG_INFO, format_ == LogFormat::Json ? render_json(f) : render_kv(f)); }

void LogSink::write(int priority, std::string_view line) {
    // Lines are built from printable values; this only guards against a stray byte.
    line = line.substr(0, 4000);
    std::string out;
    out.reserve(line.size() + 10);
    if (stderr_) out = "verdict: ";
    for (char ch : line) out += static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) > 0x7e ? '?' : ch;
    if (!stderr_) {
        syslog(priority, "%s", out.c_str());
        return;
    }
    // One write(2) per line and no lock: a line (at most 4010 bytes) written in one call is
    // not interleaved with another thread's, whether stderr is a pipe (atomic up to
    // PIPE_BUF) or a file (the kernel serialises writes on one open file).
    out += '\n';
    std::string_view rest = out;
    while (!rest.empty()) {
        const ssize_t n = ::write(STDERR_FILENO, rest.data(), rest.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // nowhere to log to; the decision itself stands
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
}

}  // namespace verdict
