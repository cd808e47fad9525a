// Milter front-end pieces that need no MTA: negotiation from the rule set, '%' escaping
// of reply texts, socket addresses and stale-socket handling.
#include <gtest/gtest.h>
#include <libmilter/mfapi.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "milter/negotiation.hpp"
#include "milter/reply_wire.hpp"
#include "milter/socket_spec.hpp"
#include "rules/loader.hpp"

namespace verdict {
namespace {

std::shared_ptr<const Ruleset> rules(const std::string& text) {
    auto r = load_rules_from_string(text, "n.toml");
    EXPECT_TRUE(r.ruleset) << r.diagnostics.str();
    return r.ruleset;
}

TEST(Negotiation, RcptOnlyRulesGetNoHeadersOrBody) {
    auto rs = rules("[[rule]]\nname=\"r\"\nstage=\"rcpt\"\nmatch.rcpt=\"a@b.example\"\naction=\"reject\"\n");
    auto n = milter::compute_needs(*rs);
    EXPECT_TRUE(n.protocol & SMFIP_NOHDRS);
    EXPECT_TRUE(n.protocol & SMFIP_NOBODY);
    EXPECT_TRUE(n.protocol & SMFIP_NOEOH);
    EXPECT_TRUE(n.protocol & SMFIP_NODATA);
    EXPECT_EQ(n.actions & (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_ADDRCPT | SMFIF_DELRCPT | SMFIF_QUARANTINE), 0u);
}

struct NeedCase {
    const char* rule;
    unsigned long actions_set, protocol_clear;
};
class NegotiationTable : public testing::TestWithParam<NeedCase> {};
TEST_P(NegotiationTable, RequestsWhatRulesUse) {
    auto rs = rules(std::string("[[rule]]\nname=\"r\"\n") + GetParam().rule + "\n");
    auto n = milter::compute_needs(*rs);
    EXPECT_EQ(n.actions & GetParam().actions_set, GetParam().actions_set) << GetParam().rule;
    EXPECT_EQ(n.protocol & GetParam().protocol_clear, 0u) << GetParam().rule;
}
INSTANTIATE_TEST_SUITE_P(
    Milter, NegotiationTable,
    testing::Values(NeedCase{"stage=\"header\"\nmatch.header={name=\"Subject\"}\naction=\"reject\"", 0, SMFIP_NOHDRS | SMFIP_NOEOH},
                    NeedCase{"stage=\"eom\"\nmatch.body=\"x\"\naction=\"reject\"", 0, SMFIP_NOBODY},
                    NeedCase{"stage=\"eom\"\nmatch.size={gt=1}\naction=\"reject\"", 0, SMFIP_NOBODY | SMFIP_NOHDRS},
                    NeedCase{"stage=\"data\"\naction=\"reject\"", 0, SMFIP_NODATA},
                    NeedCase{"stage=\"eom\"\nadd_header={name=\"X-A\",value=\"1\"}", SMFIF_ADDHDRS, 0},
                    NeedCase{"stage=\"eom\"\nremove_header=\"X-A\"", SMFIF_CHGHDRS, SMFIP_NOHDRS},
                    NeedCase{"stage=\"rcpt\"\nadd_rcpt=\"a@b.example\"", SMFIF_ADDRCPT, 0},
                    NeedCase{"stage=\"rcpt\"\nremove_rcpt=true", SMFIF_DELRCPT, 0},
                    NeedCase{"stage=\"eom\"\naction=\"quarantine\"", SMFIF_QUARANTINE, 0}));

TEST(Negotiation, MacrosRulesTestAreRequested) {
    auto rs = rules("[[rule]]\nname=\"r\"\nstage=\"mail\"\nmatch.macro={name=\"{daemon_name}\", value=\"x\"}\n"
                    "[[rule]]\nname=\"s\"\nstage=\"mail\"\nmatch.macro={name=\"j\"}\n");
    auto n = milter::compute_needs(*rs);
    for (const auto& m : n.macros) {
        EXPECT_NE(m.find("{daemon_name}"), std::string::npos) << m;
        EXPECT_NE(m.find("j"), std::string::npos) << m;
    }
    EXPECT_NE(n.macros[SMFIM_ENVFROM].find("{auth_authen}"), std::string::npos);
    EXPECT_NE(n.macros[SMFIM_ENVFROM].find("i"), std::string::npos);
}

TEST(ReplyWire, PercentDoubled) {
    EXPECT_EQ(milter::escape_percent("100% sure %s"), "100%% sure %%s");
    EXPECT_EQ(milter::escape_percent("none"), "none");
}

struct SpecCase {
    const char* text;
    bool ok;
    SocketSpec::Kind kind;
    int port;
};
class SocketSpecTable : public testing::TestWithParam<SpecCase> {};
TEST_P(SocketSpecTable, Parses) {
    try {
        auto s = parse_socket_spec(GetParam().text);
        EXPECT_TRUE(GetParam().ok) << GetParam().text;
        EXPECT_EQ(s.kind, GetParam().kind);
        EXPECT_EQ(s.port, GetParam().port);
    } catch (const std::invalid_argument&) {
        EXPECT_FALSE(GetParam().ok) << GetParam().text;
    }
}
INSTANTIATE_TEST_SUITE_P(Milter, SocketSpecTable,
                         testing::Values(SpecCase{"unix:/run/verdict/milter.sock", true, SocketSpec::Kind::Unix, 0},
                                         SpecCase{"local:/tmp/x.sock", true, SocketSpec::Kind::Unix, 0},
                                         SpecCase{"inet:8890@127.0.0.1", true, SocketSpec::Kind::Inet, 8890},
                                         SpecCase{"inet6:8890@::1", true, SocketSpec::Kind::Inet6, 8890},
                                         SpecCase{"inet:8890", true, SocketSpec::Kind::Inet, 8890},
                                         SpecCase{"unix:relative.sock", false, SocketSpec::Kind::Unix, 0},
                                         SpecCase{"inet:0@127.0.0.1", false, SocketSpec::Kind::Inet, 0},
                                         SpecCase{"inet:70000@127.0.0.1", false, SocketSpec::Kind::Inet, 0},
                                         SpecCase{"inet:abc@127.0.0.1", false, SocketSpec::Kind::Inet, 0},
                                         SpecCase{"tcp:25@x", false, SocketSpec::Kind::Inet, 0}));

TEST(StaleSocket, StaleRemovedLiveKeptFileRefused) {
    auto dir = std::filesystem::temp_directory_path() / ("verdict-sock-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    std::string path = (dir / "s.sock").string();
    // A live listener: must not be taken over.
    int live = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strncpy(sa.sun_path, path.c_str(), sizeof sa.sun_path - 1);
    ASSERT_EQ(bind(live, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
    ASSERT_EQ(listen(live, 1), 0);
    EXPECT_THROW(prepare_unix_socket(path), std::runtime_error);
    EXPECT_TRUE(std::filesystem::exists(path));
    // The same file once nobody listens: stale, removed.
    close(live);
    EXPECT_NO_THROW(prepare_unix_socket(path));
    EXPECT_FALSE(std::filesystem::exists(path));
    // A regular file of that name is never removed.
    std::ofstream(path) << "not a socket";
    EXPECT_THROW(prepare_unix_socket(path), std::runtime_error);
    EXPECT_TRUE(std::filesystem::exists(path));
    // A missing parent directory is created.
    EXPECT_NO_THROW(prepare_unix_socket((dir / "sub" / "m.sock").string()));
    EXPECT_TRUE(std::filesystem::is_directory(dir / "sub"));
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace verdict
