// The control socket (`verdict reload`, `verdict status`) and the Prometheus metrics
// endpoint, served by one small Asio thread of the daemon; plus the client side used by
// the `reload` and `status` commands.
#pragma once

#include <memory>
#include <string>

#include "cli/daemon.hpp"

namespace verdict::cli {

// Control protocol: the client sends one line ("reload" or "status"); the daemon answers
// "ok\n" or "error\n", then the report, then closes the connection.
class ControlServer {
public:
    // control_socket: "unix:/path" (mode 0600) or empty; metrics: "HOST:PORT" or empty.
    ControlServer(Daemon& d, const std::string& control_socket, const std::string& metrics_address);
    ~ControlServer();
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Sends one command; prints the report; returns 0 when the daemon said ok, 1 otherwise.
int control_request(const std::string& control_socket, const std::string& command);

}  // namespace verdict::cli
