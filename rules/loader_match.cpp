// Loading match trees: field conditions AND-ed, `any` (OR) and `not`, nested; value
// forms (literal, any-of, regex, in/not_in list, suffix), number and boolean forms.
// Values are normalised here once so evaluation compares them as they are.
#include <re2/re2.h>

#include "rules/address.hpp"
#include "rules/loader_impl.hpp"
#include "rules/printable.hpp"

namespace verdict::detail {

namespace {

constexpr int kMaxMatchDepth = 16;

bool folds(const FieldInfo& fi, const RuleFlags& f) {
    return fi.kind == FieldKind::Hostname || f.ignore_case;
}

// A literal normalised as the subject of this field will be.
std::string normalise_literal(const FieldInfo& fi, const RuleFlags& f, std::string_view v) {
    if (fi.kind == FieldKind::Address) return normalize_address(strip_angle(v), f.ignore_case);
    return folds(fi, f) ? to_lower(v) : std::string(v);
}

}  // namespace

std::shared_ptr<const re2::RE2> Loader::compile_regex(const toml::node& n, bool fold) {
    auto s = want_string(n, "regex");
    if (!s) return nullptr;
    re2::RE2::Options o;
    o.set_log_errors(false);
    o.set_case_sensitive(!fold);
    o.set_max_mem(8 << 20);
    auto re = std::make_shared<const re2::RE2>(s->get(), o);
    if (!re->ok()) {
        error(pos(n), "invalid RE2 pattern: " + make_printable(re->error(), 200, true),
              "RE2 has no backreferences or lookaround; check brackets and escapes");
        return nullptr;
    }
    return re;
}

std::shared_ptr<const List> Loader::use_list(const toml::node& n, const FieldInfo& fi, const RuleFlags& f) {
    auto s = want_string(n, "list name");
    if (!s) return nullptr;
    auto it = lists_.find(s->get());
    if (it == lists_.end()) {
        std::string hint = "define it under [lists]";
        std::vector<std::string_view> names;
        for (const auto& [name, l] : lists_) names.push_back(name);
        std::string best = closest(s->get(), names);
        if (!best.empty()) hint = "did you mean '" + best + "'?";
        error(pos(n), "unknown list '" + make_printable(s->get(), 64) + "'", hint);
        return nullptr;
    }
    unsigned& need = list_needs_[it->first];
    if (fi.kind == FieldKind::Ip) need |= kNeedCidrs;
    else if (folds(fi, f)) need |= kNeedFolded;
    else if (fi.kind == FieldKind::Address) need |= kNeedAddresses;
    else need |= kNeedExact;
    return it->second;
}

bool Loader::load_literal(const FieldInfo& fi, const toml::node& n, const RuleFlags& f, ValueMatcher& out) {
    auto s = n.as_string();
    if (!s) {
        error(pos(n), std::string(fi.name) + " values must be strings, not " + std::string(type_name(n)),
              "write \"value\", [\"a\", \"b\"] or a table such as { regex = \"...\" }");
        return false;
    }
    if (fi.kind == FieldKind::Ip) {
        auto c = parse_cidr(s->get());
        if (!c.cidr) {
            error(pos(n), "'" + make_printable(s->get(), 64) + "' is not an IP address or network: " + c.error,
                  "e.g. \"192.0.2.0/24\", \"2001:db8::/32\" or \"192.0.2.7\"");
            return false;
        }
        out.cidrs.add(*c.cidr);
        return true;
    }
    out.literals.push_back(normalise_literal(fi, f, s->get()));
    return true;
}

bool Loader::load_value(const FieldInfo& fi, const toml::node& n, const RuleFlags& f, ValueMatcher& out) {
    out.fold = folds(fi, f);
    out.address = fi.kind == FieldKind::Address;
    if (n.is_string()) {
        out.form = ValueMatcher::Form::Literals;
        out.source = "\"" + make_printable(n.as_string()->get(), 80) + "\"";
        return load_literal(fi, n, f, out);
    }
    if (auto arr = n.as_array()) {
        out.form = ValueMatcher::Form::Literals;
        out.source = "any of " + std::to_string(arr->size()) + " values";
        if (arr->empty()) {
            error(pos(n), "an empty array of values never matches", "give at least one value, or drop the condition");
            return false;
        }
        bool ok = true;
        for (auto&& e : *arr) ok = load_literal(fi, e, f, out) && ok;
        return ok;
    }
    auto t = n.as_table();
    if (!t) {
        error(pos(n), std::string(fi.name) + " takes a string, an array of strings or a table, not " +
                          std::string(type_name(n)),
              "e.g. " + std::string(fi.name) + " = \"value\" or { regex = \"...\" }");
        return false;
    }
    check_keys(*t, {"regex", "in", "not_in", "suffix"}, "the value of '" + std::string(fi.name) + "'");
    if (t->size() != 1) {
        if (t->empty())
            error(pos(n), "the value of '" + std::string(fi.name) + "' is an empty table",
                  "use one of regex, in, not_in, suffix");
        else
            error(pos(n), "the value of '" + std::string(fi.name) + "' has several forms; give exactly one",
                  "combine forms with match.any = [ {...}, {...} ] instead");
        return false;
    }
    if (auto r = t->get("regex")) {
        out.form = ValueMatcher::Form::Regex;
        out.regex = compile_regex(*r, out.fold);
        out.source = "regex";
        if (out.regex) out.source += " /" + make_printable(out.regex->pattern(), 80) + "/";
        return out.regex != nullptr;
    }
    if (auto l = t->get("in")) {
        out.form = ValueMatcher::Form::InList;
        out.list = use_list(*l, fi, f);
        if (out.list) out.source = "in list '" + out.list->name + "'";
        return out.list != nullptr;
    }
    if (auto l = t->get("not_in")) {
        out.form = ValueMatcher::Form::NotInList;
        out.list = use_list(*l, fi, f);
        if (out.list) out.source = "not in list '" + out.list->name + "'";
        return out.list != nullptr;
    }
    if (auto sx = t->get("suffix")) {
        out.form = ValueMatcher::Form::Suffix;
        auto s = want_string(*sx, "suffix");
        if (!s) return false;
        if (s->get().empty()) {
            error(pos(*sx), "an empty suffix matches everything", "write the ending to match, e.g. \".example.com\"");
            return false;
        }
        out.suffix = fi.kind == FieldKind::Address && s->get().find('@') == std::string::npos
                         ? to_lower(s->get())
                         : normalise_literal(fi, f, s->get());
        out.source = "suffix \"" + make_printable(s->get(), 80) + "\"";
        return true;
    }
    return false;  // unknown key, reported by check_keys
}

bool Loader::load_number(const toml::node& n, NumberMatcher& out) {
    if (auto i = n.as_integer()) {
        out.eq = i->get();
        return true;
    }
    auto t = n.as_table();
    if (!t) {
        error(pos(n), "a number field takes an integer or a table, not " + std::string(type_name(n)),
              "e.g. { gt = 10 } or { ge = 1, le = 5 }");
        return false;
    }
    check_keys(*t, {"gt", "ge", "lt", "le", "eq"}, "a number comparison");
    if (t->empty()) {
        error(pos(n), "an empty number comparison", "use gt, ge, lt, le or eq");
        return false;
    }
    bool ok = true;
    auto get = [&](const char* k, std::optional<std::int64_t>& slot) {
        auto v = t->get(k);
        if (!v) return;
        if (auto i = v->as_integer())
            slot = i->get();
        else {
            error(pos(*v), std::string("'") + k + "' must be an integer, not " + std::string(type_name(*v)), "e.g. gt = 10");
            ok = false;
        }
    };
    get("gt", out.gt);
    get("ge", out.ge);
    get("lt", out.lt);
    get("le", out.le);
    get("eq", out.eq);
    return ok;
}

Condition Loader::load_condition(Field field, const toml::node& n, const SourcePos& key_pos, const RuleFlags& f) {
    const FieldInfo& fi = field_info(field);
    Condition c;
    c.field = field;
    c.pos = key_pos;
    c.ignore_case = f.ignore_case;
    c.match_subaddress = f.match_subaddress;
    if (fi.first_stage > f.stage)
        error(key_pos,
              "field '" + std::string(fi.name) + "' is not known before stage '" + std::string(stage_name(fi.first_stage)) +
                  "', but rule '" + std::string(f.rule_name) + "' runs at stage '" + std::string(stage_name(f.stage)) + "'",
              "move the rule to stage = \"" + std::string(stage_name(fi.first_stage)) + "\" or later");
    switch (fi.kind) {
        case FieldKind::Bool:
            want_bool(n, std::string(fi.name), c.flag);
            break;
        case FieldKind::Number:
            load_number(n, c.number);
            break;
        case FieldKind::Body:
            if (auto t = n.as_table()) {
                check_keys(*t, {"regex"}, "the value of 'body'");
                if (auto r = t->get("regex"))
                    c.body = compile_regex(*r, false);
                else
                    error(pos(n), "body takes { regex = \"...\" }", "e.g. body = { regex = \"(?i)unsubscribe\" }");
            } else {
                c.body = compile_regex(n, false);
            }
            break;
        case FieldKind::Header:
        case FieldKind::Macro: {
            auto t = want_table(n, fi.name);
            if (!t) break;
            check_keys(*t, {"name", "value"}, std::string("'") + std::string(fi.name) + "'");
            auto nn = t->get("name");
            if (!nn) {
                error(pos(n), std::string(fi.name) + " needs a 'name'",
                      fi.kind == FieldKind::Header ? "e.g. { name = \"Subject\", value = { regex = \"...\" } }"
                                                   : "e.g. { name = \"{daemon_name}\", value = \"smtpd\" }");
                break;
            }
            if (auto s = want_string(*nn, std::string(fi.name) + " name")) {
                std::string name = s->get();
                if (fi.kind == FieldKind::Macro && name.size() >= 2 && name.front() == '{' && name.back() == '}')
                    name = name.substr(1, name.size() - 2);
                if (name.empty() || !is_printable_ascii(name) || name.find_first_of(" :{}") != std::string::npos)
                    error(pos(*nn), "'" + make_printable(s->get(), 64) + "' is not a valid " + std::string(fi.name) + " name",
                          fi.kind == FieldKind::Header ? "e.g. \"Subject\"" : "e.g. \"{daemon_name}\" or \"i\"");
                c.name = fi.kind == FieldKind::Header ? to_lower(name) : name;
                if (fi.kind == FieldKind::Macro) rs_.macros.insert(name);
            }
            if (auto v = t->get("value")) {
                FieldInfo text{fi.field, fi.name, fi.first_stage, FieldKind::Text, false};
                load_value(text, *v, f, c.value);
            } else {
                c.has_value = false;
            }
            break;
        }
        default:
            load_value(fi, n, f, c.value);
    }
    rs_.fields |= std::uint32_t{1} << static_cast<unsigned>(field);
    return c;
}

MatchNode Loader::load_match(const toml::table& t, const RuleFlags& f, int depth) {
    MatchNode node;
    if (depth > kMaxMatchDepth) {
        error(pos(t), "match nesting is deeper than " + std::to_string(kMaxMatchDepth) + " levels",
              "flatten the any/not nesting");
        return node;
    }
    for (auto&& [k, v] : t) {
        const std::string_view key = k.str();
        if (key == "any") {
            auto arr = v.as_array();
            if (!arr || !arr->is_array_of_tables() || arr->empty()) {
                error(pos(k, v), "'any' must be a non-empty array of tables",
                      "match.any = [ { rcpt = \"a@example.org\" }, { sender_domain = \"example.net\" } ]");
                continue;
            }
            MatchNode any;
            any.kind = MatchNode::Kind::Any;
            for (auto&& e : *arr) any.children.push_back(load_match(*e.as_table(), f, depth + 1));
            node.children.push_back(std::move(any));
        } else if (key == "not") {
            auto nt = v.as_table();
            if (!nt) {
                error(pos(k, v), "'not' must be a table, not " + std::string(type_name(v)),
                      "match.not = { sender_domain = \"example.net\" }");
                continue;
            }
            MatchNode neg;
            neg.kind = MatchNode::Kind::Not;
            neg.children.push_back(load_match(*nt, f, depth + 1));
            node.children.push_back(std::move(neg));
        } else if (auto field = parse_field(key)) {
            node.conditions.push_back(load_condition(*field, v, pos(k, v), f));
        } else {
            std::vector<std::string_view> fields;
            for (std::size_t i = 0; i < static_cast<std::size_t>(Field::Count_); ++i)
                fields.push_back(field_info(static_cast<Field>(i)).name);
            std::string best = closest(key, fields);
            if (best.empty()) best = closest(key, {"any", "not"});
            error(pos(k, v), "unknown match field '" + make_printable(key, 64) + "'",
                  best.empty() ? "fields are " + field_names() + ", any, not" : "did you mean '" + best + "'?");
        }
    }
    return node;
}

}  // namespace verdict::detail
