// Reply-text placeholders: {rcpt}, {sender}, {client_ip}, {client_name}, {helo}, {rule},
// {queue_id}. Values come from SMTP clients, so they are made printable and capped
// before they enter a reply. A "{" that does not start a placeholder name stays as is.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace verdict {

constexpr std::size_t kPlaceholderCap = 100;  // bytes one expanded value may take
constexpr std::array<std::string_view, 7> kPlaceholderNames = {
    "rcpt", "sender", "client_ip", "client_name", "helo", "rule", "queue_id"};

struct PlaceholderValues {
    std::string_view rcpt, sender, client_ip, client_name, helo, rule, queue_id;
};

struct TemplateInfo {
    std::size_t literal_bytes = 0;      // text outside placeholders
    std::size_t placeholders = 0;       // known placeholders used
    std::vector<std::string> unknown;   // "{name}" forms that are not placeholders
};
TemplateInfo inspect_template(std::string_view text);

// Expands placeholders; the result is printable ASCII and at most `cap` bytes.
std::string expand_template(std::string_view text, const PlaceholderValues& v, std::size_t cap);

}  // namespace verdict
