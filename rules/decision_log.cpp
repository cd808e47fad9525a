// Formatting decision log lines and writing them to syslog or stderr.
#include "rules/decision_log.hpp"

#include <syslog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "rules/printable.hpp"

namespace verdict {

namespace {

void append_kv_value(std::string& out, const std::string& v) {
    if (!v.empty() && v.find_first_of(" \"=") == std::string::npos) {
        out += v;
        return;
    }
    out += '"';
    for (char c : v) {
        if (c == '"') out += '\\';
        out += c;
    }
    out += '"';
}

void append_digits(std::string& out, long long v, int width) {
    char buf[20];
    int n = 0;
    do {
        buf[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v > 0 || n < width);
    while (n > 0) out += buf[--n];
}

// 2026-11-26T10:00:00.123Z, from calendar arithmetic (gmtime_r takes a process-wide lock).
std::string utc_now() {
    using namespace std::chrono;
    const auto now = floor<milliseconds>(system_clock::now());
    const auto day = floor<days>(now);
    const year_month_day ymd{day};
    const hh_mm_ss<milliseconds> t{now - day};
    std::string out;
    out.reserve(24);
    append_digits(out, static_cast<int>(ymd.year()), 4);
    out += '-';
    append_digits(out, static_cast<unsigned>(ymd.month()), 2);
    out += '-';
    append_digits(out, static_cast<unsigned>(ymd.day()), 2);
    out += 'T';
    append_digits(out, t.hours().count(), 2);
    out += ':';
    append_digits(out, t.minutes().count(), 2);
    out += ':';
    append_digits(out, t.seconds().count(), 2);
    out += '.';
    append_digits(out, t.subseconds().count(), 3);
    out += 'Z';
    return out;
}

}  // namespace

LogFields decision_fields(std::string_view front_end, const Decision& d, const Connection& c, const Message& m,
                          std::string_view rcpt, std::chrono::nanoseconds latency) {
    LogFields f;
    f.reserve(16);
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
    out.reserve(256);
    for (const auto& [k, v] : f) {
        if (!out.empty()) out += ' ';
        out += k;
        out += '=';
        append_kv_value(out, v);
    }
    return out;
}

std::string render_json(const LogFields& f) {
    // Values are printable ASCII already; only '"' and '\\' need escaping.
    std::string out = "{";
    out.reserve(320);
    for (const auto& [k, v] : f) {
        if (out.size() > 1) out += ',';
        out += '"';
        out += k;
        out += "\":\"";
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

LogSink::LogSink(bool to_stderr, const char* ident, LogFormat format)
    : fd_(to_stderr ? STDERR_FILENO : -1), format_(format) {
    if (fd_ < 0) openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void LogSink::info(std::string_view line) { write(LOG_INFO, line); }
void LogSink::error(std::string_view line) { write(LOG_ERR, line); }
void LogSink::decision(const LogFields& f) { write(LOG_INFO, format_ == LogFormat::Json ? render_json(f) : render_kv(f)); }

void LogSink::write(int priority, std::string_view line) {
    // Lines are built from printable values; this only guards against a stray byte.
    line = line.substr(0, 4000);
    std::string out;
    out.reserve(line.size() + 10);
    if (fd_ >= 0) out = "verdict: ";
    const std::size_t from = out.size();
    out += line;
    std::replace_if(out.begin() + static_cast<std::ptrdiff_t>(from), out.end(),
                    [](char ch) { return static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) > 0x7e; }, '?');
    if (fd_ < 0) {
        syslog(priority, "%s", out.c_str());
        return;
    }
    // One write(2) per line and no lock: a line (at most 4010 bytes) written in one call is
    // not interleaved with another thread's, whether the fd is a pipe (atomic up to
    // PIPE_BUF) or a file (the kernel serialises writes on one open file).
    out += '\n';
    std::string_view rest = out;
    while (!rest.empty()) {
        const ssize_t n = ::write(fd_, rest.data(), rest.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // nowhere to log to; the decision itself stands
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
}

}  // namespace verdict
