// Reply validation rules 1-6 of the rule-file design, in one place.
#include "rules/reply_validation.hpp"

#include "rules/expand.hpp"
#include "rules/printable.hpp"
#include "rules/reply_catalogue.hpp"

namespace verdict {

namespace {

void err(std::vector<ReplyIssue>& out, std::string m, std::string h = {}, ReplyPart p = ReplyPart::Whole) {
    out.push_back({Severity::Error, std::move(m), std::move(h), p});
}
void warn(std::vector<ReplyIssue>& out, std::string m, std::string h = {}, ReplyPart p = ReplyPart::Whole) {
    out.push_back({Severity::Warning, std::move(m), std::move(h), p});
}

std::string codes_text(const EnhancedCode& e) {
    return e.basic_codes.empty() ? std::string("none") : std::string(e.basic_codes);
}

// Rule 1 (class agrees with action) and rule 4 (code valid for the stage's command).
void check_code_for_use(std::vector<ReplyIssue>& out, const Reply& r, const ReplyContext& ctx) {
    const int first = r.code / 100;
    if (ctx.action && !sends_reply(*ctx.action)) {
        err(out, "action '" + std::string(action_name(*ctx.action)) + "' does not send a reply",
            "remove 'reply', or use action = \"reject\" (5xx) or \"defer\" (4xx)");
        return;
    }
    if (ctx.action == Action::Reject && first != 5)
        err(out, "action 'reject' needs a 5xx reply code, not " + std::to_string(r.code),
            first == 4 ? "use action = \"defer\" for a 4xx code, or a 5xx code" : "use a 5xx code such as 550",
            ReplyPart::Code);
    if (ctx.action == Action::Defer && first != 4)
        err(out, "action 'defer' needs a 4xx reply code, not " + std::to_string(r.code),
            first == 5 ? "use action = \"reject\" for a 5xx code, or a 4xx code" : "use a 4xx code such as 451",
            ReplyPart::Code);
    const BasicCode* b = find_basic(r.code);
    if (!b || !b->standard || !ctx.stage) return;  // unknown and non-standard codes: reported once elsewhere
    const CommandMask cmds = stage_commands(*ctx.stage);
    if ((b->commands & cmds) == 0)
        warn(out,
             "reply code " + std::to_string(r.code) + " is not a reply RFC 5321 lists for " + command_list(cmds) +
                 " (stage '" + std::string(stage_name(*ctx.stage)) + "'); it is listed for " + command_list(b->commands),
             "MTAs differ in how they pass on such codes; `verdict explain " + std::to_string(r.code) +
                 "` shows where it belongs",
             ReplyPart::Code);
}

// Rule 6: what the chosen MTA does with the reply.
void check_mta(std::vector<ReplyIssue>& out, const Reply& r, const ReplyContext& ctx) {
    if (!ctx.mta || !ctx.stage) return;
    if (*ctx.mta == Mta::Postfix && !ctx.defer_connect_decisions) {
        if (*ctx.stage == Stage::Connect)
            warn(out, "Postfix replaces the text of a milter's connect-stage rejection with its own",
                 "set settings.defer_connect_decisions = true so the client sees this reply at MAIL");
        if (*ctx.stage == Stage::Helo)
            warn(out, "Postfix applies a milter's HELO rejection only at the next MAIL command",
                 "set settings.defer_connect_decisions = true to make that explicit and keep this text");
    }
    if (*ctx.mta == Mta::Sendmail && !ctx.defer_connect_decisions) {
        if (*ctx.stage == Stage::Connect)
            warn(out, "Sendmail drops the text of a milter's connect-stage rejection (the client sees its own 554/550)",
                 "set settings.defer_connect_decisions = true so the client sees this reply at MAIL");
        if (*ctx.stage == Stage::Helo)
            warn(out, "Sendmail applies a milter's HELO rejection only at the next MAIL command",
                 "set settings.defer_connect_decisions = true to make that explicit");
    }
    if (*ctx.mta == Mta::Sendmail && (*ctx.stage == Stage::Mail || *ctx.stage == Stage::Rcpt) &&
        (r.code == 450 || r.code == 550 || r.code == 553))
        warn(out, "Sendmail prefixes \"<address>... \" to the text of a " + std::to_string(r.code) + " reply at " +
                      std::string(*ctx.stage == Stage::Mail ? "MAIL" : "RCPT"),
             "harmless; word the text so it reads well after the address");
}

}  // namespace

std::optional<Mta> parse_mta(std::string_view name) {
    if (name == "postfix") return Mta::Postfix;
    if (name == "sendmail") return Mta::Sendmail;
    return std::nullopt;
}

namespace {
// Pairs the registry's association column omits but an RFC names outright.
struct EstablishedPair {
    int code, subject, detail;
};
constexpr EstablishedPair kEstablished[] = {
    {452, 5, 3},  // RFC 5321 4.5.3.1.10: "452 Too many recipients"
    {421, 3, 2},  // RFC 3463 X.3.2 describes the host refusing mail for now: SMTP's 421
    {553, 1, 8},  // RFC 5321 4.3.2: 553 is MAIL's refusal of a sender address; X.1.8 its domain
};
}  // namespace

bool is_associated(int code, const EnhancedCode& e) {
    if (allows_any_code(e, code)) return true;
    for (const auto& p : kEstablished)
        if (p.code == code && p.subject == e.subject && p.detail == e.detail) return true;
    for (int a : associated_basic_codes(e))
        if (a == code || (a % 100 == code % 100 && a / 100 >= 4 && code / 100 >= 4)) return true;
    return false;
}

std::vector<ReplyIssue> check_code_pair(int code, const std::string& enhanced) {
    std::vector<ReplyIssue> out;
    const BasicCode* b = find_basic(code);
    if (code < 200 || code > 599 || !b) {
        err(out, "unknown SMTP reply code " + std::to_string(code),
            "use a code from `verdict explain --list`, such as 550 or 451", ReplyPart::Code);
    } else if (!b->standard) {
        warn(out, "reply code " + std::to_string(code) + " is not defined by any RFC: " + std::string(b->meaning),
             "use a standard code such as 550 and say the detail in the enhanced code", ReplyPart::Code);
    }
    if (enhanced.empty()) {
        err(out, "reply has no enhanced status code",
            "add enhanced = \"" + std::to_string(code / 100 >= 4 ? code / 100 : 5) + ".7.1\" or the code that fits");
        return out;
    }
    auto e = parse_enhanced(enhanced);
    if (!e) {
        err(out, "'" + make_printable(enhanced, 40) + "' is not an enhanced status code",
            "write class.subject.detail with class 2, 4 or 5, e.g. \"5.1.1\"", ReplyPart::Enhanced);
        return out;
    }
    if (e->cls != code / 100)
        err(out,
            "enhanced code " + enhanced + " has class " + std::to_string(e->cls) + " but reply code " +
                std::to_string(code) + " has class " + std::to_string(code / 100),
            "make the first digits agree, e.g. " + std::to_string(code) + " " + std::to_string(code / 100) + "." +
                std::to_string(e->subject) + "." + std::to_string(e->detail),
            ReplyPart::Enhanced);
    const EnhancedCode* reg = find_enhanced(e->subject, e->detail);
    if (!reg) {
        err(out, "enhanced code " + enhanced + " is not in the IANA registry of enhanced status codes",
            "`verdict explain --list` lists the registered codes", ReplyPart::Enhanced);
        return out;
    }
    if (b && b->standard && !reg->basic_codes.empty() && !is_associated(code, *reg))
        warn(out,
             "reply code " + std::to_string(code) + " is not among the registry's associated codes for X." +
                 std::to_string(e->subject) + "." + std::to_string(e->detail) + " (" + codes_text(*reg) + ")",
             "consider one of " + codes_text(*reg) + " or their 4xx/5xx counterparts", ReplyPart::Enhanced);
    return out;
}

std::vector<ReplyIssue> check_reply_text(const std::vector<std::string>& lines, const std::string& enhanced) {
    std::vector<ReplyIssue> out;
    if (lines.empty()) err(out, "reply text is empty", "give the client a short reason, e.g. text = \"User unknown\"");
    if (lines.size() > kMaxReplyLines)
        err(out, "reply has " + std::to_string(lines.size()) + " lines; libmilter accepts at most 32",
            "shorten the reply to 32 lines or fewer");
    const std::size_t room = reply_text_room(enhanced);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string& l = lines[i];
        const std::string which = lines.size() > 1 ? "reply line " + std::to_string(i + 1) : "reply text";
        if (l.empty()) {
            err(out, which + " is empty", "remove the empty line or write something");
            continue;
        }
        if (!is_printable_ascii(l)) {
            err(out, which + " contains a character that is not printable ASCII",
                "SMTP replies are ASCII; remove control characters, tabs and 8-bit characters");
            continue;
        }
        TemplateInfo t = inspect_template(l);
        for (const auto& u : t.unknown)
            err(out, which + " uses unknown placeholder " + u,
                "placeholders are {rcpt} {sender} {client_ip} {client_name} {helo} {rule} {queue_id}");
        if (t.literal_bytes > room)
            err(out, which + " is " + std::to_string(t.literal_bytes) + " bytes; an SMTP reply line leaves room for " +
                         std::to_string(room),
                "shorten it or split it into several lines (text = [\"...\", \"...\"])");
        else if (t.literal_bytes + t.placeholders * kPlaceholderCap > room)
            warn(out, which + " may exceed " + std::to_string(room) + " bytes once placeholders are expanded",
                 "it will be cut at run time; shorten the text");
    }
    return out;
}

std::vector<ReplyIssue> validate_reply(const Reply& r, const ReplyContext& ctx) {
    std::vector<ReplyIssue> out;
    check_code_for_use(out, r, ctx);
    if (ctx.action && !sends_reply(*ctx.action)) return out;
    auto pair = check_code_pair(r.code, r.enhanced);
    out.insert(out.end(), pair.begin(), pair.end());
    auto text = check_reply_text(r.lines, r.enhanced);
    for (auto& i : text) i.part = ReplyPart::Text;
    out.insert(out.end(), text.begin(), text.end());
    check_mta(out, r, ctx);
    return out;
}

}  // namespace verdict
