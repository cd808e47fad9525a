// A small TOML lexer that only knows strings and comments (see toml_guard.hpp).
#include "rules/toml_guard.hpp"

#include <string>

namespace verdict {

std::optional<TextPos> find_bare_non_ascii(std::string_view s) {
    enum class St { Normal, Comment, Basic, Literal, MlBasic, MlTrim, MlLiteral } st = St::Normal;
    TextPos pos;
    // A quote opens a string only where TOML allows one (after '=', '[', ',', '{' or at the
    // start of a line, and after '.' in a key); elsewhere the document is invalid, and what
    // follows is scanned as bare text, since toml++ may then test it for whitespace.
    // `value` is true from '=' to the end of the value; `open` holds the arrays ('[') and
    // inline tables ('{') the value is in, whose keys are keys again.
    char last = '\n';
    bool value = false;
    std::string open;
    auto starts = [&](std::size_t i, std::string_view w) { return s.substr(i, w.size()) == w; };
    for (std::size_t i = 0; i < s.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        TextPos here = pos;
        if (c == '\n') {
            ++pos.line;
            pos.column = 1;
        } else if ((c & 0xC0) != 0x80) {
            ++pos.column;  // count characters, not continuation bytes
        }
        switch (st) {
            case St::Normal: {
                if (c >= 0x80) return here;
                const bool may_open = last == '=' || last == '[' || last == ',' || last == '{' ||
                                      (last == '.' && !value) || last == '\n';
                if (c == '#') st = St::Comment;
                else if (may_open && starts(i, "\"\"\"")) st = St::MlBasic, i += 2, pos.column += 2;
                else if (may_open && starts(i, "'''")) st = St::MlLiteral, i += 2, pos.column += 2;
                else if (may_open && c == '"') st = St::Basic;
                else if (may_open && c == '\'') st = St::Literal;
                if (c == '=') value = true;
                else if (value && (c == '[' || c == '{')) open += static_cast<char>(c);
                else if (!open.empty() && (c == ']' || c == '}')) open.pop_back();
                if (c == '{' || (c == ',' && !open.empty() && open.back() == '{')) value = false;  // a key next
                if (c == '\n' && open.empty()) value = false;
                if (c == '\n') last = '\n';
                else if (c != ' ' && c != '\t' && c != '\r') last = static_cast<char>(c);
                break;
            }
            case St::Comment:
                if (c == '\n') st = St::Normal, last = '\n';
                break;
            case St::Basic:
                if (c == '\\' && i + 1 < s.size() && s[i + 1] != '\n') ++i, ++pos.column;
                else if (c == '"' || c == '\n') st = St::Normal, last = static_cast<char>(c);  // toml++ reports an open one
                break;
            case St::Literal:
                if (c == '\'' || c == '\n') st = St::Normal, last = static_cast<char>(c);
                break;
            case St::MlBasic: {
                // A line-ending backslash: toml++ skips the whitespace after it as bare text.
                std::size_t j = i + 1;
                while (c == '\\' && j < s.size() && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r')) ++j;
                if (c == '\\' && j < s.size() && s[j] == '\n') st = St::MlTrim;
                else if (c == '\\' && i + 1 < s.size()) ++i, ++pos.column;
                else if (starts(i, "\"\"\"")) st = St::Normal, i += 2, pos.column += 2, last = '"';
                break;
            }
            case St::MlTrim:
                if (c >= 0x80) return here;
                if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                    st = St::MlBasic;
                    --i;  // this character is string content again: scan it in MlBasic
                    if ((c & 0xC0) != 0x80) --pos.column;
                }
                break;
            case St::MlLiteral:
                if (starts(i, "'''")) st = St::Normal, i += 2, pos.column += 2, last = '\'';
                break;
        }
    }
    return std::nullopt;
}

}  // namespace verdict
