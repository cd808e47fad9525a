// Escaping and case helpers for untrusted text.
#include "rules/printable.hpp"

#include <algorithm>

namespace verdict {

std::string make_printable(std::string_view s, std::size_t cap, bool keep_backslash) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(std::min(s.size(), cap));
    for (unsigned char c : s) {
        std::size_t need = (c >= 0x20 && c < 0x7f && (c != '\\' || keep_backslash)) ? 1 : 4;
        if (out.size() + need > cap) {
            while (out.size() + 3 > cap && !out.empty()) out.pop_back();
            out += "...";
            return out;
        }
        if (need == 1) {
            out += static_cast<char>(c);
        } else {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

bool is_printable_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c >= 0x20 && c < 0x7f; });
}

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

}  // namespace verdict
