// Look-ups over the catalogue tables, the meaning of code digits, and the presets.
// The tables themselves live in basic_codes.cpp and enhanced_codes.cpp.
#include "rules/reply_catalogue.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace verdict {

namespace {

constexpr std::array<std::string_view, static_cast<std::size_t>(SmtpCommand::Count_)> kCommandNames = {
    "CONNECT", "HELO", "EHLO", "MAIL", "RCPT", "DATA", "end of DATA", "RSET", "VRFY",
    "EXPN",    "HELP", "NOOP", "QUIT", "STARTTLS", "AUTH", "ETRN", "ATRN", "BDAT"};

// Our presets. Texts are ours; codes follow the design and pass the same validation as
// user replies (tests/reply_catalogue_test.cpp checks every one).
constexpr std::array kPresets = {
    Preset{"user_unknown", 550, "5.1.1", "User unknown"},
    Preset{"bad_destination_domain", 550, "5.1.2", "Recipient domain does not exist here"},
    Preset{"bad_sender", 553, "5.1.7", "Sender address rejected"},
    Preset{"bad_sender_domain", 553, "5.1.8", "Sender domain rejected"},
    Preset{"mailbox_disabled", 550, "5.2.1", "Mailbox disabled"},
    Preset{"mailbox_full", 452, "4.2.2", "Mailbox full, try again later"},
    Preset{"mailbox_full_permanent", 552, "5.2.2", "Mailbox full"},
    Preset{"message_too_big", 552, "5.3.4", "Message too big"},
    Preset{"too_many_recipients", 452, "4.5.3", "Too many recipients"},
    Preset{"system_busy", 421, "4.3.2", "System busy, try again later"},
    Preset{"local_error", 451, "4.3.0", "Local error, try again later"},
    Preset{"greylisted", 451, "4.7.1", "Greylisted, try again later"},
    Preset{"rate_limited", 450, "4.7.1", "Rate limit exceeded, try again later"},
    Preset{"policy_reject", 550, "5.7.1", "Rejected by policy"},
    Preset{"relay_denied", 554, "5.7.1", "Relay access denied"},
    Preset{"spam", 550, "5.7.1", "Message rejected as spam"},
    Preset{"virus", 554, "5.7.0", "Message rejected: malware detected"},
    Preset{"encryption_required", 530, "5.7.0", "Must issue a STARTTLS command first"},
    Preset{"auth_required", 530, "5.7.0", "Authentication required"},
    Preset{"client_blocked", 554, "5.7.1", "Client host blocked"},
};

bool parse_part(std::string_view s, int max_digits, int& out) {
    if (s.empty() || s.size() > static_cast<std::size_t>(max_digits)) return false;
    if (s.size() > 1 && s[0] == '0') return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size();
}

}  // namespace

std::string_view command_name(SmtpCommand c) { return kCommandNames[static_cast<std::size_t>(c)]; }

std::string command_list(CommandMask m) {
    if ((m & kAnyCommand) == kAnyCommand) return "any command";
    std::string out;
    for (std::size_t i = 0; i < kCommandNames.size(); ++i) {
        if (!(m & (CommandMask{1} << i))) continue;
        if (!out.empty()) out += ", ";
        out += kCommandNames[i];
    }
    return out.empty() ? "no command" : out;
}

std::string EnhancedStatus::str() const {
    return std::to_string(cls) + '.' + std::to_string(subject) + '.' + std::to_string(detail);
}

std::optional<EnhancedStatus> parse_enhanced(std::string_view s) {
    auto d1 = s.find('.');
    if (d1 == std::string_view::npos) return std::nullopt;
    auto d2 = s.find('.', d1 + 1);
    if (d2 == std::string_view::npos) return std::nullopt;
    EnhancedStatus e;
    if (!parse_part(s.substr(0, d1), 1, e.cls) || !parse_part(s.substr(d1 + 1, d2 - d1 - 1), 3, e.subject) ||
        !parse_part(s.substr(d2 + 1), 3, e.detail))
        return std::nullopt;
    if (e.cls != 2 && e.cls != 4 && e.cls != 5) return std::nullopt;
    return e;
}

std::span<const Preset> presets() { return kPresets; }

const BasicCode* find_basic(int code) {
    auto t = basic_codes();
    auto it = std::lower_bound(t.begin(), t.end(), code, [](const BasicCode& b, int c) { return b.code < c; });
    return (it != t.end() && it->code == code) ? &*it : nullptr;
}

const EnhancedCode* find_enhanced(int subject, int detail) {
    for (const auto& e : enhanced_codes())
        if (e.subject == subject && e.detail == detail) return &e;
    return nullptr;
}

const EnhancedSubject* find_subject(int subject) {
    for (const auto& s : enhanced_subjects())
        if (s.subject == subject) return &s;
    return nullptr;
}

const Preset* find_preset(std::string_view name) {
    for (const auto& p : kPresets)
        if (p.name == name) return &p;
    return nullptr;
}

std::string_view class_meaning(int d) {
    switch (d) {
        case 1: return "positive preliminary reply (not used by SMTP)";
        case 2: return "positive completion: the action succeeded";
        case 3: return "positive intermediate: the server waits for more input";
        case 4: return "transient negative completion: try again later";
        case 5: return "permanent negative completion: do not retry as is";
    }
    return "not a valid first digit";
}

std::string_view category_meaning(int d) {
    switch (d) {
        case 0: return "syntax";
        case 1: return "information";
        case 2: return "connections (transmission channel)";
        case 3: return "unspecified";
        case 4: return "unspecified";
        case 5: return "mail system";
    }
    return "not a category of RFC 5321";
}

std::string_view enhanced_class_meaning(int cls) {
    switch (cls) {
        case 2: return "success";
        case 4: return "persistent transient failure";
        case 5: return "permanent failure";
    }
    return "not a valid class";
}

std::vector<int> associated_basic_codes(const EnhancedCode& e) {
    // Three-digit numbers only: "4XX", "5XX" and "Any" are class wildcards, see
    // allows_any_code().
    std::vector<int> out;
    std::string_view s = e.basic_codes;
    for (std::size_t i = 0; i < s.size();) {
        if (s[i] < '0' || s[i] > '9') {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
        bool wildcard = j < s.size() && (s[j] == 'X' || s[j] == 'x');
        if (j - i == 3 && !wildcard) out.push_back((s[i] - '0') * 100 + (s[i + 1] - '0') * 10 + (s[i + 2] - '0'));
        i = j;
    }
    return out;
}

bool allows_any_code(const EnhancedCode& e, int code) {
    std::string_view s = e.basic_codes;
    if (s.find("Any") != std::string_view::npos) return true;
    if (s.find("other 4XX or 5XX") != std::string_view::npos && code / 100 >= 4) return true;
    return (code / 100 == 4 && s.find("4XX") != std::string_view::npos) ||
           (code / 100 == 5 && s.find("5XX") != std::string_view::npos);
}

}  // namespace verdict
