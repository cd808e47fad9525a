// A pre-scan of TOML text before toml++ sees it. toml++ 3.3 (Debian 12) reaches an
// "unreachable" branch (undefined behaviour) when it meets certain non-ASCII characters
// where it expects whitespace. TOML allows non-ASCII only inside strings and comments,
// so finding one elsewhere is a syntax error we report ourselves, at its position.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace verdict {

struct TextPos {
    std::uint32_t line = 1;
    std::uint32_t column = 1;  // in characters, like toml++
};

// Position of the first non-ASCII character outside a string or comment, if any.
std::optional<TextPos> find_bare_non_ascii(std::string_view toml);

}  // namespace verdict
