// Engine tests, table-driven: every match field, value form, number form, action and
// modifier, each through the whole path (loader -> SmtpSession -> decision line), with
// the edge cases the design names. A case passes when the stage line for `key` starts
// with `want`.
#include <gtest/gtest.h>

#include "rules/address.hpp"
#include "rules/loader.hpp"
#include "rules/offline_run.hpp"
#include "rules/session_file.hpp"

namespace verdict {
namespace {

struct Case {
    const char* name;
    const char* rule;     // TOML under [[rule]] name = "r"
    const char* session;  // session TOML
    const char* key;      // stage line key, e.g. "rcpt <a@example.org>"
    const char* want;     // expected start of the result
    const char* extra = "";  // [settings]/[lists] prepended
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::string run_case(const Case& c) {
    std::string rules = std::string(c.extra) + "\n[[rule]]\nname = \"r\"\n" + c.rule + "\n";
    auto lr = load_rules_from_string(rules, "case.toml");
    if (!lr.ruleset) return "LOAD FAILED: " + lr.diagnostics.str();
    auto sp = load_session_from_string(c.session, "case.session.toml");
    if (!sp.session) return "SESSION FAILED: " + sp.diagnostics.str();
    auto out = run_offline(lr.ruleset, *sp.session, false);
    for (const auto& l : out.lines)
        if (l.rfind(std::string(c.key) + ": ", 0) == 0) return l.substr(std::string(c.key).size() + 2);
    std::string all;
    for (const auto& l : out.lines) all += l + "\n";
    return "NO LINE for key; output:\n" + all;
}

class Engine : public testing::TestWithParam<Case> {};

// `want` ending in '$' must match the whole result.
bool result_ok(const std::string& got, std::string want) {
    if (!want.empty() && want.back() == '$') return got == want.substr(0, want.size() - 1);
    return got.rfind(want, 0) == 0;
}

TEST_P(Engine, Decides) {
    std::string got = run_case(GetParam());
    EXPECT_TRUE(result_ok(got, GetParam().want)) << GetParam().name << "\n  want: " << GetParam().want << "\n  got:  " << got;
}

constexpr const char* kMsg = R"(client_ip = "203.0.113.5"
client_name = "mail.example.net"
helo = "mail.example.net"
sender = "alice@example.net"
recipients = ["bob@example.org"]
headers = ["Subject: hello", "From: alice@example.net"]
body = "hello world\r\n"
)";

#define REJ "\naction = \"reject\"\n"

const Case kCases[] = {
    // client_ip: CIDR v4/v6, mapped addresses, lists, not_in
    {"ip v4 cidr", "stage=\"connect\"\nmatch.client_ip=\"203.0.113.0/24\"" REJ, kMsg, "connect 203.0.113.5 [mail.example.net]", "554 5.7.1"},
    {"ip v4 cidr miss", "stage=\"connect\"\nmatch.client_ip=\"203.0.114.0/24\"" REJ, kMsg, "connect 203.0.113.5 [mail.example.net]", "continue"},
    {"ip single address", "stage=\"connect\"\nmatch.client_ip=\"203.0.113.5\"" REJ, kMsg, "connect 203.0.113.5 [mail.example.net]", "554"},
    {"ip mapped client vs v4 cidr", "stage=\"connect\"\nmatch.client_ip=\"192.0.2.0/24\"" REJ,
     "client_ip = \"::ffff:192.0.2.1\"", "connect ::ffff:192.0.2.1 [unknown]", "554"},
    {"ip v4 client vs mapped cidr", "stage=\"connect\"\nmatch.client_ip=\"::ffff:192.0.2.0/120\"" REJ,
     "client_ip = \"192.0.2.200\"", "connect 192.0.2.200 [unknown]", "554"},
    {"ip families apart: ::/0 does not match v4", "stage=\"connect\"\nmatch.client_ip=\"::/0\"" REJ,
     "client_ip = \"192.0.2.1\"", "connect 192.0.2.1 [unknown]", "continue"},
    {"ip v6 cidr", "stage=\"connect\"\nmatch.client_ip=\"2001:db8::/32\"" REJ, "client_ip = \"2001:db8:1::7\"",
     "connect 2001:db8:1::7 [unknown]", "554"},
    {"ip v6 with zone", "stage=\"connect\"\nmatch.client_ip=\"fe80::/10\"" REJ, "client_ip = \"fe80::1%eth0\"",
     "connect fe80::1%eth0 [unknown]", "554"},
    {"ip bracketed IPv6: form", "stage=\"connect\"\nmatch.client_ip=\"2001:db8::1\"" REJ, "client_ip = \"[IPv6:2001:db8::1]\"",
     "connect [IPv6:2001:db8::1] [unknown]", "554"},
    {"ip in list", "stage=\"connect\"\nmatch.client_ip={in=\"nets\"}" REJ, kMsg, "connect 203.0.113.5 [mail.example.net]", "554",
     "[lists]\nnets=[\"10.0.0.0/8\",\"203.0.113.0/28\"]"},
    {"ip not_in list", "stage=\"connect\"\nmatch.client_ip={not_in=\"nets\"}" REJ, kMsg, "connect 203.0.113.5 [mail.example.net]",
     "continue", "[lists]\nnets=[\"203.0.113.0/28\"]"},
    {"ip regex on text", "stage=\"connect\"\nmatch.client_ip={regex=\"^203\\\\.\"}" REJ, kMsg, "connect 203.0.113.5 [mail.example.net]", "554"},
    {"ip unparsable client never in a network", "stage=\"connect\"\nmatch.client_ip=\"0.0.0.0/0\"" REJ, "client_ip = \"localhost\"",
     "connect localhost [unknown]", "continue"},
    // client_name, helo: hostnames compare case-insensitively
    {"client_name literal case-insensitive", "stage=\"connect\"\nmatch.client_name=\"MAIL.example.NET\"" REJ, kMsg,
     "connect 203.0.113.5 [mail.example.net]", "554"},
    {"client_name unknown", "stage=\"connect\"\nmatch.client_name=\"unknown\"" REJ, "client_ip=\"192.0.2.9\"", "connect 192.0.2.9 [unknown]", "554"},
    {"client_name suffix", "stage=\"connect\"\nmatch.client_name={suffix=\".Example.net\"}" REJ, kMsg, "connect 203.0.113.5 [mail.example.net]", "554"},
    {"helo regex", "stage=\"helo\"\nmatch.helo={regex=\"^MAIL\\\\.\"}" REJ, kMsg, "helo mail.example.net", "550 5.7.1"},
    {"helo any of", "stage=\"helo\"\nmatch.helo=[\"x\", \"mail.example.net\"]" REJ, kMsg, "helo mail.example.net", "550"},
    {"helo in list folded", "stage=\"helo\"\nmatch.helo={in=\"h\"}" REJ, kMsg, "helo mail.example.net", "550",
     "[lists]\nh=[\"MAIL.EXAMPLE.NET\"]"},
    // sender and its parts
    {"sender literal", "stage=\"mail\"\nmatch.sender=\"alice@example.net\"" REJ, kMsg, "mail <alice@example.net>", "550 5.7.1"},
    {"sender domain case-insensitive", "stage=\"mail\"\nmatch.sender=\"alice@EXAMPLE.net\"" REJ, kMsg, "mail <alice@example.net>", "550"},
    {"sender local part exact", "stage=\"mail\"\nmatch.sender=\"ALICE@example.net\"" REJ, kMsg, "mail <alice@example.net>", "continue"},
    {"sender ignore_case", "stage=\"mail\"\nignore_case=true\nmatch.sender=\"ALICE@example.net\"" REJ, kMsg, "mail <alice@example.net>", "550"},
    {"null sender", "stage=\"mail\"\nmatch.sender=\"\"" REJ, "sender=\"\"\nrecipients=[\"a@example.org\"]", "mail <>", "550"},
    {"null sender angle form", "stage=\"mail\"\nmatch.sender=\"<>\"" REJ, "sender=\"<>\"", "mail <>", "550"},
    {"null sender domain empty", "stage=\"mail\"\nmatch.sender_domain=\"\"" REJ, "sender=\"\"", "mail <>", "550"},
    {"sender subaddress matches base", "stage=\"mail\"\nmatch.sender=\"alice@example.net\"" REJ, "sender=\"alice+news@example.net\"",
     "mail <alice+news@example.net>", "550"},
    {"sender subaddress off", "stage=\"mail\"\nmatch_subaddress=false\nmatch.sender=\"alice@example.net\"" REJ,
     "sender=\"alice+news@example.net\"", "mail <alice+news@example.net>", "continue"},
    {"sender_domain", "stage=\"mail\"\nmatch.sender_domain=\"Example.NET\"" REJ, kMsg, "mail <alice@example.net>", "550"},
    {"sender_domain suffix", "stage=\"mail\"\nmatch.sender_domain={suffix=\".net\"}" REJ, kMsg, "mail <alice@example.net>", "550"},
    {"sender_local", "stage=\"mail\"\nmatch.sender_local=\"alice\"" REJ, kMsg, "mail <alice@example.net>", "550"},
    {"sender_local subaddress", "stage=\"mail\"\nmatch.sender_local=\"alice\"" REJ, "sender=\"alice+x@example.net\"",
     "mail <alice+x@example.net>", "550"},
    {"sender not_in list with subaddress", "stage=\"mail\"\nmatch.sender={not_in=\"s\"}" REJ, "sender=\"alice+x@Example.net\"",
     "mail <alice+x@Example.net>", "continue", "[lists]\ns=[\"alice@example.net\"]"},
    {"sender regex", "stage=\"mail\"\nmatch.sender={regex=\"@example\\\\.net$\"}" REJ, kMsg, "mail <alice@example.net>", "550"},
    // auth_user, tls, declared_size
    {"auth_user empty when not authenticated", "stage=\"mail\"\nmatch.auth_user=\"\"" REJ, kMsg, "mail <alice@example.net>", "550"},
    {"auth_user set", "stage=\"mail\"\nmatch.auth_user=\"alice\"" REJ, "auth_user=\"alice\"\nsender=\"a@b.example\"", "mail <a@b.example>", "550"},
    {"tls false", "stage=\"mail\"\nmatch.tls=false" REJ, kMsg, "mail <alice@example.net>", "550"},
    {"tls true", "stage=\"mail\"\nmatch.tls=true" REJ, "tls=true\nsender=\"a@b.example\"", "mail <a@b.example>", "550"},
    {"declared_size gt", "stage=\"mail\"\nmatch.declared_size={gt=1000}" REJ, "sender=\"a@b.example\"\ndeclared_size=1001", "mail <a@b.example>", "550"},
    {"declared_size range miss", "stage=\"mail\"\nmatch.declared_size={ge=10, le=100}" REJ, "sender=\"a@b.example\"\ndeclared_size=101",
     "mail <a@b.example>", "continue"},
    {"declared_size absent never matches", "stage=\"mail\"\nmatch.declared_size={ge=0}" REJ, "sender=\"a@b.example\"", "mail <a@b.example>", "continue"},
    // recipients
    {"rcpt literal", "stage=\"rcpt\"\nmatch.rcpt=\"bob@example.org\"" REJ, kMsg, "rcpt <bob@example.org>", "550 5.7.1"},
    {"rcpt uppercase domain", "stage=\"rcpt\"\nmatch.rcpt=\"bob@example.org\"" REJ, "sender=\"a@b.example\"\nrecipients=[\"bob@EXAMPLE.ORG\"]",
     "rcpt <bob@EXAMPLE.ORG>", "550"},
    {"rcpt +detail matches base", "stage=\"rcpt\"\nmatch.rcpt=\"bob@example.org\"" REJ, "sender=\"a@b.example\"\nrecipients=[\"bob+tag@example.org\"]",
     "rcpt <bob+tag@example.org>", "550"},
    {"rcpt +detail literal exact", "stage=\"rcpt\"\nmatch.rcpt=\"bob+tag@example.org\"" REJ, "sender=\"a@b.example\"\nrecipients=[\"bob@example.org\"]",
     "rcpt <bob@example.org>", "continue"},
    {"rcpt_domain", "stage=\"rcpt\"\nmatch.rcpt_domain=\"example.org\"" REJ, kMsg, "rcpt <bob@example.org>", "550"},
    {"rcpt_local", "stage=\"rcpt\"\nmatch.rcpt_local=\"bob\"" REJ, kMsg, "rcpt <bob@example.org>", "550"},
    {"rcpt in list address-normalised", "stage=\"rcpt\"\nmatch.rcpt={in=\"u\"}" REJ, "sender=\"a@b.example\"\nrecipients=[\"bob@Example.Org\"]",
     "rcpt <bob@Example.Org>", "550", "[lists]\nu=[\"bob@EXAMPLE.org\"]"},
    {"rcpt_count", "stage=\"rcpt\"\nmatch.rcpt_count={gt=2}" REJ,
     "sender=\"a@b.example\"\nrecipients=[\"a@example.org\",\"b@example.org\",\"c@example.org\"]", "rcpt <c@example.org>", "550"},
    {"rcpt_count counts accepted only", "stage=\"rcpt\"\nmatch.rcpt_count=2" REJ,
     "sender=\"a@b.example\"\nrecipients=[\"a@example.org\",\"b@example.org\",\"c@example.org\"]", "rcpt <c@example.org>", "550"},  // b was refused (count 2), so c is 2 again
    {"rcpt after rcpt stage: any recipient", "stage=\"data\"\nmatch.rcpt=\"b@example.org\"" REJ,
     "sender=\"a@b.example\"\nrecipients=[\"a@example.org\",\"b@example.org\"]", "data", "554 5.7.1"},
    // header
    {"header present", "stage=\"header\"\nmatch.header={name=\"subject\"}" REJ, kMsg, "header", "550 5.7.1"},
    {"header absent", "stage=\"header\"\nmatch.not={header={name=\"Date\"}}" REJ, kMsg, "header", "550"},
    {"header value regex", "stage=\"header\"\nmatch.header={name=\"Subject\", value={regex=\"^hel\"}}" REJ, kMsg, "header", "550"},
    {"header repeated: second matches", "stage=\"header\"\nmatch.header={name=\"Received\", value={regex=\"evil\"}}" REJ,
     "sender=\"a@b.example\"\nrecipients=[\"a@example.org\"]\nheaders=[\"Received: from good\", \"Received: from evil\"]", "header", "550"},
    {"header folded value unfolded", "stage=\"header\"\nmatch.header={name=\"Subject\", value=\"a very long subject\"}" REJ,
     "sender=\"a@b.example\"\nrecipients=[\"a@example.org\"]\nheaders=[\"Subject: a very\\r\\n long subject\"]", "header", "550"},
    {"header value exact unless ignore_case", "stage=\"header\"\nmatch.header={name=\"Subject\", value=\"HELLO\"}" REJ, kMsg, "header", "continue"},
    {"header value ignore_case", "stage=\"header\"\nignore_case=true\nmatch.header={name=\"Subject\", value=\"HELLO\"}" REJ, kMsg, "header", "550"},
    // body and size
    {"body regex", "stage=\"eom\"\nmatch.body=\"wor.d\"" REJ, kMsg, "eom", "550 5.7.1"},
    {"body beyond limit not seen", "stage=\"eom\"\nmatch.body=\"tail\"" REJ,
     "sender=\"a@b.example\"\nrecipients=[\"a@example.org\"]\nbody=\"0123456789tail\"", "eom", "continue", "[settings]\nbody_scan_limit=10"},
    {"body within limit seen", "stage=\"eom\"\nmatch.body=\"89\"" REJ,
     "sender=\"a@b.example\"\nrecipients=[\"a@example.org\"]\nbody=\"0123456789tail\"", "eom", "550", "[settings]\nbody_scan_limit=10"},
    {"size", "stage=\"eom\"\nmatch.size={gt=20}" REJ, kMsg, "eom", "550"},
    {"size small", "stage=\"eom\"\nmatch.size={lt=5}" REJ, kMsg, "eom", "continue"},
    // macro
    {"macro with braces", "stage=\"connect\"\nmatch.macro={name=\"{daemon_name}\", value=\"smtpd\"}" REJ,
     "macros={\"{daemon_name}\"=\"smtpd\"}", "connect 127.0.0.1 [unknown]", "554"},
    {"macro presence", "stage=\"mail\"\nmatch.macro={name=\"i\"}" REJ, "sender=\"a@b.example\"\nmacros={i=\"ABC\"}", "mail <a@b.example>", "550"},
    {"macro missing", "stage=\"mail\"\nmatch.macro={name=\"i\"}" REJ, "sender=\"a@b.example\"", "mail <a@b.example>", "continue"},
    // any / not nesting
    {"any", "stage=\"mail\"\nmatch.any=[{sender_domain=\"x.example\"},{sender_local=\"alice\"}]" REJ, kMsg, "mail <alice@example.net>", "550"},
    {"any none", "stage=\"mail\"\nmatch.any=[{sender_domain=\"x.example\"},{sender_local=\"bob\"}]" REJ, kMsg, "mail <alice@example.net>", "continue"},
    {"not", "stage=\"mail\"\nmatch.not={sender_domain=\"example.net\"}" REJ, kMsg, "mail <alice@example.net>", "continue"},
    {"nested any inside not", "stage=\"mail\"\nmatch.not={any=[{sender_local=\"x\"},{sender_local=\"y\"}]}" REJ, kMsg,
     "mail <alice@example.net>", "550"},
    {"and of field and any", "stage=\"mail\"\nmatch.sender_domain=\"example.net\"\nmatch.any=[{tls=true},{auth_user=\"\"}]" REJ, kMsg,
     "mail <alice@example.net>", "550"},
    {"no match key always matches", "stage=\"mail\"" REJ, kMsg, "mail <alice@example.net>", "550"},
    // actions, replies, placeholders
    {"defer default", "stage=\"rcpt\"\naction=\"defer\"", kMsg, "rcpt <bob@example.org>", "451 4.7.1"},
    {"defer at connect default 421", "stage=\"connect\"\naction=\"defer\"", kMsg, "connect 203.0.113.5 [mail.example.net]", "421 4.3.2"},
    {"preset", "stage=\"rcpt\"\naction=\"reject\"\nreply=\"user_unknown\"", kMsg, "rcpt <bob@example.org>", "550 5.1.1 User unknown rule=r"},
    {"preset with text", "stage=\"rcpt\"\naction=\"reject\"\nreply={preset=\"user_unknown\", text=\"No {rcpt} here\"}", kMsg,
     "rcpt <bob@example.org>", "550 5.1.1 No bob@example.org here"},
    {"placeholders", "stage=\"mail\"\naction=\"reject\"\nreply={code=550,enhanced=\"5.7.1\",text=\"{sender} {client_ip} {client_name} {helo} {rule}\"}",
     kMsg, "mail <alice@example.net>", "550 5.7.1 alice@example.net 203.0.113.5 mail.example.net mail.example.net r"},
    {"null sender placeholder", "stage=\"mail\"\naction=\"reject\"\nreply={code=550,enhanced=\"5.7.1\",text=\"from {sender}\"}",
     "sender=\"\"", "mail <>", "550 5.7.1 from <>"},
    {"hostile helo escaped in reply", "stage=\"helo\"\naction=\"reject\"\nreply={code=550,enhanced=\"5.7.1\",text=\"bad {helo}\"}",
     "helo=\"x\\r\\n250 ok\\u00e9\"", "helo x\\x0d\\x0a250 ok\\xc3\\xa9", "550 5.7.1 bad x\\x0d\\x0a250 ok\\xc3\\xa9"},
    {"multiline", "stage=\"rcpt\"\naction=\"reject\"\nreply={code=550,enhanced=\"5.7.1\",text=[\"one\",\"two\"]}", kMsg,
     "rcpt <bob@example.org>", "550 5.7.1 one / two"},
    {"accept at mail whitelists message", "stage=\"mail\"\naction=\"accept\"\n[[rule]]\nname=\"later\"\nstage=\"rcpt\"\naction=\"reject\"",
     kMsg, "rcpt <bob@example.org>", "continue (message accepted by rule 'r')"},
    {"accept at connect whitelists connection", "stage=\"connect\"\naction=\"accept\"\n[[rule]]\nname=\"later\"\nstage=\"helo\"\naction=\"reject\"",
     kMsg, "helo mail.example.net", "continue (connection accepted by rule 'r')"},
    {"reject at connect ends rules", "stage=\"connect\"\naction=\"reject\"\n[[rule]]\nname=\"later\"\nstage=\"connect\"\naction=\"defer\"",
     kMsg, "connect 203.0.113.5 [mail.example.net]", "554 5.7.1 Access denied rule=r"},
    {"continue runs on", "stage=\"rcpt\"\naction=\"continue\"\n[[rule]]\nname=\"later\"\nstage=\"rcpt\"\naction=\"reject\"",
     kMsg, "rcpt <bob@example.org>", "550 5.7.1 Recipient rejected by policy rule=later"},
    {"discard", "stage=\"rcpt\"\naction=\"discard\"", kMsg, "eom", "discard rule=r"},
    {"quarantine", "stage=\"header\"\naction=\"quarantine\"", kMsg, "eom", "quarantine rule=r"},
    {"reject at data stops message", "stage=\"data\"\naction=\"reject\"", kMsg, "data", "554 5.7.1"},
    {"monitor has no effect", "stage=\"rcpt\"\nmode=\"monitor\"\naction=\"reject\"", kMsg, "rcpt <bob@example.org>", "continue monitor=r"},
    {"monitor modifiers not applied", "stage=\"rcpt\"\nmode=\"monitor\"\nadd_header={name=\"X-A\",value=\"1\"}", kMsg, "eom", "continue$"},
    // modifiers
    {"add_header with placeholder", "stage=\"mail\"\nadd_header={name=\"X-Seen\", value=\"from {client_ip}\"}", kMsg, "eom",
     "continue +header \"X-Seen: from 203.0.113.5\""},
    {"add_header list", "stage=\"eom\"\nadd_header=[{name=\"X-A\", value=\"1\"},{name=\"X-B\", value=\"2\"}]", kMsg, "eom",
     "continue +header \"X-A: 1\" +header \"X-B: 2\""},
    {"remove_header", "stage=\"eom\"\nremove_header=\"X-Old\"", kMsg, "eom", "continue -header \"X-Old\""},
    {"add_rcpt", "stage=\"mail\"\nadd_rcpt=\"archive@example.org\"", kMsg, "eom", "continue +rcpt <archive@example.org>"},
    {"remove_rcpt", "stage=\"rcpt\"\nmatch.rcpt=\"bob@example.org\"\nremove_rcpt=true", kMsg, "eom", "continue -rcpt <bob@example.org>"},
    {"rejected recipient drops its modifiers",
     "stage=\"rcpt\"\nmatch.rcpt_local=\"a\"\nadd_header={name=\"X-A\",value=\"1\"}\naction=\"reject\"",
     "sender=\"a@b.example\"\nrecipients=[\"a@example.org\",\"b@example.org\"]", "eom", "continue$"},
    {"connect modifiers reach the message", "stage=\"connect\"\nadd_header={name=\"X-Conn\",value=\"{client_ip}\"}", kMsg, "eom",
     "continue +header \"X-Conn: 203.0.113.5\""},
    // hostile-input limits
    {"max_recipients defers the next recipient", "stage=\"rcpt\"", "sender=\"a@b.example\"\nrecipients=[\"a@example.org\",\"b@example.org\",\"c@example.org\"]",
     "rcpt <c@example.org>", "452 4.5.3 Too many recipients (settings.max_recipients (2) reached)", "[settings]\nmax_recipients=2"},
    {"max_recipients: earlier recipients unaffected", "stage=\"rcpt\"", "sender=\"a@b.example\"\nrecipients=[\"a@example.org\",\"b@example.org\",\"c@example.org\"]",
     "rcpt <b@example.org>", "continue$", "[settings]\nmax_recipients=2"},
    {"max_headers: later headers not examined", "stage=\"header\"\nmatch.header={name=\"X-Late\"}" REJ,
     "sender=\"a@b.example\"\nrecipients=[\"a@example.org\"]\nheaders=[\"A: 1\", \"B: 2\", \"X-Late: 3\"]", "header", "continue$",
     "[settings]\nmax_headers=2"},
    {"max_headers: within the limit examined", "stage=\"header\"\nmatch.header={name=\"B\"}" REJ,
     "sender=\"a@b.example\"\nrecipients=[\"a@example.org\"]\nheaders=[\"A: 1\", \"B: 2\", \"X-Late: 3\"]", "header", "550",
     "[settings]\nmax_headers=2"},
    {"max_header_bytes cuts the value", "stage=\"header\"\nmatch.header={name=\"Subject\", value={regex=\"TAIL\"}}" REJ,
     "sender=\"a@b.example\"\nrecipients=[\"a@example.org\"]\nheaders=[\"Subject: 0123456789TAIL\"]", "header", "continue$",
     "[settings]\nmax_header_bytes=10"},
    // defer_connect_decisions
    {"deferred connect decision shows at MAIL", "stage=\"connect\"\naction=\"reject\"", kMsg, "mail <alice@example.net>",
     "554 5.7.1 Access denied rule=r", "[settings]\ndefer_connect_decisions=true"},
    {"deferred connect decision: connect continues", "stage=\"connect\"\naction=\"reject\"", kMsg,
     "connect 203.0.113.5 [mail.example.net]", "continue (rule 'r' will answer at MAIL", "[settings]\ndefer_connect_decisions=true"},
};

INSTANTIATE_TEST_SUITE_P(All, Engine, testing::ValuesIn(kCases), [](const auto& info) {
    std::string n = info.param.name;
    for (char& c : n)
        if (!isalnum(static_cast<unsigned char>(c))) c = '_';
    return n;
});

// A body pattern that straddles the 4096-byte chunk boundary still matches.
TEST(EngineBody, PatternAcrossChunks) {
    std::string body(4090, 'a');
    body += "SPLIT-HERE";
    body += std::string(100, 'b');
    std::string session = "sender=\"a@b.example\"\nrecipients=[\"a@example.org\"]\nbody=\"" + body + "\"\n";
    Case c{"chunks", "stage=\"eom\"\nmatch.body={regex=\"SPLIT-HERE\"}" REJ, session.c_str(), "eom", "550 5.7.1"};
    EXPECT_TRUE(result_ok(run_case(c), c.want)) << run_case(c);
}

}  // namespace
}  // namespace verdict

namespace verdict {
namespace {

// Quoted local parts and source routes are compared in their canonical form, as Postfix
// hands them to policy servers, so they cannot slip past a rule.
struct AddrCase {
    const char* in;
    const char* canonical;
};
class CanonicalAddress : public testing::TestWithParam<AddrCase> {};
TEST_P(CanonicalAddress, Forms) { EXPECT_EQ(canonical_address(GetParam().in), GetParam().canonical); }
INSTANTIATE_TEST_SUITE_P(Address, CanonicalAddress,
                         testing::Values(AddrCase{"<nobody@example.org>", "nobody@example.org"},
                                         AddrCase{"<\"nobody\"@example.org>", "nobody@example.org"},
                                         AddrCase{"<@relay.test:nobody@example.org>", "nobody@example.org"},
                                         AddrCase{"<@a.test,@b.test:x@example.org>", "x@example.org"},
                                         AddrCase{"\"x y\"@example.org", "x y@example.org"},
                                         AddrCase{"\"a\\\"b\"@example.org", "a\"b@example.org"},
                                         AddrCase{"<>", ""}, AddrCase{"\"\"@example.org", "@example.org"},
                                         AddrCase{"plain", "plain"}));

}  // namespace
}  // namespace verdict
