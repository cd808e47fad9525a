// Formatting and collection of load diagnostics.
#include "rules/diagnostic.hpp"

#include <algorithm>

namespace verdict {

std::string Diagnostic::str() const {
    std::string out = pos.file;
    if (pos.line > 0) {
        out += ':' + std::to_string(pos.line);
        if (pos.column > 0) out += ':' + std::to_string(pos.column);
    }
    out += severity == Severity::Error ? ": error: " : ": warning: ";
    out += message;
    if (!hint.empty()) out += "\n  hint: " + hint;
    return out;
}

void Diagnostics::error(const SourcePos& pos, std::string message, std::string hint) {
    items_.push_back({Severity::Error, pos, std::move(message), std::move(hint)});
}

void Diagnostics::warning(const SourcePos& pos, std::string message, std::string hint) {
    items_.push_back({Severity::Warning, pos, std::move(message), std::move(hint)});
}

std::size_t Diagnostics::errors() const {
    return static_cast<std::size_t>(std::count_if(
        items_.begin(), items_.end(), [](const Diagnostic& d) { return d.severity == Severity::Error; }));
}

std::size_t Diagnostics::warnings() const { return items_.size() - errors(); }

void Diagnostics::sort() {
    std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
        if (a.pos.file != b.pos.file) return a.pos.file < b.pos.file;
        if (a.pos.line != b.pos.line) return a.pos.line < b.pos.line;
        return a.pos.column < b.pos.column;
    });
}

std::string Diagnostics::str() const {
    std::string out;
    for (const auto& d : items_) out += d.str() + '\n';
    return out;
}

}  // namespace verdict
