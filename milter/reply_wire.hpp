// Handing a verdict Reply to libmilter: '%' doubled (libmilter formats the text), one
// line through smfi_setreply, several through smfi_setmlreply (at most 32).
#pragma once

#include <libmilter/mfapi.h>

#include <string>

#include "rules/reply.hpp"

namespace verdict::milter {

std::string escape_percent(const std::string& s);
bool set_reply(SMFICTX* ctx, const Reply& r);

}  // namespace verdict::milter
