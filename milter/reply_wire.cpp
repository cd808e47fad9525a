// Setting SMTP replies through libmilter.
#include "milter/reply_wire.hpp"

#include <vector>

namespace verdict::milter {

std::string escape_percent(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        out += c;
        if (c == '%') out += '%';
    }
    return out;
}

bool set_reply(SMFICTX* ctx, const Reply& r) {
    if (r.empty()) return true;
    std::string code = std::to_string(r.code);
    std::string enh = r.enhanced;
    std::vector<std::string> lines;
    for (const auto& l : r.lines) lines.push_back(escape_percent(l));
    char* x = enh.empty() ? nullptr : enh.data();
    if (lines.size() <= 1) {
        std::string text = lines.empty() ? std::string() : lines[0];
        return smfi_setreply(ctx, code.data(), x, text.data()) == MI_SUCCESS;
    }
    std::vector<char*> p(32, nullptr);
    for (std::size_t i = 0; i < lines.size() && i < 32; ++i) p[i] = lines[i].data();
    // smfi_setmlreply takes a NULL-terminated variable argument list.
    return smfi_setmlreply(ctx, code.data(), x, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10],
                           p[11], p[12], p[13], p[14], p[15], p[16], p[17], p[18], p[19], p[20], p[21], p[22], p[23],
                           p[24], p[25], p[26], p[27], p[28], p[29], p[30], p[31], static_cast<char*>(nullptr)) ==
           MI_SUCCESS;
}

}  // namespace verdict::milter
