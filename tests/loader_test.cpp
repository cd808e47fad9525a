// Loader tests: valid forms load into the expected model; broken input gives the
// expected diagnostic at the expected position; hostile input never crashes.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "rules/loader.hpp"
#include "rules/session_file.hpp"

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

// ---- hostile input -------------------------------------------------------------------

namespace verdict {
namespace {

std::size_t rss_kib() {
    std::ifstream s("/proc/self/status");
    std::string line;
    while (std::getline(s, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
    return 0;
}

std::string temp_dir() {
    auto d = std::filesystem::temp_directory_path() / ("verdict-loader-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d.string();
}

TEST(LoaderHostile, TenMegabyteFileLoads) {
    std::string text = "[lists]\nbig = [\n";
    std::size_t i = 0;
    while (text.size() < 10u << 20) text += "  \"user" + std::to_string(i++) + "@example.org\",\n";
    text += "]\n[[rule]]\nname = \"r\"\nstage = \"rcpt\"\nmatch.rcpt = { in = \"big\" }\naction = \"reject\"\n";
    auto r = load_rules_from_string(text, "big.toml");
    ASSERT_TRUE(r.ruleset) << r.diagnostics.str().substr(0, 500);
    EXPECT_EQ(r.ruleset->lists.at("big")->count, i);
}

TEST(LoaderHostile, DeepNestingIsAnErrorNotACrash) {
    std::string arrays = "x = " + std::string(100000, '[') + std::string(100000, ']') + "\n";
    auto a = load_rules_from_string(arrays, "deep.toml");
    EXPECT_FALSE(a.ruleset);
    EXPECT_TRUE(a.diagnostics.has_errors());
    std::string tables = "x = ";
    for (int k = 0; k < 5000; ++k) tables += "{ a = ";
    tables += "1";
    for (int k = 0; k < 5000; ++k) tables += " }";
    auto t = load_rules_from_string(tables + "\n", "deep2.toml");
    EXPECT_FALSE(t.ruleset);
    // Deep any/not nesting inside a rule is bounded too.
    std::string rule = "[[rule]]\nname=\"r\"\nstage=\"mail\"\nmatch = ";
    for (int k = 0; k < 40; ++k) rule += "{ not = ";
    rule += "{ tls = true }";
    for (int k = 0; k < 40; ++k) rule += " }";
    auto n = load_rules_from_string(rule + "\n", "deep3.toml");
    EXPECT_FALSE(n.ruleset);
    EXPECT_NE(n.diagnostics.str().find("nesting is deeper"), std::string::npos) << n.diagnostics.str();
}

TEST(LoaderHostile, NulBytesAndInvalidUtf8) {
    std::string nul("[[rule]]\nname = \"a", 19);
    nul += std::string(1, '\0') + "b\"\nstage = \"rcpt\"\n";
    auto a = load_rules_from_string(nul, "nul.toml");
    EXPECT_FALSE(a.ruleset);
    EXPECT_NE(a.diagnostics.str().find("nul.toml:2:10: error: TOML syntax"), std::string::npos) << a.diagnostics.str();
    auto b = load_rules_from_string("[[rule]]\nname = \"\xff\xfe\"\nstage = \"rcpt\"\n", "utf8.toml");
    EXPECT_FALSE(b.ruleset);
    EXPECT_TRUE(b.diagnostics.has_errors());
    // Diagnostics themselves are printable.
    for (char ch : b.diagnostics.str()) EXPECT_TRUE(ch == '\n' || (ch >= 0x20 && ch < 0x7f));
}

TEST(LoaderHostile, MillionEntryListFileMemoryProportional) {
    std::string dir = temp_dir();
    std::string list = dir + "/million.txt";
    {
        std::ofstream out(list);
        out << "# a million users\n";
        for (int k = 0; k < 1'000'000; ++k) out << "user" << k << "@example.org\n";
    }
    std::ofstream(dir + "/rules.toml") << "[lists]\nu = { file = \"million.txt\" }\n[[rule]]\nname=\"r\"\nstage=\"rcpt\"\n"
                                          "match.rcpt = { not_in = \"u\" }\naction=\"reject\"\n";
    const auto file_kib = std::filesystem::file_size(list) / 1024;
    const auto before = rss_kib();
    auto r = load_rules(dir + "/rules.toml");
    ASSERT_TRUE(r.ruleset) << r.diagnostics.str();
    EXPECT_EQ(r.ruleset->lists.at("u")->count, 1'000'000u);
    const auto grown = rss_kib() - before;
    // Entries are held as strings plus two hash sets: bounded by a small multiple of the file.
    EXPECT_LT(grown, file_kib * 20) << "RSS grew " << grown << " KiB for a " << file_kib << " KiB list";
    std::filesystem::remove_all(dir);
}

TEST(LoaderHostile, AllErrorsReportedNotJustTheFirst) {
    auto r = load_rules_from_string(R"([[rule]]
name = "a"
stage = "rcpt"
action = "rejct"
[[rule]]
name = "a"
stage = "rcp"
[[rule]]
stage = "mail"
match.bdy = "x"
)",
                                    "many.toml");
    EXPECT_FALSE(r.ruleset);
    EXPECT_GE(r.diagnostics.errors(), 4u) << r.diagnostics.str();
}

}  // namespace
}  // namespace verdict

namespace verdict {
namespace {

// Regressions found by fuzz/fuzz_loader and fuzz/fuzz_session_file.
struct Regression {
    const char* name;
    std::string text;
    const char* diagnostic;
};
void PrintTo(const Regression& r, std::ostream* os) { *os << r.name; }
class FuzzRegression : public testing::TestWithParam<Regression> {};
TEST_P(FuzzRegression, ClearErrorNoUndefinedBehaviour) {
    auto r = load_rules_from_string(GetParam().text, "f.toml");
    EXPECT_FALSE(r.ruleset);
    const std::string d = r.diagnostics.str();
    EXPECT_NE(d.find(GetParam().diagnostic), std::string::npos) << d;
    for (char ch : d) EXPECT_TRUE(ch == '\n' || (ch >= 0x20 && ch < 0x7f)) << d;
    auto s = load_session_from_string(GetParam().text, "f.session.toml");
    EXPECT_FALSE(s.session && GetParam().text.find('\xce') != std::string::npos);
}
INSTANTIATE_TEST_SUITE_P(
    Loader, FuzzRegression,
    testing::Values(
        // toml++ 3.3 reached __builtin_unreachable() on some non-ASCII characters outside strings.
        Regression{"non-ascii at top level", "\xce\x94", "f.toml:1:1: error: TOML syntax: a non-ASCII character"},
        Regression{"non-ascii after a value", "a = 1 \xc6\xaf\n", "f.toml:1:7: error: TOML syntax: a non-ASCII character"},
        Regression{"non-ascii after a string", "a = \"\xce\x94\" \xce\x94\n", "f.toml:1:9: error: TOML syntax"},
        Regression{"quote where no string may start", "l=0\"\xc6\xa6", "f.toml:1:5: error: TOML syntax: a non-ASCII"},
        Regression{"after a line-ending backslash", "s = \"\"\"\\\n\xc2\xa7\"\"\"\n", "f.toml:2:1: error: TOML syntax: a non-ASCII"},
        Regression{"after a backslash and spaces", "s = \"\"\"\\  \n\xc2\xa7\"\"\"\n", "f.toml:2:1: error: TOML syntax"},
        // A '.' in a value does not open a string as it does in a dotted key.
        Regression{"quote after a dot in a value", "a = 8`q1\"5.\"z\xef\xb3\xbf\"\n", "f.toml:1:14: error: TOML syntax: a non-ASCII"},
        // A rule name with a newline went raw into later messages.
        Regression{"raw rule name", "[[rule]]\nname=\"\\n\"", "rule name '\\x0a' is not valid"},
        // An invalid list name went raw into a later "did you mean" hint.
        Regression{"raw list name in hint",
                   "[lists]\n\"ab\\u001b\" = [\"x\"]\n[[rule]]\nname = \"r\"\nstage = \"mail\"\nmatch.sender = { in = \"ab\" }\n",
                   "unknown list 'ab'"}));

TEST(TomlGuard, NonAsciiInsideStringsAndCommentsIsFine) {
    auto r = load_rules_from_string("# \xce\x94 comment\n[lists]\nx = [\"\xce\x94\", '\xc6\xaf']\n"
                                    "y = [\"\"\"\n\xce\x94\n\"\"\"]\n",
                                    "ok.toml");
    EXPECT_TRUE(r.ruleset) << r.diagnostics.str();
    // A quoted key after a dot is a string too: the table is read (and its key refused).
    auto k = load_rules_from_string("[settings.\"\xce\x94\"]\n", "key.toml");
    EXPECT_NE(k.diagnostics.str().find("unknown key"), std::string::npos) << k.diagnostics.str();
}

}  // namespace
}  // namespace verdict
