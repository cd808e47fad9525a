// Fuzz target: the offline session file parser (load_session_from_string). A session
// that parses is run with run_offline (what `verdict test` does) against the fixed rule
// set of fuzz/common.hpp; its transcript lines must be printable.
#include <cstddef>
#include <cstdint>

#include "common.hpp"
#include "rules/session_file.hpp"

using namespace verdict;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::silence_cerr();
    for (auto v : {fuzz::Variant::Plain, fuzz::Variant::DeferConnect, fuzz::Variant::SmallScan}) fuzz::fixed_rules(v);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 256 * 1024) return 0;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    SessionParse p = load_session_from_string(text, "fuzz.session.toml");

    FUZZ_CHECK(p.session.has_value() == !p.diagnostics.has_errors());
    for (const auto& d : p.diagnostics.items()) {
        FUZZ_CHECK(!d.message.empty());
        FUZZ_CHECK_SHOW(is_printable_ascii(d.message), d.message);
        FUZZ_CHECK_SHOW(is_printable_ascii(d.hint), d.hint);
    }
    (void)p.diagnostics.str();
    if (!p.session) return 0;

    const auto variant = static_cast<fuzz::Variant>(size % 3);
    OfflineResult r = run_offline(fuzz::fixed_rules(variant), *p.session, size % 2 == 0);
    for (const auto& l : r.lines) FUZZ_CHECK_SHOW(is_printable_ascii(l), l);
    FUZZ_CHECK(r.checks.size() == p.session->expect.size());
    return 0;
}
