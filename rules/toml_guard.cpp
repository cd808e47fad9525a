// A small TOML lexer that only knows strings and comments (see toml_guard.hpp).
#include "rules/toml_guard.hpp"

namespace verdict {

std::optional<TextPos> find_bare_non_ascii(std::string_view s) {
    enum class St { Normal, Comment, Basic, Literal, MlBasic, MlLiteral } st = St::Normal;
    TextPos pos;
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
            case St::Normal:
                if (c >= 0x80) return here;
                if (c == '#') st = St::Comment;
                else if (starts(i, "\"\"\"")) st = St::MlBasic, i += 2, pos.column += 2;
                else if (starts(i, "'''")) st = St::MlLiteral, i += 2, pos.column += 2;
                else if (c == '"') st = St::Basic;
                else if (c == '\'') st = St::Literal;
                break;
            case St::Comment:
                if (c == '\n') st = St::Normal;
                break;
            case St::Basic:
                if (c == '\\' && i + 1 < s.size() && s[i + 1] != '\n') ++i, ++pos.column;
                else if (c == '"' || c == '\n') st = St::Normal;  // toml++ reports the open string
                break;
            case St::Literal:
                if (c == '\'' || c == '\n') st = St::Normal;
                break;
            case St::MlBasic:
                if (c == '\\' && i + 1 < s.size() && s[i + 1] != '\n') ++i, ++pos.column;
                else if (starts(i, "\"\"\"")) st = St::Normal, i += 2, pos.column += 2;
                break;
            case St::MlLiteral:
                if (starts(i, "'''")) st = St::Normal, i += 2, pos.column += 2;
                break;
        }
    }
    return std::nullopt;
}

}  // namespace verdict
