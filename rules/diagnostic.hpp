// Load-time diagnostics as values: "file:line:col: error: message" plus a one-line hint.
// The loader collects all of them; nothing is thrown past it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace verdict {

struct SourcePos {
    std::string file;
    std::uint32_t line = 0;
    std::uint32_t column = 0;
};

enum class Severity { Error, Warning };

struct Diagnostic {
    Severity severity = Severity::Error;
    SourcePos pos;
    std::string message;
    std::string hint;  // may be empty
    // "file:line:col: error: message" and, when there is a hint, "\n  hint: ...".
    std::string str() const;
};

class Diagnostics {
public:
    void error(const SourcePos& pos, std::string message, std::string hint = {});
    void warning(const SourcePos& pos, std::string message, std::string hint = {});
    void add(Diagnostic d) { items_.push_back(std::move(d)); }
    Diagnostic* last() { return items_.empty() ? nullptr : &items_.back(); }

    const std::vector<Diagnostic>& items() const { return items_; }
    std::size_t errors() const;
    std::size_t warnings() const;
    bool has_errors() const { return errors() > 0; }
    // Stable order for output: by file, line, column, then insertion order.
    void sort();
    std::string str() const;  // every diagnostic, one (or two) lines each

private:
    std::vector<Diagnostic> items_;
};

}  // namespace verdict
