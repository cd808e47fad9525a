// Splitting and normalising mail addresses.
#include "rules/address.hpp"

#include "rules/printable.hpp"

namespace verdict {

std::string_view strip_angle(std::string_view a) {
    if (a.size() >= 2 && a.front() == '<' && a.back() == '>') a = a.substr(1, a.size() - 2);
    return a;
}

std::string canonical_address(std::string_view a) {
    a = strip_angle(a);
    // RFC 5321 source route: "@one,@two:local@domain".
    if (!a.empty() && a.front() == '@')
        if (auto colon = a.find(':'); colon != std::string_view::npos) a.remove_prefix(colon + 1);
    auto at = a.rfind('@');
    std::string_view local = at == std::string_view::npos ? a : a.substr(0, at);
    if (local.size() < 2 || local.front() != '"' || local.back() != '"') return std::string(a);
    std::string out;
    for (std::size_t i = 1; i + 1 < local.size(); ++i) {
        if (local[i] == '\\' && i + 2 < local.size()) ++i;  // quoted-pair
        out += local[i];
    }
    if (at != std::string_view::npos) out += a.substr(at);
    return out;
}

AddressParts split_address(std::string_view addr) {
    auto at = addr.rfind('@');
    if (at == std::string_view::npos) return {addr, {}};
    return {addr.substr(0, at), addr.substr(at + 1)};
}

std::string normalize_address(std::string_view addr, bool fold_all) {
    if (fold_all) return to_lower(addr);
    auto p = split_address(addr);
    if (addr.rfind('@') == std::string_view::npos) return std::string(addr);
    std::string out(p.local);
    out += '@';
    out += to_lower(p.domain);
    return out;
}

bool strip_subaddress(std::string_view local, std::string_view& base) {
    auto plus = local.find('+');
    if (plus == std::string_view::npos || plus == 0) return false;
    base = local.substr(0, plus);
    return true;
}

}  // namespace verdict
