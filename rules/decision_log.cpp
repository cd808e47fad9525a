// Formatting decision log lines and writing them to syslog or stderr.
#include "rules/decision_log.hpp"

#include <syslog.h>

#include <iostream>

#include "rules/printable.hpp"

namespace verdict {

namespace {

void field(std::string& out, std::string_view key, std::string_view raw) {
    std::string v = make_printable(raw, 200);
    if (!out.empty()) out += ' ';
    out += key;
    out += '=';
    if (v.empty() || v.find_first_of(" \"=") != std::string::npos) {
        out += '"';
        for (char c : v) {
            if (c == '"') out += '\\';
            out += c;
        }
        out += '"';
    } else {
        out += v;
    }
}

}  // namespace

std::string format_decision(std::string_view front_end, const Decision& d, const Connection& c, const Message& m,
                            std::string_view rcpt) {
    std::string out;
    field(out, "queue_id", m.queue_id.empty() ? "-" : m.queue_id);
    field(out, "front_end", front_end);
    field(out, "stage", stage_name(d.stage));
    field(out, "rule", d.rule ? std::string_view(d.rule->name) : "-");
    field(out, "action", action_name(d.action));
    field(out, "code", d.reply.code ? std::to_string(d.reply.code) : "-");
    field(out, "enhanced", d.reply.enhanced.empty() ? "-" : d.reply.enhanced);
    field(out, "client_ip", c.client_ip.raw);
    field(out, "helo", c.helo.raw);
    field(out, "sender", m.has_sender ? (m.sender.raw.empty() ? "<>" : m.sender.raw) : "-");
    field(out, "rcpt", rcpt.empty() ? "-" : rcpt);
    if (!d.modifications.empty()) {
        // add_header:X-Name(rule),remove_rcpt:<a@b>(rule) ...
        std::string changes;
        for (const auto& m : d.modifications) {
            static constexpr const char* kinds[] = {"add_header:", "remove_header:", "add_rcpt:", "remove_rcpt:"};
            if (!changes.empty()) changes += ',';
            changes += kinds[static_cast<int>(m.kind)] + m.name;
            if (m.rule) changes += "(" + m.rule->name + ")";
        }
        field(out, "changes", changes);
    }
    if (!d.monitor_hits.empty()) {
        std::string names;
        for (const Rule* r : d.monitor_hits) names += (names.empty() ? "" : ",") + r->name;
        field(out, "monitor", names);
    }
    return out;
}

LogSink::LogSink(bool to_stderr, const char* ident) : stderr_(to_stderr) {
    if (!stderr_) openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void LogSink::info(std::string_view line) { write(LOG_INFO, line); }
void LogSink::error(std::string_view line) { write(LOG_ERR, line); }

void LogSink::write(int priority, std::string_view line) {
    // Lines are built from printable values; this only guards against a stray byte.
    std::string safe(line.substr(0, 4000));
    for (char& ch : safe)
        if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) > 0x7e) ch = '?';
    if (stderr_) {
        std::lock_guard lock(mu_);
        std::cerr << "verdict: " << safe << '\n';
    } else {
        syslog(priority, "%s", safe.c_str());
    }
}

}  // namespace verdict
