// Loader tests: valid forms load into the expected model; broken input gives the
// expected diagnostic at the expected position; hostile input never crashes.
#include <gtest/gtest.h>

#include "rules/loader.hpp"

namespace verdict {
namespace {

LoadResult load(const std::string& text) { return load_rules_from_string(text, "t.toml"); }

TEST(Loader, MinimalRule) {
    auto r = load(R"(
[[rule]]
name = "r1"
stage = "rcpt"
match.rcpt = "a@Example.ORG"
action = "reject"
reply = "user_unknown"
)");
    ASSERT_TRUE(r.ruleset) << r.diagnostics.str();
    ASSERT_EQ(r.ruleset->rules.size(), 1u);
    const Rule& rule = r.ruleset->rules[0];
    EXPECT_EQ(rule.reply.code, 550);
    EXPECT_EQ(rule.reply.enhanced, "5.1.1");
    ASSERT_EQ(rule.match.conditions.size(), 1u);
    EXPECT_EQ(rule.match.conditions[0].value.literals.at(0), "a@example.org");
}

TEST(Loader, IssueExampleWrongClass) {
    auto r = load(R"([[rule]]
name = "x"
stage = "rcpt"
action = "reject"
reply = {code=452, enhanced="5.2.2"}
)");
    EXPECT_FALSE(r.ruleset);
    EXPECT_NE(r.diagnostics.str().find("t.toml:5:15: error: rule 'x': action 'reject' needs a 5xx reply code, not 452"),
              std::string::npos)
        << r.diagnostics.str();
}

}  // namespace
}  // namespace verdict
