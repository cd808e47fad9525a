// Placeholder scanning and expansion for reply texts.
#include "rules/expand.hpp"

#include <algorithm>

#include "rules/printable.hpp"

namespace verdict {

namespace {

bool is_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

// If text[i] starts "{name}", returns the length of the whole token, else 0.
std::size_t token_at(std::string_view text, std::size_t i, std::string_view& name) {
    if (text[i] != '{') return 0;
    std::size_t j = i + 1;
    while (j < text.size() && is_name_char(text[j])) ++j;
    if (j == i + 1 || j >= text.size() || text[j] != '}') return 0;
    name = text.substr(i + 1, j - i - 1);
    return j - i + 1;
}

std::string_view value_of(std::string_view name, const PlaceholderValues& v) {
    if (name == "rcpt") return v.rcpt;
    if (name == "sender") return v.sender;
    if (name == "client_ip") return v.client_ip;
    if (name == "client_name") return v.client_name;
    if (name == "helo") return v.helo;
    if (name == "rule") return v.rule;
    if (name == "queue_id") return v.queue_id;
    return {};
}

bool known(std::string_view name) {
    return std::find(kPlaceholderNames.begin(), kPlaceholderNames.end(), name) != kPlaceholderNames.end();
}

}  // namespace

TemplateInfo inspect_template(std::string_view text) {
    TemplateInfo info;
    for (std::size_t i = 0; i < text.size();) {
        std::string_view name;
        if (std::size_t n = token_at(text, i, name)) {
            if (known(name))
                ++info.placeholders;
            else
                info.unknown.emplace_back(text.substr(i, n));
            i += n;
        } else {
            ++info.literal_bytes;
            ++i;
        }
    }
    return info;
}

std::string expand_template(std::string_view text, const PlaceholderValues& v, std::size_t cap) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        std::string_view name;
        std::size_t n = token_at(text, i, name);
        if (n && known(name)) {
            std::string_view raw = value_of(name, v);
            // "<>" reads better than nothing for the null sender.
            out += (name == "sender" && raw.empty()) ? std::string("<>") : make_printable(raw, kPlaceholderCap);
            i += n;
        } else {
            out += text[i++];
        }
    }
    // The template was checked printable at load time and values were escaped above.
    if (out.size() > cap) {
        out.resize(cap >= 3 ? cap - 3 : 0);
        out += "...";
    }
    return out;
}

}  // namespace verdict
