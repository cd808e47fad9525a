// One SMTP connection driven through the engine, stage by stage. It pins the rule
// snapshot it was created with, keeps the connection and message context, and applies
// the design's stage semantics to decisions: connection-level reject/accept, per-
// recipient reject/defer, whitelisting, discard and quarantine, modifiers collected for
// end of message, defer_connect_decisions. The milter, the policy server and
// `verdict test` all use it, so they decide alike.
#pragma once

#include <chrono>
#include <memory>
#include <string_view>

#include "rules/engine.hpp"

namespace verdict {

class SmtpSession {
public:
    explicit SmtpSession(std::shared_ptr<const Ruleset> rules, EvalOptions opts = {});

    const Ruleset& rules() const { return *rules_; }
    const std::shared_ptr<const Ruleset>& snapshot() const { return rules_; }
    Connection& connection() { return conn_; }
    Message& message() { return msg_; }

    Decision connect(std::string_view client_ip, std::string_view client_name);
    Decision helo(std::string_view helo);
    // Set tls, auth_user, declared_size and macros before calling.
    Decision mail(std::string_view sender);
    Decision rcpt(std::string_view rcpt);
    Decision data();
    void header(std::string_view name, std::string_view value);
    Decision end_of_headers();
    void body(std::string_view chunk);
    // The message's fate: reject/defer at eom, else discard, quarantine or continue, with
    // every queued modification (connection's first) in `modifications`.
    Decision end_of_message();
    // RSET, abort or a new MAIL: a fresh message context, the connection stays.
    void reset();

    bool connection_closed() const { return conn_state_ == ConnState::Rejected; }
    // A settings limit was exceeded in this message (for a log line).
    const std::string& limit_note() const { return limit_note_; }
    // How long the last stage's rule evaluation took (for logs and metrics).
    std::chrono::nanoseconds last_evaluation() const { return last_eval_; }
    bool message_rejected() const { return msg_state_.rejected; }

private:
    enum class ConnState { Open, Accepted, Rejected };
    struct MessageState {
        const Rule* accepted = nullptr;
        const Rule* discarded = nullptr;
        const Rule* quarantined = nullptr;
        bool rejected = false;
    };
    Decision run(Stage s);
    Decision connection_stage(Decision d);
    Decision message_stage(Decision d);

    std::shared_ptr<const Ruleset> rules_;
    EvalOptions opts_;
    Connection conn_;
    Message msg_;
    ConnState conn_state_ = ConnState::Open;
    const Rule* conn_rule_ = nullptr;  // accepted / discarded / quarantined the connection
    Action conn_action_ = Action::Continue;
    Decision conn_decision_;           // the connection-level rejection
    std::unique_ptr<Decision> pending_;  // connect/HELO rejection held for MAIL
    MessageState msg_state_;
    std::chrono::nanoseconds last_eval_{0};
    std::string limit_note_;
};

}  // namespace verdict
