// Fuzz target: the Postfix policy request parser (RequestParser) and the Responder.
// The input is the byte stream of one policy connection. It is parsed three ways -- in
// one piece, byte by byte, and in pseudo-random pieces derived from the input -- with
// the default and with tiny limits; every way must give the same requests and the same
// outcome (an incremental parser does not depend on how TCP splits the stream). Each
// complete request is answered by a Responder over the fixed rule set, and every answer
// must be one "action=..." line followed by an empty line.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common.hpp"
#include "rules/metrics.hpp"
#include "rules/snapshot.hpp"

using namespace verdict;
using policy::Request;
using policy::RequestParser;

namespace {

struct Outcome {
    std::vector<Request> requests;
    bool error = false;
    bool operator==(const Outcome&) const = default;
};

// Feeds `pieces` in order; stops at the first error, like the server (it closes).
template <typename NextPiece>
Outcome parse(std::string_view stream, policy::Limits limits, NextPiece next) {
    Outcome o;
    RequestParser p(limits);
    while (!stream.empty()) {
        std::size_t n = std::min(stream.size(), next());
        std::string_view piece = stream.substr(0, n);
        stream.remove_prefix(n);
        while (!piece.empty()) {
            const std::size_t before = piece.size();
            auto st = p.feed(piece);
            FUZZ_CHECK(piece.size() <= before);
            if (st == RequestParser::Status::Error) {
                FUZZ_CHECK(!p.error().empty());
                FUZZ_CHECK(is_printable_ascii(p.error()));
                o.error = true;
                return o;
            }
            if (st == RequestParser::Status::NeedMore) {
                FUZZ_CHECK(piece.empty());
                break;
            }
            Request r = p.take();
            FUZZ_CHECK(!r.empty());
            FUZZ_CHECK(r.size() <= limits.max_attributes);
            for (const auto& [k, v] : r.attributes()) {
                FUZZ_CHECK(!k.empty() && k.size() + 1 + v.size() <= limits.max_line);
                FUZZ_CHECK(k.find('=') == std::string::npos && k.find('\n') == std::string::npos);
                FUZZ_CHECK(v.find('\n') == std::string::npos && v.find('\0') == std::string::npos);
            }
            FUZZ_CHECK(p.idle());
            o.requests.push_back(std::move(r));
        }
    }
    return o;
}

std::uint64_t fnv1a(std::string_view s) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}

Outcome parse_all_ways(std::string_view stream, policy::Limits limits) {
    Outcome whole = parse(stream, limits, [&] { return stream.size(); });
    Outcome bytes = parse(stream, limits, [] { return std::size_t{1}; });
    std::uint64_t x = fnv1a(stream) | 1;
    Outcome random = parse(stream, limits, [&] {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        // mostly short pieces, sometimes long ones
        return static_cast<std::size_t>((x & 3) == 0 ? x % 8192 : x % 24) + 1;
    });
    FUZZ_CHECK(whole == bytes);
    FUZZ_CHECK(whole == random);
    return whole;
}

void check_answer(const std::string& a) {
    FUZZ_CHECK(a.size() > 9 && a.compare(0, 7, "action=") == 0);
    FUZZ_CHECK(a.compare(a.size() - 2, 2, "\n\n") == 0);
    std::string_view line(a.data(), a.size() - 2);
    FUZZ_CHECK(line.size() > 7);
    FUZZ_CHECK(is_printable_ascii(line));  // one line: no CR, LF or NUL inside
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::silence_cerr();
    for (auto v : {fuzz::Variant::Plain, fuzz::Variant::DeferConnect, fuzz::Variant::SmallScan}) fuzz::fixed_rules(v);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 128 * 1024) return 0;
    std::string_view stream(reinterpret_cast<const char*>(data), size);

    Outcome out = parse_all_ways(stream, policy::Limits{});
    parse_all_ways(stream, policy::Limits{64, 5, 256});

    const auto variant = static_cast<fuzz::Variant>(size % 3);
    SnapshotHolder snapshots(fuzz::fixed_rules(variant));
    LogSink log(fuzz::null_fd());  // lines formatted and written, to /dev/null
    Metrics metrics;
    const std::size_t max_instances = 3;
    policy::Responder responder(snapshots, log, metrics, max_instances);
    for (const auto& r : out.requests) {
        check_answer(responder.answer(r));
        FUZZ_CHECK(responder.instances() <= max_instances + 1);
    }
    (void)metrics.prometheus();
    return 0;
}
