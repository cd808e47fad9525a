// The libmilter callbacks. Each is short: it builds the engine's view from what the MTA
// delivered, calls SmtpSession, and translates the Decision back. Every exception is
// caught here, at the C boundary, and answered with settings.on_error (default 451 4.3.0).
#include "milter/callbacks.hpp"

#include <arpa/inet.h>
#include <libmilter/mfapi.h>
#include <netinet/in.h>

#include <strings.h>

#include <cstring>

#include "milter/milter_connection.hpp"
#include "milter/milter_service.hpp"
#include "milter/negotiation.hpp"
#include "milter/reply_wire.hpp"
#include "rules/address.hpp"
#include "rules/printable.hpp"

namespace verdict::milter {

namespace {

MilterConnection* get(SMFICTX* ctx) { return static_cast<MilterConnection*>(smfi_getpriv(ctx)); }

// The context for this connection; created here when negotiate/connect never came.
MilterConnection& ensure(SMFICTX* ctx) {
    if (auto* c = get(ctx)) return *c;
    Service* s = current_service();
    auto* c = new MilterConnection(s->snapshots.get());
    smfi_setpriv(ctx, c);
    s->metrics.connection_opened("milter");
    return *c;
}

sfsistat failure(SMFICTX* ctx, const char* where, const char* what) noexcept {
    try {
        Service* s = current_service();
        ++s->internal_errors;
        MilterConnection* c = get(ctx);
        OnError e = c ? c->session.rules().settings.on_error : s->snapshots.get()->settings.on_error;
        s->log.error(std::string("internal error in ") + where + ": " + make_printable(what) +
                     "; answering per settings.on_error");
        if (e == OnError::Accept) return SMFIS_ACCEPT;  // configured explicitly, and logged
        set_reply(ctx, failure_reply(e));
        return e == OnError::Reject ? SMFIS_REJECT : SMFIS_TEMPFAIL;
    } catch (...) {
        return SMFIS_TEMPFAIL;
    }
}

template <typename F>
sfsistat guarded(SMFICTX* ctx, const char* where, F&& f) noexcept {
    try {
        return f();
    } catch (const std::exception& e) {
        return failure(ctx, where, e.what());
    } catch (...) {
        return failure(ctx, where, "unknown exception");
    }
}

std::string symval(SMFICTX* ctx, const char* name) {
    const char* v = smfi_getsymval(ctx, const_cast<char*>(name));
    return v ? std::string(v) : std::string();
}

// Copies the macros rules test into `into` (connection or message macros).
void capture_macros(SMFICTX* ctx, const Ruleset& rs, MacroMap& into) {
    for (const auto& m : rs.macros) {
        std::string wire = m.size() == 1 ? m : "{" + m + "}";
        if (const char* v = smfi_getsymval(ctx, wire.data())) into[m] = v;
    }
}

void log_decision(MilterConnection& c, const Decision& d, bool always = false) {
    Service* s = current_service();
    s->metrics.record("milter", d, c.session.last_evaluation());
    if (!always && d.action == Action::Continue && d.monitor_hits.empty() && d.modifications.empty()) return;
    s->log.decision(decision_fields("milter", d, c.session.connection(), c.session.message(), c.rcpt,
                                    c.session.last_evaluation()));
}

// Decision -> libmilter status for the stages before end of message. Discard and
// quarantine take effect at end of message (SmtpSession remembers them).
sfsistat answer(SMFICTX* ctx, MilterConnection& c, const Decision& d) {
    log_decision(c, d);
    switch (d.action) {
        case Action::Reject:
        case Action::Defer:
            set_reply(ctx, d.reply);
            if (is_connection_stage(d.stage) || c.session.connection_closed()) c.closed = true;
            return d.action == Action::Reject ? SMFIS_REJECT : SMFIS_TEMPFAIL;
        case Action::Accept:
            // Whitelisted connection: stop filtering unless modifications wait for EOM.
            if (is_connection_stage(d.stage) && c.session.connection().modifications.empty()) return SMFIS_ACCEPT;
            return SMFIS_CONTINUE;
        default: return SMFIS_CONTINUE;
    }
}

std::string sockaddr_text(const sockaddr* sa) {
    char buf[INET6_ADDRSTRLEN] = "";
    if (!sa) return {};
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
    return buf;
}

int count_headers(const Message& m, const std::string& name) {
    std::string l = to_lower(name);
    int n = 0;
    for (const auto& h : m.headers) n += h.lname == l;
    return n;
}

void apply(SMFICTX* ctx, const Message& m, const Modification& mod) {
    std::string a = mod.name, b = mod.value;
    switch (mod.kind) {
        case Modification::Kind::AddHeader: smfi_addheader(ctx, a.data(), b.data()); break;
        case Modification::Kind::RemoveHeader:
            for (int i = count_headers(m, a); i >= 1; --i) smfi_chgheader(ctx, a.data(), i, nullptr);
            break;
        case Modification::Kind::AddRcpt: a = "<" + a + ">"; smfi_addrcpt(ctx, a.data()); break;
        case Modification::Kind::RemoveRcpt: a = "<" + a + ">"; smfi_delrcpt(ctx, a.data()); break;
    }
}

}  // namespace

extern "C" {

sfsistat cb_negotiate(SMFICTX* ctx, unsigned long f0, unsigned long f1, unsigned long, unsigned long,
                      unsigned long* pf0, unsigned long* pf1, unsigned long* pf2, unsigned long* pf3) {
    return guarded(ctx, "negotiate", [&] {
        MilterConnection& c = ensure(ctx);  // pins the snapshot the negotiation is for
        Needs n = compute_needs(c.session.rules());
        if ((n.actions & f0) != n.actions)
            current_service()->log.error("the MTA does not offer every milter action the rules need");
        *pf0 = n.actions & f0;
        *pf1 = n.protocol & f1;
        *pf2 = *pf3 = 0;
        c.no_reply_headers = (*pf1 & SMFIP_NR_HDR) != 0;
        c.no_reply_body = (*pf1 & SMFIP_NR_BODY) != 0;
        c.can_skip = (*pf1 & SMFIP_SKIP) != 0;
        if (*pf0 & SMFIF_SETSYMLIST)
            for (int i = SMFIM_FIRST; i <= SMFIM_LAST; ++i)
                if (!n.macros[static_cast<std::size_t>(i)].empty())
                    smfi_setsymlist(ctx, i, n.macros[static_cast<std::size_t>(i)].data());
        return SMFIS_CONTINUE;
    });
}

sfsistat cb_connect(SMFICTX* ctx, char* hostname, _SOCK_ADDR* addr) {
    return guarded(ctx, "connect", [&] {
        MilterConnection& c = ensure(ctx);
        Service* svc = current_service();
        if (svc->metrics.open_connections("milter") > svc->config.max_connections) {
            // Overload is one of verdict's own failures: settings.on_error answers it.
            c.closed = true;
            return failure(ctx, "connect", ("more than " + std::to_string(svc->config.max_connections) +
                                            " milter connections open (--milter-max-connections)")
                                               .c_str());
        }
        std::string name = hostname ? hostname : "";
        if (name.empty() || name.front() == '[') name = "unknown";  // Postfix: "[ip]" when unresolved
        capture_macros(ctx, c.session.rules(), c.session.connection().macros);
        return answer(ctx, c, c.session.connect(sockaddr_text(addr), name));
    });
}

sfsistat cb_helo(SMFICTX* ctx, char* helo) {
    return guarded(ctx, "helo", [&] {
        MilterConnection& c = ensure(ctx);
        capture_macros(ctx, c.session.rules(), c.session.connection().macros);
        return answer(ctx, c, c.session.helo(helo ? helo : ""));
    });
}

sfsistat cb_envfrom(SMFICTX* ctx, char** argv) {
    return guarded(ctx, "mail", [&] {
        MilterConnection& c = ensure(ctx);
        c.session.reset();
        Connection& conn = c.session.connection();
        conn.tls = !symval(ctx, "{tls_version}").empty() || conn.tls;
        conn.auth_user.set(symval(ctx, "{auth_authen}"));
        Message& m = c.session.message();
        m.queue_id = symval(ctx, "i");
        for (int i = 1; argv && argv[0] && argv[i]; ++i)
            if (strncasecmp(argv[i], "SIZE=", 5) == 0) m.declared_size = std::strtoll(argv[i] + 5, nullptr, 10);
        capture_macros(ctx, c.session.rules(), m.macros);
        c.rcpt.clear();
        return answer(ctx, c, c.session.mail(argv && argv[0] ? argv[0] : ""));
    });
}

sfsistat cb_envrcpt(SMFICTX* ctx, char** argv) {
    return guarded(ctx, "rcpt", [&] {
        MilterConnection& c = ensure(ctx);
        Message& m = c.session.message();
        if (m.queue_id.empty()) m.queue_id = symval(ctx, "i");
        capture_macros(ctx, c.session.rules(), m.macros);
        c.rcpt = canonical_address(argv && argv[0] ? argv[0] : "");
        return answer(ctx, c, c.session.rcpt(c.rcpt));
    });
}

sfsistat cb_data(SMFICTX* ctx) {
    return guarded(ctx, "data", [&] {
        MilterConnection& c = ensure(ctx);
        c.rcpt.clear();
        if (std::string q = symval(ctx, "i"); !q.empty()) c.session.message().queue_id = q;  // Postfix: from DATA on
        return answer(ctx, c, c.session.data());
    });
}

sfsistat cb_header(SMFICTX* ctx, char* name, char* value) {
    return guarded(ctx, "header", [&] {
        MilterConnection& c = ensure(ctx);
        c.session.header(name ? name : "", value ? value : "");
        return c.no_reply_headers ? SMFIS_NOREPLY : SMFIS_CONTINUE;
    });
}

sfsistat cb_eoh(SMFICTX* ctx) {
    return guarded(ctx, "eoh", [&] {
        MilterConnection& c = ensure(ctx);
        c.rcpt.clear();  // message-level decisions name no single recipient
        if (std::string q = symval(ctx, "i"); !q.empty()) c.session.message().queue_id = q;
        return answer(ctx, c, c.session.end_of_headers());
    });
}

sfsistat cb_body(SMFICTX* ctx, unsigned char* data, size_t len) {
    return guarded(ctx, "body", [&] {
        MilterConnection& c = ensure(ctx);
        c.session.body(std::string_view(reinterpret_cast<const char*>(data), data ? len : 0));
        const Ruleset& rs = c.session.rules();
        if (c.can_skip && !rs.uses(Field::Size) && c.session.message().body.size() >= rs.settings.body_scan_limit)
            return SMFIS_SKIP;
        return c.no_reply_body ? SMFIS_NOREPLY : SMFIS_CONTINUE;
    });
}

sfsistat cb_eom(SMFICTX* ctx) {
    return guarded(ctx, "eom", [&] {
        MilterConnection& c = ensure(ctx);
        c.rcpt.clear();
        Message& m = c.session.message();
        std::string qid = symval(ctx, "i");
        if (!qid.empty()) m.queue_id = qid;
        Decision d = c.session.end_of_message();
        if (!c.session.limit_note().empty()) current_service()->log.info("limit: " + c.session.limit_note());
        log_decision(c, d, true);
        sfsistat st = SMFIS_CONTINUE;
        if (sends_reply(d.action)) {
            set_reply(ctx, d.reply);
            st = d.action == Action::Reject ? SMFIS_REJECT : SMFIS_TEMPFAIL;
        } else if (d.action == Action::Discard) {
            st = SMFIS_DISCARD;
        } else {
            for (const auto& mod : d.modifications) apply(ctx, m, mod);
            if (d.action == Action::Quarantine) {
                std::string reason = "verdict rule " + d.rule->name;
                smfi_quarantine(ctx, reason.data());
            }
        }
        c.session.reset();
        return st;
    });
}

sfsistat cb_abort(SMFICTX* ctx) {
    return guarded(ctx, "abort", [&] {
        if (MilterConnection* c = get(ctx)) c->session.reset();
        return SMFIS_CONTINUE;
    });
}

sfsistat cb_close(SMFICTX* ctx) {
    return guarded(ctx, "close", [&] {
        if (MilterConnection* c = get(ctx)) {  // close may come without connect: then null
            delete c;
            current_service()->metrics.connection_closed("milter");
        }
        smfi_setpriv(ctx, nullptr);
        return SMFIS_CONTINUE;
    });
}

}  // extern "C"

smfiDesc make_description(unsigned long actions) {
    smfiDesc d{};
    d.xxfi_name = const_cast<char*>("verdict");
    d.xxfi_version = SMFI_VERSION;
    d.xxfi_flags = actions;
    d.xxfi_connect = cb_connect;
    d.xxfi_helo = cb_helo;
    d.xxfi_envfrom = cb_envfrom;
    d.xxfi_envrcpt = cb_envrcpt;
    d.xxfi_header = cb_header;
    d.xxfi_eoh = cb_eoh;
    d.xxfi_body = cb_body;
    d.xxfi_eom = cb_eom;
    d.xxfi_abort = cb_abort;
    d.xxfi_close = cb_close;
    d.xxfi_data = cb_data;
    d.xxfi_negotiate = cb_negotiate;
    return d;
}

}  // namespace verdict::milter
