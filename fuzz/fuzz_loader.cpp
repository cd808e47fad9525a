// Fuzz target: the TOML rule loader (load_rules_from_string), with a few list files next
// to the "rule file" so { file = "..." } lists load too. A rule set that loads is then
// negotiated for (milter) and driven through one fixed, partly hostile SMTP session, and
// every decision must satisfy the engine's invariants (fuzz/common.hpp).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "common.hpp"
#include "milter/negotiation.hpp"

using namespace verdict;

namespace {

std::string g_dir;   // holds the list files
std::string g_path;  // the rule file's name in diagnostics; lists resolve next to it

// Atomically (write, rename): several fuzzer processes may share the directory.
void write_file(const std::string& name, std::string_view text) {
    const std::string tmp = g_dir + "/." + name + "." + std::to_string(getpid());
    std::ofstream(tmp, std::ios::binary) << text;
    std::filesystem::rename(tmp, g_dir + "/" + name);
}

// One SMTP conversation with ordinary and hostile values against the fuzzed rules.
void drive(const std::shared_ptr<const Ruleset>& rs, bool trace) {
    using namespace std::string_literals;
    const std::string hostile = "\x1b[31m\r\nX-Injected: {sender}\x00\xff"s + std::string(300, 'A');
    SmtpSession s(rs, EvalOptions{trace, false});
    Connection& c = s.connection();
    int i = 0;
    for (const auto& m : rs->macros) c.macros[m] = (i++ % 2) ? "submission" : hostile;
    auto check = [&](const Decision& d, std::string_view rcpt = {}) {
        fuzz::check_decision(d, s.connection(), s.message(), rcpt);
    };
    check(s.connect("192.0.2.77", "mx.example.net"));
    check(s.helo(hostile));
    c.tls = true;
    c.auth_user.set("bob");
    s.reset();
    Message& m = s.message();
    m.declared_size = 123456;
    m.queue_id = "4dQmXk2Lz1";
    for (const auto& name : rs->macros) m.macros[name] = "v1.0";
    check(s.mail("alice+tag@Example.ORG"));
    for (std::string_view r : {"bob@example.org", "postmaster", "", "<x@[192.0.2.1]>"}) check(s.rcpt(r), r);
    check(s.rcpt(hostile), hostile);
    check(s.data());
    s.header("From", "alice@example.org");
    s.header("Subject", "lottery winner\r\n\tcontinued");
    s.header(hostile, hostile);
    check(s.end_of_headers());
    s.body("hello\r\nhttp://x.invalid/payload\r\n");
    s.body(hostile);
    check(s.end_of_message());
    s.reset();
    check(s.mail(""));
    check(s.rcpt("a@b"), "a@b");
    check(s.end_of_message());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::silence_cerr();
    // A fixed directory, not one per process: crashing runs never clean up after themselves.
    g_dir = (std::filesystem::temp_directory_path() / ("verdict-fuzz-loader-" + std::to_string(getuid()))).string();
    std::filesystem::create_directories(g_dir);
    g_path = g_dir + "/rules.toml";
    // The list files the seed corpus (tests/data) refers to, and two short names.
    const std::string_view nets =
        "# networks\n192.0.2.0/24\n198.51.100.0/25      # half\n  203.0.113.9\n2001:db8:dead::/48\n"
        "::ffff:192.0.2.128/121\n2001:db8::1\n";
    const std::string_view users =
        "# users\nalice@example.org\nbob@example.org\ncarol@Example.ORG    # case\n<postmaster@example.org>\n\n# end\n";
    write_file("13-lists-bad-nets.list", nets);
    write_file("13-lists-local-users.list", users);
    write_file("bad-nets.txt", "192.0.2.0/24 # v4\n2001:db8:bad::/48\n");
    write_file("56-list-file-bad-cidr.list", "192.0.2.0/24\n198.51.100.0/33   # prefix too long\n2001:db8::/32\n");
    write_file("nets.list", nets);
    write_file("users.list", users);
    write_file("empty.list", "");
    static constexpr char binary[] = "a\0b\r\n\xff\xfe\n#\n";
    write_file("binary.list", std::string_view(binary, sizeof binary - 1));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 256 * 1024) return 0;  // bigger inputs only slow the search down
    std::string_view text(reinterpret_cast<const char*>(data), size);
    LoadOptions opts;
    opts.max_list_file_bytes = 1 << 20;  // the fuzzer may name any file on the machine
    // Options vary with the input so that every combination is reached deterministically.
    switch (size % 4) {
        case 0: break;
        case 1: opts.mta = Mta::Postfix; break;
        case 2: opts.mta = Mta::Sendmail; break;
        case 3: opts.policy = true; opts.mta = Mta::Postfix; break;
    }
    LoadResult r = load_rules_from_string(text, g_path, opts);

    // A rule set exactly when there are no errors.
    FUZZ_CHECK((r.ruleset != nullptr) == !r.diagnostics.has_errors());
    // Diagnostics reach terminals and editors: printable, and each names a position.
    for (const auto& d : r.diagnostics.items()) {
        FUZZ_CHECK(!d.message.empty());
        FUZZ_CHECK_SHOW(is_printable_ascii(d.message), d.message);
        FUZZ_CHECK_SHOW(is_printable_ascii(d.hint), d.hint);
    }
    (void)r.diagnostics.str();
    if (!r.ruleset) return 0;

    const Ruleset& rs = *r.ruleset;
    std::size_t n = 0;
    for (const auto& ids : rs.by_stage) {
        for (std::size_t id : ids) {
            FUZZ_CHECK(id < rs.rules.size());
            const Rule& rule = rs.rules[id];
            if (sends_reply(rule.action) && rule.mode == Mode::Enforce) FUZZ_CHECK(!rule.reply.empty());
        }
        n += ids.size();
    }
    FUZZ_CHECK(n == rs.rules.size());
    (void)rs.list_entries();
    (void)milter::compute_needs(rs);
    drive(r.ruleset, size % 2 == 0);
    return 0;
}
