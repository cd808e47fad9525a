// Internal to the loader: the state of one load and the helpers its parts share
// (loader.cpp: file, settings, lists, rules, replies; loader_match.cpp: match trees).
#pragma once

#include <toml++/toml.h>

#include <initializer_list>
#include <map>
#include <span>
#include <memory>
#include <string>
#include <string_view>

#include "rules/loader.hpp"

namespace verdict::detail {

// Per-rule flags that change how values are normalised.
struct RuleFlags {
    bool ignore_case = false;
    bool match_subaddress = true;
    Stage stage = Stage::Connect;
    std::string_view rule_name;
};

class Loader {
public:
    Loader(std::string path, const LoadOptions& opts, Diagnostics& diags);
    std::shared_ptr<const Ruleset> load(std::string_view text);

    // --- shared helpers --------------------------------------------------------------
    SourcePos pos(const toml::node& n) const;
    SourcePos pos(const toml::key& k, const toml::node& fallback) const;
    void error(const SourcePos& p, std::string msg, std::string hint = {}) { diags_.error(p, std::move(msg), std::move(hint)); }
    void warning(const SourcePos& p, std::string msg, std::string hint = {}) { diags_.warning(p, std::move(msg), std::move(hint)); }
    // Reports every key of `t` not in `allowed`; `where` names the table in messages.
    void check_keys(const toml::table& t, std::initializer_list<std::string_view> allowed, std::string_view where);
    // Type checks that report "'key' must be a string, not an integer".
    const toml::value<std::string>* want_string(const toml::node& n, std::string_view what);
    const toml::table* want_table(const toml::node& n, std::string_view what);
    bool want_bool(const toml::node& n, std::string_view what, bool& out);

    // --- match trees (loader_match.cpp) -------------------------------------------------
    MatchNode load_match(const toml::table& t, const RuleFlags& f, int depth);

private:
    Condition load_condition(Field field, const toml::node& n, const SourcePos& key_pos, const RuleFlags& f);
    bool load_value(const FieldInfo& fi, const toml::node& n, const RuleFlags& f, ValueMatcher& out);
    bool load_literal(const FieldInfo& fi, const toml::node& n, const RuleFlags& f, ValueMatcher& out);
    bool load_number(const toml::node& n, NumberMatcher& out);
    std::shared_ptr<const re2::RE2> compile_regex(const toml::node& n, bool fold);
    std::shared_ptr<const List> use_list(const toml::node& n, const FieldInfo& fi, const RuleFlags& f);

    // --- rule file parts (loader.cpp) ---------------------------------------------------
    void load_settings(const toml::table& t);
    void load_lists(const toml::table& t);
    void load_list_file(List& l, const toml::node& file_node);
    void load_rule(const toml::table& t, std::size_t index);
    bool load_reply(const toml::node& n, Rule& r);
    void validate_rule_reply(const toml::node* reply_node, const toml::table& rule_table, const Rule& r, bool stage_known,
                             bool action_known);
    void load_modifiers(const toml::table& t, Rule& r, bool stage_known);
    void refine_syntax_error(std::string_view text);
    void warn_policy_limits();
    void finish_lists();
    std::string resolve(std::string_view file) const;

    std::string path_;
    std::string base_dir_;
    LoadOptions opts_;
    Diagnostics& diags_;
    Ruleset rs_;
    std::map<std::string, std::shared_ptr<List>> lists_;
    // Which normalised forms of each list the rules need.
    std::map<std::string, unsigned> list_needs_;
    std::map<std::string, SourcePos> rule_names_;
    std::uint64_t checksum_ = 14695981039346656037ull;
    void add_to_checksum(std::string_view data);

public:
    enum ListNeed : unsigned { kNeedFolded = 1, kNeedAddresses = 2, kNeedCidrs = 4, kNeedExact = 8 };
};

std::string_view type_name(const toml::node& n);
// Closest candidate within `max_distance` edits (first on ties), or empty.
std::string closest(std::string_view word, std::span<const std::string_view> candidates, std::size_t max_distance = 2);
inline std::string closest(std::string_view word, std::initializer_list<std::string_view> candidates) {
    return closest(word, std::span<const std::string_view>(candidates.begin(), candidates.size()));
}
bool valid_name(std::string_view s);

}  // namespace verdict::detail
