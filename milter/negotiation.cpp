// Negotiation: from the rule set to SMFIF_/SMFIP_ flags and macro lists.
#include "milter/negotiation.hpp"

#include <libmilter/mfapi.h>

#include <set>

namespace verdict::milter {

namespace {

bool any_modifier(const Ruleset& rs, bool Modifiers::*flag) {
    for (const auto& r : rs.rules)
        if (r.modifiers.*flag) return true;
    return false;
}

template <typename F>
bool any_rule(const Ruleset& rs, F f) {
    for (const auto& r : rs.rules)
        if (f(r)) return true;
    return false;
}

// Macros verdict itself reads (client facts, queue id, TLS and SASL state) per stage.
constexpr std::array<const char*, 7> kBaseMacros = {
    "j {daemon_name} {client_addr} {client_name}",          // SMFIM_CONNECT
    "{tls_version} {cipher}",                                // SMFIM_HELO
    "i {auth_authen} {mail_addr} {tls_version}",             // SMFIM_ENVFROM
    "i {rcpt_addr}",                                         // SMFIM_ENVRCPT
    "i",                                                     // SMFIM_DATA (Postfix: queue id from here on)
    "i",                                                     // SMFIM_EOM
    "i",                                                     // SMFIM_EOH
};

}  // namespace

Needs compute_needs(const Ruleset& rs) {
    Needs n;
    n.actions = SMFIF_SETSYMLIST;
    auto has = [&](auto pred) { return any_rule(rs, pred); };
    if (has([](const Rule& r) { return !r.modifiers.add_headers.empty(); })) n.actions |= SMFIF_ADDHDRS;
    if (has([](const Rule& r) { return !r.modifiers.remove_headers.empty(); })) n.actions |= SMFIF_CHGHDRS;
    if (has([](const Rule& r) { return !r.modifiers.add_rcpts.empty(); })) n.actions |= SMFIF_ADDRCPT;
    if (any_modifier(rs, &Modifiers::remove_rcpt)) n.actions |= SMFIF_DELRCPT;
    if (has([](const Rule& r) { return r.action == Action::Quarantine && r.mode == Mode::Enforce; }))
        n.actions |= SMFIF_QUARANTINE;

    // Headers are needed for header rules, header fields, size, and to count the
    // instances a remove_header must delete; the body for body and size fields.
    const bool headers = rs.has_rules(Stage::Header) || rs.uses(Field::Header) || rs.uses(Field::Size) ||
                         (n.actions & SMFIF_CHGHDRS);
    const bool body = rs.uses(Field::Body) || rs.uses(Field::Size);
    n.protocol = SMFIP_NOUNKNOWN | SMFIP_NR_HDR | SMFIP_NR_BODY | SMFIP_SKIP;
    if (!headers) n.protocol |= SMFIP_NOHDRS;
    if (!rs.has_rules(Stage::Header)) n.protocol |= SMFIP_NOEOH;
    if (!body) n.protocol |= SMFIP_NOBODY;
    if (!rs.has_rules(Stage::Data)) n.protocol |= SMFIP_NODATA;

    std::array<std::set<std::string>, 7> sets;
    for (std::size_t i = 0; i < kBaseMacros.size(); ++i) {
        std::string_view s = kBaseMacros[i];
        while (!s.empty()) {
            auto sp = s.find(' ');
            sets[i].insert(std::string(s.substr(0, sp)));
            s = sp == std::string_view::npos ? std::string_view() : s.substr(sp + 1);
        }
    }
    // Rules may test a macro at any stage: ask for it everywhere.
    for (const auto& m : rs.macros) {
        std::string wire = m.size() == 1 ? m : "{" + m + "}";
        for (auto& s : sets) s.insert(wire);
    }
    for (std::size_t i = 0; i < sets.size(); ++i)
        for (const auto& m : sets[i]) n.macros[i] += (n.macros[i].empty() ? "" : " ") + m;
    return n;
}

}  // namespace verdict::milter
