// Making hostile strings safe to log and to put into SMTP replies: control characters,
// DEL and 8-bit bytes become \xHH escapes, and the result is capped in length.
#pragma once

#include <string>
#include <string_view>

namespace verdict {

constexpr std::size_t kMaxPrintable = 256;

// Printable ASCII copy of `s`, at most `cap` bytes; "..." marks a cut. Backslashes are
// escaped too (\x5c) unless `keep_backslash`, so escapes cannot be forged in logs.
std::string make_printable(std::string_view s, std::size_t cap = kMaxPrintable, bool keep_backslash = false);

// True when every byte is printable ASCII (0x20-0x7e).
bool is_printable_ascii(std::string_view s);

std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);

}  // namespace verdict
