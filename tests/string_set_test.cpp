// The compact string set of large lists: membership agrees with std::unordered_set over
// random keys (growth and rehashing included), duplicates and empty keys behave.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <unordered_set>

#include "rules/string_set.hpp"

namespace verdict {
namespace {

TEST(StringSet, SmallCases) {
    struct Case {
        std::vector<std::string> insert;
        std::string probe;
        bool want;
    };
    const Case cases[] = {
        {{}, "", false},
        {{}, "a", false},
        {{""}, "", true},
        {{"a"}, "a", true},
        {{"a"}, "A", false},
        {{"a", "a", "a"}, "a", true},
        {{"alice@example.org", "bob@example.org"}, "bob@example.org", true},
        {{"alice@example.org", "bob@example.org"}, "bob@example.or", false},
        {{"alice@example.org", "bob@example.org"}, "bob@example.orgx", false},
        {{std::string("a\0b", 3)}, std::string("a\0b", 3), true},
        {{std::string("a\0b", 3)}, "a", false},
    };
    for (const auto& c : cases) {
        StringSet s;
        for (const auto& k : c.insert) s.insert(k);
        EXPECT_EQ(s.contains(c.probe), c.want) << "probe '" << c.probe << "' after " << c.insert.size() << " inserts";
    }
    StringSet dup;
    for (int i = 0; i < 3; ++i) dup.insert("same");
    EXPECT_EQ(dup.size(), 1u);
}

TEST(StringSet, AgreesWithUnorderedSetOnRandomKeys) {
    std::mt19937 rng(7);
    auto word = [&] {
        std::string w(1 + rng() % 30, 'a');
        for (char& ch : w) ch = static_cast<char>('a' + rng() % 6);  // few letters: many near-collisions
        return w;
    };
    for (bool reserve : {false, true}) {
        StringSet s;
        std::unordered_set<std::string> ref;
        if (reserve) s.reserve(50000);
        for (int i = 0; i < 50000; ++i) {
            std::string w = word();
            s.insert(w);
            ref.insert(w);
        }
        s.shrink_to_fit();
        EXPECT_EQ(s.size(), ref.size());
        std::size_t disagreements = 0;
        for (int i = 0; i < 200000; ++i) {
            std::string w = word();
            disagreements += s.contains(w) != (ref.count(w) > 0);
        }
        for (const auto& w : ref) disagreements += !s.contains(w);
        EXPECT_EQ(disagreements, 0u) << "reserve " << reserve;
    }
}

}  // namespace
}  // namespace verdict
