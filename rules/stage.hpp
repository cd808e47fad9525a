// SMTP stages at which rules run, in protocol order, and their names in rule files.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "rules/reply_catalogue.hpp"

namespace verdict {

enum class Stage : std::uint8_t { Connect, Helo, Mail, Rcpt, Data, Header, Eom };
constexpr std::size_t kStageCount = 7;
constexpr std::array<Stage, kStageCount> kAllStages = {Stage::Connect, Stage::Helo, Stage::Mail,
                                                       Stage::Rcpt,    Stage::Data, Stage::Header,
                                                       Stage::Eom};

std::string_view stage_name(Stage s);
std::optional<Stage> parse_stage(std::string_view name);
constexpr std::size_t index(Stage s) { return static_cast<std::size_t>(s); }

// The SMTP commands whose reply carries a decision made at this stage. Header and
// end-of-message decisions reach the client as the reply to the final "." of DATA.
CommandMask stage_commands(Stage s);

// Reject/defer at these stages applies to the whole connection.
constexpr bool is_connection_stage(Stage s) { return s == Stage::Connect || s == Stage::Helo; }

}  // namespace verdict
