// Catalogue tests: table integrity, lookups, class agreement, per-command validity from
// RFC 5321 4.3.2, and every preset passing the validation user replies get.
#include <gtest/gtest.h>

#include "rules/reply_catalogue.hpp"
#include "rules/reply_validation.hpp"

namespace verdict {
namespace {

TEST(Catalogue, BasicTableSortedAndFindable) {
    int prev = 0;
    for (const auto& b : basic_codes()) {
        EXPECT_LT(prev, b.code);
        prev = b.code;
        ASSERT_EQ(find_basic(b.code), &b);
        EXPECT_FALSE(b.meaning.empty());
        EXPECT_FALSE(b.reference.empty());
    }
}

TEST(Catalogue, HasEveryCodeTheIssueNames) {
    for (int c : {211, 214, 220, 221, 235, 250, 251, 252, 253, 334, 354, 355, 421, 432, 450, 451, 452, 453, 454, 455,
                  458, 459, 500, 501, 502, 503, 504, 521, 530, 534, 535, 538, 550, 551, 552, 553, 554, 555, 556}) {
        const BasicCode* b = find_basic(c);
        ASSERT_NE(b, nullptr) << c;
        EXPECT_TRUE(b->standard) << c;
    }
    for (int c : {510, 511, 512, 513, 523, 541}) {
        const BasicCode* b = find_basic(c);
        ASSERT_NE(b, nullptr) << c;
        EXPECT_FALSE(b->standard) << c;
    }
    EXPECT_EQ(find_basic(599), nullptr);
}

TEST(Catalogue, EnhancedRegistryComplete) {
    struct Range {
        int subject, last;
    };
    for (Range r : {Range{0, 0}, Range{1, 10}, Range{2, 4}, Range{3, 6}, Range{4, 7}, Range{5, 6}, Range{6, 10},
                    Range{7, 30}}) {
        ASSERT_NE(find_subject(r.subject), nullptr);
        for (int d = 0; d <= r.last; ++d) EXPECT_NE(find_enhanced(r.subject, d), nullptr) << r.subject << '.' << d;
        EXPECT_EQ(find_enhanced(r.subject, r.last + 1), nullptr);
    }
    EXPECT_EQ(find_subject(8), nullptr);
}

struct EnhancedParseCase {
    const char* text;
    bool ok;
};
class EnhancedParse : public testing::TestWithParam<EnhancedParseCase> {};
TEST_P(EnhancedParse, Strict) { EXPECT_EQ(parse_enhanced(GetParam().text).has_value(), GetParam().ok); }
INSTANTIATE_TEST_SUITE_P(Catalogue, EnhancedParse,
                         testing::Values(EnhancedParseCase{"5.1.1", true}, EnhancedParseCase{"4.7.29", true},
                                         EnhancedParseCase{"2.0.0", true}, EnhancedParseCase{"3.1.1", false},
                                         EnhancedParseCase{"5.01.1", false}, EnhancedParseCase{"5.1", false},
                                         EnhancedParseCase{"5.1.1.1", false}, EnhancedParseCase{"5..1", false},
                                         EnhancedParseCase{"5.1.1000", false}, EnhancedParseCase{"x.1.1", false},
                                         EnhancedParseCase{"", false}, EnhancedParseCase{"5.1.-1", false}));

struct PairCase {
    int code;
    const char* enhanced;
    bool agree;     // no errors
    bool warning;   // a warning (e.g. not associated)
};
class CodePair : public testing::TestWithParam<PairCase> {};
TEST_P(CodePair, ClassAgreementAndRegistry) {
    auto issues = check_code_pair(GetParam().code, GetParam().enhanced);
    bool errors = false, warnings = false;
    for (const auto& i : issues) (i.severity == Severity::Error ? errors : warnings) = true;
    EXPECT_EQ(!errors, GetParam().agree) << GetParam().code << ' ' << GetParam().enhanced;
    EXPECT_EQ(warnings, GetParam().warning) << GetParam().code << ' ' << GetParam().enhanced;
}
INSTANTIATE_TEST_SUITE_P(Catalogue, CodePair,
                         testing::Values(PairCase{452, "4.2.2", true, false},   // counterpart of 552
                                         PairCase{550, "5.1.1", true, false},
                                         PairCase{550, "4.1.1", false, false},  // class mismatch
                                         PairCase{452, "5.2.2", false, false},
                                         PairCase{550, "5.9.1", false, false},  // not registered
                                         PairCase{550, "5.1.99", false, false},
                                         PairCase{550, "", false, false},       // missing
                                         PairCase{599, "5.0.0", false, false},  // unknown basic code
                                         PairCase{541, "5.7.1", true, true},    // non-standard basic code
                                         PairCase{550, "5.2.2", true, true},    // X.2.2 lists 552 only
                                         PairCase{550, "5.7.0", true, false},
                                         PairCase{530, "5.3.1", true, true},    // X.3.1 lists 452 only
                                         PairCase{550, "5.0.0", true, false}));  // "Any"

TEST(Catalogue, EveryPresetPassesValidationWithoutWarnings) {
    for (const auto& p : presets()) {
        Reply r{p.code, std::string(p.enhanced), {std::string(p.text)}};
        Action a = p.code / 100 == 5 ? Action::Reject : Action::Defer;
        auto pair = check_code_pair(r.code, r.enhanced);
        EXPECT_TRUE(pair.empty()) << p.name << ": " << (pair.empty() ? "" : pair[0].message);
        EXPECT_TRUE(check_reply_text(r.lines, r.enhanced).empty()) << p.name;
        // Valid for at least one stage's command without any finding.
        bool some_stage = false;
        for (Stage s : kAllStages) some_stage = some_stage || validate_reply(r, {a, s, std::nullopt, false}).empty();
        EXPECT_TRUE(some_stage) << p.name;
    }
}

struct CommandCase {
    int code;
    SmtpCommand cmd;
    bool valid;
};
class CommandValidity : public testing::TestWithParam<CommandCase> {};
TEST_P(CommandValidity, Rfc5321Section432) {
    const BasicCode* b = find_basic(GetParam().code);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ((b->commands & mask(GetParam().cmd)) != 0, GetParam().valid)
        << GetParam().code << " for " << command_name(GetParam().cmd);
}
INSTANTIATE_TEST_SUITE_P(
    Catalogue, CommandValidity,
    testing::Values(
        // connection establishment: S 220, E 554
        CommandCase{220, SmtpCommand::Connect, true}, CommandCase{554, SmtpCommand::Connect, true},
        CommandCase{550, SmtpCommand::Connect, false},
        // EHLO/HELO: S 250, E 504, 550, 502
        CommandCase{250, SmtpCommand::Ehlo, true}, CommandCase{550, SmtpCommand::Helo, true},
        CommandCase{504, SmtpCommand::Ehlo, true}, CommandCase{553, SmtpCommand::Helo, false},
        // MAIL: S 250, E 552, 451, 452, 550, 553, 503, 455, 555
        CommandCase{552, SmtpCommand::Mail, true}, CommandCase{451, SmtpCommand::Mail, true},
        CommandCase{452, SmtpCommand::Mail, true}, CommandCase{550, SmtpCommand::Mail, true},
        CommandCase{553, SmtpCommand::Mail, true}, CommandCase{503, SmtpCommand::Mail, true},
        CommandCase{455, SmtpCommand::Mail, true}, CommandCase{555, SmtpCommand::Mail, true},
        CommandCase{551, SmtpCommand::Mail, false}, CommandCase{251, SmtpCommand::Mail, false},
        // RCPT: S 250, 251, E 550, 551, 552, 553, 450, 451, 452, 503, 455, 555
        CommandCase{251, SmtpCommand::Rcpt, true}, CommandCase{551, SmtpCommand::Rcpt, true},
        CommandCase{450, SmtpCommand::Rcpt, true}, CommandCase{452, SmtpCommand::Rcpt, true},
        CommandCase{354, SmtpCommand::Rcpt, false},
        // DATA: I 354; E 503, 554; after data S 250, E 552, 554, 451, 452, 450, 550
        CommandCase{354, SmtpCommand::Data, true}, CommandCase{503, SmtpCommand::Data, true},
        CommandCase{552, SmtpCommand::DataEnd, true}, CommandCase{451, SmtpCommand::DataEnd, true},
        CommandCase{550, SmtpCommand::DataEnd, true}, CommandCase{450, SmtpCommand::DataEnd, true},
        CommandCase{551, SmtpCommand::DataEnd, false},
        // VRFY: S 250, 251, 252, E 550, 551, 553, 502, 504
        CommandCase{252, SmtpCommand::Vrfy, true}, CommandCase{553, SmtpCommand::Vrfy, true},
        // EXPN / HELP / NOOP / QUIT / RSET
        CommandCase{252, SmtpCommand::Expn, true}, CommandCase{214, SmtpCommand::Help, true},
        CommandCase{211, SmtpCommand::Help, true}, CommandCase{250, SmtpCommand::Noop, true},
        CommandCase{221, SmtpCommand::Quit, true}, CommandCase{250, SmtpCommand::Rset, true},
        // anywhere: 421, 500, 501
        CommandCase{421, SmtpCommand::Rcpt, true}, CommandCase{421, SmtpCommand::Connect, true},
        CommandCase{500, SmtpCommand::Quit, true},
        // extensions: STARTTLS (RFC 3207), AUTH (RFC 4954), ETRN (RFC 1985), RFC 7504
        CommandCase{454, SmtpCommand::Starttls, true}, CommandCase{235, SmtpCommand::Auth, true},
        CommandCase{334, SmtpCommand::Auth, true}, CommandCase{535, SmtpCommand::Auth, true},
        CommandCase{538, SmtpCommand::Auth, true}, CommandCase{458, SmtpCommand::Etrn, true},
        CommandCase{459, SmtpCommand::Etrn, true}, CommandCase{521, SmtpCommand::Connect, true},
        CommandCase{556, SmtpCommand::Rcpt, true}, CommandCase{530, SmtpCommand::Mail, true}));

TEST(Catalogue, StageValidityWarnsOutsideTheCommand) {
    Reply r{551, "5.1.6", {"User not local"}};
    auto at_mail = validate_reply(r, {Action::Reject, Stage::Mail, std::nullopt, false});
    ASSERT_EQ(at_mail.size(), 1u);
    EXPECT_EQ(at_mail[0].severity, Severity::Warning);
    EXPECT_TRUE(validate_reply(r, {Action::Reject, Stage::Rcpt, std::nullopt, false}).empty());
}

}  // namespace
}  // namespace verdict
