// The one reply type that travels from the catalogue to the wire: basic code, enhanced
// code and text lines. Rule files hold reply templates (text with {placeholders}); the
// engine hands adapters expanded replies that were validated when the rules loaded.
#pragma once

#include <string>
#include <vector>

namespace verdict {

struct Reply {
    int code = 0;                    // 0: no reply (the MTA's own default applies)
    std::string enhanced;            // "5.1.1"; may be empty
    std::vector<std::string> lines;  // at least one line when code != 0

    bool empty() const { return code == 0; }
    // Single-line display form: "550 5.1.1 User unknown" (lines joined with " / ").
    std::string str() const;
    // SMTP wire form: "550-5.1.1 first\r\n550 5.1.1 last\r\n".
    std::string wire() const;
    friend bool operator==(const Reply&, const Reply&) = default;
};

// SMTP limits that reply text must respect (RFC 5321 4.5.3.1.5, libmilter).
constexpr std::size_t kMaxReplyLine = 512;  // octets incl. code, enhanced code and CRLF
constexpr std::size_t kMaxReplyLines = 32;  // smfi_setmlreply accepts at most 32 lines

// Room for text on one reply line carrying `code` and `enhanced`.
std::size_t reply_text_room(const std::string& enhanced);

}  // namespace verdict
