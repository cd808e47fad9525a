// What a rule does when it matches, and whether it is enforced or only monitored.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace verdict {

enum class Action : std::uint8_t { Continue, Accept, Reject, Defer, Discard, Quarantine };
enum class Mode : std::uint8_t { Enforce, Monitor };

std::string_view action_name(Action a);
std::optional<Action> parse_action(std::string_view name);

// Terminal actions end evaluation for the stage's subject.
constexpr bool is_terminal(Action a) { return a != Action::Continue; }
// Actions that answer the client with an error reply.
constexpr bool sends_reply(Action a) { return a == Action::Reject || a == Action::Defer; }

}  // namespace verdict
