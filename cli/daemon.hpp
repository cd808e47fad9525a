// The running daemon's shared state: the rule file, the current snapshot, metrics, log,
// and the reload operation used by SIGUSR1 and `verdict reload` alike. Reloads are
// serialised; a failed one leaves the active snapshot untouched.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

#include "rules/decision_log.hpp"
#include "rules/metrics.hpp"
#include "rules/snapshot.hpp"

namespace verdict::cli {

struct ReloadResult {
    bool ok = false;
    std::string report;  // diagnostics (file:line:col) and a summary line
};

class Daemon {
public:
    Daemon(std::string rules_path, std::shared_ptr<const Ruleset> initial, LogSink& log);

    ReloadResult reload();
    std::string status() const;

    const std::string rules_path;
    SnapshotHolder snapshots;
    Metrics metrics;
    LogSink& log;

private:
    mutable std::mutex mu_;  // reloads, and the fields below
    std::chrono::system_clock::time_point started_ = std::chrono::system_clock::now();
    std::chrono::system_clock::time_point loaded_ = started_;
    std::string last_reload_ = "none";
};

}  // namespace verdict::cli
