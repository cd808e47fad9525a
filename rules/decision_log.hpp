// Decision log lines: one key=value line per decision with stable field names. Values
// come from SMTP clients, so they are made printable and capped; a value with spaces or
// quotes is written in double quotes. The sink is syslog (facility mail) or stderr.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

#include "rules/engine.hpp"

namespace verdict {

// front_end: "milter" or "policy"; subject: the stage's argument (recipient at rcpt).
std::string format_decision(std::string_view front_end, const Decision& d, const Connection& c, const Message& m,
                            std::string_view rcpt);

class LogSink {
public:
    // stderr when `to_stderr`, else syslog(LOG_MAIL) under `ident`.
    LogSink(bool to_stderr, const char* ident);
    void info(std::string_view line);
    void error(std::string_view line);

private:
    void write(int priority, std::string_view line);
    bool stderr_;
    std::mutex mu_;
};

}  // namespace verdict
