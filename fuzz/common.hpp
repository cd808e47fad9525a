// Shared by the fuzz targets: a fatal check that libFuzzer reports as a crash, a way to
// silence the stderr log sink, a fixed rule set that uses every match field, action,
// mode, modifier and placeholder, and the invariants every Decision must satisfy.
#pragma once

#include <fcntl.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <streambuf>
#include <string>
#include <string_view>

#include "policy/responder.hpp"
#include "rules/decision_log.hpp"
#include "rules/engine.hpp"
#include "rules/expand.hpp"
#include "rules/loader.hpp"
#include "rules/offline_run.hpp"
#include "rules/printable.hpp"
#include "rules/reply.hpp"
#include "rules/smtp_session.hpp"

namespace verdict::fuzz {

// A broken invariant: print it and abort, so libFuzzer saves the input as a crash.
[[noreturn]] inline void fail(const char* what, const char* file, int line) {
    std::fprintf(stderr, "\n==FUZZ CHECK FAILED== %s:%d: %s\n", file, line, what);
    std::fflush(stderr);
    std::abort();
}
#define FUZZ_CHECK(cond) \
    do {                 \
        if (!(cond)) ::verdict::fuzz::fail(#cond, __FILE__, __LINE__); \
    } while (0)
// The same, printing `detail` (escaped) first: the value that broke the invariant.
#define FUZZ_CHECK_SHOW(cond, detail)                                                             \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            std::fprintf(stderr, "\n==FUZZ CHECK DETAIL== %s\n",                                  \
                         ::verdict::make_printable((detail), 2000).c_str());                      \
            ::verdict::fuzz::fail(#cond, __FILE__, __LINE__);                                     \
        }                                                                                         \
    } while (0)

// std::cerr goes nowhere (LogSink writes there); libFuzzer and the sanitizers write to
// fd 2 directly and are not affected.
inline void silence_cerr() {
    struct Null : std::streambuf {
        int overflow(int c) override { return c == traits_type::eof() ? 0 : c; }
        std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
    };
    static Null null;
    std::cerr.rdbuf(&null);
}

// /dev/null, opened once, for LogSinks whose lines nobody reads.
inline int null_fd() {
    static const int fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    return fd;
}

// ---- the fixed rule set ------------------------------------------------------------------
// Every field (client_ip, client_name, helo, sender, sender_domain, sender_local, auth_user,
// tls, declared_size, rcpt, rcpt_domain, rcpt_local, rcpt_count, header, body, size, macro),
// every value form (literal, regex, in, not_in, suffix), any/not, every action, monitor
// mode, every modifier and every placeholder, at every stage.
inline constexpr std::string_view kRulesBody = R"TOML(
[lists]
local_users = ["alice@example.org", "bob@example.org", "carol@example.org", "postmaster@example.org",
               "noreply@example.org", "legal@example.org", "old-list@example.org", "announce@example.org",
               "ceo@example.org", "pager@example.org", "archive@example.org"]
bad_nets        = ["192.0.2.0/24", "2001:db8:bad::/48", "::ffff:198.51.100.128/121"]
partners        = ["mx.partner.example.net", "partner.example.net"]
blocked_senders = ["spammer@bulk.example", "Offers@Promo.Example"]
moderated       = ["announce@example.org"]
daemons         = ["smtpd", "submission"]
nobody          = []

[[rule]]
name   = "loopback-trusted"
stage  = "connect"
match.client_ip = ["127.0.0.0/8", "::1"]
action = "accept"

[[rule]]
name   = "blocked-networks"
stage  = "connect"
match.client_ip = { in = "bad_nets" }
action = "reject"
reply  = { preset = "client_blocked", text = "Client host [{client_ip}] {client_name} blocked by {rule}" }

[[rule]]
name   = "no-reverse-dns"
stage  = "connect"
match.client_name = "unknown"
match.client_ip = "198.51.100.0/24"
action = "defer"
reply  = { preset = "system_busy", text = "Cannot find your hostname [{client_ip}], try again later" }

[[rule]]
name   = "dialup-pool"
stage  = "connect"
match.client_name = { suffix = ".dyn.isp.example" }
action = "reject"
reply  = { code = 554, enhanced = "5.7.1", text = "Dynamic address {client_name} [{client_ip}] may not send mail directly" }

[[rule]]
name   = "review-new-partner"
stage  = "connect"
match.client_ip = "2001:db8:cafe::/48"
action = "quarantine"

[[rule]]
name   = "discard-sinkhole"
stage  = "connect"
match.client_ip = "203.0.113.250"
action = "discard"

[[rule]]
name   = "lab-network"
stage  = "connect"
match.client_ip = "198.18.0.0/15"
add_header = { name = "X-Lab-Client", value = "{client_name} [{client_ip}] {helo} {sender} {rcpt} {queue_id} {rule}" }

[[rule]]
name   = "submission-port"
stage  = "connect"
match.macro = { name = "{daemon_name}", value = "submission" }
mode   = "monitor"
action = "accept"

[[rule]]
name   = "partner-hosts"
stage  = "helo"
match.helo = { in = "partners" }
match.client_name = { in = "partners" }
action = "accept"

[[rule]]
name   = "bare-ip-helo"
stage  = "helo"
match.helo = { regex = "^\\[?[0-9.]+\\]?$" }
action = "reject"
reply  = { code = 550, enhanced = "5.7.1", text = "Invalid HELO {helo}: use your hostname" }

[[rule]]
name   = "forged-helo"
stage  = "helo"
match.helo = { suffix = "example.org" }
match.not = { client_ip = "10.0.0.0/8" }
action = "reject"
reply  = { code = 550, enhanced = "5.7.1", text = "You are not {helo}" }

[[rule]]
name   = "daemon-in-list"
stage  = "helo"
match.macro = { name = "{daemon_name}", value = { in = "daemons" } }
mode   = "monitor"
action = "continue"
add_header = { name = "X-Daemon", value = "{helo}" }

[[rule]]
name   = "helo-defer"
stage  = "helo"
match.helo = { regex = "(?i)^slow\\." }
action = "defer"

[[rule]]
name   = "spoofed-sender"
stage  = "mail"
match.sender_domain = "example.org"
match.auth_user = ""
action = "reject"
reply  = { preset = "bad_sender_domain", text = "Log in to send as {sender}" }

[[rule]]
name   = "auth-needs-tls"
stage  = "mail"
match.auth_user = { regex = "." }
match.tls = false
action = "reject"
reply  = "encryption_required"

[[rule]]
name   = "declared-too-big"
stage  = "mail"
match.declared_size = { gt = 52428800 }
action = "reject"
reply  = "message_too_big"

[[rule]]
name   = "blocked-senders"
stage  = "mail"
match.sender = { in = "blocked_senders" }
ignore_case = true
action = "reject"
reply  = "bad_sender"

[[rule]]
name   = "greylist-freemail"
stage  = "mail"
match.any = [
  { sender_domain = ["freemail.example", "webmail.example"] },
  { sender_local = { regex = "^[0-9]{8,}$" }, not = { sender_domain = "example.org" } },
]
match.not = { any = [ { tls = true }, { client_name = { suffix = ".freemail.example" } } ] }
action = "defer"
reply  = "greylisted"

[[rule]]
name   = "suspicious-small"
stage  = "mail"
match.sender_domain = { suffix = ".suspicious.example" }
match.declared_size = { le = 20000 }
action = "quarantine"

[[rule]]
name   = "client-cert"
stage  = "mail"
match.macro = { name = "{cert_subject}" }
add_header = { name = "X-Client-Cert", value = "present {sender}" }

[[rule]]
name   = "has-queue-id"
stage  = "mail"
match.macro = { name = "i" }
match.sender_local = { not_in = "local_users" }
add_header = { name = "X-Queue", value = "{queue_id}" }

[[rule]]
name   = "sender-discard"
stage  = "mail"
match.sender = "bounce-sink@example.net"
action = "discard"

[[rule]]
name   = "postmaster-always"
stage  = "rcpt"
match.rcpt_local = "postmaster"
ignore_case = true
action = "accept"

[[rule]]
name   = "bounce-to-many"
stage  = "rcpt"
match.sender = ""
match.rcpt_count = { ge = 2 }
action = "reject"
reply  = { code = 550, enhanced = "5.7.1", text = "A bounce from {sender} goes to one recipient only" }

[[rule]]
name   = "noreply-direct"
stage  = "rcpt"
match.rcpt = "noreply@example.org"
match_subaddress = false
action = "reject"
reply  = { code = 550, enhanced = "5.7.1", text = "{rcpt} does not take mail" }

[[rule]]
name   = "retired-address"
stage  = "rcpt"
match.rcpt = "old@example.org"
action = "reject"
reply  = "mailbox_disabled"

[[rule]]
name   = "unknown-user"
stage  = "rcpt"
match.rcpt_domain = "example.org"
match.rcpt = { not_in = "local_users" }
action = "reject"
reply  = "user_unknown"

[[rule]]
name   = "never"
stage  = "rcpt"
match.rcpt = { in = "nobody" }
action = "reject"
reply  = "user_unknown"

[[rule]]
name   = "full-mailbox"
stage  = "rcpt"
match.rcpt = "carol@example.org"
action = "defer"
reply  = { code = 452, enhanced = "4.2.2", text = ["Mailbox of {rcpt} is full", "sender {sender} from {client_ip}", "try later"] }

[[rule]]
name   = "too-many-recipients"
stage  = "rcpt"
match.rcpt_count = { gt = 3 }
action = "defer"
reply  = "too_many_recipients"

[[rule]]
name   = "archive-legal"
stage  = "rcpt"
match.rcpt = "legal@example.org"
add_rcpt = "archive@example.org"
add_header = [ { name = "X-Archived", value = "copy of mail to {rcpt}" } ]

[[rule]]
name   = "drop-old-list"
stage  = "rcpt"
match.rcpt_local = "old-list"
remove_rcpt = true

[[rule]]
name   = "rcpt-quarantine"
stage  = "rcpt"
match.rcpt_domain = { suffix = "quarantine.example" }
action = "quarantine"

[[rule]]
name   = "rcpt-discard"
stage  = "rcpt"
match.rcpt = { regex = "^discard" }
action = "discard"

[[rule]]
name   = "rcpt-macro"
stage  = "rcpt"
match.macro = { name = "{rcpt_mailer}", value = { regex = "^(local|lmtp)$" } }
mode   = "monitor"
action = "reject"

[[rule]]
name   = "moderated-list"
stage  = "data"
match.rcpt = { in = "moderated" }
match.auth_user = ""
action = "reject"

[[rule]]
name   = "direct-to-ceo"
stage  = "data"
match.rcpt = "ceo@example.org"
match.rcpt_count = { eq = 1 }
add_header = { name = "X-Direct", value = "yes" }

[[rule]]
name   = "data-accept-authed"
stage  = "data"
match.auth_user = { in = "daemons" }
action = "accept"

[[rule]]
name   = "no-date-header"
stage  = "header"
match.not = { header = { name = "Date" } }
mode   = "monitor"
action = "reject"
add_header = { name = "X-Would-Reject", value = "no Date" }

[[rule]]
name   = "no-from-header"
stage  = "header"
match.not = { header = { name = "from" } }
action = "reject"
reply  = { code = 550, enhanced = "5.6.0", text = "Message has no From header" }

[[rule]]
name   = "spam-subject"
stage  = "header"
match.header = { name = "Subject", value = { regex = "(?i)\\b(viagra|lottery winner|cheap\\s+meds)\\b" } }
action = "reject"
reply  = { preset = "spam", text = ["Message rejected as spam.", "Contact postmaster@example.org if this is wrong."] }

[[rule]]
name   = "bulk-mailer"
stage  = "header"
match.header = { name = "x-mailer", value = { regex = "(?i)^bulkblaster" } }
action = "discard"

[[rule]]
name   = "upstream-spam"
stage  = "header"
match.header = { name = "X-Spam-Status", value = ["Yes", "YES"] }
action = "quarantine"

[[rule]]
name   = "header-in-list"
stage  = "header"
match.header = { name = "X-Origin", value = { in = "partners" } }
ignore_case = true
action = "accept"

[[rule]]
name   = "header-suffix"
stage  = "header"
match.header = { name = "Reply-To", value = { suffix = "@bulk.example" } }
action = "defer"
reply  = { code = 451, enhanced = "4.7.1", text = "Reply-To {sender} deferred" }

[[rule]]
name   = "strip-spam-flag"
stage  = "header"
match.header = { name = "X-Spam-Flag" }
remove_header = ["X-Spam-Flag", "X-Spam-Score"]
add_header = { name = "X-Verdict-Note", value = "removed X-Spam-Flag from {client_ip}" }

[[rule]]
name   = "malware-link"
stage  = "eom"
match.body = { regex = "https?://[a-z0-9.-]*\\.invalid/payload" }
action = "reject"
reply  = "virus"

[[rule]]
name   = "pager-size"
stage  = "eom"
match.rcpt = "pager@example.org"
match.size = { gt = 300 }
action = "reject"
reply  = { code = 552, enhanced = "5.3.4", text = "Message too big for the pager gateway" }

[[rule]]
name   = "empty-message"
stage  = "eom"
match.size = { lt = 60 }
match.body = "^\\s*$"
action = "reject"
reply  = { code = 550, enhanced = "5.6.0", text = "Empty message" }

[[rule]]
name   = "eom-quarantine"
stage  = "eom"
match.body = { regex = "(?i)quarantine-me" }
action = "quarantine"

[[rule]]
name   = "eom-discard"
stage  = "eom"
match.body = { regex = "DISCARD-ME" }
match.rcpt_count = { ge = 1, le = 100 }
action = "discard"

[[rule]]
name   = "eom-defer"
stage  = "eom"
match.any = [ { body = "DEFER-ME" }, { header = { name = "X-Defer" } } ]
action = "defer"

[[rule]]
name   = "submission-tag"
stage  = "eom"
match.macro = { name = "{daemon_name}", value = { regex = "^submission" } }
match.not = { macro = { name = "v", value = { suffix = ".0" } } }
add_header = { name = "X-Submitted", value = "{client_name} [{client_ip}] {helo} queue {queue_id} by {rule}" }
add_rcpt = "<archive@example.org>"
)TOML";

// Three rule sets from the same rules, differing in [settings] (small limits in two).
enum class Variant { Plain, DeferConnect, SmallScan };

inline std::shared_ptr<const Ruleset> fixed_rules(Variant v) {
    static std::shared_ptr<const Ruleset> cache[3];
    auto& slot = cache[static_cast<int>(v)];
    if (slot) return slot;
    std::string text;
    switch (v) {
        case Variant::Plain: text = "[settings]\non_error = \"tempfail\"\nbody_scan_limit = 1048576\n"; break;
        case Variant::DeferConnect:
            text = "[settings]\non_error = \"reject\"\ndefer_connect_decisions = true\nbody_scan_limit = 4096\n"
                   "max_headers = 20\nmax_header_bytes = 100\nmax_recipients = 5\n";
            break;
        case Variant::SmallScan:
            text = "[settings]\non_error = \"accept\"\nbody_scan_limit = 64\nmax_headers = 1\nmax_header_bytes = 1\n"
                   "max_recipients = 1\n";
            break;
    }
    text += kRulesBody;
    LoadResult r = load_rules_from_string(text, "fuzz-fixed-rules.toml");
    if (!r.ruleset) {
        std::fprintf(stderr, "the fuzz targets' fixed rules do not load:\n%s\n", r.diagnostics.str().c_str());
        std::abort();
    }
    slot = r.ruleset;
    return slot;
}

// ---- invariants --------------------------------------------------------------------------

// A reply the engine hands to an MTA: validated at load time, expanded with escaped values.
inline void check_reply(const Reply& r, Action a) {
    if (a != Action::Reject && a != Action::Defer) {
        FUZZ_CHECK(r.empty());
        return;
    }
    FUZZ_CHECK(r.code >= 400 && r.code <= 599);
    FUZZ_CHECK(r.code / 100 == (a == Action::Reject ? 5 : 4));
    FUZZ_CHECK(r.enhanced.empty() || r.enhanced[0] == static_cast<char>('0' + r.code / 100));
    FUZZ_CHECK(!r.lines.empty());
    FUZZ_CHECK(r.lines.size() <= kMaxReplyLines);
    for (const auto& l : r.lines) {
        FUZZ_CHECK(is_printable_ascii(l));
        // "550 5.1.1 text\r\n" fits an SMTP reply line
        FUZZ_CHECK(3 + 1 + (r.enhanced.empty() ? 0 : r.enhanced.size() + 1) + l.size() + 2 <= kMaxReplyLine);
    }
    const std::string wire = r.wire();
    FUZZ_CHECK(wire.size() >= 6 && wire.substr(wire.size() - 2) == "\r\n");
    (void)r.str();
}

inline void check_modifications(const std::vector<Modification>& mods) {
    for (const auto& m : mods) {
        FUZZ_CHECK(m.rule != nullptr);
        switch (m.kind) {
            case Modification::Kind::AddHeader:
                FUZZ_CHECK(!m.name.empty() && is_printable_ascii(m.name));
                FUZZ_CHECK(is_printable_ascii(m.value) && m.value.size() <= 998);
                break;
            case Modification::Kind::RemoveHeader: FUZZ_CHECK(!m.name.empty() && is_printable_ascii(m.name)); break;
            case Modification::Kind::AddRcpt: FUZZ_CHECK(!m.name.empty() && is_printable_ascii(m.name)); break;
            case Modification::Kind::RemoveRcpt: break;  // the client's own recipient, as received
        }
    }
}

inline bool printable_line(std::string_view s) { return is_printable_ascii(s); }

// Everything a front end does with a decision: log line, action text, offline rendering.
inline void check_decision(const Decision& d, const Connection& c, const Message& m, std::string_view rcpt) {
    // Terminal decisions name their rule; only settings.max_recipients defers without one.
    if (d.action != Action::Continue && !d.rule)
        FUZZ_CHECK(d.stage == Stage::Rcpt && d.action == Action::Defer && !d.note.empty());
    if (d.rule) FUZZ_CHECK(is_terminal(d.rule->action) && d.rule->mode == Mode::Enforce);
    check_reply(d.reply, d.action);
    check_modifications(d.modifications);
    for (const Rule* r : d.monitor_hits) FUZZ_CHECK(r != nullptr && r->mode == Mode::Monitor);
    for (const auto& t : d.trace) FUZZ_CHECK(t.rule != nullptr);

    const std::string line = format_decision("milter", d, c, m, rcpt);
    FUZZ_CHECK(printable_line(line));
    LogFields f = decision_fields("policy", d, c, m, rcpt, std::chrono::nanoseconds(1234));
    for (const auto& [k, v] : f) FUZZ_CHECK(printable_line(k) && printable_line(v) && v.size() <= 200);
    FUZZ_CHECK(printable_line(render_json(f)));
    FUZZ_CHECK(printable_line(render_kv(f)));
    const std::string action = policy::to_action(d);
    FUZZ_CHECK(action.find('\n') == std::string::npos && action.find('\r') == std::string::npos);
    FUZZ_CHECK(action.find('\0') == std::string::npos);
    (void)render_decision(d);
}

}  // namespace verdict::fuzz
