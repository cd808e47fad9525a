// Mapping protocol_state to stages, attributes to the connection/message context, and
// decisions to Postfix actions:
//   reject/defer -> "<code> <enhanced> <text>"   continue, accept, monitor -> DUNNO
//   discard -> DISCARD   quarantine -> HOLD   add_header -> PREPEND   add_rcpt -> BCC
// accept answers DUNNO, not OK: verdict's whitelist skips verdict's later rules, and must
// not skip Postfix's own restrictions (OK in smtpd_recipient_restrictions would bypass
// reject_unauth_destination and make an open relay).
#include "policy/responder.hpp"

#include <algorithm>
#include <charconv>
#include <mutex>
#include <optional>

#include "rules/printable.hpp"

namespace verdict::policy {

struct Responder::Instance {
    explicit Instance(std::shared_ptr<const Ruleset> rs) : session(std::move(rs), EvalOptions{false, true}) {}
    std::mutex mu;
    SmtpSession session;
    bool connected = false, greeted = false, mailed = false;
    std::optional<Decision> refusal;  // a refused connection or message answers every later request
};

namespace {

// Policy attributes for the milter macro names rules may test.
std::string_view attribute_for_macro(std::string_view m) {
    if (m == "i") return "queue_id";
    if (m == "auth_authen") return "sasl_username";
    if (m == "auth_type") return "sasl_method";
    if (m == "client_addr") return "client_address";
    if (m == "client_name") return "client_name";
    if (m == "tls_version") return "encryption_protocol";
    if (m == "cipher") return "encryption_cipher";
    if (m == "mail_addr") return "sender";
    if (m == "rcpt_addr") return "recipient";
    return m;
}

void map_macros(const Ruleset& rs, const Request& r, MacroMap& into) {
    for (const auto& m : rs.macros) {
        auto v = get(r, m);
        if (v.empty()) v = get(r, attribute_for_macro(m));
        if (!v.empty()) into[m] = std::string(v);
    }
}

}  // namespace

std::string to_action(const Decision& d) {
    switch (d.action) {
        case Action::Reject:
        case Action::Defer: {
            std::string s = std::to_string(d.reply.code);
            if (!d.reply.enhanced.empty()) s += ' ' + d.reply.enhanced;
            for (const auto& line : d.reply.lines) s += " " + line;  // one line: Postfix takes no more
            return s;
        }
        case Action::Discard: return "DISCARD " + (d.rule ? "verdict rule " + d.rule->name : std::string("verdict"));
        case Action::Quarantine: return "HOLD " + (d.rule ? "verdict rule " + d.rule->name : std::string("verdict"));
        default: break;
    }
    for (const auto& m : d.modifications) {
        if (m.kind == Modification::Kind::AddHeader) return "PREPEND " + m.name + ": " + m.value;
        if (m.kind == Modification::Kind::AddRcpt) return "BCC " + m.name;
    }
    return "DUNNO";
}

Responder::Responder(SnapshotHolder& snapshots, LogSink& log, Metrics& metrics, std::size_t max_instances)
    : snapshots_(snapshots), log_(log), metrics_(metrics), by_instance_(max_instances) {}

std::size_t Responder::instances() const { return by_instance_.size(); }

std::shared_ptr<Responder::Instance> Responder::instance_for(const Request& r) {
    const std::string_view key = get(r, "instance");
    if (key.empty()) return std::make_shared<Instance>(snapshots_.get());  // before MAIL is accepted
    return by_instance_.find_or_make(key, [&] { return std::make_shared<Instance>(snapshots_.get()); });
}

namespace {

// Stage a protocol_state asks about; nullopt for states verdict has no rules for (ETRN).
std::optional<Stage> stage_of(std::string_view state) {
    if (state == "CONNECT") return Stage::Connect;
    if (state == "EHLO" || state == "HELO") return Stage::Helo;
    if (state == "MAIL") return Stage::Mail;
    if (state == "RCPT") return Stage::Rcpt;
    if (state == "DATA") return Stage::Data;
    if (state == "END-OF-MESSAGE") return Stage::Eom;
    return std::nullopt;
}

std::optional<std::int64_t> number(std::string_view v) {
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || ec != std::errc{} || p != v.data() + v.size()) return std::nullopt;
    return n;
}

}  // namespace

std::string Responder::respond(Instance& in, const Request& r) {
    const auto target = stage_of(get(r, "protocol_state"));
    if (!target) return "DUNNO";
    SmtpSession& s = in.session;
    Connection& c = s.connection();
    map_macros(s.rules(), r, c.macros);
    if (!get(r, "encryption_protocol").empty()) c.tls = true;
    c.auth_user.set(get(r, "sasl_username"));
    if (in.refusal) return to_action(*in.refusal);  // the message (or connection) is refused already

    Decision out;
    std::vector<Modification> mods;
    // Runs one stage; false when it refused (that answer then stands for this request).
    auto step = [&](Decision d) {
        mods.insert(mods.end(), d.modifications.begin(), d.modifications.end());
        metrics_.record("policy", d, s.last_evaluation());
        if (d.action != Action::Continue || !d.monitor_hits.empty() || !d.modifications.empty())
            log_.decision(decision_fields("policy", d, c, s.message(), get(r, "recipient"), s.last_evaluation()));
        const bool stop = sends_reply(d.action) || s.connection_closed();
        out = std::move(d);
        if (stop) in.refusal = out;
        return !stop;
    };
    const bool ok = [&] {
        if (!in.connected) {
            in.connected = true;
            std::string_view name = get(r, "client_name");
            if (!step(s.connect(get(r, "client_address"), name.empty() ? "unknown" : name))) return false;
            if (*target == Stage::Connect) return true;
        }
        if (*target == Stage::Helo || (!in.greeted && !get(r, "helo_name").empty())) {
            in.greeted = true;
            if (!step(s.helo(get(r, "helo_name")))) return false;
            if (*target == Stage::Helo) return true;
        }
        if (*target == Stage::Mail || !in.mailed) {
            in.mailed = true;
            s.reset();
            Message& m = s.message();
            m.declared_size = number(get(r, "size"));
            m.queue_id = std::string(get(r, "queue_id"));
            map_macros(s.rules(), r, m.macros);
            if (!step(s.mail(get(r, "sender")))) return false;
            if (*target == Stage::Mail) return true;
        }
        Message& m = s.message();
        if (m.queue_id.empty()) m.queue_id = std::string(get(r, "queue_id"));
        switch (*target) {
            case Stage::Rcpt: return step(s.rcpt(get(r, "recipient")));
            case Stage::Data: return step(s.data());
            case Stage::Eom:
                m.size = static_cast<std::uint64_t>(number(get(r, "size")).value_or(0));
                return step(s.end_of_message());
            default: return true;
        }
    }();
    // Postfix accepts PREPEND and BCC only before end of data: changes queued by eom rules
    // cannot be applied here (verdict check --policy warns about such rules).
    if (ok && *target != Stage::Eom) out.modifications = std::move(mods);
    if (*target == Stage::Eom) out.modifications.clear();
    // A refused recipient refuses only itself.
    if (out.stage == Stage::Rcpt && !s.connection_closed()) in.refusal.reset();
    return to_action(out);
}

std::string Responder::answer(const Request& r) {
    try {
        auto in = instance_for(r);
        std::string out;
        {
            std::lock_guard lock(in->mu);
            out = "action=" + respond(*in, r) + "\n\n";
        }
        if (get(r, "protocol_state") == "END-OF-MESSAGE" && !get(r, "instance").empty())
            by_instance_.erase(get(r, "instance"));  // the message is done: forget its state
        return out;
    } catch (const std::exception& e) {
        log_.error(std::string("policy: internal error: ") + make_printable(e.what()));
        Reply f = failure_reply(snapshots_.get()->settings.on_error);
        if (f.empty()) return "action=DUNNO\n\n";
        return "action=" + std::to_string(f.code) + ' ' + f.enhanced + ' ' + f.lines.front() + "\n\n";
    }
}

}  // namespace verdict::policy
