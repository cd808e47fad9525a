// What the engine knows about one SMTP connection and the message in progress. Front
// ends fill these through SmtpSession (smtp_session.hpp); values are stored once in the
// normalised forms matchers compare, so evaluation itself does not allocate for them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/ip_address.hpp"

namespace verdict {

struct Rule;

// A text value and its lower-cased form.
struct TextValue {
    std::string raw;
    std::string folded;
    void set(std::string_view v);
    TextValue& operator=(std::string_view v) {
        set(v);
        return *this;
    }
};

// A mail address in every form a matcher may ask for. "" is the null sender.
struct AddressValue {
    std::string raw;                 // without angle brackets
    std::string norm, folded;        // domain lower-cased / everything lower-cased
    std::string base_norm, base_folded;  // the same without "+detail"
    std::string local, local_folded, base_local, base_local_folded;
    std::string domain;              // lower-cased
    bool detail = false;             // has a "+detail" sub-address
    void set(std::string_view v);
};

// A message change queued by a rule, applied at end of message.
struct Modification {
    enum class Kind : std::uint8_t { AddHeader, RemoveHeader, AddRcpt, RemoveRcpt };
    Kind kind;
    std::string name;   // header name, or the address for rcpt changes
    std::string value;  // header value (placeholders expanded)
    const Rule* rule = nullptr;
};

struct HeaderField {
    std::string name;    // as received
    std::string lname;   // lower-cased
    std::string value;   // unfolded: CRLF before whitespace removed, leading space trimmed
    std::string folded;  // value lower-cased
};

// Macro values by name (without braces), lower-cased once when they arrive.
using MacroMap = std::map<std::string, TextValue, std::less<>>;

struct Connection {
    TextValue client_ip;
    std::optional<IpAddress> ip;
    TextValue client_name{"unknown", "unknown"};
    TextValue helo;
    bool tls = false;
    TextValue auth_user;
    MacroMap macros;
    std::vector<Modification> modifications;  // queued at connect/helo, for every message
};

struct Message {
    AddressValue sender;
    bool has_sender = false;
    std::optional<std::int64_t> declared_size;
    AddressValue rcpt;                  // the current recipient (rcpt stage)
    std::vector<AddressValue> rcpts;    // accepted recipients
    std::vector<HeaderField> headers;
    std::string body;                   // the first body_scan_limit bytes
    std::uint64_t size = 0;             // header and body bytes seen
    std::string queue_id;
    MacroMap macros;
    std::vector<Modification> modifications;
};

// Unfolds a header value as it arrives from the MTA.
std::string unfold_header(std::string_view v);

}  // namespace verdict
