// Offline session runner and the stage-line format shared by `verdict test` and the
// golden tests.
#include "rules/offline_run.hpp"

#include "rules/address.hpp"
#include "rules/printable.hpp"

namespace verdict {

namespace {

std::string modification_text(const Modification& m) {
    switch (m.kind) {
        case Modification::Kind::AddHeader: return " +header \"" + m.name + ": " + m.value + "\"";
        case Modification::Kind::RemoveHeader: return " -header \"" + m.name + "\"";
        case Modification::Kind::AddRcpt: return " +rcpt <" + m.name + ">";
        case Modification::Kind::RemoveRcpt: return " -rcpt <" + make_printable(m.name) + ">";
    }
    return {};
}

class Runner {
public:
    Runner(std::shared_ptr<const Ruleset> rules, bool trace) : session_(std::move(rules), EvalOptions{trace}), trace_(trace) {}

    void emit(std::string head, const Decision& d, bool show_mods = false) {
        std::string line = std::move(head) + ": " + render_decision(d);
        if (show_mods)
            for (const auto& m : d.modifications) line += modification_text(m);
        out.lines.push_back(std::move(line));
        if (!trace_) return;
        for (const auto& t : d.trace)
            out.lines.push_back("  rule " + t.rule->name + ": " + t.why);
    }

    void run(const SessionFile& s) {
        Connection& c = session_.connection();
        c.macros = s.macros;
        c.tls = s.tls;
        c.auth_user.set(s.auth_user);
        emit("connect " + make_printable(s.client_ip) + " [" + make_printable(s.client_name) + "]",
             session_.connect(s.client_ip, s.client_name));
        if (session_.connection_closed()) return;
        if (s.helo) {
            emit("helo " + make_printable(*s.helo), session_.helo(*s.helo));
            if (session_.connection_closed()) return;
        }
        for (const auto& m : s.messages) {
            message(m);
            if (session_.connection_closed()) return;
            session_.reset();
        }
    }

    void message(const SessionMessage& m) {
        if (!m.sender) return;
        Message& msg = session_.message();
        msg.declared_size = m.declared_size;
        msg.queue_id = m.queue_id;
        msg.macros = m.macros;
        emit("mail <" + make_printable(strip_angle(*m.sender)) + ">", session_.mail(*m.sender));
        if (session_.message_rejected() || session_.connection_closed()) return;
        for (const auto& r : m.recipients) emit("rcpt <" + make_printable(strip_angle(r)) + ">", session_.rcpt(r));
        if (session_.message().rcpts.empty()) {
            out.lines.push_back("data: not reached (no recipient accepted)");
            return;
        }
        emit("data", session_.data());
        if (session_.message_rejected()) return;
        for (const auto& [name, value] : m.headers) session_.header(name, value);
        emit("header", session_.end_of_headers());
        if (session_.message_rejected()) return;
        // Deliver the body in small chunks, as a milter receives it.
        constexpr std::size_t kChunk = 4096;
        for (std::size_t i = 0; i < m.body.size(); i += kChunk) session_.body(std::string_view(m.body).substr(i, kChunk));
        emit("eom", session_.end_of_message(), true);
    }

    OfflineResult out;

private:
    SmtpSession session_;
    bool trace_;
};

// "rcpt <a@b>: 550 5.1.1" -> key "rcpt <a@b>", result "550 5.1.1".
std::pair<std::string, std::string> split_line(const std::string& l) {
    auto p = l.find(": ");
    if (p == std::string::npos) return {l, {}};
    return {l.substr(0, p), l.substr(p + 2)};
}

}  // namespace

std::string render_decision(const Decision& d) {
    std::string out;
    switch (d.action) {
        case Action::Reject:
        case Action::Defer: out = d.reply.str(); break;
        default: out = std::string(action_name(d.action)); break;
    }
    if (d.rule) out += " rule=" + d.rule->name;
    if (!d.monitor_hits.empty()) {
        out += " monitor=";
        for (std::size_t i = 0; i < d.monitor_hits.size(); ++i) out += (i ? "," : "") + d.monitor_hits[i]->name;
    }
    if (!d.note.empty()) out += " (" + d.note + ")";
    return out;
}

OfflineResult run_offline(std::shared_ptr<const Ruleset> rules, const SessionFile& s, bool trace) {
    Runner r(std::move(rules), trace);
    r.run(s);
    OfflineResult out = std::move(r.out);
    for (const auto& e : s.expect) {
        auto [key, want] = split_line(e);
        const std::string* got = nullptr;
        for (const auto& l : out.lines) {
            if (l.rfind("  ", 0) == 0) continue;  // trace
            if (split_line(l).first == key) {
                got = &l;
                break;
            }
        }
        bool ok = got && split_line(*got).second.rfind(want, 0) == 0;
        out.passed = out.passed && ok;
        out.checks.push_back((ok ? "PASS " : "FAIL ") + e + (ok ? "" : got ? "  (got: " + *got + ")" : "  (no such stage)"));
    }
    return out;
}

}  // namespace verdict
