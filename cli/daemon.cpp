// Reload and status of the running daemon.
#include "cli/daemon.hpp"

#include <malloc.h>

#include <ctime>

#include "rules/loader.hpp"

namespace verdict::cli {

namespace {

std::string when(std::chrono::system_clock::time_point t) {
    std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string duration(std::chrono::seconds s) {
    long v = static_cast<long>(s.count());
    return std::to_string(v / 86400) + "d " + std::to_string(v / 3600 % 24) + "h " + std::to_string(v / 60 % 60) +
           "m " + std::to_string(v % 60) + "s";
}

// The snapshot as the daemon hands it out: when the last connection pinning it lets go
// (after a reload replaced it), its memory is freed and the allocator is asked to give
// free pages back to the system. Without that, each reload of a large list leaves the old
// snapshot's pages in the allocator and RSS creeps up with every reload.
std::shared_ptr<const Ruleset> trimmed_on_release(std::shared_ptr<const Ruleset> rs) {
    const Ruleset* raw = rs.get();
    return std::shared_ptr<const Ruleset>(raw, [keep = std::move(rs)](const Ruleset*) mutable {
        keep.reset();
        malloc_trim(0);
    });
}

}  // namespace

Daemon::Daemon(std::string path, std::shared_ptr<const Ruleset> initial, LogSink& l)
    : rules_path(std::move(path)), snapshots(trimmed_on_release(std::move(initial))), log(l) {
    malloc_trim(0);  // the loader's temporaries (a large list's lines) are freed by now
}

ReloadResult Daemon::reload() {
    std::lock_guard lock(mu_);
    LoadResult r = load_rules(rules_path);
    ReloadResult out;
    out.report = r.diagnostics.str();
    for (const auto& d : r.diagnostics.items()) {
        std::string line = d.str();  // one log line: the hint follows after " -- "
        if (auto nl = line.find("\n  hint: "); nl != std::string::npos) line.replace(nl, 9, " -- hint: ");
        (d.severity == Severity::Error ? log.error(line) : log.info(line));
    }
    const auto now = std::chrono::system_clock::now();
    if (!r.ruleset) {
        metrics.reload(false);
        last_reload_ = "failed at " + when(now) + " (" + std::to_string(r.diagnostics.errors()) + " errors)";
        out.report += "reload of " + rules_path + " failed: " + std::to_string(r.diagnostics.errors()) +
                      " errors; the previous rules stay active\n";
        log.error("reload of " + rules_path + " failed; the previous rules stay active");
        return out;
    }
    snapshots.set(trimmed_on_release(r.ruleset));
    malloc_trim(0);  // the loader's temporaries are freed by now: give their pages back
    metrics.reload(true);
    loaded_ = now;
    last_reload_ = "ok at " + when(now);
    out.ok = true;
    out.report += "reloaded " + rules_path + ": " + std::to_string(r.ruleset->rules.size()) + " rules, checksum " +
                  r.ruleset->checksum + "\n";
    log.info("reloaded " + rules_path + " (" + std::to_string(r.ruleset->rules.size()) + " rules, checksum " +
             r.ruleset->checksum + ")");
    return out;
}

std::string Daemon::status() const {
    auto rs = snapshots.get();
    std::lock_guard lock(mu_);
    const auto now = std::chrono::system_clock::now();
    std::string o = "verdict 0.1.0, up " +
                    duration(std::chrono::duration_cast<std::chrono::seconds>(now - started_)) + "\n";
    o += "rules: " + rules_path + " (" + std::to_string(rs->rules.size()) + " rules, " + std::to_string(rs->lists.size()) +
         " lists, checksum " + rs->checksum + ", loaded " + when(loaded_) + ")\n";
    o += "last reload: " + last_reload_ + "; reloads ok " + std::to_string(metrics.reloads(true)) + ", failed " +
         std::to_string(metrics.reloads(false)) + "\n";
    o += "connections in flight: milter " + std::to_string(metrics.open_connections("milter")) + ", policy " +
         std::to_string(metrics.open_connections("policy")) + "\n";
    o += "rule hits (enforced / monitor):\n";
    for (const auto& r : rs->rules) {
        std::string name = r.name;
        if (name.size() < 28) name.resize(28, ' ');
        o += "  " + name + " " + std::to_string(metrics.rule_hits(r.name, Mode::Enforce)) + " / " +
             std::to_string(metrics.rule_hits(r.name, Mode::Monitor)) +
             (r.mode == Mode::Monitor ? "  (monitor mode)" : "") + "\n";
    }
    return o;
}

}  // namespace verdict::cli
