// Evaluation allocates nothing per rule visited: the number of heap allocations of a
// decision does not grow with the number of rules tried, with and without the rule index.
// Its own executable, because it replaces the global operator new to count.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <sstream>

#include "rules/engine.hpp"
#include "rules/loader.hpp"

namespace {
std::atomic<long> g_allocations{0};
}

void* operator new(std::size_t n) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace verdict {
namespace {

// n rcpt rules of every value form, none matching the session below.
std::string rules(int n) {
    std::ostringstream o;
    o << "[lists]\nusers = [\"alice@example.org\", \"bob@example.org\"]\n";
    for (int i = 0; i < n; ++i) {
        o << "[[rule]]\nname = \"r" << i << "\"\nstage = \"rcpt\"\n";
        switch (i % 8) {
            case 0: o << "match.rcpt = \"u" << i << "@example.net\"\n"; break;
            case 1: o << "match.rcpt_domain = { suffix = \".x" << i << ".example\" }\n"; break;
            case 2: o << "match.rcpt_local = { regex = \"^spam" << i << "[a-z]+$\" }\n"; break;
            case 3: o << "match.client_ip = \"10." << i % 256 << ".0.0/16\"\n"; break;
            case 4: o << "match.client_ip = \"2001:db8:" << i << "::/48\"\n"; break;
            case 5: o << "match.sender = { in = \"users\" }\nignore_case = true\n"; break;
            case 6: o << "match.macro = { name = \"{daemon_name}\", value = \"other" << i << "\" }\nignore_case = true\n"; break;
            default: o << "match.helo = [\"a" << i << ".example\", \"b" << i << ".example\"]\n"; break;
        }
        o << "action = \"reject\"\n";
    }
    return o.str();
}

TEST(Allocations, DoNotGrowWithTheRulesVisited) {
    Connection c;
    c.client_ip.set("2001:db8:ffff::1");
    c.ip = parse_ip("2001:db8:ffff::1");
    c.helo.set("mail.client.example");
    c.macros["daemon_name"] = "smtpd-with-a-name-past-the-small-string-buffer";
    Message m;
    m.sender.set("carol@client.example");
    m.rcpt.set("Dave+tag@Example.ORG");
    for (bool no_index : {true, false}) {
        long per_decision[2] = {0, 0};
        int k = 0;
        for (int n : {16, 1600}) {
            auto lr = load_rules_from_string(rules(n), "alloc.toml");
            ASSERT_TRUE(lr.ruleset) << lr.diagnostics.str();
            EvalOptions o;
            o.no_index = no_index;
            ASSERT_EQ(evaluate(*lr.ruleset, Stage::Rcpt, c, m, o).action, Action::Continue);
            const long before = g_allocations.load();
            for (int i = 0; i < 100; ++i) evaluate(*lr.ruleset, Stage::Rcpt, c, m, o);
            per_decision[k++] = (g_allocations.load() - before) / 100;
        }
        EXPECT_EQ(per_decision[1], per_decision[0])
            << (no_index ? "every rule visited" : "indexed") << ": allocations per decision with 16 and 1600 rules";
        EXPECT_LE(per_decision[1], 1) << "at most the candidate list";
    }
}

}  // namespace
}  // namespace verdict
