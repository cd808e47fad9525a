// Per-connection milter context, kept with smfi_setpriv: the SMTP session (which pins
// the rule snapshot) and the recipient arguments as the MTA gave them.
#pragma once

#include <string>
#include <vector>

#include "rules/smtp_session.hpp"

namespace verdict::milter {

struct MilterConnection {
    explicit MilterConnection(std::shared_ptr<const Ruleset> rules) : session(std::move(rules)) {}
    SmtpSession session;
    std::string rcpt;          // current RCPT argument, for logs
    bool closed = false;       // a connection-level decision ended filtering
    // What negotiation settled (they change which status a callback must return).
    bool no_reply_headers = false;
    bool no_reply_body = false;
    bool can_skip = false;
};

}  // namespace verdict::milter
