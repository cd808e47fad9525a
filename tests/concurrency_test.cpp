// One immutable rule set evaluated from 8 threads, 1M evaluations in all, must give the
// same decisions as a single thread. Run under the sanitizer build as part of the suite.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "rules/engine.hpp"
#include "rules/loader.hpp"

namespace verdict {
namespace {

constexpr const char* kRules = R"(
[lists]
users = ["alice@example.org", "bob@example.org"]
nets = ["192.0.2.0/24", "2001:db8::/32"]
[[rule]]
name = "nets"
stage = "rcpt"
match.client_ip = { in = "nets" }
action = "reject"
reply = "client_blocked"
[[rule]]
name = "unknown"
stage = "rcpt"
match.rcpt_domain = "example.org"
match.rcpt = { not_in = "users" }
action = "reject"
reply = { preset = "user_unknown", text = "No {rcpt} here, {sender}" }
[[rule]]
name = "regex"
stage = "rcpt"
match.sender = { regex = "^spam[0-9]+@" }
action = "defer"
[[rule]]
name = "tag"
stage = "rcpt"
add_header = { name = "X-Rcpt", value = "{rcpt}" }
)";

struct Input {
    Connection c;
    Message m;
};

std::vector<Input> make_inputs() {
    std::vector<Input> in;
    const char* ips[] = {"192.0.2.7", "203.0.113.1", "2001:db8::5", "::ffff:192.0.2.9"};
    const char* senders[] = {"spam12@x.example", "alice@example.org", ""};
    const char* rcpts[] = {"alice@example.org", "carol@example.org", "bob+x@EXAMPLE.org", "z@other.example"};
    for (auto ip : ips)
        for (auto s : senders)
            for (auto r : rcpts) {
                Input i;
                i.c.client_ip.set(ip);
                i.c.ip = parse_ip(ip);
                i.m.sender.set(s);
                i.m.rcpt.set(r);
                in.push_back(std::move(i));
            }
    return in;
}

std::string outcome(const Decision& d) {
    std::string s = std::string(action_name(d.action)) + '|' + d.reply.str();
    for (const auto& m : d.modifications) s += '|' + m.name + '=' + m.value;
    return s;
}

TEST(Concurrency, EightThreadsOneMillionEvaluations) {
    auto lr = load_rules_from_string(kRules, "c.toml");
    ASSERT_TRUE(lr.ruleset) << lr.diagnostics.str();
    std::shared_ptr<const Ruleset> rs = lr.ruleset;
    const auto inputs = make_inputs();
    std::vector<std::string> expected;
    for (const auto& i : inputs) expected.push_back(outcome(evaluate(*rs, Stage::Rcpt, i.c, i.m)));
    // Sanity: the table exercises several different outcomes.
    std::set<std::string> distinct(expected.begin(), expected.end());
    ASSERT_GE(distinct.size(), 4u);

    constexpr int kThreads = 8;
    constexpr int kTotal = 1'000'000;
    std::atomic<long> mismatches{0}, done{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            std::shared_ptr<const Ruleset> mine = rs;  // each thread pins the snapshot
            for (int n = t; n < kTotal; n += kThreads) {
                std::size_t k = static_cast<std::size_t>(n) % inputs.size();
                if (outcome(evaluate(*mine, Stage::Rcpt, inputs[k].c, inputs[k].m)) != expected[k]) ++mismatches;
                ++done;
            }
        });
    for (auto& th : threads) th.join();
    EXPECT_EQ(done.load(), kTotal);
    EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace verdict
