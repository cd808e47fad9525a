// Pre-filtering rules so evaluation does not visit every rule. Per stage, each rule whose
// top-level match has a condition of one of these forms on a text, hostname, address or
// local-part field, on a header's value (per header name) or on the body is filed under
// it (under the condition whose keys the fewest rules share, then the earlier form here):
//   literal / any-of  -> a hash map from value to rules (client_ip: per prefix length,
//                        from the masked client address to rules)
//   suffix            -> a hash map from suffix to rules, probed with the subject's
//                        ending of each suffix length in use (not per rule)
//   regex             -> one RE2::Set per field (per header name; the body too),
//                        matched once for all its patterns
// Other rules are "always" candidates. Evaluation merges the hits with the always list
// in file order and runs the full match on those rules only: a rule left out is one whose
// filed condition cannot hold, so the result is the same as the plain in-order scan
// (tests/rule_index_test.cpp checks this on random rule sets and sessions).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rules/cidr_set.hpp"
#include "rules/context.hpp"
#include "rules/stage.hpp"

namespace re2 {
class RE2;
}

namespace verdict {

struct Ruleset;
enum class Field : std::uint8_t;

class StageIndex {
public:
    // `rules` are indexes into rs.rules of this stage, in file order.
    void build(const Ruleset& rs, const std::vector<std::size_t>& rules);
    // Candidate rule indexes, ascending (file order).
    void candidates(Stage stage, const Connection& c, const Message& m, std::vector<std::uint32_t>& out) const;
    std::size_t indexed_rules() const { return indexed_; }

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    using Map = std::unordered_map<std::string, std::vector<std::uint32_t>, Hash, std::equal_to<>>;
    struct RegexSet;  // RE2::Set and the rule of each pattern
    struct FieldIndex {
        Field field;
        bool fold;
        std::string name;  // header name (lower-cased); empty for other fields
        Map by_value;
        Map by_suffix;
        std::vector<std::size_t> suffix_lengths;  // distinct, so a probe costs one look-up per length
        std::shared_ptr<RegexSet> regexes;
    };
    // client_ip literals: per family and prefix length, masked network -> rules.
    struct IpLevel {
        bool v4;
        int prefix;
        std::unordered_map<NetKey, std::vector<std::uint32_t>, NetKeyHash> by_net;
    };
    std::vector<IpLevel> ip_levels_;
    std::vector<std::uint32_t> always_;
    std::vector<FieldIndex> fields_;
    std::size_t indexed_ = 0;
};

}  // namespace verdict
