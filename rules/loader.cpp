// The rule-file loader: reads the TOML document, checks every key, loads settings,
// lists and rules, validates replies, and collects every diagnostic on the way.
// Match trees are loaded by loader_match.cpp.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "rules/address.hpp"
#include "rules/expand.hpp"
#include "rules/loader_impl.hpp"
#include "rules/printable.hpp"
#include "rules/reply_catalogue.hpp"
#include "rules/toml_guard.hpp"

namespace verdict {

namespace detail {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string join(std::initializer_list<std::string_view> xs) {
    std::string out;
    for (auto x : xs) {
        if (!out.empty()) out += ", ";
        out += x;
    }
    return out;
}

std::string trim(std::string_view s) {
    auto b = s.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(" \t\r");
    return std::string(s.substr(b, e - b + 1));
}

bool valid_header_name(std::string_view s) {
    if (s.empty() || s.size() > 128) return false;
    for (unsigned char c : s)
        if (c <= 32 || c >= 127 || c == ':') return false;
    return true;
}

}  // namespace

std::string_view type_name(const toml::node& n) {
    switch (n.type()) {
        case toml::node_type::string: return "a string";
        case toml::node_type::integer: return "an integer";
        case toml::node_type::floating_point: return "a float";
        case toml::node_type::boolean: return "a boolean";
        case toml::node_type::array: return "an array";
        case toml::node_type::table: return "a table";
        case toml::node_type::date: return "a date";
        case toml::node_type::time: return "a time";
        case toml::node_type::date_time: return "a date-time";
        default: return "nothing";
    }
}

std::string closest(std::string_view word, std::span<const std::string_view> candidates, std::size_t max_distance) {
    std::string best;
    std::size_t best_d = max_distance + 1;
    for (auto c : candidates) {
        std::size_t d = edit_distance(word, c);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    return best;
}

bool valid_name(std::string_view s) {
    if (s.empty() || s.size() > 128) return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
              c == '-'))
            return false;
    return true;
}

Loader::Loader(std::string path, const LoadOptions& opts, Diagnostics& diags)
    : path_(std::move(path)), opts_(opts), diags_(diags) {
    base_dir_ = std::filesystem::path(path_).parent_path().string();
    rs_.path = path_;
}

SourcePos Loader::pos(const toml::node& n) const {
    const auto& s = n.source();
    return SourcePos{path_, s.begin.line, s.begin.column};
}

SourcePos Loader::pos(const toml::key& k, const toml::node& fallback) const {
    const auto& s = k.source();
    if (s.begin.line == 0) return pos(fallback);
    return SourcePos{path_, s.begin.line, s.begin.column};
}

void Loader::check_keys(const toml::table& t, std::initializer_list<std::string_view> allowed, std::string_view where) {
    for (auto&& [k, v] : t) {
        bool ok = false;
        for (auto a : allowed) ok = ok || a == k.str();
        if (ok) continue;
        std::string guess = closest(k.str(), allowed);
        error(pos(k, v), "unknown key '" + make_printable(k.str(), 64) + "' in " + std::string(where),
              guess.empty() ? "valid keys are: " + join(allowed) : "did you mean '" + guess + "'?");
    }
}

const toml::value<std::string>* Loader::want_string(const toml::node& n, std::string_view what) {
    if (auto s = n.as_string()) return s;
    error(pos(n), std::string(what) + " must be a string, not " + std::string(type_name(n)),
          "write it in double quotes");
    return nullptr;
}

const toml::table* Loader::want_table(const toml::node& n, std::string_view what) {
    if (auto t = n.as_table()) return t;
    error(pos(n), std::string(what) + " must be a table, not " + std::string(type_name(n)),
          "write it as { key = value, ... }");
    return nullptr;
}

bool Loader::want_bool(const toml::node& n, std::string_view what, bool& out) {
    if (auto b = n.as_boolean()) {
        out = b->get();
        return true;
    }
    error(pos(n), std::string(what) + " must be true or false, not " + std::string(type_name(n)),
          "write true or false without quotes");
    return false;
}

void Loader::add_to_checksum(std::string_view data) {
    for (unsigned char c : data) {
        checksum_ ^= c;
        checksum_ *= 1099511628211ull;
    }
}

std::string Loader::resolve(std::string_view file) const {
    std::filesystem::path p{std::string(file)};
    if (p.is_relative() && !base_dir_.empty()) p = std::filesystem::path(base_dir_) / p;
    return p.string();
}

// toml++ reports an unclosed string as a control character at the end of the line;
// say what happened and point at the opening quote instead.
void Loader::refine_syntax_error(std::string_view text) {
    Diagnostic* d = diags_.last();
    if (!d || d->message.find("Error while parsing string") == std::string::npos ||
        d->message.find("control characters") == std::string::npos || d->pos.line == 0)
        return;
    std::size_t start = 0;
    for (std::uint32_t l = 1; l < d->pos.line; ++l) {
        start = text.find('\n', start);
        if (start == std::string_view::npos) return;
        ++start;
    }
    std::string_view line = text.substr(start, text.find('\n', start) - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (d->pos.column <= line.size()) return;  // not at the end of the line
    std::size_t open = std::string_view::npos;
    bool in = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\\' && in) {
            ++i;
        } else if (line[i] == '"') {
            in = !in;
            if (in) open = i;
        } else if (line[i] == '#' && !in) {
            break;
        }
    }
    if (!in || open == std::string_view::npos) return;
    d->pos.column = static_cast<std::uint32_t>(open + 1);
    d->message = "TOML syntax: string is not closed before the end of the line";
    d->hint = "add the closing '\"'";
}

// What Postfix policy requests cannot carry: headers, body, and message edits other
// than one PREPEND or BCC per answer.
void Loader::warn_policy_limits() {
    for (const auto& r : rs_.rules) {
        if (r.content)
            warning(r.pos, "rule '" + r.name + "' runs only in the milter: policy requests carry no headers or body",
                    "attach verdict as a milter too, or accept that the policy server skips this rule");
        if (!r.modifiers.remove_headers.empty() || r.modifiers.remove_rcpt)
            warning(r.pos, "rule '" + r.name + "': the policy server cannot remove headers or recipients",
                    "only the milter applies remove_header and remove_rcpt");
        if (r.stage == Stage::Eom && (!r.modifiers.add_headers.empty() || !r.modifiers.add_rcpts.empty()))
            warning(r.pos, "rule '" + r.name + "': Postfix takes no PREPEND or BCC from end-of-data policy answers",
                    "queue the change at an earlier stage (e.g. rcpt), or use the milter");
        else if (r.modifiers.add_headers.size() + r.modifiers.add_rcpts.size() > 1)
            warning(r.pos, "rule '" + r.name + "': a policy answer carries one PREPEND or BCC; the rest are not applied",
                    "split the changes over several rules or use the milter");
    }
}

// ---- settings -------------------------------------------------------------------------

void Loader::load_settings(const toml::table& t) {
    check_keys(t, {"on_error", "body_scan_limit", "defer_connect_decisions", "max_headers", "max_header_bytes",
                   "max_recipients"},
               "[settings]");
    auto limit = [&](const char* key, std::uint64_t lo, std::uint64_t hi, std::uint64_t& out) {
        auto n = t.get(key);
        if (!n) return;
        auto i = n->as_integer();
        if (!i || i->get() < static_cast<std::int64_t>(lo) || i->get() > static_cast<std::int64_t>(hi))
            error(pos(*n), std::string("settings.") + key + " must be a number from " + std::to_string(lo) + " to " +
                               std::to_string(hi),
                  std::string("e.g. ") + key + " = " + std::to_string(out));
        else
            out = static_cast<std::uint64_t>(i->get());
    };
    limit("max_headers", 1, 100000, rs_.settings.max_headers);
    limit("max_header_bytes", 1, 16u << 20, rs_.settings.max_header_bytes);
    limit("max_recipients", 1, 100000, rs_.settings.max_recipients);
    if (auto n = t.get("on_error")) {
        if (auto s = want_string(*n, "settings.on_error")) {
            const std::string& v = s->get();
            if (v == "tempfail") rs_.settings.on_error = OnError::Tempfail;
            else if (v == "accept") rs_.settings.on_error = OnError::Accept;
            else if (v == "reject") rs_.settings.on_error = OnError::Reject;
            else error(pos(*n), "settings.on_error must be \"tempfail\", \"accept\" or \"reject\", not \"" +
                                    make_printable(v, 40) + "\"",
                       "\"tempfail\" (451 4.3.0) is the safe choice");
        }
    }
    if (auto n = t.get("body_scan_limit")) {
        auto i = n->as_integer();
        if (!i || i->get() < 0 || i->get() > (std::int64_t{1} << 30))
            error(pos(*n), "settings.body_scan_limit must be a number of bytes from 0 to 1073741824",
                  "e.g. body_scan_limit = 1048576");
        else
            rs_.settings.body_scan_limit = static_cast<std::uint64_t>(i->get());
    }
    if (auto n = t.get("defer_connect_decisions")) want_bool(*n, "settings.defer_connect_decisions", rs_.settings.defer_connect_decisions);
}

// ---- lists ----------------------------------------------------------------------------

void Loader::load_list_file(List& l, const toml::node& file_node) {
    auto s = want_string(file_node, "list 'file'");
    if (!s) return;
    l.file = resolve(s->get());
    std::error_code ec;
    auto size = std::filesystem::file_size(l.file, ec);
    std::ifstream in(l.file, std::ios::binary);
    if (ec || !in || std::filesystem::is_directory(l.file)) {
        error(pos(file_node), "cannot read list file '" + make_printable(l.file, 200) + "'" +
                                  (ec ? ": " + ec.message() : std::string()),
              "paths are relative to the rule file's directory");
        return;
    }
    if (size > opts_.max_list_file_bytes) {
        error(pos(file_node), "list file '" + make_printable(l.file, 200) + "' is larger than " +
                                  std::to_string(opts_.max_list_file_bytes) + " bytes",
              "split it, or use fewer entries");
        return;
    }
    std::string line;
    std::uint32_t lineno = 0;
    while (std::getline(in, line)) {
        ++lineno;
        add_to_checksum(line);
        add_to_checksum("\n");
        if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
        std::string e = trim(line);
        if (e.empty()) continue;
        l.entries.push_back(std::move(e));
        l.entry_pos.emplace_back(lineno, 1);
    }
}

void Loader::load_lists(const toml::table& t) {
    for (auto&& [k, v] : t) {
        std::string name(k.str());
        auto l = std::make_shared<List>();
        l->name = name;
        l->pos = pos(k, v);
        if (!valid_name(name)) {
            // Not registered: no later message repeats the raw name.
            error(l->pos, "list name '" + make_printable(name, 64) + "' is not valid",
                  "use letters, digits, '_', '.' and '-'");
            continue;
        }
        if (auto arr = v.as_array()) {
            for (auto&& e : *arr)
                if (auto s = want_string(e, "list entry")) {
                    l->entries.push_back(s->get());
                    l->entry_pos.emplace_back(e.source().begin.line, e.source().begin.column);
                }
        } else if (auto tbl = v.as_table()) {
            check_keys(*tbl, {"file"}, "list '" + name + "'");
            if (auto f = tbl->get("file"))
                load_list_file(*l, *f);
            else
                error(pos(v), "list '" + name + "' has no 'file'", "write { file = \"name.txt\" } or an array");
        } else {
            error(pos(v), "list '" + name + "' must be an array of strings or { file = \"...\" }, not " +
                              std::string(type_name(v)),
                  "e.g. " + name + " = [\"a@example.org\"] or " + name + " = { file = \"" + name + ".txt\" }");
        }
        lists_[name] = std::move(l);
    }
}

void Loader::finish_lists() {
    for (auto& entry : lists_) {
        const std::string& name = entry.first;
        auto& l = entry.second;  // a plain reference: lambdas below may capture it
        unsigned need = list_needs_[name];
        l->count = l->entries.size();
        auto build = [&](StringSet& set, auto form) {
            set.reserve(l->entries.size());
            for (const auto& e : l->entries) set.insert(form(e));
            set.shrink_to_fit();
        };
        if (need & kNeedExact) build(l->exact, [](const std::string& e) -> const std::string& { return e; });
        if (need & kNeedFolded) build(l->folded, [](const std::string& e) { return to_lower(e); });
        if (need & kNeedAddresses)
            build(l->addresses, [](const std::string& e) { return normalize_address(strip_angle(e), false); });
        if (need & kNeedCidrs) {
            std::size_t bad = 0;
            for (std::size_t i = 0; i < l->entries.size(); ++i) {
                auto c = parse_cidr(l->entries[i]);
                if (c.cidr) {
                    l->cidrs.add(*c.cidr);
                    continue;
                }
                if (++bad > 10) continue;  // the first ten say enough
                SourcePos p{l->file.empty() ? path_ : l->file, l->entry_pos[i].first, l->entry_pos[i].second};
                error(p, "list '" + name + "' entry '" + make_printable(l->entries[i], 64) + "' is not a network: " + c.error,
                      "client_ip lists hold addresses or CIDRs such as 192.0.2.0/24");
            }
            if (bad > 10)
                error(l->pos, "list '" + name + "' has " + std::to_string(bad - 10) + " more entries that are not networks",
                      "fix the entries above first");
        }
        std::vector<std::string>().swap(l->entries);
        std::vector<std::pair<std::uint32_t, std::uint32_t>>().swap(l->entry_pos);
        rs_.lists[name] = l;
    }
}

// ---- replies --------------------------------------------------------------------------

bool Loader::load_reply(const toml::node& n, Rule& r) {
    if (auto s = n.as_string()) {
        const Preset* p = find_preset(s->get());
        if (!p) {
            std::string hint = "see `verdict explain --list` for presets";
            std::vector<std::string_view> names;
            for (const auto& q : presets()) names.push_back(q.name);
            std::string best = closest(s->get(), names, 3);
            if (!best.empty()) hint = "did you mean '" + best + "'?";
            error(pos(n), "unknown reply preset '" + make_printable(s->get(), 64) + "'", hint);
            return false;
        }
        r.reply = Reply{p->code, std::string(p->enhanced), {std::string(p->text)}};
        return true;
    }
    auto t = n.as_table();
    if (!t) {
        error(pos(n), "reply must be a preset name or a table, not " + std::string(type_name(n)),
              "e.g. reply = \"user_unknown\" or reply = { code = 550, enhanced = \"5.1.1\", text = \"...\" }");
        return false;
    }
    check_keys(*t, {"code", "enhanced", "text", "preset"}, "reply");
    bool ok = true;
    if (auto pn = t->get("preset")) {
        if (t->get("code") || t->get("enhanced")) {
            error(pos(*pn), "reply gives both 'preset' and a code", "use either preset = \"...\" or code/enhanced");
            ok = false;
        }
        if (!pn->is_string()) {
            want_string(*pn, "reply 'preset'");
            return false;
        }
        if (!load_reply(*pn, r)) return false;
    } else if (auto c = t->get("code")) {
        auto i = c->as_integer();
        if (!i) {
            error(pos(*c), "reply code must be an integer, not " + std::string(type_name(*c)), "e.g. code = 550");
            return false;
        }
        if (i->get() < 100 || i->get() > 999) {
            error(pos(*c), "rule '" + r.name + "': unknown SMTP reply code " + std::to_string(i->get()),
                  "use a code from `verdict explain --list`, such as 550 or 451");
            return false;
        }
        r.reply.code = static_cast<int>(i->get());
        if (auto e = t->get("enhanced")) {
            if (auto es = want_string(*e, "reply 'enhanced'")) r.reply.enhanced = es->get();
            else ok = false;
        }
    } else {
        error(pos(n), "reply has neither 'code' nor 'preset'", "add code = 550, enhanced = \"5.7.1\" or preset = \"...\"");
        return false;
    }
    if (auto tx = t->get("text")) {
        r.reply.lines.clear();
        if (auto s = tx->as_string()) {
            r.reply.lines.push_back(s->get());
        } else if (auto arr = tx->as_array()) {
            for (auto&& e : *arr)
                if (auto s2 = want_string(e, "reply text line")) r.reply.lines.push_back(s2->get());
                else ok = false;
        } else {
            error(pos(*tx), "reply text must be a string or an array of strings, not " + std::string(type_name(*tx)),
                  "text = \"...\" or text = [\"line 1\", \"line 2\"]");
            ok = false;
        }
    } else if (!t->get("preset")) {
        // No text: the matching preset's, else the registry's name for the enhanced code.
        for (const auto& p : presets())
            if (p.code == r.reply.code && p.enhanced == r.reply.enhanced) r.reply.lines = {std::string(p.text)};
        if (r.reply.lines.empty())
            if (auto e = parse_enhanced(r.reply.enhanced))
                if (auto reg = find_enhanced(e->subject, e->detail)) r.reply.lines = {std::string(reg->title)};
        if (r.reply.lines.empty()) r.reply.lines = {"Rejected"};
    }
    return ok;
}

void Loader::validate_rule_reply(const toml::node* reply_node, const toml::table& rule_table, const Rule& r,
                                 bool stage_known, bool action_known) {
    ReplyContext ctx{action_known ? std::optional<Action>(r.action) : std::nullopt,
                     stage_known ? std::optional<Stage>(r.stage) : std::nullopt, opts_.mta,
                     rs_.settings.defer_connect_decisions};
    const toml::node* anchor = reply_node ? reply_node : rule_table.get("action");
    SourcePos whole = anchor ? pos(*anchor) : r.pos;
    for (auto& issue : validate_reply(r.reply, ctx)) {
        SourcePos p = whole;
        if (reply_node && reply_node->is_table()) {
            const toml::table& rt = *reply_node->as_table();
            const char* key = issue.part == ReplyPart::Code       ? "code"
                              : issue.part == ReplyPart::Enhanced ? "enhanced"
                              : issue.part == ReplyPart::Text     ? "text"
                                                                  : nullptr;
            if (key)
                if (auto kn = rt.get(key)) p = pos(*kn);
        }
        std::string msg = "rule '" + r.name + "': " + issue.message;
        if (r.reply_defaulted) msg += " (default reply " + r.reply.str() + ")";
        diags_.add({issue.severity, p, std::move(msg), issue.hint});
    }
}

// ---- modifiers ------------------------------------------------------------------------

void Loader::load_modifiers(const toml::table& t, Rule& r, bool stage_known) {
    if (auto n = t.get("add_header")) {
        auto one = [&](const toml::node& h) {
            auto ht = want_table(h, "add_header");
            if (!ht) return;
            check_keys(*ht, {"name", "value"}, "add_header");
            HeaderEdit e;
            auto nn = ht->get("name");
            auto vn = ht->get("value");
            if (!nn || !vn) {
                error(pos(h), "add_header needs 'name' and 'value'", "add_header = { name = \"X-Verdict\", value = \"...\" }");
                return;
            }
            if (auto s = want_string(*nn, "add_header name")) e.name = s->get();
            if (auto s = want_string(*vn, "add_header value")) e.value = s->get();
            if (!valid_header_name(e.name))
                error(pos(*nn), "'" + make_printable(e.name, 64) + "' is not a valid header name",
                      "printable ASCII without spaces or ':'");
            if (!is_printable_ascii(e.value) || e.value.size() > 998)
                error(pos(*vn), "header value must be printable ASCII of at most 998 bytes",
                      "remove line breaks and control characters");
            for (const auto& u : inspect_template(e.value).unknown)
                error(pos(*vn), "header value uses unknown placeholder " + u,
                      "placeholders are {rcpt} {sender} {client_ip} {client_name} {helo} {rule} {queue_id}");
            r.modifiers.add_headers.push_back(std::move(e));
        };
        if (auto arr = n->as_array())
            for (auto&& h : *arr) one(h);
        else
            one(*n);
    }
    auto strings = [&](const char* key, std::vector<std::string>& out, auto&& check) {
        auto n = t.get(key);
        if (!n) return;
        auto one = [&](const toml::node& x) {
            if (auto s = want_string(x, key)) {
                if (check(s->get(), x)) out.push_back(s->get());
            }
        };
        if (auto arr = n->as_array())
            for (auto&& x : *arr) one(x);
        else
            one(*n);
    };
    strings("remove_header", r.modifiers.remove_headers, [&](const std::string& s, const toml::node& x) {
        if (valid_header_name(s)) return true;
        error(pos(x), "'" + make_printable(s, 64) + "' is not a valid header name", "printable ASCII without spaces or ':'");
        return false;
    });
    strings("add_rcpt", r.modifiers.add_rcpts, [&](const std::string& s, const toml::node& x) {
        std::string_view a = strip_angle(s);
        auto parts = split_address(a);
        if (!a.empty() && is_printable_ascii(a) && a.find(' ') == std::string_view::npos && !parts.local.empty() &&
            !parts.domain.empty() && a.size() <= 254)
            return true;
        error(pos(x), "add_rcpt '" + make_printable(s, 64) + "' is not a mail address", "e.g. add_rcpt = \"archive@example.org\"");
        return false;
    });
    if (auto n = t.get("remove_rcpt")) {
        want_bool(*n, "remove_rcpt", r.modifiers.remove_rcpt);
        if (r.modifiers.remove_rcpt && stage_known && r.stage != Stage::Rcpt)
            error(pos(*n), "remove_rcpt removes the current recipient, which exists only at stage 'rcpt'",
                  "set stage = \"rcpt\"");
    }
}

// ---- rules ----------------------------------------------------------------------------

void Loader::load_rule(const toml::table& t, std::size_t index) {
    check_keys(t,
               {"name", "description", "stage", "match", "action", "reply", "mode", "ignore_case", "match_subaddress",
                "add_header", "remove_header", "add_rcpt", "remove_rcpt"},
               "[[rule]]");
    Rule r;
    r.index = index;
    r.pos = pos(t);
    if (auto n = t.get("name")) {
        if (auto s = want_string(*n, "rule 'name'")) {
            r.name = s->get();
            if (!valid_name(r.name)) {
                error(pos(*n), "rule name '" + make_printable(r.name, 64) + "' is not valid",
                      "use letters, digits, '_', '.' and '-'");
                r.name.clear();  // later messages use "#N", never the raw text
            }
            auto [it, fresh] = r.name.empty() ? std::pair{rule_names_.end(), true} : rule_names_.emplace(r.name, pos(*n));
            if (!fresh)
                error(pos(*n), "duplicate rule name '" + r.name + "'",
                      "the first rule of that name is at line " + std::to_string(it->second.line) + "; names must be unique");
        }
    } else {
        error(r.pos, "rule #" + std::to_string(index + 1) + " has no 'name'", "add name = \"...\" (unique)");
    }
    if (r.name.empty()) r.name = "#" + std::to_string(index + 1);
    bool stage_ok = false;
    if (auto n = t.get("stage")) {
        if (auto s = want_string(*n, "rule 'stage'")) {
            if (auto st = parse_stage(s->get())) {
                r.stage = *st;
                stage_ok = true;
            } else {
                std::string g = closest(s->get(), {"connect", "helo", "mail", "rcpt", "data", "header", "eom"});
                error(pos(*n), "unknown stage '" + make_printable(s->get(), 64) + "'",
                      g.empty() ? "stages are connect, helo, mail, rcpt, data, header, eom" : "did you mean '" + g + "'?");
            }
        }
    } else {
        error(r.pos, "rule '" + r.name + "' has no 'stage'", "add stage = \"rcpt\" (connect, helo, mail, rcpt, data, header, eom)");
    }
    bool action_ok = true;
    if (auto n = t.get("action")) {
        action_ok = false;
        if (auto s = want_string(*n, "rule 'action'")) {
            action_ok = true;
            if (auto a = parse_action(s->get()))
                r.action = *a;
            else {
                action_ok = false;
                std::string g = closest(s->get(), {"continue", "accept", "reject", "defer", "discard", "quarantine"});
                error(pos(*n), "unknown action '" + make_printable(s->get(), 64) + "'",
                      g.empty() ? "actions are continue, accept, reject, defer, discard, quarantine"
                                : "did you mean '" + g + "'?");
            }
        }
    }
    if (auto n = t.get("mode")) {
        if (auto s = want_string(*n, "rule 'mode'")) {
            if (s->get() == "monitor") r.mode = Mode::Monitor;
            else if (s->get() != "enforce")
                error(pos(*n), "mode must be \"enforce\" or \"monitor\", not \"" + make_printable(s->get(), 40) + "\"",
                      "monitor mode logs and counts without acting");
        }
    }
    if (auto n = t.get("description")) want_string(*n, "rule 'description'");
    RuleFlags flags;
    flags.stage = r.stage;
    flags.rule_name = r.name;
    if (auto n = t.get("ignore_case")) want_bool(*n, "ignore_case", flags.ignore_case);
    if (auto n = t.get("match_subaddress")) want_bool(*n, "match_subaddress", flags.match_subaddress);
    if (!stage_ok) flags.stage = Stage::Eom;  // no stage-order errors on top of the stage error
    if (auto n = t.get("match"))
        if (auto mt = want_table(*n, "rule 'match'")) r.match = load_match(*mt, flags, 0);
    const toml::node* reply_node = t.get("reply");
    bool reply_ok = true;
    if (reply_node) {
        reply_ok = load_reply(*reply_node, r);
    } else if (sends_reply(r.action)) {
        r.reply = default_reply(r.action, r.stage);
        r.reply_defaulted = true;
    }
    if (reply_ok && (reply_node || sends_reply(r.action))) validate_rule_reply(reply_node, t, r, stage_ok, action_ok);
    load_modifiers(t, r, stage_ok);
    auto uses = [](const MatchNode& n, auto&& self, Field f) -> bool {
        for (const auto& c : n.conditions)
            if (c.field == f) return true;
        for (const auto& ch : n.children)
            if (self(ch, self, f)) return true;
        return false;
    };
    r.content = r.stage == Stage::Header || uses(r.match, uses, Field::Header) || uses(r.match, uses, Field::Body);
    rs_.rules.push_back(std::move(r));
}

std::shared_ptr<const Ruleset> Loader::load(std::string_view text) {
    add_to_checksum(text);
    if (auto bad = find_bare_non_ascii(text)) {
        error(SourcePos{path_, bad->line, bad->column}, "TOML syntax: a non-ASCII character outside a string or comment",
              "keys and bare values are ASCII; put text in double quotes");
        return nullptr;
    }
    toml::table doc;
    try {
        doc = toml::parse(text, path_);
    } catch (const toml::parse_error& e) {
        const auto& s = e.source();
        error(SourcePos{path_, s.begin.line, s.begin.column}, "TOML syntax: " + make_printable(e.description(), 300, true),
              "fix the TOML syntax at this position");
        refine_syntax_error(text);
        return nullptr;
    }
    check_keys(doc, {"settings", "lists", "rule"}, "the rule file");
    if (auto n = doc.get("settings"))
        if (auto t = want_table(*n, "[settings]")) load_settings(*t);
    if (auto n = doc.get("lists"))
        if (auto t = want_table(*n, "[lists]")) load_lists(*t);
    if (auto n = doc.get("rule")) {
        if (auto arr = n->as_array(); arr && arr->is_array_of_tables()) {
            std::size_t i = 0;
            for (auto&& r : *arr) load_rule(*r.as_table(), i++);
        } else {
            error(pos(*n), "'rule' must be an array of tables", "write each rule under its own [[rule]] header");
        }
    }
    finish_lists();
    if (rs_.settings.on_error == OnError::Accept)
        for (const auto& r : rs_.rules)
            if (sends_reply(r.action)) {
                SourcePos p{path_, 0, 0};
                if (auto s = doc["settings"]["on_error"].node()) p = pos(*s);
                warning(p, "settings.on_error = \"accept\" lets mail through unfiltered whenever verdict fails, "
                           "yet rules reject mail (first: '" + r.name + "')",
                        "use on_error = \"tempfail\" so the MTA retries");
                break;
            }
    if (opts_.policy) warn_policy_limits();
    if (diags_.has_errors()) return nullptr;
    for (std::size_t i = 0; i < rs_.rules.size(); ++i) rs_.by_stage[index(rs_.rules[i].stage)].push_back(i);
    for (Stage s : kAllStages) rs_.prefilter[index(s)].build(rs_, rs_.by_stage[index(s)]);
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(checksum_));
    rs_.checksum = buf;
    return std::make_shared<const Ruleset>(std::move(rs_));
}

}  // namespace detail

Reply default_reply(Action a, Stage s) {
    if (a == Action::Reject) {
        switch (s) {
            case Stage::Connect: return {554, "5.7.1", {"Access denied"}};
            case Stage::Helo: return {550, "5.7.1", {"HELO/EHLO rejected by policy"}};
            case Stage::Mail: return {550, "5.7.1", {"Sender rejected by policy"}};
            case Stage::Rcpt: return {550, "5.7.1", {"Recipient rejected by policy"}};
            case Stage::Data: return {554, "5.7.1", {"Transaction rejected by policy"}};
            case Stage::Header:
            case Stage::Eom: return {550, "5.7.1", {"Message rejected by policy"}};
        }
    }
    if (a == Action::Defer) {
        // RFC 5321 lists no 4xx but 421 for the greeting, HELO and the DATA command.
        if (is_connection_stage(s) || s == Stage::Data)
            return {421, "4.3.2", {"Service temporarily unavailable, try again later"}};
        return {451, "4.7.1", {"Try again later"}};
    }
    return {};
}

LoadResult load_rules_from_string(std::string_view toml, const std::string& path, const LoadOptions& opts) {
    LoadResult r;
    detail::Loader l(path, opts, r.diagnostics);
    r.ruleset = l.load(toml);
    r.diagnostics.sort();
    return r;
}

LoadResult load_rules(const std::string& path, const LoadOptions& opts) {
    LoadResult r;
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    std::ifstream in(path, std::ios::binary);
    if (ec || !in || std::filesystem::is_directory(path)) {
        r.diagnostics.error(SourcePos{path, 0, 0}, "cannot read rule file" + (ec ? ": " + ec.message() : std::string()),
                            "check the path and its permissions");
        return r;
    }
    if (size > opts.max_rule_file_bytes) {
        r.diagnostics.error(SourcePos{path, 0, 0},
                            "rule file is " + std::to_string(size) + " bytes; the limit is " +
                                std::to_string(opts.max_rule_file_bytes),
                            "move long lists into list files ({ file = \"...\" })");
        return r;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return load_rules_from_string(ss.str(), path, opts);
}

}  // namespace verdict
