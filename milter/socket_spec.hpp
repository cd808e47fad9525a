// libmilter-style socket addresses ("unix:/path", "local:/path", "inet:PORT@HOST",
// "inet6:PORT@HOST"), shared by the milter and the policy server, and safe handling of
// an existing unix socket file.
#pragma once

#include <string>

namespace verdict {

struct SocketSpec {
    enum class Kind { Unix, Inet, Inet6 };
    Kind kind = Kind::Unix;
    std::string path;  // unix
    std::string host;  // inet/inet6 (default: loopback)
    int port = 0;
};

// Throws std::invalid_argument with a message naming the problem.
SocketSpec parse_socket_spec(const std::string& s);

// Before listening on a unix socket: create the parent directory if missing, remove a
// stale socket file (nobody accepts on it), refuse a live one or a non-socket file.
void prepare_unix_socket(const std::string& path);

}  // namespace verdict
