// Fuzz target: the milter callback sequence driver. The input is a program of milter
// callbacks (negotiate, connect, helo, envfrom, envrcpt, data, header, eoh, body, eom,
// abort, close) in any order, with random macros and values from pools of ordinary,
// huge and malformed strings. Each step does what milter/callbacks.cpp does around
// SmtpSession, against the fixed rule set of fuzz/common.hpp (every field, action, mode
// and modifier). Every decision must satisfy the engine's invariants, and the session
// must keep its bounds (max_headers, max_header_bytes, max_recipients, body scan limit)
// and its refusals.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common.hpp"
#include "milter/negotiation.hpp"

using namespace verdict;

namespace {

using Pool = std::vector<std::string_view>;

const Pool kIps = {"192.0.2.7", "127.0.0.1", "::1", "2001:db8:cafe::5", "2001:db8:bad::1", "::ffff:198.51.100.200",
                   "198.51.100.9", "198.18.3.4", "203.0.113.250", "10.1.2.3", "", "999.1.1.1", "[192.0.2.1]",
                   "IPv6:2001:db8::1", "fe80::1%eth0", "::ffff:192.0.2.1", "1.2.3.4.5", "0.0.0.0", "::",
                   "255.255.255.255", "[::1]", "[", "IPv6:", "::ffff:", "1::2::3", "01.02.03.004", "%", "fe80::%"};
const Pool kNames = {"unknown", "mx.partner.example.net", "partner.example.net", "host.dyn.isp.example",
                     "x.freemail.example", "", "[192.0.2.1]", "localhost", "UNKNOWN", ".dyn.isp.example"};
const Pool kHelos = {"mx.partner.example.net", "[192.0.2.1]", "1.2.3.4", "evil.example.org", "slow.host",
                     "", "example.org", "SLOW.x", "[", "[]", "partner.example.net"};
const Pool kAddrs = {"alice@example.org", "<bob@example.org>", "", "<>", "postmaster", "POSTMASTER@EXAMPLE.ORG",
                     "noreply+abc@example.org", "noreply@example.org", "old+x@example.org", "carol@Example.ORG",
                     "legal@example.org", "old-list@example.org", "announce@example.org", "ceo@example.org",
                     "pager@example.org", "x@sub.quarantine.example", "discard-me@example.net",
                     "12345678@x.example", "a@freemail.example", "Offers@promo.example", "spammer@bulk.example",
                     "bounce-sink@example.net", "x@a.suspicious.example", "@", "a@", "@b", "a@b@c", "<a@b",
                     "a@b>", "<<>>", "\"quoted local\"@example.org", "user@[192.0.2.1]", "a+@example.org",
                     "+@example.org", "+", "<@relay:a@b>"};
const Pool kHeaderNames = {"From", "Subject", "Date", "X-Mailer", "X-Spam-Status", "X-Spam-Flag", "X-Origin",
                           "Reply-To", "X-Defer", "", ":", "FROM", "x-spam-flag", "X-Spam-Score"};
const Pool kHeaderValues = {"alice@example.org", "lottery winner", "Yes", "bulkblaster 2", " folded\r\n\tvalue",
                            "x@bulk.example", "mx.partner.example.net", "", "\r\n", "a\r\n b\r\n\tc", " ", "\r\n\r\n",
                            "cheap\r\n meds", "YES"};
const Pool kBody = {"hello\r\n", "http://a.invalid/payload", "quarantine-me", "DISCARD-ME", "DEFER-ME", "", "   \r\n",
                    "https://x.y.invalid/pay", "load\r\n"};
const Pool kMacroNames = {"daemon_name", "cert_subject", "i", "rcpt_mailer", "v", "j", "auth_authen", "{daemon_name}",
                          "", "{", "}"};
const Pool kMacroValues = {"submission", "smtpd", "submission/smtpd", "lmtp", "local", "v1.0", "8.17.1", "/CN=bob",
                           "", "4dQmXk2Lz1"};
const Pool kAuth = {"", "bob", "smtpd", "submission", "alice@example.org"};

class Driver {
public:
    Driver(const std::uint8_t* data, std::size_t size) : f_(data, size) {
        const auto cfg = f_.ConsumeIntegral<std::uint8_t>();
        rules_ = fuzz::fixed_rules(static_cast<fuzz::Variant>(cfg % 3));
        opts_ = EvalOptions{(cfg & 4) != 0, (cfg & 8) != 0};
        open();
    }

    void run() {
        for (int steps = 0; f_.remaining_bytes() > 0 && steps < 256; ++steps) step();
    }

private:
    void open() {
        s_ = std::make_unique<SmtpSession>(rules_, opts_);
        rcpt_.clear();
    }

    std::string pick(const Pool& pool) {
        switch (f_.ConsumeIntegralInRange<int>(0, 9)) {
            default: return std::string(pool[f_.ConsumeIntegralInRange<std::size_t>(0, pool.size() - 1)]);
            case 6: return f_.ConsumeRandomLengthString(400);
            case 7: {  // huge
                const auto n = f_.ConsumeIntegralInRange<std::size_t>(1000, 150000);
                std::string base(pool[f_.ConsumeIntegralInRange<std::size_t>(0, pool.size() - 1)]);
                std::string out;
                out.reserve(n + base.size());
                while (out.size() < n) out += base.empty() ? std::string(1, f_.ConsumeIntegral<char>()) : base;
                return out;
            }
            case 8: {  // malformed: a pool value with bytes spliced in
                std::string v(pool[f_.ConsumeIntegralInRange<std::size_t>(0, pool.size() - 1)]);
                static const Pool junk = {std::string_view("\0", 1), "\r\n", "\xff\xfe", "{", "}", "{rcpt}", "%s%n",
                                          "\x1b[2J", "<", ">", "@", "+", "\\", "\"", " ", "\t", "\x7f", "::"};
                const int n = f_.ConsumeIntegralInRange<int>(1, 4);
                for (int i = 0; i < n; ++i) {
                    std::size_t at = f_.ConsumeIntegralInRange<std::size_t>(0, v.size());
                    v.insert(at, junk[f_.ConsumeIntegralInRange<std::size_t>(0, junk.size() - 1)]);
                }
                return v;
            }
            case 9: {  // two pool values joined
                std::string a(pool[f_.ConsumeIntegralInRange<std::size_t>(0, pool.size() - 1)]);
                return a + std::string(pool[f_.ConsumeIntegralInRange<std::size_t>(0, pool.size() - 1)]);
            }
        }
    }

    // What libmilter hands us for the macros the rules ask for: some present, some not.
    void capture_macros(MacroMap& into) {
        for (const auto& m : rules_->macros) {
            if (f_.ConsumeBool()) into[m] = pick(kMacroValues);
        }
        if (f_.ConsumeIntegralInRange<int>(0, 7) == 0) into[pick(kMacroNames)] = pick(kMacroValues);
    }

    void check(const Decision& d, bool was_closed) {
        fuzz::check_decision(d, s_->connection(), s_->message(), rcpt_);
        if (was_closed) {
            // A refused connection answers every later stage with its refusal.
            FUZZ_CHECK(d.action == Action::Reject || d.action == Action::Defer);
            FUZZ_CHECK(s_->connection_closed());
        }
        const Message& m = s_->message();
        const Settings& st = rules_->settings;
        FUZZ_CHECK(m.headers.size() <= st.max_headers);
        for (const auto& h : m.headers) FUZZ_CHECK(h.name.size() <= 256 && h.value.size() <= st.max_header_bytes);
        FUZZ_CHECK(m.rcpts.size() <= st.max_recipients);
        FUZZ_CHECK(m.body.size() <= rules_->settings.body_scan_limit);
    }

    template <typename F>
    void stage(F&& f) {
        const bool closed = s_->connection_closed();
        check(f(), closed);
    }

    void step() {
        SmtpSession& s = *s_;
        switch (f_.ConsumeIntegralInRange<int>(0, 17)) {
            case 0: {  // negotiate
                auto n = milter::compute_needs(s.rules());
                (void)n;
                break;
            }
            case 1: {  // connect
                std::string ip = pick(kIps), name = pick(kNames);
                if (auto a = parse_ip(ip)) {
                    auto again = parse_ip(a->str());
                    FUZZ_CHECK(again && *again == *a);
                }
                if (auto c = parse_cidr(ip + "/" + std::to_string(f_.ConsumeIntegralInRange<int>(0, 129))).cidr) {
                    auto again = parse_cidr(c->str()).cidr;
                    FUZZ_CHECK(again && again->net == c->net && again->prefix == c->prefix);
                    if (auto a = parse_ip(ip)) (void)c->contains(*a);
                }
                if (name.empty() || name.front() == '[') name = "unknown";  // as cb_connect does
                capture_macros(s.connection().macros);
                stage([&] { return s.connect(ip, name); });
                break;
            }
            case 2: {  // helo
                std::string helo = pick(kHelos);
                capture_macros(s.connection().macros);
                stage([&] { return s.helo(helo); });
                break;
            }
            case 3:
            case 4: {  // envfrom, as cb_envfrom: a fresh message first
                s.reset();
                Connection& c = s.connection();
                c.tls = f_.ConsumeBool() || c.tls;
                c.auth_user.set(pick(kAuth));
                Message& m = s.message();
                m.queue_id = pick(kMacroValues);
                switch (f_.ConsumeIntegralInRange<int>(0, 3)) {
                    case 0: break;
                    case 1: m.declared_size = f_.ConsumeIntegral<std::int64_t>(); break;
                    case 2: m.declared_size = f_.ConsumeIntegralInRange<std::int64_t>(0, 60000000); break;
                    case 3: m.declared_size = std::strtoll(pick(kMacroValues).c_str(), nullptr, 10); break;
                }
                capture_macros(m.macros);
                rcpt_.clear();
                std::string sender = pick(kAddrs);
                stage([&] { return s.mail(sender); });
                break;
            }
            case 5:
            case 6: {  // envrcpt
                Message& m = s.message();
                if (m.queue_id.empty()) m.queue_id = pick(kMacroValues);
                capture_macros(m.macros);
                rcpt_ = pick(kAddrs);
                stage([&] { return s.rcpt(rcpt_); });
                break;
            }
            case 7:  // data
                rcpt_.clear();
                stage([&] { return s.data(); });
                break;
            case 8:
            case 9: {  // header
                std::string name = pick(kHeaderNames), value = pick(kHeaderValues);
                s.header(name, value);
                break;
            }
            case 10:  // eoh
                rcpt_.clear();
                stage([&] { return s.end_of_headers(); });
                break;
            case 11:
            case 12: {  // body
                std::string chunk = pick(kBody);
                s.body(chunk);
                break;
            }
            case 13: {  // eom, then the message is over
                rcpt_.clear();
                if (f_.ConsumeBool()) s.message().queue_id = pick(kMacroValues);
                stage([&] { return s.end_of_message(); });
                s.reset();
                break;
            }
            case 14:  // abort (or RSET)
                s.reset();
                break;
            case 15:  // close; the MTA opens a new connection
                open();
                break;
            case 16: {  // a flood of headers, past settings.max_headers
                const auto most = std::min<std::uint64_t>(rules_->settings.max_headers + 50, 1100);
                const auto n = f_.ConsumeIntegralInRange<std::size_t>(0, most);
                std::string name = pick(kHeaderNames), value = pick(kHeaderValues);
                for (std::size_t i = 0; i < n; ++i) s.header(name, value);
                break;
            }
            case 17: {  // MAIL without a reset, as a front end that forgot it would do
                capture_macros(s.message().macros);
                std::string sender = pick(kAddrs);
                stage([&] { return s.mail(sender); });
                break;
            }
        }
    }

    FuzzedDataProvider f_;
    std::shared_ptr<const Ruleset> rules_;
    EvalOptions opts_;
    std::unique_ptr<SmtpSession> s_;
    std::string rcpt_;
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::silence_cerr();
    for (auto v : {fuzz::Variant::Plain, fuzz::Variant::DeferConnect, fuzz::Variant::SmallScan}) fuzz::fixed_rules(v);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 64 * 1024) return 0;
    Driver d(data, size);
    d.run();
    return 0;
}
