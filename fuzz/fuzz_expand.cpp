// Fuzz target: reply-text placeholders (inspect_template, expand_template), the
// printable escaping of client values, and load-time reply validation.
//
// Input: a spec line in `verdict explain` style, then template lines, then the seven
// placeholder values separated by NUL bytes:
//   SPEC "\n" LINE ["\n" LINE...] ["\0" rcpt "\0" sender "\0" client_ip "\0"
//   client_name "\0" helo "\0" rule "\0" queue_id]
// SPEC words: a basic code (550), an enhanced code (5.1.1), a preset name, a stage or
// action name, "postfix"/"sendmail", "defer_connect", "cap=N".
//
// Checked: expansion never exceeds its cap; printable templates give printable text;
// placeholder-free text comes back unchanged (or cut with "..."); an expansion is never
// longer than inspect_template's literal bytes plus kPlaceholderCap per placeholder (the
// bound reply validation relies on); a reply line that validation passes without an
// error or warning is never cut at run time.
#include <cctype>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "common.hpp"
#include "rules/reply_catalogue.hpp"
#include "rules/reply_validation.hpp"

using namespace verdict;

namespace {

bool is_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    for (;;) {
        auto p = s.find(sep);
        out.push_back(s.substr(0, p));
        if (p == std::string_view::npos) return out;
        s.remove_prefix(p + 1);
    }
}

bool has_errors(const std::vector<ReplyIssue>& v) {
    for (const auto& i : v)
        if (i.severity == Severity::Error) return true;
    return false;
}

void check_issues(const std::vector<ReplyIssue>& v) {
    for (const auto& i : v) {
        FUZZ_CHECK(!i.message.empty());
        FUZZ_CHECK(is_printable_ascii(i.message) && is_printable_ascii(i.hint));
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::silence_cerr();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 64 * 1024) return 0;
    std::string_view in(reinterpret_cast<const char*>(data), size);

    // ---- the input -------------------------------------------------------------------
    auto parts = split(in, '\0');
    std::string_view head = parts[0];
    std::string_view spec = head.substr(0, head.find('\n'));
    std::vector<std::string> lines;
    if (head.find('\n') != std::string_view::npos)
        for (auto l : split(head.substr(head.find('\n') + 1), '\n')) lines.emplace_back(l);
    std::string_view vals[7] = {};
    for (std::size_t i = 1; i < parts.size() && i <= 7; ++i) vals[i - 1] = parts[i];
    PlaceholderValues v{vals[0], vals[1], vals[2], vals[3], vals[4], vals[5], vals[6]};

    int code = 0;
    std::string enhanced;
    std::optional<std::size_t> cap_word;
    ReplyContext ctx;
    std::istringstream words{std::string(spec)};
    for (std::string w; words >> w;) {
        if (auto e = parse_enhanced(w)) {
            // the parsed form reads back as itself
            auto again = parse_enhanced(e->str());
            FUZZ_CHECK(again && *again == *e);
            enhanced = w;
        } else if (w.size() == 3 && std::isdigit(static_cast<unsigned char>(w[0]))) {
            std::from_chars(w.data(), w.data() + 3, code);
        } else if (const Preset* p = find_preset(w)) {
            code = p->code;
            enhanced = std::string(p->enhanced);
            if (lines.empty()) lines.emplace_back(p->text);
        } else if (auto s = parse_stage(w)) {
            ctx.stage = s;
        } else if (auto a = parse_action(w)) {
            ctx.action = a;
        } else if (auto m = parse_mta(w)) {
            ctx.mta = m;
        } else if (w == "defer_connect") {
            ctx.defer_connect_decisions = true;
        } else if (w.rfind("cap=", 0) == 0) {
            std::size_t c = 0;
            std::from_chars(w.data() + 4, w.data() + w.size(), c);
            cap_word = c;
        }
    }
    if (code) {
        if (const BasicCode* b = find_basic(code)) FUZZ_CHECK(b->code == code);
    }

    // ---- escaping of client values ---------------------------------------------------------
    for (auto raw : vals) {
        for (std::size_t c : {std::size_t{3}, std::size_t{4}, std::size_t{7}, kPlaceholderCap, kMaxPrintable}) {
            for (bool keep : {false, true}) {
                std::string p = make_printable(raw, c, keep);
                FUZZ_CHECK(p.size() <= c);
                FUZZ_CHECK(is_printable_ascii(p));
                if (raw.size() <= c / 4) FUZZ_CHECK(p.size() >= raw.size());  // nothing cut
                if (!keep && is_printable_ascii(raw) && raw.find('\\') == std::string_view::npos && raw.size() <= c)
                    FUZZ_CHECK(p == raw);
            }
        }
        FUZZ_CHECK(iequals(raw, to_lower(raw)));
    }

    // ---- templates --------------------------------------------------------------------------
    const std::size_t room = reply_text_room(enhanced);
    std::size_t cap = cap_word ? std::min<std::size_t>(std::max<std::size_t>(*cap_word, 3), 1 << 20) : room;
    for (const auto& line : lines) {
        TemplateInfo t = inspect_template(line);
        std::size_t unknown_bytes = 0;
        for (const auto& u : t.unknown) {
            FUZZ_CHECK(u.size() >= 3 && u.front() == '{' && u.back() == '}');
            for (std::size_t i = 1; i + 1 < u.size(); ++i) FUZZ_CHECK(is_name_char(u[i]));
            unknown_bytes += u.size();
        }
        // "{rcpt}" is the shortest placeholder
        FUZZ_CHECK(t.literal_bytes + unknown_bytes + t.placeholders * 6 <= line.size());

        const std::string full = expand_template(line, v, std::numeric_limits<std::size_t>::max());
        FUZZ_CHECK(full.size() <= t.literal_bytes + unknown_bytes + t.placeholders * kPlaceholderCap);
        if (t.placeholders == 0) FUZZ_CHECK(full == line);
        if (is_printable_ascii(line)) FUZZ_CHECK(is_printable_ascii(full));

        const std::string out = expand_template(line, v, cap);
        FUZZ_CHECK(out.size() <= cap);
        if (full.size() <= cap)
            FUZZ_CHECK(out == full);
        else
            FUZZ_CHECK(out == full.substr(0, cap - 3) + "...");
    }

    // ---- reply validation ---------------------------------------------------------------------
    auto pair = check_code_pair(code, enhanced);
    check_issues(pair);
    auto text = check_reply_text(lines, enhanced);
    check_issues(text);
    if (text.empty()) {
        // Passed without a word: no line is ever cut, whatever the client sends.
        PlaceholderValues worst;
        const std::string big(4 * kPlaceholderCap, '\x01');
        worst.rcpt = worst.sender = worst.client_ip = worst.client_name = worst.helo = worst.rule = worst.queue_id = big;
        for (const auto& line : lines) {
            const std::string full = expand_template(line, worst, std::numeric_limits<std::size_t>::max());
            FUZZ_CHECK(full.size() <= room);
            FUZZ_CHECK(is_printable_ascii(full));
        }
    }
    Reply r{code, enhanced, lines};
    auto all = validate_reply(r, ctx);
    check_issues(all);
    if (!has_errors(all) && (!ctx.action || sends_reply(*ctx.action))) {
        FUZZ_CHECK(!has_errors(pair) && !has_errors(text));
        FUZZ_CHECK(!r.lines.empty() && r.lines.size() <= kMaxReplyLines);
        for (const auto& line : lines) FUZZ_CHECK(is_printable_ascii(line));
    }
    (void)r.wire();
    (void)r.str();
    return 0;
}
