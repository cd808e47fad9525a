// Metrics: counters by front end, stage, action and code; rule hits by mode; the
// Prometheus text they render.
#include "rules/metrics.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "rules/ruleset.hpp"

namespace verdict {
namespace {

Decision decision(Stage stage, Action action, int code = 0, const Rule* rule = nullptr) {
    Decision d;
    d.stage = stage;
    d.action = action;
    d.reply.code = code;
    d.rule = rule;
    return d;
}

bool has_line(const std::string& text, const std::string& line) {
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        if (l == line) return true;
    return false;
}

TEST(Metrics, DecisionsAndRuleHitsAreCountedAndRendered) {
    Rule unknown, watch;
    unknown.name = "unknown-user";
    watch.name = "watch \"quoted\"";
    Metrics m;
    m.record("policy", decision(Stage::Rcpt, Action::Reject, 550, &unknown), std::chrono::microseconds(3));
    m.record("policy", decision(Stage::Rcpt, Action::Reject, 550, &unknown), std::chrono::microseconds(30));
    m.record("milter", decision(Stage::Rcpt, Action::Reject, 550, &unknown), std::chrono::microseconds(300));
    Decision monitored = decision(Stage::Mail, Action::Continue);
    monitored.monitor_hits.push_back(&watch);
    m.record("milter", monitored, std::chrono::milliseconds(2));

    EXPECT_EQ(m.rule_hits("unknown-user", Mode::Enforce), 3u);
    EXPECT_EQ(m.rule_hits("unknown-user", Mode::Monitor), 0u);
    EXPECT_EQ(m.rule_hits(watch.name, Mode::Monitor), 1u);
    EXPECT_EQ(m.rule_hits("no-such-rule", Mode::Enforce), 0u);

    const std::string text = m.prometheus();
    struct Case {
        const char* line;
    } cases[] = {
        {R"(verdict_decisions_total{front_end="policy",stage="rcpt",action="reject",code="550"} 2)"},
        {R"(verdict_decisions_total{front_end="milter",stage="rcpt",action="reject",code="550"} 1)"},
        {R"(verdict_decisions_total{front_end="milter",stage="mail",action="continue",code="none"} 1)"},
        {R"(verdict_rule_hits_total{rule="unknown-user",mode="enforce"} 3)"},
        {R"(verdict_rule_hits_total{rule="watch \"quoted\"",mode="monitor"} 1)"},
        {R"(verdict_evaluation_seconds_bucket{le="1e-05"} 1)"},
        {R"(verdict_evaluation_seconds_bucket{le="5e-05"} 2)"},
        {R"(verdict_evaluation_seconds_bucket{le="0.0005"} 3)"},
        {R"(verdict_evaluation_seconds_bucket{le="0.005"} 4)"},
        {R"(verdict_evaluation_seconds_bucket{le="+Inf"} 4)"},
        {R"(verdict_evaluation_seconds_count 4)"},
    };
    for (const auto& c : cases) EXPECT_TRUE(has_line(text, c.line)) << c.line << "\nin:\n" << text;
    // A mode with no hits is not rendered.
    EXPECT_EQ(text.find(R"(rule="unknown-user",mode="monitor")"), std::string::npos) << text;
}

TEST(Metrics, ConnectionsAndProtocolErrors) {
    Metrics m;
    m.connection_opened("policy");
    m.connection_opened("policy");
    m.connection_opened("milter");
    m.connection_closed("policy");
    m.protocol_error("milter");
    m.reload(true);
    m.reload(false);
    m.reload(true);
    EXPECT_EQ(m.open_connections("policy"), 1u);
    EXPECT_EQ(m.open_connections("milter"), 1u);
    EXPECT_EQ(m.open_connections("none"), 0u);
    EXPECT_EQ(m.reloads(true), 2u);
    const std::string text = m.prometheus();
    for (const char* line : {R"(verdict_connections_total{front_end="policy"} 2)",
                             R"(verdict_connections_open{front_end="policy"} 1)",
                             R"(verdict_protocol_errors_total{front_end="milter"} 1)",
                             R"(verdict_reloads_total{result="ok"} 2)", R"(verdict_reloads_total{result="failed"} 1)"})
        EXPECT_TRUE(has_line(text, line)) << line << "\nin:\n" << text;
}

}  // namespace
}  // namespace verdict
