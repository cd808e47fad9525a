// `verdict` entry point: picks the subcommand and runs it. Nothing else lives here.
#include <cstring>
#include <iostream>
#include <string_view>

#include "cli/commands.hpp"

namespace {

constexpr const char* kUsage = R"(usage: verdict COMMAND [ARGS]

commands:
  serve   --rules FILE [--milter SOCKET] [--policy SOCKET] [--control SOCKET]
          [--metrics HOST:PORT] [--log-format kv|json] [--foreground]
                                                       run the daemon (milter and/or policy server)
  reload  [--control SOCKET]                           validated hot reload of the running daemon
  status  [--control SOCKET]                           rules, reloads, connections, per-rule hits
  check   FILE [--strict] [--mta postfix|sendmail]   validate a rule file
  test    RULES SESSION... [--trace]                  run offline SMTP sessions through the rules
  explain CODE... | --list                             explain reply codes ("550", "5.1.1", "452 4.2.2")
  version                                              print the version

`verdict COMMAND --help` describes each command.
)";

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << kUsage;
        return 2;
    }
    std::string_view cmd = argv[1];
    // Each command sees argv starting at its own name.
    int sub_argc = argc - 1;
    char** sub_argv = argv + 1;
    try {
        if (cmd == "check") return verdict::cli::cmd_check(sub_argc, sub_argv);
        if (cmd == "explain") return verdict::cli::cmd_explain(sub_argc, sub_argv);
        if (cmd == "test") return verdict::cli::cmd_test(sub_argc, sub_argv);
        if (cmd == "serve") return verdict::cli::cmd_serve(sub_argc, sub_argv);
        if (cmd == "reload") return verdict::cli::cmd_reload(sub_argc, sub_argv);
        if (cmd == "status") return verdict::cli::cmd_status(sub_argc, sub_argv);
        if (cmd == "version" || cmd == "--version") {
            std::cout << "verdict 0.1.0\n";
            return 0;
        }
        if (cmd == "help" || cmd == "--help" || cmd == "-h") {
            std::cout << kUsage;
            return 0;
        }
    } catch (const std::exception& e) {
        std::cerr << "verdict " << cmd << ": " << e.what() << '\n';
        return 2;
    }
    std::cerr << "verdict: unknown command '" << cmd << "'\n" << kUsage;
    return 2;
}
