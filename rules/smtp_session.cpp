// Stage semantics on top of the pure evaluator (see smtp_session.hpp).
#include "rules/smtp_session.hpp"

#include "rules/printable.hpp"

namespace verdict {

SmtpSession::SmtpSession(std::shared_ptr<const Ruleset> rules, EvalOptions opts)
    : rules_(std::move(rules)), opts_(opts) {}

Decision SmtpSession::connect(std::string_view client_ip, std::string_view client_name) {
    conn_.client_ip.set(client_ip);
    conn_.ip = parse_ip(client_ip);
    conn_.client_name.set(client_name.empty() ? std::string_view("unknown") : client_name);
    return run(Stage::Connect);
}

Decision SmtpSession::helo(std::string_view helo) {
    conn_.helo.set(helo);
    return run(Stage::Helo);
}

Decision SmtpSession::mail(std::string_view sender) {
    msg_.sender.set(sender);
    msg_.has_sender = true;
    return run(Stage::Mail);
}

Decision SmtpSession::rcpt(std::string_view rcpt) {
    msg_.rcpt.set(rcpt);
    if (msg_.rcpts.size() >= rules_->settings.max_recipients && !connection_closed()) {
        // The limit answers before any rule: a defined reply, whatever the rules say.
        Decision d;
        d.stage = Stage::Rcpt;
        d.action = Action::Defer;
        d.reply = Reply{452, "4.5.3", {"Too many recipients"}};
        d.note = "settings.max_recipients (" + std::to_string(rules_->settings.max_recipients) + ") reached";
        limit_note_ = d.note;
        msg_.rcpt = AddressValue{};
        return d;
    }
    Decision d = run(Stage::Rcpt);
    if (!sends_reply(d.action)) msg_.rcpts.push_back(msg_.rcpt);
    msg_.rcpt = AddressValue{};
    return d;
}

Decision SmtpSession::data() { return run(Stage::Data); }

void SmtpSession::header(std::string_view name, std::string_view value) {
    msg_.size += name.size() + value.size() + 4;  // "name: value\r\n"
    const Settings& st = rules_->settings;
    if (msg_.headers.size() >= st.max_headers) {
        limit_note_ = "settings.max_headers (" + std::to_string(st.max_headers) + ") reached: later headers not examined";
        return;
    }
    if (value.size() > st.max_header_bytes)
        limit_note_ = "settings.max_header_bytes (" + std::to_string(st.max_header_bytes) + ") exceeded: value cut";
    HeaderField h;
    h.name.assign(name.substr(0, 256));
    h.lname = to_lower(h.name);
    h.value = unfold_header(value.substr(0, st.max_header_bytes));
    h.folded = to_lower(h.value);
    msg_.headers.push_back(std::move(h));
}

Decision SmtpSession::end_of_headers() {
    msg_.size += 2;  // the empty line
    return run(Stage::Header);
}

void SmtpSession::body(std::string_view chunk) {
    msg_.size += chunk.size();
    const std::uint64_t limit = rules_->settings.body_scan_limit;
    if (msg_.body.size() < limit) msg_.body.append(chunk.substr(0, limit - msg_.body.size()));
}

Decision SmtpSession::end_of_message() {
    Decision d = run(Stage::Eom);
    if (sends_reply(d.action)) return d;
    std::vector<Modification> all = conn_.modifications;
    all.insert(all.end(), msg_.modifications.begin(), msg_.modifications.end());
    d.modifications = std::move(all);
    const Rule* discard = msg_state_.discarded ? msg_state_.discarded
                          : conn_action_ == Action::Discard ? conn_rule_ : nullptr;
    const Rule* hold = msg_state_.quarantined ? msg_state_.quarantined
                       : conn_action_ == Action::Quarantine ? conn_rule_ : nullptr;
    if (discard) {
        d.action = Action::Discard;
        d.rule = discard;
    } else if (hold) {
        d.action = Action::Quarantine;
        d.rule = hold;
    }
    return d;
}

void SmtpSession::reset() {
    msg_ = Message{};
    limit_note_.clear();
    msg_state_ = MessageState{};
}

Decision SmtpSession::run(Stage s) {
    last_eval_ = std::chrono::nanoseconds{0};
    if (conn_state_ == ConnState::Rejected) {
        Decision d = conn_decision_;
        d.stage = s;
        d.modifications.clear();
        d.trace.clear();
        d.note = "connection already refused";
        return d;
    }
    if (s == Stage::Mail && pending_) {
        Decision d = std::move(*pending_);
        pending_.reset();
        d.stage = s;
        d.note = "decided at " + std::string(stage_name(d.rule ? d.rule->stage : Stage::Connect)) +
                 ", applied at MAIL (defer_connect_decisions)";
        conn_state_ = ConnState::Rejected;
        conn_decision_ = d;
        return d;
    }
    Decision skip;
    skip.stage = s;
    if (pending_) {  // refused at connect, answered at MAIL: HELO rules do not run
        skip.note = "rule '" + pending_->rule->name + "' will answer at MAIL (defer_connect_decisions)";
        return skip;
    }
    if (conn_state_ == ConnState::Accepted) {
        skip.note = "connection accepted by rule '" + conn_rule_->name + "'";
        return skip;
    }
    if (!is_connection_stage(s)) {
        const Rule* done = msg_state_.accepted ? msg_state_.accepted : msg_state_.discarded;
        if (done) {
            skip.note = std::string(msg_state_.accepted ? "message accepted" : "message discarded") + " by rule '" +
                        done->name + "'";
            return skip;
        }
    }
    const auto start = std::chrono::steady_clock::now();
    Decision d = evaluate(*rules_, s, conn_, msg_, opts_);
    last_eval_ = std::chrono::steady_clock::now() - start;
    return is_connection_stage(s) ? connection_stage(std::move(d)) : message_stage(std::move(d));
}

Decision SmtpSession::connection_stage(Decision d) {
    conn_.modifications.insert(conn_.modifications.end(), d.modifications.begin(), d.modifications.end());
    switch (d.action) {
        case Action::Accept:
            conn_state_ = ConnState::Accepted;
            conn_rule_ = d.rule;
            break;
        case Action::Discard:
        case Action::Quarantine:
            conn_action_ = d.action;
            conn_rule_ = d.rule;
            break;
        case Action::Reject:
        case Action::Defer:
            if (rules_->settings.defer_connect_decisions) {
                pending_ = std::make_unique<Decision>(d);
                Decision held;
                held.stage = d.stage;
                held.trace = std::move(d.trace);
                held.monitor_hits = std::move(d.monitor_hits);
                held.note = "rule '" + d.rule->name + "' will answer at MAIL (defer_connect_decisions)";
                return held;
            }
            conn_state_ = ConnState::Rejected;
            conn_decision_ = d;
            break;
        case Action::Continue: break;
    }
    return d;
}

Decision SmtpSession::message_stage(Decision d) {
    const bool refused = sends_reply(d.action);
    // A refused recipient takes its modifications with it.
    if (!(refused && d.stage == Stage::Rcpt))
        msg_.modifications.insert(msg_.modifications.end(), d.modifications.begin(), d.modifications.end());
    switch (d.action) {
        case Action::Accept: msg_state_.accepted = d.rule; break;
        case Action::Discard: msg_state_.discarded = d.rule; break;
        case Action::Quarantine:
            if (!msg_state_.quarantined) msg_state_.quarantined = d.rule;
            break;
        case Action::Reject:
        case Action::Defer:
            if (d.stage != Stage::Rcpt) msg_state_.rejected = true;
            break;
        case Action::Continue: break;
    }
    return d;
}

}  // namespace verdict
