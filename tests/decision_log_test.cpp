// Decision log lines: stable fields, and hostile values (CR, LF, NUL, 8-bit, quotes)
// escaped in both the key=value and the JSON form.
#include <gtest/gtest.h>

#include "rules/decision_log.hpp"
#include "rules/loader.hpp"
#include "rules/smtp_session.hpp"

namespace verdict {
namespace {

struct Hostile {
    const char* name;
    std::string sender;
    std::string escaped;  // as it must appear in the line
};
void PrintTo(const Hostile& h, std::ostream* os) { *os << h.name; }

class LogEscaping : public testing::TestWithParam<Hostile> {};

TEST_P(LogEscaping, SenderAndHeaderValuesAreMadePrintable) {
    auto lr = load_rules_from_string(
        "[[rule]]\nname=\"r\"\nstage=\"header\"\nmatch.header={name=\"Subject\"}\naction=\"reject\"\n", "l.toml");
    ASSERT_TRUE(lr.ruleset);
    SmtpSession s(lr.ruleset);
    s.connect("203.0.113.1", "unknown");
    s.helo(GetParam().sender);  // hostile HELO too
    s.mail(GetParam().sender);
    s.rcpt("a@example.org");
    s.header("Subject", GetParam().sender);
    Decision d = s.end_of_headers();
    LogFields f = decision_fields("milter", d, s.connection(), s.message(), GetParam().sender);
    const std::string kv = render_kv(f), json = render_json(f);
    // In JSON the backslash of each \xHH escape is itself escaped.
    std::string json_escaped;
    for (char c : GetParam().escaped) json_escaped += c == '\\' ? std::string("\\\\") : std::string(1, c);
    for (const auto& [line, want] : {std::pair{kv, GetParam().escaped}, std::pair{json, json_escaped}}) {
        for (unsigned char ch : line) EXPECT_TRUE(ch >= 0x20 && ch < 0x7f) << GetParam().name << ": " << line;
        EXPECT_NE(line.find(want), std::string::npos) << line;
    }
    // Stable field order.
    EXPECT_EQ(kv.find("ts="), 0u);
    EXPECT_LT(kv.find(" queue_id="), kv.find(" front_end="));
    EXPECT_LT(kv.find(" rcpt="), kv.find(" latency_us="));
    EXPECT_NE(kv.find(" rule=r mode=enforce action=reject code=550 enhanced=5.7.1 "), std::string::npos) << kv;
}

INSTANTIATE_TEST_SUITE_P(
    Log, LogEscaping,
    testing::Values(Hostile{"crlf", "a\r\nb@x.example", "a\\x0d\\x0ab@x.example"},
                    Hostile{"nul", std::string("a\0b@x.example", 13), "a\\x00b@x.example"},
                    Hostile{"eight bit", "\xc3\xa9t\xe9@x.example", "\\xc3\\xa9t\\xe9@x.example"},
                    Hostile{"backslash", "a\\x41@x.example", "a\\x5cx41@x.example"},
                    Hostile{"fake field", "a@x.example action=accept", "a@x.example action=accept"}));

TEST(Log, QuotesAndLength) {
    LogFields f{{"sender", "a \"quoted\" value"}};
    EXPECT_EQ(render_kv(f), "sender=\"a \\\"quoted\\\" value\"");
    EXPECT_EQ(render_json(f), "{\"sender\":\"a \\\"quoted\\\" value\"}");
    Decision d;
    Connection c;
    Message m;
    m.has_sender = true;
    m.sender.set(std::string(5000, 'x') + "@x.example");
    auto fields = decision_fields("policy", d, c, m, "");
    for (const auto& [k, v] : fields) EXPECT_LE(v.size(), 200u) << k;
}

}  // namespace
}  // namespace verdict
