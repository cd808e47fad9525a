// Load-time validation of replies (design rules 1-6): class agrees with action, enhanced
// code registered and consistent, basic code valid for the stage's SMTP command, text fits
// SMTP and libmilter limits, and what a given MTA does to our reply.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/action.hpp"
#include "rules/diagnostic.hpp"
#include "rules/reply.hpp"
#include "rules/stage.hpp"

namespace verdict {

enum class Mta { Postfix, Sendmail };
std::optional<Mta> parse_mta(std::string_view name);

// Which part of a reply a finding is about, so the loader can point at it.
enum class ReplyPart { Whole, Code, Enhanced, Text };

// One finding about a reply; the loader attaches the source position.
struct ReplyIssue {
    Severity severity;
    std::string message;
    std::string hint;
    ReplyPart part = ReplyPart::Whole;
};

// Checks a basic code against an enhanced code alone (rules 2 and 3); used by
// `verdict explain` and by validate_reply.
std::vector<ReplyIssue> check_code_pair(int code, const std::string& enhanced);

// Checks text lines (rule 5); placeholders count at their expanded cap (expand.hpp),
// unknown placeholders are errors.
std::vector<ReplyIssue> check_reply_text(const std::vector<std::string>& lines, const std::string& enhanced);

struct ReplyContext {
    std::optional<Action> action;  // unknown (already reported): action checks skipped
    std::optional<Stage> stage;    // unknown (already reported): stage checks skipped
    std::optional<Mta> mta;
    bool defer_connect_decisions = false;
};

// Every rule 1-6 for a reply used by a rule.
std::vector<ReplyIssue> validate_reply(const Reply& r, const ReplyContext& ctx);

// True when `code` is the registry's associated code for the entry or its transient /
// permanent counterpart (452 for a listed 552).
bool is_associated(int code, const struct EnhancedCode& e);

}  // namespace verdict
