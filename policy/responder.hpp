// From a policy request to a policy answer, through the same SmtpSession the milter
// uses. Postfix asks once per SMTP stage; per-message state (recipient count, whitelist,
// earlier stages) is kept per Postfix "instance" so decisions match the milter's.
#pragma once

#include <memory>
#include <string>

#include "policy/instance_table.hpp"
#include "policy/request.hpp"
#include "rules/decision_log.hpp"
#include "rules/metrics.hpp"
#include "rules/snapshot.hpp"
#include "rules/smtp_session.hpp"

namespace verdict::policy {

class Responder {
public:
    // Per-message state lives until END-OF-MESSAGE is answered, or until it is the least
    // recently used when `max_instances` are kept (bounded memory; instance_table.hpp).
    Responder(SnapshotHolder& snapshots, LogSink& log, Metrics& metrics, std::size_t max_instances = 10000);
    // The whole answer, "action=...\n\n". Never throws: failures answer per on_error.
    std::string answer(const Request& r);
    std::size_t instances() const;

private:
    struct Instance;
    std::shared_ptr<Instance> instance_for(const Request& r);
    std::string respond(Instance& in, const Request& r);

    SnapshotHolder& snapshots_;
    LogSink& log_;
    Metrics& metrics_;
    InstanceTable<Instance> by_instance_;
};

// Decision -> Postfix access(5) action (without "action=").
std::string to_action(const Decision& d);

}  // namespace verdict::policy
