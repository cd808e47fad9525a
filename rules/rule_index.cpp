// Building and querying the per-stage rule pre-filter (see rule_index.hpp).
#include "rules/rule_index.hpp"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>

#include "rules/ruleset.hpp"

namespace verdict {

namespace {

// 0: not indexable; else the preference (1 literal, 2 suffix, 3 regex).
int indexable(const Condition& k) {
    if (field_info(k.field).kind == FieldKind::Ip)
        return k.value.form == ValueMatcher::Form::Literals && !k.value.cidrs.empty() ? 1 : 0;
    switch (field_info(k.field).kind) {
        case FieldKind::Text:
        case FieldKind::Hostname:
        case FieldKind::Address:
        case FieldKind::Local: break;
        case FieldKind::Header:
            if (!k.has_value) return 0;  // presence only: nothing to look up
            break;
        case FieldKind::Body: return k.body ? 3 : 0;
        default: return 0;
    }
    switch (k.value.form) {
        case ValueMatcher::Form::Literals: return k.value.literals.empty() ? 0 : 1;
        case ValueMatcher::Form::Suffix: return 2;
        case ValueMatcher::Form::Regex: return 3;
        default: return 0;
    }
}

// The subject strings a condition on (field, fold, header name) may compare, as the engine
// forms them; a superset is fine (the full match runs afterwards).
template <typename F>
void subjects(Field field, bool fold, const std::string& name, Stage stage, const Connection& c, const Message& m,
              F&& emit) {
    auto address = [&](const AddressValue& a, int part) {
        if (part == 0) {
            emit(fold ? a.folded : a.norm);
            if (a.detail) emit(fold ? a.base_folded : a.base_norm);
        } else if (part == 1) {
            emit(fold ? a.local_folded : a.local);
            if (a.detail) emit(fold ? a.base_local_folded : a.base_local);
        } else {
            emit(a.domain);
        }
    };
    auto recipients = [&](int part) {
        if (stage == Stage::Rcpt) return address(m.rcpt, part);
        for (const auto& r : m.rcpts) address(r, part);
    };
    switch (field) {
        case Field::ClientName: emit(fold ? c.client_name.folded : c.client_name.raw); break;
        case Field::Helo: emit(fold ? c.helo.folded : c.helo.raw); break;
        case Field::AuthUser: emit(fold ? c.auth_user.folded : c.auth_user.raw); break;
        case Field::Sender: address(m.sender, 0); break;
        case Field::SenderLocal: address(m.sender, 1); break;
        case Field::SenderDomain: address(m.sender, 2); break;
        case Field::Rcpt: recipients(0); break;
        case Field::RcptLocal: recipients(1); break;
        case Field::RcptDomain: recipients(2); break;
        case Field::Header:
            for (const auto& h : m.headers)
                if (h.lname == name) emit(fold ? h.folded : h.value);
            break;
        case Field::Body: emit(m.body); break;
        default: break;
    }
}

// The keys a condition is filed under: rules sharing a key become candidates together.
template <typename F>
void keys_of(const Condition& k, int form, F&& emit) {
    const std::string head = std::to_string(static_cast<int>(k.field)) + (k.value.fold ? "f" : "c") +
                             static_cast<char>('0' + form) + (k.field == Field::Header ? k.name + ":" : "");
    if (k.field == Field::ClientIp) {
        for (const Cidr& net : k.value.cidrs.networks()) {
            const NetKey key = masked_key(net.net, net.prefix);
            emit(head + (net.net.v4 ? "4/" : "6/") + std::to_string(net.prefix) + "/" + std::to_string(key.hi) + "/" +
                 std::to_string(key.lo));
        }
    } else if (form == 1) {
        for (const auto& lit : k.value.literals) emit(head + lit);
    } else if (form == 2) {
        emit(head + k.value.suffix);
    }  // a regex pattern is its own key: shared by no other rule
}

// Which top-level condition of each rule to file it under: the one whose keys the fewest
// other rules share (a rule set where 2,000 rules test `rcpt_domain = "our.example"` and
// each a different sender_domain files them under their sender domains), then the cheaper
// form. nullptr: nothing indexable.
std::vector<const Condition*> pick_conditions(const Ruleset& rs, const std::vector<std::size_t>& rules) {
    std::unordered_map<std::string, std::size_t> shared;
    for (std::size_t idx : rules)
        for (const auto& k : rs.rules[idx].match.conditions)
            if (int form = indexable(k)) keys_of(k, form, [&](std::string key) { ++shared[std::move(key)]; });
    std::vector<const Condition*> picks;
    for (std::size_t idx : rules) {
        const Condition* pick = nullptr;
        std::pair<std::size_t, int> best{};
        for (const auto& k : rs.rules[idx].match.conditions) {
            const int form = indexable(k);
            if (!form) continue;
            std::size_t worst = 1;
            keys_of(k, form, [&](const std::string& key) { worst = std::max(worst, shared[key]); });
            if (!pick || std::pair(worst, form) < best) best = {worst, form}, pick = &k;
        }
        picks.push_back(pick);
    }
    return picks;
}

const std::string kNoName;

}  // namespace

struct StageIndex::RegexSet {
    explicit RegexSet(bool fold) : set(options(fold), re2::RE2::UNANCHORED) {}
    static re2::RE2::Options options(bool fold) {
        re2::RE2::Options o;
        o.set_log_errors(false);
        o.set_case_sensitive(!fold);
        o.set_max_mem(64 << 20);
        return o;
    }
    // Adds the rules whose pattern matches s. A first pass without the list of patterns
    // stops at the first match and allocates nothing, so the usual miss is cheap. If RE2
    // gives up (its DFA out of memory on a hostile subject), every rule of the set stays a
    // candidate: the full match decides, as without the index.
    void hits(std::string_view s, std::vector<int>& matched, std::vector<std::uint32_t>& out) const {
        re2::RE2::Set::ErrorInfo err{};
        if (!set.Match(s, nullptr, &err) && err.kind == re2::RE2::Set::kNoError) return;
        if (err.kind == re2::RE2::Set::kNoError && set.Match(s, &matched, &err)) {
            for (int p : matched) out.push_back(rule_of[static_cast<std::size_t>(p)]);
            return;
        }
        if (err.kind != re2::RE2::Set::kNoError) out.insert(out.end(), rule_of.begin(), rule_of.end());
    }
    re2::RE2::Set set;
    std::vector<std::uint32_t> rule_of;  // pattern number -> rule index
    bool compiled = false;
};

void StageIndex::build(const Ruleset& rs, const std::vector<std::size_t>& rules) {
    const auto picks = pick_conditions(rs, rules);
    for (std::size_t n = 0; n < rules.size(); ++n) {
        const std::size_t idx = rules[n];
        const Condition* pick = picks[n];
        if (!pick) {
            always_.push_back(static_cast<std::uint32_t>(idx));
            continue;
        }
        const int best = indexable(*pick);
        if (pick->field == Field::ClientIp) {
            for (const Cidr& net : pick->value.cidrs.networks()) {
                auto lvl = std::find_if(ip_levels_.begin(), ip_levels_.end(), [&](const IpLevel& l) {
                    return l.v4 == net.net.v4 && l.prefix == net.prefix;
                });
                if (lvl == ip_levels_.end()) {
                    ip_levels_.push_back(IpLevel{net.net.v4, net.prefix, {}});
                    lvl = std::prev(ip_levels_.end());
                }
                auto& v = lvl->by_net[masked_key(net.net, net.prefix)];
                if (v.empty() || v.back() != idx) v.push_back(static_cast<std::uint32_t>(idx));
            }
            ++indexed_;
            continue;
        }
        const std::string& name = pick->field == Field::Header ? pick->name : kNoName;
        auto it = std::find_if(fields_.begin(), fields_.end(), [&](const FieldIndex& f) {
            return f.field == pick->field && f.fold == pick->value.fold && f.name == name;
        });
        if (it == fields_.end()) {
            fields_.push_back(FieldIndex{pick->field, pick->value.fold, name, {}, {}, {}, nullptr});
            it = std::prev(fields_.end());
        }
        const auto id = static_cast<std::uint32_t>(idx);
        auto file = [&](Map& m, const std::string& key) {
            auto& v = m[key];
            if (v.empty() || v.back() != id) v.push_back(id);
        };
        if (best == 1) {
            for (const auto& lit : pick->value.literals) file(it->by_value, lit);
        } else if (best == 2) {
            file(it->by_suffix, pick->value.suffix);
            auto& lens = it->suffix_lengths;
            if (std::find(lens.begin(), lens.end(), pick->value.suffix.size()) == lens.end())
                lens.push_back(pick->value.suffix.size());
        } else {
            if (!it->regexes) it->regexes = std::make_shared<RegexSet>(pick->value.fold);
            const re2::RE2& re = pick->field == Field::Body ? *pick->body : *pick->value.regex;
            if (it->regexes->set.Add(re.pattern(), nullptr) < 0) {
                always_.push_back(id);  // a pattern the set refuses is simply not pre-filtered
                continue;
            }
            it->regexes->rule_of.push_back(id);
        }
        ++indexed_;
    }
    for (auto& f : fields_) {
        if (!f.regexes) continue;
        f.regexes->compiled = f.regexes->set.Compile();
        if (!f.regexes->compiled) {  // out of memory for the combined automaton: no pre-filter
            always_.insert(always_.end(), f.regexes->rule_of.begin(), f.regexes->rule_of.end());
            indexed_ -= f.regexes->rule_of.size();
            f.regexes.reset();
        }
    }
    std::sort(always_.begin(), always_.end());
}

void StageIndex::candidates(Stage stage, const Connection& c, const Message& m, std::vector<std::uint32_t>& out) const {
    out.assign(always_.begin(), always_.end());
    const std::size_t plain = out.size();
    if (c.ip)
        for (const auto& l : ip_levels_) {
            if (l.v4 != c.ip->v4) continue;
            auto hit = l.by_net.find(masked_key(*c.ip, l.prefix));
            if (hit != l.by_net.end()) out.insert(out.end(), hit->second.begin(), hit->second.end());
        }
    std::vector<int> matched;
    for (const auto& f : fields_)
        subjects(f.field, f.fold, f.name, stage, c, m, [&](const std::string& s) {
            auto add = [&](const Map& map, std::string_view key) {
                auto hit = map.find(key);
                if (hit != map.end()) out.insert(out.end(), hit->second.begin(), hit->second.end());
            };
            add(f.by_value, s);
            for (std::size_t len : f.suffix_lengths)
                if (len <= s.size()) add(f.by_suffix, std::string_view(s).substr(s.size() - len));
            if (f.regexes) f.regexes->hits(s, matched, out);
        });
    if (out.size() == plain) return;  // only the always list: already in order
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace verdict
