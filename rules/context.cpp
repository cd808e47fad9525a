// Normalised forms of connection and message values.
#include "rules/context.hpp"

#include "rules/address.hpp"
#include "rules/printable.hpp"

namespace verdict {

void TextValue::set(std::string_view v) {
    raw.assign(v);
    folded = to_lower(v);
}

void AddressValue::set(std::string_view v) {
    raw = canonical_address(v);
    AddressParts p = split_address(raw);
    bool has_at = raw.rfind('@') != std::string::npos;
    local.assign(p.local);
    local_folded = to_lower(local);
    domain = to_lower(p.domain);
    norm = has_at ? local + '@' + domain : raw;
    folded = to_lower(raw);
    std::string_view base;
    detail = strip_subaddress(local, base);
    base_local.assign(detail ? base : std::string_view(local));
    base_local_folded = to_lower(base_local);
    base_norm = has_at ? base_local + '@' + domain : base_local;
    base_folded = to_lower(base_norm);
}

std::string unfold_header(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        char c = v[i];
        if (c == '\r' && i + 1 < v.size() && v[i + 1] == '\n') continue;
        if (c == '\n') continue;
        out += c;
    }
    std::size_t b = out.find_first_not_of(" \t");
    return b == std::string::npos ? std::string() : out.substr(b);
}

}  // namespace verdict
