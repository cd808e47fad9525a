// The milter front end as a service: configuration, the state shared by all libmilter
// callbacks (the rule snapshot holder, the log, the failure reply), and starting and
// stopping libmilter's listener.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "rules/decision_log.hpp"
#include "rules/metrics.hpp"
#include "rules/snapshot.hpp"

namespace verdict::milter {

struct Config {
    std::string socket = "unix:/run/verdict/milter.sock";  // libmilter syntax
    int timeout_seconds = 60;                               // MTA I/O timeout
    int backlog = 128;
    std::size_t max_connections = 1000;  // beyond: 421 4.3.2 at connect
};

// Shared by every callback. Created once before libmilter starts; the only mutable
// parts are the atomically swapped snapshot and the counters.
struct Service {
    Service(Config c, SnapshotHolder& s, LogSink& l, Metrics& m) : config(std::move(c)), snapshots(s), log(l), metrics(m) {}
    Config config;
    SnapshotHolder& snapshots;
    LogSink& log;
    Metrics& metrics;
    std::atomic<unsigned long> internal_errors{0};
};

// Opens the socket (a stale unix socket is removed; a live one is an error), registers
// the callbacks and runs libmilter's loop in a thread of its own, so that the calling
// thread keeps SIGHUP/SIGTERM/SIGINT (see docs/operations.md). Throws on failure.
class Listener {
public:
    explicit Listener(Service& s);
    ~Listener();
    void stop();       // stop accepting; in-flight connections finish
    int wait();        // join libmilter's thread; its smfi_main() result

private:
    Service& service_;
    std::thread thread_;
    std::atomic<int> result_{0};
    std::string socket_path_;  // unix socket we created, removed on a clean stop
    unsigned long socket_inode_ = 0;
};

// The service the C callbacks reach (set by Listener, read-only afterwards).
Service* current_service();

}  // namespace verdict::milter
