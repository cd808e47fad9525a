// Field table, number comparisons and other small pieces of the rule-set model.
#include "rules/ruleset.hpp"

#include <array>

namespace verdict {

namespace {

constexpr std::array<FieldInfo, static_cast<std::size_t>(Field::Count_)> kFields = {{
    {Field::ClientIp, "client_ip", Stage::Connect, FieldKind::Ip, false},
    {Field::ClientName, "client_name", Stage::Connect, FieldKind::Hostname, false},
    {Field::Helo, "helo", Stage::Helo, FieldKind::Hostname, false},
    {Field::Sender, "sender", Stage::Mail, FieldKind::Address, false},
    {Field::SenderDomain, "sender_domain", Stage::Mail, FieldKind::Hostname, false},
    {Field::SenderLocal, "sender_local", Stage::Mail, FieldKind::Local, false},
    {Field::AuthUser, "auth_user", Stage::Mail, FieldKind::Text, false},
    {Field::Tls, "tls", Stage::Mail, FieldKind::Bool, false},
    {Field::DeclaredSize, "declared_size", Stage::Mail, FieldKind::Number, false},
    {Field::Rcpt, "rcpt", Stage::Rcpt, FieldKind::Address, true},
    {Field::RcptDomain, "rcpt_domain", Stage::Rcpt, FieldKind::Hostname, true},
    {Field::RcptLocal, "rcpt_local", Stage::Rcpt, FieldKind::Local, true},
    {Field::RcptCount, "rcpt_count", Stage::Rcpt, FieldKind::Number, false},
    {Field::Header, "header", Stage::Header, FieldKind::Header, false},
    {Field::Body, "body", Stage::Eom, FieldKind::Body, false},
    {Field::Size, "size", Stage::Eom, FieldKind::Number, false},
    {Field::Macro, "macro", Stage::Connect, FieldKind::Macro, false},
}};

}  // namespace

const FieldInfo& field_info(Field f) { return kFields[static_cast<std::size_t>(f)]; }

std::optional<Field> parse_field(std::string_view name) {
    for (const auto& f : kFields)
        if (f.name == name) return f.field;
    return std::nullopt;
}

std::string field_names() {
    std::string out;
    for (const auto& f : kFields) {
        if (!out.empty()) out += ", ";
        out += f.name;
    }
    return out;
}

bool NumberMatcher::matches(std::int64_t v) const {
    return (!gt || v > *gt) && (!ge || v >= *ge) && (!lt || v < *lt) && (!le || v <= *le) && (!eq || v == *eq);
}

std::string NumberMatcher::str() const {
    std::string out;
    auto add = [&](const char* op, const std::optional<std::int64_t>& x) {
        if (!x) return;
        if (!out.empty()) out += " and ";
        out += op + std::to_string(*x);
    };
    add("> ", gt);
    add(">= ", ge);
    add("< ", lt);
    add("<= ", le);
    add("== ", eq);
    return out;
}

Reply failure_reply(OnError e) {
    switch (e) {
        case OnError::Tempfail: return Reply{451, "4.3.0", {"Temporary local problem, try again later"}};
        case OnError::Reject: return Reply{550, "5.3.0", {"Message refused: local policy error"}};
        case OnError::Accept: return Reply{};
    }
    return Reply{};
}

std::size_t Ruleset::list_entries() const {
    std::size_t n = 0;
    for (const auto& [name, l] : lists) n += l->count;
    return n;
}

}  // namespace verdict
