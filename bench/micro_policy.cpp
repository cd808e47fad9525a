// bench_micro, policy part: what the policy server does per request besides the socket,
// i.e. parsing a whole Postfix request (the attributes Postfix 3.7 sends at RCPT) and
// answering it through the Responder with bench/rules/policy.toml, decision log included
// (written to /dev/null). A new Postfix instance every 3 requests, as in bench/policy_load.
//
//   policy/rcpt/dunno     a recipient no rule refuses (no log line)
//   policy/rcpt/reject    an unknown user: 550 5.1.1 and a decision log line
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "policy/request.hpp"
#include "policy/responder.hpp"
#include "rules/loader.hpp"

namespace {

using namespace verdict;

std::string request_text(const std::string& rcpt, const std::string& instance) {
    return "request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"
           "client_address=203.0.113.200\nclient_name=mail.goodsender.example\n"
           "client_port=40312\nreverse_client_name=mail.goodsender.example\nserver_address=127.0.0.1\n"
           "server_port=25\nhelo_name=mail.goodsender.example\nsender=news@goodsender.example\n"
           "recipient=" + rcpt + "\nrecipient_count=0\nqueue_id=\ninstance=" + instance + "\n"
           "size=12000\netrn_domain=\nstress=\nsasl_method=\nsasl_username=\nsasl_sender=\n"
           "ccert_subject=\nccert_issuer=\nccert_fingerprint=\nccert_pubkey_fingerprint=\n"
           "encryption_protocol=\nencryption_cipher=\nencryption_keysize=0\npolicy_context=\n"
           "compatibility_level=3.6\nmail_version=3.7.11\n\n";
}

void run_policy(benchmark::State& st, const std::string& rcpt, const std::string& want) {
    const auto t0 = std::chrono::steady_clock::now();
    auto loaded = load_rules(VERDICT_SOURCE_DIR "/bench/rules/policy.toml");
    const double load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!loaded.ruleset) {
        st.SkipWithError("bench/rules/policy.toml did not load");
        return;
    }
    const int null = open("/dev/null", O_WRONLY | O_CLOEXEC);  // the decision log goes here
    {
        SnapshotHolder holder(loaded.ruleset);
        LogSink log(null);
        Metrics metrics;
        policy::Responder responder(holder, log, metrics);
        policy::RequestParser parser;
        std::uint64_t n = 0;
        std::string text = request_text(rcpt, "0"), answer;
        for (auto _ : st) {
            if (n % 3 == 0) text = request_text(rcpt, std::to_string(n / 3));  // a new message
            ++n;
            std::string_view in = text;
            if (parser.feed(in) != policy::RequestParser::Status::Complete) break;
            answer = responder.answer(parser.take());
            benchmark::DoNotOptimize(answer);
        }
        if (answer != "action=" + want + "\n\n") st.SkipWithError(("unexpected answer " + answer).c_str());
        st.counters["load_ms"] = load_ms;
    }
    close(null);
}

}  // namespace

void register_policy_benchmarks() {
    benchmark::RegisterBenchmark("policy/rcpt/dunno",
                                 [](benchmark::State& st) { run_policy(st, "alice@bench.example", "DUNNO"); });
    benchmark::RegisterBenchmark("policy/rcpt/reject", [](benchmark::State& st) {
        run_policy(st, "nobody@bench.example", "550 5.1.1 User unknown");
    });
}
