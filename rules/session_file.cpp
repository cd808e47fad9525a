// Parser for offline session files (see session_file.hpp and docs/rules.md).
#include "rules/session_file.hpp"

#include <toml++/toml.h>

#include <fstream>
#include <sstream>

#include "rules/printable.hpp"
#include "rules/toml_guard.hpp"

namespace verdict {

namespace {

class Parser {
public:
    Parser(std::string path, Diagnostics& d) : path_(std::move(path)), d_(d) {}

    SourcePos pos(const toml::node& n) const { return {path_, n.source().begin.line, n.source().begin.column}; }

    void unknown_keys(const toml::table& t, std::initializer_list<std::string_view> allowed) {
        for (auto&& [k, v] : t) {
            bool ok = false;
            for (auto a : allowed) ok = ok || a == k.str();
            if (!ok) d_.error(pos(v), "unknown key '" + make_printable(k.str(), 64) + "' in session", "see docs/rules.md, \"Offline sessions\"");
        }
    }

    bool str(const toml::table& t, const char* key, std::string& out) {
        auto n = t.get(key);
        if (!n) return false;
        if (auto s = n->as_string()) {
            out = s->get();
            return true;
        }
        d_.error(pos(*n), std::string("'") + key + "' must be a string", "write it in double quotes");
        return false;
    }

    void strings(const toml::table& t, const char* key, std::vector<std::string>& out) {
        auto n = t.get(key);
        if (!n) return;
        auto arr = n->as_array();
        if (!arr) {
            d_.error(pos(*n), std::string("'") + key + "' must be an array of strings", "e.g. [\"a\", \"b\"]");
            return;
        }
        for (auto&& e : *arr) {
            if (auto s = e.as_string())
                out.push_back(s->get());
            else
                d_.error(pos(e), std::string("'") + key + "' entries must be strings", "write them in double quotes");
        }
    }

    void macros(const toml::table& t, MacroMap& out) {
        auto n = t.get("macros");
        if (!n) return;
        auto mt = n->as_table();
        if (!mt) {
            d_.error(pos(*n), "'macros' must be a table", "macros = { \"{daemon_name}\" = \"smtpd\" }");
            return;
        }
        for (auto&& [k, v] : *mt) {
            std::string name(k.str());
            if (name.size() >= 2 && name.front() == '{' && name.back() == '}') name = name.substr(1, name.size() - 2);
            if (auto s = v.as_string())
                out[name] = s->get();
            else
                d_.error(pos(v), "macro values must be strings", "write them in double quotes");
        }
    }

    SessionMessage message(const toml::table& t) {
        SessionMessage m;
        std::string s;
        if (str(t, "sender", s)) m.sender = s;
        str(t, "queue_id", m.queue_id);
        if (auto n = t.get("declared_size")) {
            if (auto i = n->as_integer())
                m.declared_size = i->get();
            else
                d_.error(pos(*n), "'declared_size' must be an integer", "e.g. declared_size = 10240");
        }
        strings(t, "recipients", m.recipients);
        std::vector<std::string> hs;
        strings(t, "headers", hs);
        for (const auto& h : hs) {
            auto colon = h.find(':');
            if (colon == std::string::npos || colon == 0) {
                d_.error(pos(*t.get("headers")), "header '" + make_printable(h, 64) + "' has no name", "write \"Name: value\"");
                continue;
            }
            // Like libmilter, drop the one space after the colon: it is part of the separator.
            std::string value = h.substr(colon + 1);
            if (!value.empty() && value[0] == ' ') value.erase(0, 1);
            m.headers.emplace_back(h.substr(0, colon), std::move(value));
        }
        str(t, "body", m.body);
        macros(t, m.macros);
        return m;
    }

    std::optional<SessionFile> parse(std::string_view text) {
        if (auto bad = find_bare_non_ascii(text)) {
            d_.error({path_, bad->line, bad->column}, "TOML syntax: a non-ASCII character outside a string or comment",
                     "keys and bare values are ASCII; put text in double quotes");
            return std::nullopt;
        }
        toml::table doc;
        try {
            doc = toml::parse(text, path_);
        } catch (const toml::parse_error& e) {
            d_.error({path_, e.source().begin.line, e.source().begin.column},
                     "TOML syntax: " + make_printable(e.description(), 300), "fix the TOML syntax at this position");
            return std::nullopt;
        }
        unknown_keys(doc, {"description", "client_ip", "client_name", "helo", "tls", "auth_user", "expect", "message",
                           "sender", "declared_size", "queue_id", "recipients", "headers", "body", "macros"});
        SessionFile f;
        f.path = path_;
        str(doc, "client_ip", f.client_ip);
        str(doc, "client_name", f.client_name);
        std::string helo;
        if (str(doc, "helo", helo)) f.helo = helo;
        str(doc, "auth_user", f.auth_user);
        if (auto n = doc.get("tls")) {
            if (auto b = n->as_boolean())
                f.tls = b->get();
            else
                d_.error(pos(*n), "'tls' must be true or false", "write true or false without quotes");
        }
        strings(doc, "expect", f.expect);
        // Connection macros at the top level; the top-level envelope is the first message.
        macros(doc, f.macros);
        SessionMessage first = message(doc);
        first.macros.clear();
        if (first.sender || !first.recipients.empty()) f.messages.push_back(std::move(first));
        if (auto n = doc.get("message")) {
            auto arr = n->as_array();
            if (!arr || !arr->is_array_of_tables()) {
                d_.error(pos(*n), "'message' must be an array of tables", "write each message under [[message]]");
            } else {
                for (auto&& m : *arr) {
                    unknown_keys(*m.as_table(), {"sender", "declared_size", "queue_id", "recipients", "headers",
                                                 "body", "macros"});
                    f.messages.push_back(message(*m.as_table()));
                }
            }
        }
        if (d_.has_errors()) return std::nullopt;
        return f;
    }

private:
    std::string path_;
    Diagnostics& d_;
};

}  // namespace

SessionParse load_session_from_string(std::string_view text, const std::string& path) {
    SessionParse r;
    Parser p(path, r.diagnostics);
    r.session = p.parse(text);
    return r;
}

SessionParse load_session(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        SessionParse r;
        r.diagnostics.error({path, 0, 0}, "cannot read session file", "check the path");
        return r;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return load_session_from_string(ss.str(), path);
}

}  // namespace verdict
