// Rendering of replies for display and for the SMTP wire.
#include "rules/reply.hpp"

namespace verdict {

std::string Reply::str() const {
    if (code == 0) return "(none)";
    std::string out = std::to_string(code);
    if (!enhanced.empty()) out += ' ' + enhanced;
    for (std::size_t i = 0; i < lines.size(); ++i) out += (i == 0 ? " " : " / ") + lines[i];
    return out;
}

std::string Reply::wire() const {
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        out += std::to_string(code);
        out += (i + 1 < lines.size()) ? '-' : ' ';
        if (!enhanced.empty()) out += enhanced + ' ';
        out += lines[i] + "\r\n";
    }
    return out;
}

std::size_t reply_text_room(const std::string& enhanced) {
    // "550" + " " + enhanced + " " + text + CRLF
    std::size_t fixed = 3 + 1 + (enhanced.empty() ? 0 : enhanced.size() + 1) + 2;
    return kMaxReplyLine - fixed;
}

}  // namespace verdict
