// Differential test of the rule pre-filter: random rule sets and random sessions, every
// stage evaluated with the index and with the plain in-order scan; the decisions must be
// identical. Also checks that the index really leaves rules out.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <sstream>

#include "rules/engine.hpp"
#include "rules/loader.hpp"
#include "rules/printable.hpp"

namespace verdict {
namespace {

class Gen {
public:
    explicit Gen(unsigned seed) : rng_(seed) {}
    int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
    template <typename T, std::size_t N>
    const T& one(const T (&a)[N]) { return a[pick(static_cast<int>(N))]; }
    bool coin(int percent = 50) { return pick(100) < percent; }

    static constexpr const char* kLocals[] = {"alice", "Alice", "bob", "bob+x", "carol", "dave", "postmaster", ""};
    static constexpr const char* kDomains[] = {"example.org", "Example.ORG", "example.net", "mail.example.com", "x.test"};
    static constexpr const char* kHosts[] = {"mx.example.net", "MX.example.NET", "unknown", "h1.x.test", "[10.0.0.1]"};
    static constexpr const char* kIps[] = {"192.0.2.7", "198.51.100.9", "::ffff:192.0.2.8", "2001:db8::1", "203.0.113.5"};

    std::string address() { return std::string(one(kLocals)) + "@" + one(kDomains); }

    std::string value_for(const std::string& field) {
        if (field == "client_ip") return one(kIps);
        if (field == "client_name" || field == "helo") return one(kHosts);
        if (field == "sender_domain" || field == "rcpt_domain") return one(kDomains);
        if (field == "sender_local" || field == "rcpt_local" || field == "auth_user") return one(kLocals);
        return address();
    }

    std::string quoted(const std::string& s) { return "\"" + s + "\""; }

    std::string string_form(const std::string& field) {
        switch (pick(field == "client_ip" ? 3 : 6)) {
            case 0: return quoted(value_for(field));
            case 1: return "[" + quoted(value_for(field)) + ", " + quoted(value_for(field)) + "]";
            case 2: return field == "client_ip" ? "{ in = \"nets\" }" : "{ regex = \"^[a-m]\" }";
            case 3: return "{ in = \"" + std::string(field.find("domain") != std::string::npos ? "domains" : "addrs") + "\" }";
            case 4: return "{ not_in = \"addrs\" }";
            default: return "{ suffix = \"" + std::string(coin() ? ".org" : "example.net") + "\" }";
        }
    }

    static constexpr const char* kHeaderNames[] = {"Subject", "X-Spam", "from"};
    static constexpr const char* kHeaderValues[] = {"Cheap pills", "cheap PILLS", "hello example.org", "Alice@example.org",
                                                    "", "x.test"};

    std::string header_condition() {
        std::string out = "header = { name = \"" + std::string(one(kHeaderNames)) + "\"";
        switch (pick(7)) {
            case 0: return out + " }";  // presence only
            case 1: return out + ", value = \"" + one(kHeaderValues) + "\" }";
            case 2: return out + ", value = [\"" + one(kHeaderValues) + "\", \"" + one(kHeaderValues) + "\"] }";
            case 3: return out + ", value = { regex = \"" + std::string(coin() ? "(?i)pills" : "^[a-h]") + "\" } }";
            case 4: return out + ", value = { suffix = \"" + std::string(coin() ? "example.org" : "PILLS") + "\" } }";
            case 5: return out + ", value = { in = \"addrs\" } }";
            default: return out + ", value = { not_in = \"addrs\" } }";
        }
    }

    std::string condition(int depth) {
        static const char* fields[] = {"client_ip", "client_name", "helo", "sender", "sender_domain", "sender_local",
                                       "auth_user", "rcpt", "rcpt_domain", "rcpt_local", "tls", "rcpt_count", "macro",
                                       "header", "header", "body"};
        std::string f = one(fields);
        if (depth < 2 && coin(10)) return "any = [ { " + condition(depth + 1) + " }, { " + condition(depth + 1) + " } ]";
        if (depth < 2 && coin(8)) return "not = { " + condition(depth + 1) + " }";
        if (f == "tls") return "tls = " + std::string(coin() ? "true" : "false");
        if (f == "rcpt_count") return "rcpt_count = { " + std::string(coin() ? "gt" : "le") + " = " + std::to_string(pick(4)) + " }";
        if (f == "macro") return "macro = { name = \"{daemon_name}\", value = \"" + std::string(coin() ? "smtpd" : "other") + "\" }";
        if (f == "header") return header_condition();
        if (f == "body") {
            static const char* res[] = {"(?i)unsubscribe", "^Hello", "pills\\\\b", "[0-9]{4}", "x\\\\.test$"};
            return "body = { regex = \"" + std::string(one(res)) + "\" }";
        }
        return f + " = " + string_form(f);
    }

    std::string rules(int count) {
        std::ostringstream o;
        o << "[lists]\naddrs = [\"alice@example.org\", \"bob@Example.org\", \"carol@x.test\"]\n"
             "domains = [\"example.org\", \"x.test\"]\nnets = [\"192.0.2.0/24\", \"2001:db8::/32\"]\n";
        static const char* stages[] = {"connect", "helo", "mail", "rcpt", "rcpt", "rcpt", "data", "header", "header", "eom"};
        static const char* actions[] = {"continue", "continue", "accept", "reject", "defer", "discard", "quarantine"};
        for (int i = 0; i < count; ++i) {
            std::string stage = one(stages);
            o << "[[rule]]\nname = \"r" << i << "\"\nstage = \"" << stage << "\"\n";
            if (coin(20)) o << "ignore_case = true\n";
            if (coin(20)) o << "match_subaddress = false\n";
            if (coin(10)) o << "mode = \"monitor\"\n";
            int conds = pick(3);
            std::set<std::string> used;
            for (int k = 0; k < conds; ++k) {
                std::string c = condition(0);
                std::string key = c.substr(0, c.find(' '));
                // Fields before their stage are load errors: keep only what the stage has.
                static const std::map<std::string, int> first = {
                    {"client_ip", 0}, {"client_name", 0}, {"macro", 0}, {"any", 9}, {"not", 9}, {"helo", 1},
                    {"sender", 2}, {"sender_domain", 2}, {"sender_local", 2}, {"auth_user", 2}, {"tls", 2},
                    {"rcpt", 3}, {"rcpt_domain", 3}, {"rcpt_local", 3}, {"rcpt_count", 3}, {"header", 5}, {"body", 6}};
                static const std::map<std::string, int> stage_no = {{"connect", 0}, {"helo", 1}, {"mail", 2},
                                                                    {"rcpt", 3}, {"data", 4}, {"header", 5}, {"eom", 6}};
                if (first.at(key) > stage_no.at(stage) || !used.insert(key).second) continue;
                o << "match." << c << "\n";
            }
            std::string action = one(actions);
            o << "action = \"" << action << "\"\n";
            if (coin(30)) o << "add_header = { name = \"X-R" << i << "\", value = \"{rcpt}\" }\n";
        }
        return o.str();
    }

    struct Input {
        Connection c;
        Message m;
    };
    Input session() {
        Input in;
        std::string ip = one(kIps);
        in.c.client_ip.set(ip);
        in.c.ip = parse_ip(ip);
        in.c.client_name.set(one(kHosts));
        in.c.helo.set(one(kHosts));
        in.c.tls = coin();
        in.c.auth_user.set(coin() ? "" : one(kLocals));
        if (coin()) in.c.macros["daemon_name"] = coin() ? "smtpd" : "other";
        in.m.has_sender = true;
        in.m.sender.set(coin(10) ? std::string() : address());
        int n = pick(4);
        for (int i = 0; i < n; ++i) {
            AddressValue a;
            a.set(address());
            in.m.rcpts.push_back(a);
        }
        in.m.rcpt.set(address());
        static const char* bodies[] = {"", "Hello,\r\nclick to UNSUBSCRIBE\r\n", "cheap pills\r\n", "order 1234 at x.test",
                                       "hello pillsx 12"};
        in.m.body = one(bodies);
        for (int i = pick(5); i > 0; --i) {
            HeaderField h;
            h.name = one(kHeaderNames);
            h.lname = to_lower(h.name);
            h.value = one(kHeaderValues);
            h.folded = to_lower(h.value);
            in.m.headers.push_back(h);
        }
        return in;
    }

private:
    std::mt19937 rng_;
};

std::string outcome(const Decision& d) {
    std::string s = std::string(action_name(d.action)) + "|" + (d.rule ? d.rule->name : "-") + "|" + d.reply.str();
    for (const auto& m : d.modifications) s += "|" + m.name + "=" + m.value;
    for (const Rule* r : d.monitor_hits) s += "|mon:" + r->name;
    return s;
}

TEST(RuleIndex, IndexedEqualsInOrderOnRandomRuleSetsAndSessions) {
    std::size_t cases = 0, differences = 0, visited_saving = 0, header_indexed = 0, body_indexed = 0;
    for (unsigned seed = 1; seed <= 120; ++seed) {
        Gen g(seed);
        auto lr = load_rules_from_string(g.rules(10 + g.pick(150)), "random.toml");
        ASSERT_TRUE(lr.ruleset) << "seed " << seed << "\n" << lr.diagnostics.str();
        const Ruleset& rs = *lr.ruleset;
        for (int s = 0; s < 150; ++s) {
            auto in = g.session();
            for (Stage st : kAllStages) {
                Decision a = evaluate(rs, st, in.c, in.m);
                Decision b = evaluate(rs, st, in.c, in.m, EvalOptions{false, false, true});
                ++cases;
                if (outcome(a) != outcome(b)) {
                    if (++differences <= 5)
                        ADD_FAILURE() << "seed " << seed << " stage " << stage_name(st) << "\n indexed: " << outcome(a)
                                      << "\n in order: " << outcome(b);
                }
            }
        }
        for (Stage st : kAllStages) visited_saving += rs.prefilter[index(st)].indexed_rules();
        header_indexed += rs.prefilter[index(Stage::Header)].indexed_rules();
        body_indexed += rs.prefilter[index(Stage::Eom)].indexed_rules();
    }
    EXPECT_GE(cases, 100000u);
    EXPECT_EQ(differences, 0u);
    EXPECT_GT(visited_saving, 0u) << "the generator should produce indexable rules";
    EXPECT_GT(header_indexed, 0u) << "and indexable header rules";
    EXPECT_GT(body_indexed, 0u) << "and indexable eom rules";
}

// Loads `toml` and checks that `indexed` rules of `stage` are pre-filtered; null on failure.
std::shared_ptr<const Ruleset> load_indexed(const std::string& toml, Stage stage, std::size_t indexed) {
    auto lr = load_rules_from_string(toml, "index.toml");
    EXPECT_TRUE(lr.ruleset) << lr.diagnostics.str();
    if (lr.ruleset) {
        EXPECT_EQ(lr.ruleset->prefilter[index(stage)].indexed_rules(), indexed);
    }
    return lr.ruleset;
}

TEST(RuleIndex, LeavesOutRulesWhoseValueCannotMatch) {
    std::ostringstream o;
    for (int i = 0; i < 1000; ++i)
        o << "[[rule]]\nname = \"u" << i << "\"\nstage = \"rcpt\"\nmatch.rcpt = \"user" << i
          << "@example.org\"\naction = \"reject\"\nreply = \"user_unknown\"\n";
    const auto rs = load_indexed(o.str(), Stage::Rcpt, 1000);
    ASSERT_TRUE(rs);
    const StageIndex& idx = rs->prefilter[index(Stage::Rcpt)];
    Connection c;
    Message m;
    m.rcpt.set("User777@EXAMPLE.org");
    std::vector<std::uint32_t> cand;
    idx.candidates(Stage::Rcpt, c, m, cand);
    EXPECT_TRUE(cand.empty());  // local part is exact: User777 is not user777
    m.rcpt.set("user777+tag@EXAMPLE.org");
    idx.candidates(Stage::Rcpt, c, m, cand);
    ASSERT_EQ(cand.size(), 1u);
    EXPECT_EQ(rs->rules[cand[0]].name, "u777");
    EXPECT_EQ(evaluate(*rs, Stage::Rcpt, c, m).rule->name, "u777");
}

TEST(RuleIndex, FilesEachRuleUnderItsLeastSharedCondition) {
    // 2,000 rules test the same recipient domain and each its own sender domain (written
    // second, and toml++ hands the keys over in name order, rcpt_domain first): filed under
    // the recipient domain, every message to our.example would visit all of them.
    std::ostringstream o;
    for (int i = 0; i < 2000; ++i)
        o << "[[rule]]\nname = \"g" << i << "\"\nstage = \"rcpt\"\nmatch.rcpt_domain = \"our.example\"\n"
          << "match.sender_domain = \"s" << i << ".example\"\naction = \"defer\"\nreply = \"greylisted\"\n";
    const auto rs = load_indexed(o.str(), Stage::Rcpt, 2000);
    ASSERT_TRUE(rs);
    const StageIndex& idx = rs->prefilter[index(Stage::Rcpt)];
    Connection c;
    Message m;
    m.sender.set("someone@elsewhere.example");
    m.rcpt.set("user@our.example");
    std::vector<std::uint32_t> cand;
    idx.candidates(Stage::Rcpt, c, m, cand);
    EXPECT_TRUE(cand.empty());
    m.sender.set("someone@s1234.example");
    idx.candidates(Stage::Rcpt, c, m, cand);
    ASSERT_EQ(cand.size(), 1u);
    EXPECT_EQ(evaluate(*rs, Stage::Rcpt, c, m).rule->name, "g1234");
}

TEST(RuleIndex, HeaderValuesAreFiledPerHeaderName) {
    // 300 header rules: regexes, literals and suffixes on three header names. A message
    // whose headers match none of them visits none; each match visits its rule only.
    std::ostringstream o;
    static const char* names[] = {"Subject", "X-Mailer", "From"};
    for (int i = 0; i < 300; ++i) {
        o << "[[rule]]\nname = \"h" << i << "\"\nstage = \"header\"\nmatch.header = { name = \"" << names[i % 3]
          << "\", value = ";
        if (i % 3 == 0) o << "{ regex = \"(?i)pills" << i << "\\\\b\" }";
        if (i % 3 == 1) o << "\"Mailer " << i << "\"";
        if (i % 3 == 2) o << "{ suffix = \"@bulk" << i << ".example>\" }";
        o << " }\naction = \"reject\"\n";
    }
    const auto rs = load_indexed(o.str(), Stage::Header, 300);
    ASSERT_TRUE(rs);
    const StageIndex& idx = rs->prefilter[index(Stage::Header)];
    Connection c;
    Message m;
    auto add = [&](const char* name, const std::string& value) {
        HeaderField h{name, to_lower(name), value, to_lower(value)};
        m.headers.push_back(h);
    };
    add("Subject", "cheap pills for everyone");
    add("X-Mailer", "Mailer 1000");
    add("From", "Bulk <news@bulk7.example>");  // bulk7: rule h7 tests X-Mailer
    add("To", "Mailer 4");  // a value of another header's rule
    std::vector<std::uint32_t> cand;
    idx.candidates(Stage::Header, c, m, cand);
    EXPECT_TRUE(cand.empty());
    struct Case {
        const char* name;
        std::string value;
        const char* rule;
    } cases[] = {{"Subject", "CHEAP PILLS42 NOW", "h42"}, {"X-Mailer", "Mailer 4", "h4"},
                 {"from", "News <news@bulk5.example>", "h5"}};
    for (const auto& k : cases) {
        m.headers.resize(4);
        add(k.name, k.value);
        idx.candidates(Stage::Header, c, m, cand);
        ASSERT_EQ(cand.size(), 1u) << k.value;
        EXPECT_EQ(rs->rules[cand[0]].name, k.rule);
        ASSERT_TRUE(evaluate(*rs, Stage::Header, c, m).rule);
        EXPECT_EQ(evaluate(*rs, Stage::Header, c, m).rule->name, k.rule);
    }
}

}  // namespace
}  // namespace verdict
