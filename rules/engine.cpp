// Rule evaluation: rules of the stage in file order, match trees, value forms, terminal
// actions, monitor mode and modifier queueing.
#include "rules/engine.hpp"

#include <re2/re2.h>

#include <array>

#include "rules/expand.hpp"
#include "rules/printable.hpp"

namespace verdict {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool in_list(const ValueMatcher& v, const std::string& s) {
    const List& l = *v.list;
    if (v.fold) return l.folded.contains(s);
    if (v.address) return l.addresses.contains(s);
    return l.exact.contains(s);
}

bool match_one(const ValueMatcher& v, const std::string& s) {
    switch (v.form) {
        case ValueMatcher::Form::Literals:
            for (const auto& l : v.literals)
                if (l == s) return true;
            return false;
        case ValueMatcher::Form::Regex: return re2::RE2::PartialMatch(s, *v.regex);
        case ValueMatcher::Form::InList: return in_list(v, s);
        case ValueMatcher::Form::NotInList: return !in_list(v, s);
        case ValueMatcher::Form::Suffix: return ends_with(s, v.suffix);
    }
    return false;
}

// Up to two candidate forms of one subject (an address and its base without +detail).
struct Candidates {
    std::array<const std::string*, 2> s{};
    std::size_t n = 0;
    void add(const std::string& x) { s[n++] = &x; }
};

// not_in holds when no candidate is in the list; the other forms when any candidate matches.
bool match_candidates(const ValueMatcher& v, const Candidates& c) {
    if (v.form == ValueMatcher::Form::NotInList) {
        for (std::size_t i = 0; i < c.n; ++i)
            if (in_list(v, *c.s[i])) return false;
        return true;
    }
    for (std::size_t i = 0; i < c.n; ++i)
        if (match_one(v, *c.s[i])) return true;
    return false;
}

bool match_text(const ValueMatcher& v, const TextValue& t) {
    Candidates c;
    c.add(v.fold ? t.folded : t.raw);
    return match_candidates(v, c);
}

enum class Part { Whole, Local, Domain };

bool match_address(const ValueMatcher& v, const Condition& cond, const AddressValue& a, Part part) {
    Candidates c;
    const bool sub = cond.match_subaddress && a.detail;
    switch (part) {
        case Part::Whole:
            c.add(v.fold ? a.folded : a.norm);
            if (sub) c.add(v.fold ? a.base_folded : a.base_norm);
            break;
        case Part::Local:
            c.add(v.fold ? a.local_folded : a.local);
            if (sub) c.add(v.fold ? a.base_local_folded : a.base_local);
            break;
        case Part::Domain: c.add(a.domain); break;
    }
    return match_candidates(v, c);
}

bool match_ip(const ValueMatcher& v, const Connection& c) {
    using F = ValueMatcher::Form;
    if (v.form == F::Literals || v.form == F::InList || v.form == F::NotInList) {
        const CidrSet& nets = v.form == F::Literals ? v.cidrs : v.list->cidrs;
        const bool in = c.ip && nets.contains(*c.ip);
        return v.form == F::NotInList ? !in : in;
    }
    return match_text(v, c.client_ip);
}

// Recipient fields: the current recipient at rcpt, any accepted recipient afterwards.
bool match_recipients(const ValueMatcher& v, const Condition& cond, Stage stage, const Message& m, Part part) {
    if (stage == Stage::Rcpt) return match_address(v, cond, m.rcpt, part);
    for (const auto& r : m.rcpts)
        if (match_address(v, cond, r, part)) return true;
    return false;
}

const TextValue* find_macro(const Connection& c, const Message& m, const std::string& name) {
    if (auto it = m.macros.find(name); it != m.macros.end()) return &it->second;
    if (auto it = c.macros.find(name); it != c.macros.end()) return &it->second;
    return nullptr;
}

bool match_condition(const Condition& k, Stage stage, const Connection& c, const Message& m) {
    const ValueMatcher& v = k.value;
    switch (k.field) {
        case Field::ClientIp: return match_ip(v, c);
        case Field::ClientName: return match_text(v, c.client_name);
        case Field::Helo: return match_text(v, c.helo);
        case Field::Sender: return match_address(v, k, m.sender, Part::Whole);
        case Field::SenderDomain: return match_address(v, k, m.sender, Part::Domain);
        case Field::SenderLocal: return match_address(v, k, m.sender, Part::Local);
        case Field::AuthUser: return match_text(v, c.auth_user);
        case Field::Tls: return c.tls == k.flag;
        case Field::DeclaredSize: return m.declared_size && k.number.matches(*m.declared_size);
        case Field::Rcpt: return match_recipients(v, k, stage, m, Part::Whole);
        case Field::RcptDomain: return match_recipients(v, k, stage, m, Part::Domain);
        case Field::RcptLocal: return match_recipients(v, k, stage, m, Part::Local);
        case Field::RcptCount:
            return k.number.matches(static_cast<std::int64_t>(m.rcpts.size() + (stage == Stage::Rcpt ? 1 : 0)));
        case Field::Header:
            for (const auto& h : m.headers) {
                if (h.lname != k.name) continue;
                if (!k.has_value) return true;
                Candidates cand;
                cand.add(v.fold ? h.folded : h.value);
                if (match_candidates(v, cand)) return true;
            }
            return false;
        case Field::Body: return re2::RE2::PartialMatch(m.body, *k.body);
        case Field::Size: return k.number.matches(static_cast<std::int64_t>(m.size));
        case Field::Macro: {
            const TextValue* val = find_macro(c, m, k.name);
            if (!val) return false;
            return !k.has_value || match_text(v, *val);
        }
        case Field::Count_: break;
    }
    return false;
}

std::string describe(const Condition& k) {
    std::string f(field_info(k.field).name);
    switch (field_info(k.field).kind) {
        case FieldKind::Bool: return f + (k.flag ? " is true" : " is false");
        case FieldKind::Number: return f + ' ' + k.number.str();
        case FieldKind::Body: return "body ~ /" + make_printable(k.body->pattern(), 60) + "/";
        case FieldKind::Header:
        case FieldKind::Macro:
            return f + " '" + k.name + "'" + (k.has_value ? " " + k.value.source : std::string(" present"));
        default: return f + ' ' + k.value.source;
    }
}

std::string_view first_rcpt(const Message& m) {
    if (!m.rcpt.raw.empty()) return m.rcpt.raw;
    return m.rcpts.empty() ? std::string_view() : std::string_view(m.rcpts.front().raw);
}

void queue_modifiers(const Rule& r, const Connection& c, const Message& m, std::vector<Modification>& out) {
    using K = Modification::Kind;
    for (const auto& h : r.modifiers.add_headers)
        out.push_back({K::AddHeader, h.name, expand_for(h.value, r, c, m, 998), &r});
    for (const auto& h : r.modifiers.remove_headers) out.push_back({K::RemoveHeader, h, {}, &r});
    for (const auto& a : r.modifiers.add_rcpts) out.push_back({K::AddRcpt, a, {}, &r});
    if (r.modifiers.remove_rcpt) out.push_back({K::RemoveRcpt, m.rcpt.raw, {}, &r});
}

}  // namespace

bool match_tree(const MatchNode& n, Stage stage, const Connection& c, const Message& m, std::string* why) {
    switch (n.kind) {
        case MatchNode::Kind::All:
            for (const auto& k : n.conditions)
                if (!match_condition(k, stage, c, m)) {
                    if (why) *why = "no match: " + describe(k);
                    return false;
                }
            for (const auto& child : n.children)
                if (!match_tree(child, stage, c, m, why)) return false;
            return true;
        case MatchNode::Kind::Any:
            for (const auto& child : n.children)
                if (match_tree(child, stage, c, m, nullptr)) return true;
            if (why) *why = "no match: none of 'any' held";
            return false;
        case MatchNode::Kind::Not:
            if (match_tree(n.children.front(), stage, c, m, nullptr)) {
                if (why) *why = "no match: the 'not' part held";
                return false;
            }
            return true;
    }
    return false;
}

std::string expand_for(std::string_view text, const Rule& r, const Connection& c, const Message& m, std::size_t cap) {
    PlaceholderValues v;
    v.rcpt = first_rcpt(m);
    v.sender = m.sender.raw;
    v.client_ip = c.client_ip.raw;
    v.client_name = c.client_name.raw;
    v.helo = c.helo.raw;
    v.rule = r.name;
    v.queue_id = m.queue_id;
    return expand_template(text, v, cap);
}

Decision evaluate(const Ruleset& rs, Stage stage, const Connection& c, const Message& m, const EvalOptions& o) {
    Decision d;
    d.stage = stage;
    // With a trace every rule is shown, so the trace visits them all.
    const bool scan_all = o.no_index || o.trace;
    std::vector<std::uint32_t> picked;
    if (!scan_all) rs.prefilter[index(stage)].candidates(stage, c, m, picked);
    const std::size_t n = scan_all ? rs.by_stage[index(stage)].size() : picked.size();
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t idx = scan_all ? rs.by_stage[index(stage)][i] : picked[i];
        const Rule& r = rs.rules[idx];
        if (o.skip_content && r.content) {
            if (o.trace) d.trace.push_back({&r, false, "skipped: needs headers or body, which this front end lacks"});
            continue;
        }
        std::string why;
        bool hit = match_tree(r.match, stage, c, m, o.trace ? &why : nullptr);
        if (o.trace) {
            if (hit) why = r.mode == Mode::Monitor ? "matched (monitor mode: no effect)" : "matched";
            d.trace.push_back({&r, hit, std::move(why)});
        }
        if (!hit) continue;
        if (r.mode == Mode::Monitor) {
            d.monitor_hits.push_back(&r);
            continue;
        }
        queue_modifiers(r, c, m, d.modifications);
        if (!is_terminal(r.action)) continue;
        d.action = r.action;
        d.rule = &r;
        if (sends_reply(r.action)) {
            d.reply.code = r.reply.code;
            d.reply.enhanced = r.reply.enhanced;
            for (const auto& line : r.reply.lines)
                d.reply.lines.push_back(expand_for(line, r, c, m, reply_text_room(r.reply.enhanced)));
        }
        break;
    }
    return d;
}

}  // namespace verdict
