// Action names as written in rule files.
#include "rules/action.hpp"

#include <array>

namespace verdict {

namespace {
constexpr std::array<std::string_view, 6> kNames = {"continue", "accept",  "reject",
                                                    "defer",    "discard", "quarantine"};
}

std::string_view action_name(Action a) { return kNames[static_cast<std::size_t>(a)]; }

std::optional<Action> parse_action(std::string_view name) {
    for (std::size_t i = 0; i < kNames.size(); ++i)
        if (kNames[i] == name) return static_cast<Action>(i);
    return std::nullopt;
}

}  // namespace verdict
