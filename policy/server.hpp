// The policy delegation server: Boost.Asio on unix and TCP sockets, many connections on
// a small thread pool (no thread per connection), each connection reading pipelined
// requests with bounded buffers and an idle timeout.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "policy/request.hpp"
#include "policy/responder.hpp"
#include "rules/metrics.hpp"

namespace verdict::policy {

struct Config {
    std::string socket;              // libmilter syntax: unix:/path, inet:PORT@HOST, inet6:PORT@HOST
    int threads = 1;                 // one answers ~100k requests/s (docs/performance.md)
    int idle_timeout_seconds = 300;  // Postfix keeps policy connections open between requests
    std::size_t max_connections = 1000;
    Limits limits;
};

class Server {
public:
    // Binds and listens; throws on failure. `metrics` counts connections and protocol errors.
    Server(Config c, Responder& responder, LogSink& log, Metrics& metrics);
    ~Server();
    void start();  // runs the I/O threads
    void stop();   // closes the listener and all connections, joins the threads

    std::atomic<unsigned long> protocol_errors{0};
    std::atomic<unsigned long> open_connections{0};

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace verdict::policy
