// `verdict test` without the command line: runs a session file through SmtpSession and
// renders one line per stage, "<stage> <argument>: <result>", then checks the session's
// expectations against those lines.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rules/session_file.hpp"
#include "rules/smtp_session.hpp"

namespace verdict {

struct OfflineResult {
    std::vector<std::string> lines;   // stage lines (and trace lines when asked)
    std::vector<std::string> checks;  // "PASS ..." / "FAIL ..."
    bool passed = true;
};

OfflineResult run_offline(std::shared_ptr<const Ruleset> rules, const SessionFile& s, bool trace);

// "550 5.1.1 User unknown rule=unknown-user", "continue", "discard rule=x", ...
std::string render_decision(const Decision& d);

}  // namespace verdict
