// bench_micro: Google Benchmark micro-benchmarks of the rule engine, through the same
// SmtpSession the milter and the policy server use. Rule sets and lists are generated in
// the setup (list files in a temporary directory) and loaded with load_rules_from_string.
//
//   rcpt/rules:N/miss         a RCPT decision against N rcpt-stage rules (a realistic mix of
//                             exact addresses, domains, sender+domain, client networks,
//                             suffixes and a few regexes) that all fail: every rule is tried
//   rcpt/rules:N/hit-last     the recipient the last rule rejects
//   rcpt/list:1M/known|unknown  "unknown user": rcpt not_in a 1,000,000-entry list file
//   rcpt/rules:10000+list:1M/known|unknown  the 10,000 rules, then the unknown-user rule
//   rcpt/cidr:100k/hit|miss   client_ip in a 100,000-network list file, at RCPT
//   header/regex:200          end of headers, 200 header rules with RE2 values, 12 headers
//   body/regex:50/1MB         end of message, 50 body RE2 rules over a 1 MiB body
//   policy/rcpt/...           a whole policy request parsed and answered (micro_policy.cpp)
//
// Each fixture reports its load time (load_ms) as a counter. Run with
// --benchmark_format=json for bench/run's table.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "rules/loader.hpp"
#include "rules/smtp_session.hpp"

namespace {

namespace fs = std::filesystem;
using verdict::Action;
using verdict::Decision;
using verdict::SmtpSession;

// Never destroyed, so the atexit handler that removes it can still read it.
const fs::path& temp_dir() {
    static const fs::path* dir = [] {
        std::string tmpl = (fs::temp_directory_path() / "verdict-bench-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        auto* p = new fs::path(tmpl);
        std::atexit([] {
            std::error_code ec;
            fs::remove_all(temp_dir(), ec);
        });
        return p;
    }();
    return *dir;
}

struct Fixture {
    std::shared_ptr<const verdict::Ruleset> rules;
    double load_ms = 0;
};

Fixture load(const std::string& toml, const std::string& name) {
    const std::string path = (temp_dir() / (name + ".toml")).string();
    std::ofstream(path) << toml;  // for a look at what was measured; loaded from the string
    const auto t0 = std::chrono::steady_clock::now();
    auto r = verdict::load_rules_from_string(toml, path);
    const auto t1 = std::chrono::steady_clock::now();
    if (!r.ruleset) {
        std::fprintf(stderr, "bench_micro: %s does not load:\n%s\n", name.c_str(), r.diagnostics.str().c_str());
        std::exit(1);
    }
    return {r.ruleset, std::chrono::duration<double, std::milli>(t1 - t0).count()};
}

// N rcpt-stage rules; none matches user1@bench.example from sender@client.example at
// 192.0.2.1, and the last one rejects last_target(N).
std::string last_target(int n) { return "blocked" + std::to_string(n - 1) + "@d" + std::to_string((n - 1) % 97) + ".example"; }

std::string rcpt_rules(int n) {
    std::string t = "[settings]\non_error = \"tempfail\"\n\n";
    for (int i = 0; i < n; ++i) {
        const std::string id = std::to_string(i);
        t += "[[rule]]\nname = \"r" + id + "\"\nstage = \"rcpt\"\n";
        const int kind = i == n - 1 ? 0 : i % 50;
        if (kind < 15) {  // 30%: one address
            t += "match.rcpt = \"blocked" + id + "@d" + std::to_string(i % 97) + ".example\"\n";
            t += "action = \"reject\"\nreply = \"user_unknown\"\n";
        } else if (kind < 25) {  // 20%: a recipient domain
            t += "match.rcpt_domain = \"bad" + id + ".example\"\naction = \"reject\"\nreply = \"relay_denied\"\n";
        } else if (kind < 35) {  // 20%: sender domain and recipient domain
            t += "match.sender_domain = \"s" + id + ".example\"\nmatch.rcpt_domain = \"bench.example\"\n";
            t += "action = \"defer\"\nreply = \"greylisted\"\n";
        } else if (kind < 45) {  // 20%: a client network
            t += "match.client_ip = \"10." + std::to_string((i / 256) % 256) + "." + std::to_string(i % 256) + ".0/24\"\n";
            t += "action = \"reject\"\n";
        } else if (kind < 49) {  // 8%: a domain suffix
            t += "match.rcpt_domain = { suffix = \".x" + id + ".example\" }\naction = \"reject\"\n";
        } else {  // 2%: a regex on the local part
            t += "match.rcpt_local = { regex = \"^spam" + id + "[a-z]+$\" }\naction = \"reject\"\n";
        }
        t += "\n";
    }
    return t;
}

std::unique_ptr<SmtpSession> open_session(const Fixture& f, const char* ip = "192.0.2.1") {
    auto s = std::make_unique<SmtpSession>(f.rules);
    s->connect(ip, "mail.client.example");
    s->helo("mail.client.example");
    s->mail("sender@client.example");
    return s;
}

// One RCPT decision per iteration, through SmtpSession::rcpt (address parsing and
// normalisation included). Accepted recipients pile up in the message, so it is reset
// (and MAIL given again) every 256 iterations, outside the timing.
void run_rcpt(benchmark::State& st, const Fixture& f, const std::string& rcpt, Action want, const char* ip = "192.0.2.1") {
    auto s = open_session(f, ip);
    {
        Decision d = s->rcpt(rcpt);
        if (d.action != want) {
            st.SkipWithError(("unexpected decision for " + rcpt).c_str());
            return;
        }
    }
    int n = 0;
    for (auto _ : st) {
        Decision d = s->rcpt(rcpt);
        benchmark::DoNotOptimize(d);
        if (++n == 256) {
            st.PauseTiming();
            s->reset();
            s->mail("sender@client.example");
            n = 0;
            st.ResumeTiming();
        }
    }
    st.counters["load_ms"] = f.load_ms;
}

const Fixture& rules_fixture(int n) {
    static std::map<int, Fixture> cache;
    auto it = cache.find(n);
    if (it == cache.end()) it = cache.emplace(n, load(rcpt_rules(n), "rcpt-" + std::to_string(n))).first;
    return it->second;
}

// The 1,000,000-entry user list (user0..user999999@bench.example) and the rule rejecting
// other bench.example recipients, as TOML to append to a rule set.
std::string list_toml() {
    static const fs::path p = [] {
        const fs::path file = temp_dir() / "users-1m.txt";
        std::ofstream out(file);
        for (int i = 0; i < 1000000; ++i) out << "user" << i << "@bench.example\n";
        return file;
    }();
    return "[lists]\nusers = { file = \"" + p.string() + "\" }\n\n"
           "[[rule]]\nname = \"unknown-user\"\nstage = \"rcpt\"\nmatch.rcpt_domain = \"bench.example\"\n"
           "match.rcpt = { not_in = \"users\" }\naction = \"reject\"\nreply = \"user_unknown\"\n";
}

const Fixture& list_fixture() {
    static const Fixture f = load(list_toml(), "list-1m");
    return f;
}

// The case: 10,000 rcpt rules, then the unknown-user rule over the 1M list.
const Fixture& rules_and_list_fixture() {
    static const Fixture f = load(rcpt_rules(10000) + list_toml(), "rcpt-10000-list-1m");
    return f;
}

const Fixture& cidr_fixture() {
    static const Fixture f = [] {
        const fs::path p = temp_dir() / "nets-100k.txt";
        {
            std::ofstream out(p);
            for (int i = 0; i < 100000; ++i)  // 100,000 distinct /24s from 11.0.0.0 on
                out << 11 + i / 65536 << '.' << (i / 256) % 256 << '.' << i % 256 << ".0/24\n";
        }
        return load("[lists]\nbad_nets = { file = \"" + p.string() + "\" }\n\n"
                    "[[rule]]\nname = \"blocked-networks\"\nstage = \"rcpt\"\nmatch.client_ip = { in = \"bad_nets\" }\n"
                    "action = \"reject\"\nreply = \"client_blocked\"\n",
                    "cidr-100k");
    }();
    return f;
}

const char* const kHeaderNames[] = {"Subject", "From", "To", "X-Mailer", "Received", "Message-ID", "Content-Type"};

const Fixture& header_fixture() {
    static const Fixture f = [] {
        std::string t;
        for (int i = 0; i < 200; ++i) {
            const std::string id = std::to_string(i);
            std::string re;
            switch (i % 4) {
                case 0: re = "(?i)\\\\b(cheap|free)[ -]?pills" + id + "\\\\b"; break;
                case 1: re = "^spam-campaign-" + id + "-[0-9a-f]{8}$"; break;
                case 2: re = "(?i)(winner|lottery|prize)\\\\s+no\\\\.?\\\\s*" + id; break;
                default: re = "@(bulk|promo)" + id + "\\\\.(example|invalid)>?$"; break;
            }
            t += "[[rule]]\nname = \"h" + id + "\"\nstage = \"header\"\n";
            t += "match.header = { name = \"" + std::string(kHeaderNames[i % 7]) + "\", value = { regex = \"" + re + "\" } }\n";
            t += "action = \"reject\"\nreply = \"spam\"\n\n";
        }
        return load(t, "header-200");
    }();
    return f;
}

const Fixture& body_fixture() {
    static const Fixture f = [] {
        std::string t;
        for (int i = 0; i < 50; ++i) {
            const std::string id = std::to_string(i);
            std::string re;
            switch (i % 5) {
                case 0: re = "https?://[a-z0-9.-]*\\\\.invalid/payload" + id; break;
                case 1: re = "(?i)viagra" + id + "|cialis" + id; break;
                case 2: re = "account-" + id + "-[0-9]{6}-verify"; break;
                case 3: re = "(?i)bitcoin wallet [13][a-km-zA-HJ-NP-Z1-9]{25,34}x" + id; break;
                default: re = "BEGIN-MALWARE-SIGNATURE-" + id; break;
            }
            t += "[[rule]]\nname = \"b" + id + "\"\nstage = \"eom\"\n";
            t += "match.body = { regex = \"" + re + "\" }\naction = \"reject\"\nreply = \"virus\"\n\n";
        }
        return load(t, "body-50");
    }();
    return f;
}

void register_all() {
    for (int n : {10, 1000, 10000}) {
        const std::string base = "rcpt/rules:" + std::to_string(n);
        benchmark::RegisterBenchmark((base + "/miss").c_str(), [n](benchmark::State& st) {
            run_rcpt(st, rules_fixture(n), "user1@bench.example", Action::Continue);
        });
        benchmark::RegisterBenchmark((base + "/hit-last").c_str(), [n](benchmark::State& st) {
            run_rcpt(st, rules_fixture(n), last_target(n), Action::Reject);
        });
    }
    benchmark::RegisterBenchmark("rcpt/list:1M/known", [](benchmark::State& st) {
        run_rcpt(st, list_fixture(), "user777777@bench.example", Action::Continue);
    });
    benchmark::RegisterBenchmark("rcpt/list:1M/unknown", [](benchmark::State& st) {
        run_rcpt(st, list_fixture(), "nouser777777@bench.example", Action::Reject);
    });
    benchmark::RegisterBenchmark("rcpt/rules:10000+list:1M/known", [](benchmark::State& st) {
        run_rcpt(st, rules_and_list_fixture(), "user777777@bench.example", Action::Continue);
    });
    benchmark::RegisterBenchmark("rcpt/rules:10000+list:1M/unknown", [](benchmark::State& st) {
        run_rcpt(st, rules_and_list_fixture(), "nouser777777@bench.example", Action::Reject);
    });
    benchmark::RegisterBenchmark("rcpt/cidr:100k/hit", [](benchmark::State& st) {
        run_rcpt(st, cidr_fixture(), "user1@bench.example", Action::Reject, "11.77.200.9");
    });
    benchmark::RegisterBenchmark("rcpt/cidr:100k/miss", [](benchmark::State& st) {
        run_rcpt(st, cidr_fixture(), "user1@bench.example", Action::Continue, "192.0.2.1");
    });
    benchmark::RegisterBenchmark("header/regex:200", [](benchmark::State& st) {
        const Fixture& f = header_fixture();
        auto s = open_session(f);
        s->rcpt("user1@bench.example");
        s->data();
        s->header("Received", "from mail.client.example (mail.client.example [192.0.2.1]) by mx.bench.example");
        s->header("Received", "from internal.client.example by mail.client.example with ESMTP id 4ABC");
        s->header("From", "Sender Name <sender@client.example>");
        s->header("To", "User One <user1@bench.example>");
        s->header("Cc", "Team <team@bench.example>");
        s->header("Subject", "Minutes of the quarterly planning meeting, free pills not included");
        s->header("Date", "Wed, 25 Nov 2026 10:00:00 +0000");
        s->header("Message-ID", "<20261125100000.4ABC@client.example>");
        s->header("MIME-Version", "1.0");
        s->header("Content-Type", "text/plain; charset=utf-8");
        s->header("X-Mailer", "Bench Mailer 1.0");
        s->header("List-Id", "<planning.bench.example>");
        if (s->end_of_headers().action != Action::Continue) {
            st.SkipWithError("a header rule matched");
            return;
        }
        for (auto _ : st) benchmark::DoNotOptimize(s->end_of_headers());
        st.counters["load_ms"] = f.load_ms;
    });
    benchmark::RegisterBenchmark("body/regex:50/1MB", [](benchmark::State& st) {
        const Fixture& f = body_fixture();
        auto s = open_session(f);
        s->rcpt("user1@bench.example");
        s->data();
        s->header("Subject", "a long report");
        s->end_of_headers();
        const std::string line =
            "Lorem ipsum dolor sit amet, see https://www.example.com/docs/report for account 12345 details.\r\n";
        std::string body;
        while (body.size() < (1u << 20)) body += line;
        body.resize(1u << 20);
        for (std::size_t off = 0; off < body.size(); off += 65536) s->body(std::string_view(body).substr(off, 65536));
        if (s->end_of_message().action != Action::Continue) {
            st.SkipWithError("a body rule matched");
            return;
        }
        for (auto _ : st) benchmark::DoNotOptimize(s->end_of_message());
        st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations()) * (1 << 20));
        st.counters["load_ms"] = f.load_ms;
    });
}

}  // namespace

void register_policy_benchmarks();  // micro_policy.cpp

int main(int argc, char** argv) {
    register_all();
    register_policy_benchmarks();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
