// Offline SMTP sessions for `verdict test`: a TOML file describing one conversation
// (client, HELO, one or more messages with envelope, headers and body) and the
// expectations the rules must meet. Parsing reports errors like the rule loader does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rules/context.hpp"
#include "rules/diagnostic.hpp"

namespace verdict {

struct SessionMessage {
    std::optional<std::string> sender;  // absent: no MAIL command
    std::optional<std::int64_t> declared_size;
    std::string queue_id;
    std::vector<std::string> recipients;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    MacroMap macros;
};

struct SessionFile {
    std::string path;
    std::string client_ip = "127.0.0.1";
    std::string client_name = "unknown";
    std::optional<std::string> helo;
    bool tls = false;
    std::string auth_user;
    MacroMap macros;
    std::vector<SessionMessage> messages;
    std::vector<std::string> expect;  // "rcpt <a@b>: 550 5.1.1"
};

struct SessionParse {
    std::optional<SessionFile> session;
    Diagnostics diagnostics;
};
SessionParse load_session(const std::string& path);
SessionParse load_session_from_string(std::string_view text, const std::string& path);

}  // namespace verdict
