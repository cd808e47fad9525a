// `verdict explain CODE...`: what a basic reply code, an enhanced status code, a pair of
// them ("452 4.2.2") or a preset means, all from the catalogue; `--list` prints it all.
// Exit 1 when a code is unknown or a pair disagrees.
#include <algorithm>
#include <charconv>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "rules/reply_catalogue.hpp"
#include "rules/reply_validation.hpp"

namespace verdict::cli {

namespace {

std::optional<int> parse_basic(std::string_view s) {
    int v = 0;
    if (s.size() != 3) return std::nullopt;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
    return v;
}

void print_basic(std::ostream& o, const BasicCode& b) {
    o << b.code << ": " << b.meaning << '\n';
    o << "  class " << b.code / 100 << ": " << class_meaning(b.code / 100) << '\n';
    o << "  category " << (b.code / 10) % 10 << ": " << category_meaning((b.code / 10) % 10) << '\n';
    o << "  defined by: " << b.reference << (b.standard ? "" : " (not a standard code)") << '\n';
    o << "  replies to: " << command_list(b.commands) << '\n';
}

void print_enhanced(std::ostream& o, const EnhancedStatus& s, const EnhancedCode& e) {
    o << s.str() << ": " << e.title << '\n';
    o << "  class " << s.cls << ": " << enhanced_class_meaning(s.cls) << '\n';
    if (auto sub = find_subject(s.subject)) o << "  subject " << s.subject << ": " << sub->title << '\n';
    o << "  detail: " << e.description << '\n';
    o << "  registry's basic codes: " << (e.basic_codes.empty() ? "not given" : e.basic_codes) << '\n';
    o << "  defined by: " << e.reference << '\n';
}

// Explains one basic or enhanced code; returns false when it is unknown.
bool explain_one(std::ostream& o, std::string_view arg) {
    if (auto code = parse_basic(arg)) {
        if (const BasicCode* b = find_basic(*code)) {
            print_basic(o, *b);
            return true;
        }
        o << arg << ": not an SMTP reply code verdict knows (see `verdict explain --list`)\n";
        return false;
    }
    if (auto e = parse_enhanced(arg)) {
        if (const EnhancedCode* reg = find_enhanced(e->subject, e->detail)) {
            print_enhanced(o, *e, *reg);
            return true;
        }
        o << arg << ": class " << e->cls << " (" << enhanced_class_meaning(e->cls) << ")";
        if (auto sub = find_subject(e->subject)) o << ", subject " << sub->title;
        o << "; detail " << e->detail << " is not in the IANA registry\n";
        return false;
    }
    if (const Preset* p = find_preset(arg)) {
        o << "preset " << p->name << ": " << p->code << ' ' << p->enhanced << ' ' << p->text << '\n';
        return true;
    }
    o << arg << ": neither a reply code (550), an enhanced code (5.1.1) nor a preset\n";
    return false;
}

bool explain_pair(std::ostream& o, int code, std::string_view enhanced) {
    bool ok = explain_one(o, std::to_string(code));
    ok = explain_one(o, enhanced) && ok;
    auto issues = check_code_pair(code, std::string(enhanced));
    bool agree = true;
    for (const auto& i : issues) agree = agree && i.severity != Severity::Error;
    o << code << ' ' << enhanced << (agree ? ": the codes agree" : ": the codes disagree") << '\n';
    for (const auto& i : issues)
        o << "  " << (i.severity == Severity::Error ? "error: " : "note: ") << i.message << "\n    hint: " << i.hint
          << '\n';
    if (agree) {
        auto e = parse_enhanced(enhanced);
        const EnhancedCode* reg = e ? find_enhanced(e->subject, e->detail) : nullptr;
        o << "  both have class " << code / 100;
        if (reg && is_associated(code, *reg) && !reg->basic_codes.empty()) {
            auto listed = associated_basic_codes(*reg);
            const bool exact = std::find(listed.begin(), listed.end(), code) != listed.end();
            o << ", and " << code << (exact ? " is among" : " is the 4xx/5xx counterpart of one of")
              << " the registry's basic codes for X." << e->subject << '.' << e->detail << " (" << reg->basic_codes
              << ")";
        }
        o << '\n';
    }
    return ok && agree;
}

void list_all(std::ostream& o) {
    o << "Basic reply codes:\n";
    for (const auto& b : basic_codes())
        o << "  " << b.code << "  " << b.meaning << (b.standard ? "" : " [non-standard]") << '\n';
    o << "\nEnhanced status codes (class 2, 4 or 5 as X):\n";
    int subject = -1;
    for (const auto& e : enhanced_codes()) {
        if (e.subject != subject) {
            subject = e.subject;
            if (auto s = find_subject(subject)) o << "  X." << subject << ".x  " << s->title << '\n';
        }
        o << "    X." << e.subject << '.' << e.detail << "  " << e.title << '\n';
    }
    o << "\nPresets:\n";
    for (const auto& p : presets()) o << "  " << p.name << "  " << p.code << ' ' << p.enhanced << ' ' << p.text << '\n';
}

}  // namespace

int cmd_explain(int argc, char** argv) {
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) {
        std::istringstream words(argv[i]);  // "452 4.2.2" may arrive as one argument
        for (std::string w; words >> w;) args.push_back(w);
    }
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        std::cout << "usage: verdict explain CODE...   e.g. 550, 5.1.1, \"452 4.2.2\", user_unknown\n"
                     "       verdict explain --list\n";
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--list") {
        list_all(std::cout);
        return 0;
    }
    bool ok = true;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (i > 0) std::cout << '\n';
        auto code = parse_basic(args[i]);
        if (code && i + 1 < args.size() && parse_enhanced(args[i + 1])) {
            ok = explain_pair(std::cout, *code, args[i + 1]) && ok;
            ++i;
        } else {
            ok = explain_one(std::cout, args[i]) && ok;
        }
    }
    return ok ? 0 : 1;
}

}  // namespace verdict::cli
