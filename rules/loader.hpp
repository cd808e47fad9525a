// Loading a rule file: TOML -> validated, immutable Ruleset, or every error found.
//
//   auto r = verdict::load_rules("/etc/verdict/rules.toml");
//   if (!r.ruleset) { std::cerr << r.diagnostics.str(); }
//
// Diagnostics carry file:line:col and a fix hint; warnings never stop a load.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "rules/diagnostic.hpp"
#include "rules/reply_validation.hpp"
#include "rules/ruleset.hpp"

namespace verdict {

struct LoadOptions {
    std::optional<Mta> mta;                              // extra warnings for this MTA
    bool policy = false;                                 // warn about what the policy server cannot do
    std::uint64_t max_rule_file_bytes = 64ull << 20;     // larger files are refused
    std::uint64_t max_list_file_bytes = 1ull << 30;
};

struct LoadResult {
    std::shared_ptr<const Ruleset> ruleset;  // null when there were errors
    Diagnostics diagnostics;
};

LoadResult load_rules(const std::string& path, const LoadOptions& opts = {});
// `path` names the text in diagnostics; list files resolve relative to its directory.
LoadResult load_rules_from_string(std::string_view toml, const std::string& path, const LoadOptions& opts = {});

// The reply a reject/defer rule gets when it names none (valid for its stage).
Reply default_reply(Action a, Stage s);

}  // namespace verdict
