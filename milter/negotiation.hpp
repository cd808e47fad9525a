// What the milter asks the MTA for, derived from the rule set: the actions it may take
// (SMFIF_*), the protocol steps it can do without (SMFIP_NO*, SMFIP_NR_*), and the macros
// it wants at each stage. A rule set with only RCPT rules receives no headers or body.
#pragma once

#include <array>
#include <string>

#include "rules/ruleset.hpp"

namespace verdict::milter {

struct Needs {
    unsigned long actions = 0;   // SMFIF_* we request
    unsigned long protocol = 0;  // SMFIP_* we set (steps skipped, no-reply steps)
    std::array<std::string, 7> macros;  // by SMFIM_CONNECT .. SMFIM_EOH: space-separated
};

Needs compute_needs(const Ruleset& rs);

}  // namespace verdict::milter
