// The evaluator: one stage of one connection/message against an immutable rule set,
// giving a Decision value. Pure: no I/O, no globals, no state changes, safe to call from
// many threads on the same Ruleset. SmtpSession (smtp_session.hpp) applies decisions
// to the connection and message state; front ends only translate.
#pragma once

#include <string>
#include <vector>

#include "rules/context.hpp"
#include "rules/ruleset.hpp"

namespace verdict {

struct TraceEntry {
    const Rule* rule = nullptr;
    bool matched = false;
    std::string why;  // the condition that failed, or what matched
};

struct Decision {
    Stage stage = Stage::Connect;
    Action action = Action::Continue;
    const Rule* rule = nullptr;              // the rule that decided (terminal action)
    Reply reply;                             // expanded; empty unless reject/defer
    std::vector<Modification> modifications; // queued by matching enforce-mode rules
    std::vector<const Rule*> monitor_hits;   // monitor-mode rules that would have matched
    std::vector<TraceEntry> trace;           // every rule considered (when asked for)
    std::string note;                        // why nothing was evaluated, if so
};

struct EvalOptions {
    bool trace = false;
    bool skip_content = false;  // front ends without headers/body (policy) skip such rules
    bool no_index = false;      // visit every rule of the stage (the reference for tests)
};

Decision evaluate(const Ruleset& rs, Stage stage, const Connection& c, const Message& m, const EvalOptions& o = {});

// Does one match tree hold? `why` (optional) gets a short reason when it does not.
bool match_tree(const MatchNode& n, Stage stage, const Connection& c, const Message& m, std::string* why);

// Expands a rule's reply or header value for this connection and message.
std::string expand_for(std::string_view text, const Rule& r, const Connection& c, const Message& m, std::size_t cap);

}  // namespace verdict
