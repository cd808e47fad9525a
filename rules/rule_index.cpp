// Building and querying the per-stage rule pre-filter (see rule_index.hpp).
#include "rules/rule_index.hpp"

#include <algorithm>

#include "rules/ruleset.hpp"

namespace verdict {

namespace {

bool indexable(const Condition& k) {
    if (k.value.form != ValueMatcher::Form::Literals || k.value.literals.empty()) return false;
    switch (field_info(k.field).kind) {
        case FieldKind::Text:
        case FieldKind::Hostname:
        case FieldKind::Address:
        case FieldKind::Local: return true;
        default: return false;
    }
}

// The subject strings a condition on (field, fold) may compare, as the engine forms them;
// a superset is fine (the full match runs afterwards).
template <typename F>
void subjects(Field field, bool fold, Stage stage, const Connection& c, const Message& m, F&& emit) {
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
        case Field::ClientIp: emit(fold ? c.client_ip.folded : c.client_ip.raw); break;
        case Field::Sender: address(m.sender, 0); break;
        case Field::SenderLocal: address(m.sender, 1); break;
        case Field::SenderDomain: address(m.sender, 2); break;
        case Field::Rcpt: recipients(0); break;
        case Field::RcptLocal: recipients(1); break;
        case Field::RcptDomain: recipients(2); break;
        default: break;
    }
}

}  // namespace

void StageIndex::build(const Ruleset& rs, const std::vector<std::size_t>& rules) {
    for (std::size_t idx : rules) {
        const Rule& r = rs.rules[idx];
        const Condition* pick = nullptr;
        for (const auto& k : r.match.conditions)
            if (indexable(k)) {
                pick = &k;
                break;
            }
        if (!pick) {
            always_.push_back(static_cast<std::uint32_t>(idx));
            continue;
        }
        ++indexed_;
        auto it = std::find_if(fields_.begin(), fields_.end(),
                               [&](const FieldIndex& f) { return f.field == pick->field && f.fold == pick->value.fold; });
        if (it == fields_.end()) {
            fields_.push_back(FieldIndex{pick->field, pick->value.fold, {}});
            it = std::prev(fields_.end());
        }
        for (const auto& lit : pick->value.literals) {
            auto& v = it->by_value[lit];
            if (v.empty() || v.back() != idx) v.push_back(static_cast<std::uint32_t>(idx));
        }
    }
}

void StageIndex::candidates(Stage stage, const Connection& c, const Message& m, std::vector<std::uint32_t>& out) const {
    out.assign(always_.begin(), always_.end());
    const std::size_t plain = out.size();
    for (const auto& f : fields_)
        subjects(f.field, f.fold, stage, c, m, [&](const std::string& s) {
            auto hit = f.by_value.find(s);
            if (hit != f.by_value.end()) out.insert(out.end(), hit->second.begin(), hit->second.end());
        });
    if (out.size() == plain) return;  // only the always list: already in order
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace verdict
