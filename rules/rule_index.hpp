// Pre-filtering rules so evaluation does not visit every rule. Per stage, each rule whose
// top-level match has an exact-value condition (a literal or any-of on a text, hostname,
// address or local-part field) is filed under those values; other rules are "always"
// candidates. Evaluation looks up the subject's values, merges the hits with the always
// list in file order and runs the full match on those rules only: a rule left out is one
// whose filed condition cannot hold, so the result is the same as the plain in-order scan
// (tests/rule_index_test.cpp checks this on random rule sets and sessions).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "rules/context.hpp"
#include "rules/stage.hpp"

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
    struct FieldIndex {
        Field field;
        bool fold;
        std::unordered_map<std::string, std::vector<std::uint32_t>> by_value;
    };
    std::vector<std::uint32_t> always_;
    std::vector<FieldIndex> fields_;
    std::size_t indexed_ = 0;
};

}  // namespace verdict
