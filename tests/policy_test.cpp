// Policy server tests: the request parser (bounded, incremental, every bad-input case),
// the responder (stage mapping, per-instance state, action mapping), and the server over
// a real unix socket (pipelining, malformed input, half-close, idle timeout, many clients).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "policy/instance_table.hpp"
#include "policy/request.hpp"
#include "policy/responder.hpp"
#include "policy/server.hpp"
#include "rules/loader.hpp"

namespace verdict::policy {
namespace {

// ---- parser ---------------------------------------------------------------------------

struct ParseCase {
    const char* name;
    std::string input;
    int complete;       // requests completed
    bool error;
    const char* error_has = "";
};
void PrintTo(const ParseCase& c, std::ostream* os) { *os << c.name; }

class Parse : public testing::TestWithParam<ParseCase> {};
TEST_P(Parse, Table) {
    RequestParser p(Limits{64, 5, 200});
    std::string_view data = GetParam().input;
    int complete = 0;
    bool error = false;
    // Feed one byte at a time: the parser must not depend on how data is split.
    for (std::size_t i = 0; i < GetParam().input.size() && !error; ++i) {
        std::string_view one = data.substr(i, 1);
        while (!one.empty() || false) {
            auto st = p.feed(one);
            if (st == RequestParser::Status::Complete) {
                ++complete;
                p.take();
            } else if (st == RequestParser::Status::Error) {
                error = true;
                break;
            } else {
                break;
            }
        }
    }
    EXPECT_EQ(complete, GetParam().complete);
    EXPECT_EQ(error, GetParam().error);
    if (error) {
        EXPECT_NE(p.error().find(GetParam().error_has), std::string::npos) << p.error();
    }
}
INSTANTIATE_TEST_SUITE_P(
    Policy, Parse,
    testing::Values(ParseCase{"one", "request=smtpd_access_policy\nprotocol_state=RCPT\n\n", 1, false},
                    ParseCase{"crlf", "request=smtpd_access_policy\r\nrecipient=a@b\r\n\r\n", 1, false},
                    ParseCase{"pipelined", "a=1\n\nb=2\n\nc=3\n\n", 3, false},
                    ParseCase{"unfinished", "a=1\nb=2\n", 0, false},
                    ParseCase{"empty value ok", "a=\n\n", 1, false},
                    ParseCase{"value with =", "a=b=c\n\n", 1, false},
                    ParseCase{"empty request", "\n", 0, true, "empty request"},
                    ParseCase{"no equals", "garbage\n\n", 0, true, "malformed"},
                    ParseCase{"empty name", "=x\n\n", 0, true, "malformed"},
                    ParseCase{"line too long", "a=" + std::string(100, 'x') + "\n\n", 0, true, "longer than 64"},
                    ParseCase{"too many attributes", "a=1\nb=1\nc=1\nd=1\ne=1\nf=1\n\n", 0, true, "more than 5"},
                    ParseCase{"request too large", std::string(4, 'x') + "=1\n" + [] {
                        std::string s;
                        for (int i = 0; i < 4; ++i) s += "k" + std::to_string(i) + "=" + std::string(50, 'v') + "\n";
                        return s;
                    }() + "\n", 0, true, "larger than 200"},
                    ParseCase{"nul byte", std::string("a=1\0b\n\n", 7), 0, true, "NUL"},
                    ParseCase{"binary junk", "\x01\x02\xff\xfe\n\n", 0, true, "malformed"}));

TEST(PolicyLimits, Checked) {
    struct Case {
        Limits limits;
        const char* error_has;  // "" = accepted
    } cases[] = {
        {Limits{}, ""},
        {Limits{64, 1, 64}, ""},
        {Limits{1024 * 1024, 10000, 64 * 1024 * 1024}, ""},
        {Limits{63, 100, 65536}, "--policy-max-line takes 64 to 1048576, not 63"},
        {Limits{4096, 0, 65536}, "--policy-max-attributes takes 1 to 10000, not 0"},
        {Limits{4096, 100, 4095}, "--policy-max-request takes 4096 to"},
        {Limits{4096, 100, std::size_t{1} << 33}, "--policy-max-request takes 4096 to 67108864"},
    };
    for (const auto& c : cases) {
        const std::string e = check_limits(c.limits);
        if (*c.error_has == '\0')
            EXPECT_EQ(e, "");
        else
            EXPECT_NE(e.find(c.error_has), std::string::npos) << e;
    }
}

TEST(PolicyRequest, ValuesRepeatedNamesAndReuse) {
    RequestParser p;
    std::string_view data = "b=2\r\na=x=y\nempty=\nb=3\n\nnext=1\n\n";
    // Split inside a line, so one line arrives in two reads.
    std::string_view first = data.substr(0, 5), rest = data.substr(5);
    ASSERT_EQ(p.feed(first), RequestParser::Status::NeedMore);
    ASSERT_EQ(p.feed(rest), RequestParser::Status::Complete);
    const Request& r = p.request();
    EXPECT_EQ(r.get("a"), "x=y");
    EXPECT_EQ(r.get("b"), "3");  // the last value given wins
    EXPECT_EQ(r.get("empty"), "");
    EXPECT_EQ(r.get("missing"), "");
    EXPECT_EQ(r.size(), 3u);
    using Attrs = std::vector<std::pair<std::string_view, std::string_view>>;
    EXPECT_EQ(r.attributes(), (Attrs{{"a", "x=y"}, {"b", "3"}, {"empty", ""}}));
    EXPECT_TRUE(p.idle());
    // The next feed starts a fresh request.
    ASSERT_EQ(p.feed(rest), RequestParser::Status::Complete);
    EXPECT_EQ(p.request().attributes(), (Attrs{{"next", "1"}}));
    EXPECT_EQ(p.take(), (Request{{"next", "1"}}));
    EXPECT_TRUE(p.request().empty());
}

// ---- responder ------------------------------------------------------------------------

constexpr const char* kRules = R"(
[lists]
users = ["alice@example.org", "bob@example.org"]
[[rule]]
name = "blocked"
stage = "connect"
match.client_ip = "192.0.2.0/24"
action = "reject"
reply = "client_blocked"
[[rule]]
name = "bad-sender"
stage = "mail"
match.sender_domain = "spam.example"
action = "reject"
reply = "bad_sender_domain"
[[rule]]
name = "unknown"
stage = "rcpt"
match.rcpt_domain = "example.org"
match.rcpt = { not_in = "users" }
action = "reject"
reply = "user_unknown"
[[rule]]
name = "third"
stage = "rcpt"
match.rcpt_count = { gt = 2 }
action = "defer"
reply = "too_many_recipients"
[[rule]]
name = "tag"
stage = "rcpt"
match.rcpt = "bob@example.org"
add_header = { name = "X-Bob", value = "yes" }
[[rule]]
name = "hold"
stage = "eom"
match.size = { gt = 1000 }
action = "quarantine"
[[rule]]
name = "watch"
stage = "data"
mode = "monitor"
action = "reject"
)";

struct Fixture {
    Fixture()
        : holder(load_rules_from_string(kRules, "p.toml").ruleset), log(true, "test"), responder(holder, log, metrics) {}
    std::string ask(const std::string& state, const std::string& instance, std::map<std::string, std::string> extra = {}) {
        Request r{{"request", "smtpd_access_policy"}, {"protocol_state", state},  {"instance", instance},
                  {"client_address", "203.0.113.5"},  {"client_name", "unknown"}, {"helo_name", "mx.example.net"},
                  {"sender", "a@example.net"}};
        for (auto& [k, v] : extra) r.set(k, v);
        return responder.answer(r);
    }
    SnapshotHolder holder;
    LogSink log;
    Metrics metrics;
    Responder responder;
};

TEST(PolicyResponder, StagesAndPerInstanceRecipientCount) {
    Fixture f;
    EXPECT_EQ(f.ask("CONNECT", ""), "action=DUNNO\n\n");
    EXPECT_EQ(f.ask("EHLO", ""), "action=DUNNO\n\n");
    EXPECT_EQ(f.ask("MAIL", ""), "action=DUNNO\n\n");  // Postfix: no instance before MAIL is accepted
    EXPECT_EQ(f.ask("RCPT", "i1", {{"recipient", "alice@example.org"}}), "action=DUNNO\n\n");
    EXPECT_EQ(f.ask("RCPT", "i1", {{"recipient", "nobody@example.org"}}), "action=550 5.1.1 User unknown\n\n");
    // Refused recipients do not count; Postfix's recipient_count (0 at RCPT) is not used.
    EXPECT_EQ(f.ask("RCPT", "i1", {{"recipient", "bob@example.org"}, {"recipient_count", "0"}}),
              "action=PREPEND X-Bob: yes\n\n");
    EXPECT_EQ(f.ask("RCPT", "i1", {{"recipient", "alice@example.org"}}), "action=452 4.5.3 Too many recipients\n\n");
    // Another message has its own count.
    EXPECT_EQ(f.ask("RCPT", "i2", {{"recipient", "alice@example.org"}}), "action=DUNNO\n\n");
    EXPECT_EQ(f.ask("DATA", "i1"), "action=DUNNO\n\n");  // monitor rule: logged, no effect
    EXPECT_EQ(f.ask("END-OF-MESSAGE", "i1", {{"size", "5000"}}), "action=HOLD verdict rule hold\n\n");
    EXPECT_EQ(f.ask("ETRN", ""), "action=DUNNO\n\n");
}

TEST(PolicyResponder, EarlierStagesRunWhenOnlyAskedAtRcpt) {
    Fixture f;
    EXPECT_EQ(f.ask("RCPT", "x", {{"client_address", "192.0.2.7"}, {"recipient", "alice@example.org"}}),
              "action=554 5.7.1 Client host blocked\n\n");
    EXPECT_EQ(f.ask("RCPT", "x", {{"client_address", "192.0.2.7"}, {"recipient", "bob@example.org"}}),
              "action=554 5.7.1 Client host blocked\n\n");
    EXPECT_EQ(f.ask("RCPT", "y", {{"sender", "s@spam.example"}, {"recipient", "alice@example.org"}}),
              "action=553 5.1.8 Sender domain rejected\n\n");
    EXPECT_EQ(f.ask("RCPT", "y", {{"sender", "s@spam.example"}, {"recipient", "bob@example.org"}}),
              "action=553 5.1.8 Sender domain rejected\n\n");
}

TEST(PolicyResponder, ContentRulesAreSkipped) {
    // A body/header rule would see an empty message in a policy request: it must not run.
    SnapshotHolder holder(load_rules_from_string(R"([[rule]]
name = "empty-body"
stage = "eom"
match.not = { body = "." }
action = "reject"
[[rule]]
name = "no-subject"
stage = "eom"
match.not = { header = { name = "Subject" } }
action = "reject"
[[rule]]
name = "big"
stage = "eom"
match.size = { gt = 10 }
action = "defer"
)",
                                                 "c.toml")
                              .ruleset);
    LogSink log(true, "test");
    Metrics metrics;
    Responder r(holder, log, metrics);
    Request q{{"request", "smtpd_access_policy"}, {"protocol_state", "END-OF-MESSAGE"}, {"instance", "e1"},
              {"client_address", "203.0.113.1"}, {"sender", "a@b.example"}, {"size", "5"}};
    EXPECT_EQ(r.answer(q), "action=DUNNO\n\n");
    q.set("instance", "e2");
    q.set("size", "50");
    EXPECT_EQ(r.answer(q), "action=451 4.7.1 Try again later\n\n");
}

TEST(PolicyInstanceTable, FindsMakesErasesAndStaysBounded) {
    InstanceTable<int> t(64);  // 16 shards x 4 entries
    int made = 0;
    auto make = [&] { return std::make_shared<int>(++made); };
    auto a = t.find_or_make("a", make);
    EXPECT_EQ(*a, 1);
    EXPECT_EQ(t.find_or_make("a", make), a);  // found, not made again
    EXPECT_EQ(made, 1);
    EXPECT_EQ(t.size(), 1u);
    t.erase("a");
    EXPECT_EQ(t.size(), 0u);
    EXPECT_NE(t.find_or_make("a", make), a);  // made afresh after erase
    t.erase("never-made");                    // no effect
    EXPECT_EQ(t.size(), 1u);

    for (int i = 0; i < 10000; ++i) t.find_or_make("k" + std::to_string(i), make);
    EXPECT_LE(t.size(), t.capacity());
    EXPECT_EQ(t.capacity(), 64u);
}

TEST(PolicyInstanceTable, NeverHoldsMoreThanItsCapacity) {
    for (std::size_t cap : {0u, 1u, 3u, 15u, 16u, 17u, 100u, 10000u}) {
        InstanceTable<int> t(cap);
        EXPECT_LE(t.capacity(), std::max<std::size_t>(1, cap)) << cap;
        EXPECT_GE(t.capacity(), std::max<std::size_t>(1, cap) * 15 / 16) << cap;  // shares round down
        for (int i = 0; i < 1000; ++i) {
            t.find_or_make("m" + std::to_string(i), [] { return std::make_shared<int>(0); });
            ASSERT_LE(t.size(), t.capacity()) << cap;
        }
    }
}

TEST(PolicyInstanceTable, AnEntryInUseSurvivesAStreamOfNewOnes) {
    // An instance asked about again before its generation is dropped keeps its state,
    // however many other messages pass meanwhile, as long as it is used between each.
    InstanceTable<int> t(10000);
    int made = 0;
    auto make = [&] { return std::make_shared<int>(++made); };
    auto keep = t.find_or_make("kept", make);
    for (int round = 0; round < 50; ++round) {
        for (int i = 0; i < 200; ++i) t.find_or_make(std::to_string(round) + "." + std::to_string(i), make);
        ASSERT_EQ(t.find_or_make("kept", make), keep) << "round " << round;
    }
    EXPECT_LE(t.size(), t.capacity());
    // One left alone while many times the capacity passes is dropped.
    for (int i = 0; i < 30000; ++i) t.find_or_make("x" + std::to_string(i), make);
    EXPECT_NE(t.find_or_make("kept", make), keep);
}

TEST(PolicyInstanceTable, ThreadsShareEntries) {
    InstanceTable<std::atomic<int>> t(1000);
    auto make = [] { return std::make_shared<std::atomic<int>>(0); };
    std::vector<std::thread> threads;
    for (int n = 0; n < 4; ++n)
        threads.emplace_back([&] {
            for (int i = 0; i < 20000; ++i) ++*t.find_or_make("m" + std::to_string(i % 50), make);
        });
    for (auto& th : threads) th.join();
    int total = 0;
    for (int i = 0; i < 50; ++i) total += *t.find_or_make("m" + std::to_string(i), make);
    EXPECT_EQ(total, 4 * 20000);
}

TEST(PolicyResponder, ActionMapping) {
    Decision d;
    EXPECT_EQ(to_action(d), "DUNNO");
    d.action = Action::Accept;
    EXPECT_EQ(to_action(d), "DUNNO");  // never OK: Postfix's own restrictions still apply
    d.action = Action::Discard;
    EXPECT_EQ(to_action(d), "DISCARD verdict");
    d.action = Action::Reject;
    d.reply = Reply{550, "5.7.1", {"one", "two"}};
    EXPECT_EQ(to_action(d), "550 5.7.1 one two");
    d = Decision{};
    d.modifications.push_back({Modification::Kind::AddRcpt, "archive@example.org", "", nullptr});
    EXPECT_EQ(to_action(d), "BCC archive@example.org");
}

// ---- server over a unix socket --------------------------------------------------------

struct ServerFixture : Fixture {
    ServerFixture() {
        dir = std::filesystem::temp_directory_path() / ("verdict-policy-" + std::to_string(getpid()));
        std::filesystem::create_directories(dir);
        path = (dir / "p.sock").string();
        Config c;
        c.socket = "unix:" + path;
        c.idle_timeout_seconds = 1;
        c.max_connections = 50;
        c.limits = Limits{};  // the defaults: 4096-byte lines, 100 attributes, 64 KiB
        server = std::make_unique<Server>(c, responder, log, metrics);
        server->start();
    }
    ~ServerFixture() {
        server->stop();
        std::filesystem::remove_all(dir);
    }
    int connect_client() {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un sa{};
        sa.sun_family = AF_UNIX;
        std::strncpy(sa.sun_path, path.c_str(), sizeof sa.sun_path - 1);
        EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
        timeval tv{5, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        return fd;
    }
    static std::string read_all(int fd, std::size_t want_answers) {
        std::string out;
        char buf[4096];
        while (true) {
            std::size_t answers = 0;
            for (std::size_t p = 0; (p = out.find("\n\n", p)) != std::string::npos; p += 2) ++answers;
            if (answers >= want_answers) break;
            ssize_t n = read(fd, buf, sizeof buf);
            if (n <= 0) break;
            out.append(buf, static_cast<std::size_t>(n));
        }
        return out;
    }
    std::filesystem::path dir;
    std::string path;
    std::unique_ptr<Server> server;
};

std::string request(const std::string& state, const std::string& rcpt, const std::string& instance = "s1") {
    return "request=smtpd_access_policy\nprotocol_state=" + state + "\ninstance=" + instance +
           "\nclient_address=203.0.113.9\nclient_name=unknown\nhelo_name=h.example\nsender=a@example.net\nrecipient=" +
           rcpt + "\n\n";
}

TEST(PolicyServer, PipelinedRequestsAnsweredInOrder) {
    ServerFixture f;
    int fd = f.connect_client();
    std::string all = request("RCPT", "alice@example.org") + request("RCPT", "nobody@example.org") +
                      request("RCPT", "bob@example.org");
    ASSERT_EQ(write(fd, all.data(), all.size()), static_cast<ssize_t>(all.size()));
    EXPECT_EQ(ServerFixture::read_all(fd, 3),
              "action=DUNNO\n\naction=550 5.1.1 User unknown\n\naction=PREPEND X-Bob: yes\n\n");
    close(fd);
}

TEST(PolicyServer, BadInputClosesWithTempfailAndServerLives) {
    ServerFixture f;
    const std::string bad[] = {"no equals sign\n\n", "a=" + std::string(5000, 'x') + "\n\n", std::string("a=\0\n\n", 5),
                               "\n"};
    for (const auto& b : bad) {
        int fd = f.connect_client();
        ASSERT_EQ(write(fd, b.data(), b.size()), static_cast<ssize_t>(b.size()));
        EXPECT_EQ(ServerFixture::read_all(fd, 1), "action=451 4.3.0 Malformed policy request\n\n");
        char c;
        EXPECT_EQ(read(fd, &c, 1), 0) << "connection should be closed";
        close(fd);
    }
    EXPECT_GE(f.server->protocol_errors.load(), 4u);
    // Unknown request type: DUNNO, connection stays.
    int fd = f.connect_client();
    std::string other = "request=something_else\n\n" + request("RCPT", "nobody@example.org", "s9");
    ASSERT_EQ(write(fd, other.data(), other.size()), static_cast<ssize_t>(other.size()));
    EXPECT_EQ(ServerFixture::read_all(fd, 2), "action=DUNNO\n\naction=550 5.1.1 User unknown\n\n");
    close(fd);
}

TEST(PolicyServer, HalfCloseAndIdleClientsDoNotBlockOthers) {
    ServerFixture f;
    int silent = f.connect_client();             // never sends the empty line
    std::string partial = "request=smtpd_access_policy\nprotocol_state=RCPT\n";
    ASSERT_GT(write(silent, partial.data(), partial.size()), 0);
    int half = f.connect_client();               // sends half a request, then shuts down writing
    ASSERT_GT(write(half, partial.data(), partial.size()), 0);
    shutdown(half, SHUT_WR);
    int good = f.connect_client();
    std::string r = request("RCPT", "nobody@example.org", "g1");
    ASSERT_EQ(write(good, r.data(), r.size()), static_cast<ssize_t>(r.size()));
    EXPECT_EQ(ServerFixture::read_all(good, 1), "action=550 5.1.1 User unknown\n\n");
    char c;
    EXPECT_EQ(read(half, &c, 1), 0);             // closed by the server
    EXPECT_EQ(read(silent, &c, 1), 0);           // closed after the 1 s idle timeout
    close(silent);
    close(half);
    close(good);
}

TEST(PolicyServer, ManyConcurrentClients) {
    ServerFixture f;
    std::vector<std::thread> ts;
    std::atomic<int> ok{0};
    for (int t = 0; t < 32; ++t)
        ts.emplace_back([&, t] {
            int fd = f.connect_client();
            std::string all;
            for (int i = 0; i < 20; ++i)
                all += request("RCPT", i % 2 ? "nobody@example.org" : "alice@example.org", "c" + std::to_string(t));
            if (write(fd, all.data(), all.size()) != static_cast<ssize_t>(all.size())) return;
            std::string got = ServerFixture::read_all(fd, 20);
            std::string want;
            for (int i = 0; i < 20; ++i)
                want += i % 2 ? "action=550 5.1.1 User unknown\n\n"
                              : (i >= 4 ? "action=452 4.5.3 Too many recipients\n\n" : "action=DUNNO\n\n");
            if (got == want) ++ok;
            close(fd);
        });
    for (auto& t : ts) t.join();
    EXPECT_EQ(ok.load(), 32);
}

// Recorded request streams (tests/data/policy/NAME.req, Postfix's format, pipelined, and
// every kind of bad input) sent to a real server with tests/data/policy/rules.toml; the
// bytes it answers must equal NAME.expected. VERDICT_UPDATE_GOLDEN=1 rewrites them.
TEST(PolicyGolden, RecordedStreams) {
    const std::string dir = VERDICT_TEST_DATA "/policy";
    auto rs = load_rules(dir + "/rules.toml");
    ASSERT_TRUE(rs.ruleset) << rs.diagnostics.str();
    int files = 0;
    for (const auto& f : std::filesystem::directory_iterator(dir)) {
        if (f.path().extension() != ".req") continue;
        ++files;
        ServerFixture sf;  // a fresh server: per-instance state does not leak between files
        sf.holder.set(rs.ruleset);
        std::ifstream in(f.path(), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        const std::string stream = ss.str();
        int fd = sf.connect_client();
        ASSERT_EQ(write(fd, stream.data(), stream.size()), static_cast<ssize_t>(stream.size()));
        shutdown(fd, SHUT_WR);
        std::string got = ServerFixture::read_all(fd, 1000);  // until the server closes
        close(fd);
        auto expected_path = f.path();
        expected_path.replace_extension(".expected");
        if (std::getenv("VERDICT_UPDATE_GOLDEN")) std::ofstream(expected_path, std::ios::binary) << got;
        std::ifstream ex(expected_path, std::ios::binary);
        ASSERT_TRUE(ex) << "missing " << expected_path;
        std::stringstream es;
        es << ex.rdbuf();
        EXPECT_EQ(got, es.str()) << f.path();
    }
    EXPECT_GE(files, 10);
}

}  // namespace
}  // namespace verdict::policy
