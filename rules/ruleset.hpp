// The loaded rule set: settings, lists, rules with their match trees, replies and
// modifiers. Built once by the loader and never changed afterwards; front ends share it
// as std::shared_ptr<const Ruleset> and a reload swaps in a new one.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rules/action.hpp"
#include "rules/cidr_set.hpp"
#include "rules/string_set.hpp"
#include "rules/diagnostic.hpp"
#include "rules/ip_address.hpp"
#include "rules/reply.hpp"
#include "rules/rule_index.hpp"
#include "rules/stage.hpp"

namespace re2 {
class RE2;
}

namespace verdict {

// ---- match fields -------------------------------------------------------------------

enum class Field : std::uint8_t {
    ClientIp, ClientName, Helo, Sender, SenderDomain, SenderLocal, AuthUser, Tls, DeclaredSize,
    Rcpt, RcptDomain, RcptLocal, RcptCount, Header, Body, Size, Macro,
    Count_
};

// How a field's values are compared.
enum class FieldKind : std::uint8_t {
    Text,      // exact, unless the rule says ignore_case
    Hostname,  // case-insensitive
    Address,   // domain case-insensitive, local part exact unless ignore_case; +detail
    Local,     // local part: exact unless ignore_case; +detail
    Ip,        // CIDR semantics
    Bool,
    Number,
    Header,    // { name, value }
    Macro,     // { name, value }
    Body,      // RE2 over the body
};

struct FieldInfo {
    Field field;
    std::string_view name;
    Stage first_stage;
    FieldKind kind;
    bool recipient;  // a recipient field (any accepted recipient after rcpt)
};
const FieldInfo& field_info(Field f);
std::optional<Field> parse_field(std::string_view name);
std::string field_names();  // "client_ip, client_name, ..." for hints

// ---- lists ----------------------------------------------------------------------------

struct List {
    std::string name;
    SourcePos pos;
    std::string file;                       // list file, empty for inline lists
    std::size_t count = 0;                  // entries as written, duplicates included
    // Only the forms some rule compares against are built:
    StringSet exact;                        // entries as written
    StringSet folded;                       // lower-cased
    StringSet addresses;                    // as addresses: domain lower-cased
    CidrSet cidrs;                          // parsed networks (client_ip)
    // While loading only (cleared once the sets are built): the entries as written and
    // their line and column, for error messages.
    std::vector<std::string> entries;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> entry_pos;
};

// ---- value forms ------------------------------------------------------------------------

// One of the value forms of the design, already normalised for its field.
struct ValueMatcher {
    enum class Form : std::uint8_t { Literals, Regex, InList, NotInList, Suffix };
    Form form = Form::Literals;
    bool fold = false;                      // subject and operands compared lower-cased
    bool address = false;                   // subject is an address (domain folded)
    std::vector<std::string> literals;      // normalised
    CidrSet cidrs;                          // literals of client_ip
    std::shared_ptr<const re2::RE2> regex;
    std::shared_ptr<const List> list;
    std::string suffix;                     // normalised
    std::string source;                     // how it was written, for traces
};

struct NumberMatcher {
    std::optional<std::int64_t> gt, ge, lt, le, eq;
    bool matches(std::int64_t v) const;
    std::string str() const;
};

struct Condition {
    Field field = Field::ClientIp;
    SourcePos pos;
    ValueMatcher value;       // string fields; header/macro value when has_value
    bool has_value = true;    // header/macro: false tests presence only
    std::string name;         // header name (lower-cased) or macro name (no braces)
    NumberMatcher number;     // number fields
    bool flag = false;        // tls
    std::shared_ptr<const re2::RE2> body;  // body regex
    bool ignore_case = false;
    bool match_subaddress = true;
};

struct MatchNode {
    enum class Kind : std::uint8_t { All, Any, Not };
    Kind kind = Kind::All;
    std::vector<Condition> conditions;  // All only
    std::vector<MatchNode> children;    // All: AND-ed in; Any: OR-ed; Not: exactly one
};

// ---- rules ------------------------------------------------------------------------------

struct HeaderEdit {
    std::string name;
    std::string value;  // may hold placeholders
};

struct Modifiers {
    std::vector<HeaderEdit> add_headers;
    std::vector<std::string> remove_headers;
    std::vector<std::string> add_rcpts;
    bool remove_rcpt = false;
    bool empty() const {
        return add_headers.empty() && remove_headers.empty() && add_rcpts.empty() && !remove_rcpt;
    }
};

struct Rule {
    std::string name;
    SourcePos pos;
    std::size_t index = 0;  // position in the file
    Stage stage = Stage::Connect;
    MatchNode match;
    Action action = Action::Continue;
    Mode mode = Mode::Enforce;
    Reply reply;  // template text; filled with the stage default for reject/defer
    bool reply_defaulted = false;
    bool content = false;  // needs headers or body (header stage, header or body fields)
    Modifiers modifiers;
};

// ---- settings ---------------------------------------------------------------------------

enum class OnError : std::uint8_t { Tempfail, Accept, Reject };

struct Settings {
    OnError on_error = OnError::Tempfail;
    std::uint64_t body_scan_limit = 1048576;
    bool defer_connect_decisions = false;
    // Hostile-input limits (see docs/rules.md): headers beyond max_headers, and header
    // bytes beyond max_header_bytes, are counted in size but not examined; a recipient
    // beyond max_recipients is deferred with 452 4.5.3.
    std::uint64_t max_headers = 1000;
    std::uint64_t max_header_bytes = 65536;
    std::uint64_t max_recipients = 1000;
};

// The reply verdict gives when it fails itself (settings.on_error); empty for accept.
Reply failure_reply(OnError e);

// ---- the snapshot -----------------------------------------------------------------------

struct Ruleset {
    std::string path;
    std::string checksum;  // of the rule file and its list files
    Settings settings;
    std::map<std::string, std::shared_ptr<const List>> lists;
    std::vector<Rule> rules;
    std::array<std::vector<std::size_t>, kStageCount> by_stage;  // indexes into rules
    std::array<StageIndex, kStageCount> prefilter;                // per stage
    std::set<std::string> macros;                                 // macro names rules read
    std::uint32_t fields = 0;                                     // bit per Field used

    bool uses(Field f) const { return fields & (std::uint32_t{1} << static_cast<unsigned>(f)); }
    bool has_rules(Stage s) const { return !by_stage[index(s)].empty(); }
    std::size_t list_entries() const;
};

}  // namespace verdict
