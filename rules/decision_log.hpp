// Decision log lines: one key=value line per decision with stable field names. Values
// come from SMTP clients, so they are made printable and capped; a value with spaces or
// quotes is written in double quotes. The sink is syslog (facility mail) or stderr.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/engine.hpp"

namespace verdict {

using LogFields = std::vector<std::pair<std::string, std::string>>;

// The fields of one decision line, in their stable order: ts, queue_id, front_end, stage,
// rule, mode, action, code, enhanced, client_ip, helo, sender, rcpt, latency_us, then
// changes and monitor when present. Values are printable and capped.
LogFields decision_fields(std::string_view front_end, const Decision& d, const Connection& c, const Message& m,
                          std::string_view rcpt, std::chrono::nanoseconds latency = {});
std::string render_kv(const LogFields& f);    // key=value key="quoted value"
std::string render_json(const LogFields& f);  // {"key":"value",...}

// The key=value line (tests and callers that want the text).
std::string format_decision(std::string_view front_end, const Decision& d, const Connection& c, const Message& m,
                            std::string_view rcpt);

enum class LogFormat { KeyValue, Json };

class LogSink {
public:
    // stderr when `to_stderr`, else syslog(LOG_MAIL) under `ident`.
    LogSink(bool to_stderr, const char* ident, LogFormat format = LogFormat::KeyValue);
    // Lines to an open file descriptor, as to stderr (the caller keeps and closes it).
    explicit LogSink(int fd, LogFormat format = LogFormat::KeyValue) : fd_(fd), format_(format) {}
    void info(std::string_view line);
    void error(std::string_view line);
    void decision(const LogFields& f);

private:
    void write(int priority, std::string_view line);
    int fd_;  // -1: syslog
    LogFormat format_;
};

}  // namespace verdict
