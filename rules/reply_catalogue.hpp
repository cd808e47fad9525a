// The reply-code catalogue: one table of SMTP basic reply codes (RFC 5321 and the
// extensions that define codes), the IANA registry of enhanced status codes
// (RFC 3463 / RFC 5248), and the named reply presets. Everything in verdict that needs
// to know what a code means, or where it may be used, asks this file.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace verdict {

// SMTP commands (and pseudo-commands) a reply can answer. "Connect" is the greeting,
// "DataEnd" the reply after the final "." of DATA (or the last BDAT chunk).
enum class SmtpCommand : std::uint8_t {
    Connect, Helo, Ehlo, Mail, Rcpt, Data, DataEnd, Rset, Vrfy, Expn, Help, Noop, Quit,
    Starttls, Auth, Etrn, Atrn, Bdat,
    Count_
};
using CommandMask = std::uint32_t;
constexpr CommandMask mask(SmtpCommand c) { return CommandMask{1} << static_cast<unsigned>(c); }
constexpr CommandMask kAnyCommand = (CommandMask{1} << static_cast<unsigned>(SmtpCommand::Count_)) - 1;
std::string_view command_name(SmtpCommand c);
std::string command_list(CommandMask m);  // "MAIL, RCPT" or "any command"

// One basic (three-digit) reply code.
struct BasicCode {
    int code;
    std::string_view meaning;    // our own short wording
    std::string_view reference;  // defining document, e.g. "RFC 5321 4.2.3"
    CommandMask commands;        // commands that may return it (kAnyCommand: any)
    bool standard;               // false: seen in the wild, defined by no RFC
};

// One enumerated enhanced status code of the IANA registry, as "X.subject.detail";
// the class digit X is 2, 4 or 5 and is not part of the entry.
struct EnhancedCode {
    int subject;
    int detail;
    std::string_view title;        // registry's short name, e.g. "Bad destination mailbox address"
    std::string_view description;  // our own one-line explanation
    std::string_view basic_codes;  // associated basic codes, "451, 550"; empty when the registry gives none
    std::string_view reference;    // e.g. "RFC 3463"
};

struct EnhancedSubject {
    int subject;
    std::string_view title;
    std::string_view description;
};

// A named reply, usable as `reply = "user_unknown"` in rule files.
struct Preset {
    std::string_view name;
    int code;
    std::string_view enhanced;
    std::string_view text;
};

// Parsed "C.SSS.DDD" (class, subject, detail).
struct EnhancedStatus {
    int cls = 0;
    int subject = 0;
    int detail = 0;
    std::string str() const;
    friend bool operator==(const EnhancedStatus&, const EnhancedStatus&) = default;
};
// Strict syntax of RFC 3463: class 2/4/5, subject 0-999, detail 0-999, no leading zeros
// beyond the digit itself. Returns nullopt on any deviation.
std::optional<EnhancedStatus> parse_enhanced(std::string_view s);

std::span<const BasicCode> basic_codes();
std::span<const EnhancedCode> enhanced_codes();
std::span<const EnhancedSubject> enhanced_subjects();
std::span<const Preset> presets();

const BasicCode* find_basic(int code);
const EnhancedCode* find_enhanced(int subject, int detail);
const EnhancedSubject* find_subject(int subject);
const Preset* find_preset(std::string_view name);

// Meaning of a basic code's first and second digit (RFC 5321 4.2.1).
std::string_view class_meaning(int first_digit);
std::string_view category_meaning(int second_digit);
// Meaning of an enhanced class digit (RFC 3463 3.1).
std::string_view enhanced_class_meaning(int cls);

// Associated basic codes of an enhanced code entry: the three-digit numbers of its
// `basic_codes`. allows_any_code() covers the registry's wildcards ("Any", "4XX", "5XX").
std::vector<int> associated_basic_codes(const EnhancedCode& e);
bool allows_any_code(const EnhancedCode& e, int code);

}  // namespace verdict
