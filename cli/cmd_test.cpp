// `verdict test RULES SESSION... [--trace]`: run offline SMTP sessions through the rules,
// print one line per stage and PASS/FAIL per expectation; exit 1 on any failure.
#include <boost/program_options.hpp>

#include <iostream>

#include "cli/commands.hpp"
#include "rules/loader.hpp"
#include "rules/offline_run.hpp"

namespace po = boost::program_options;

namespace verdict::cli {

int cmd_test(int argc, char** argv) {
    po::options_description opts("verdict test RULES SESSION... [options]");
    opts.add_options()("help,h", "show this help")("trace", "show every rule considered and why it matched or not")(
        "files", po::value<std::vector<std::string>>()->multitoken(), "rule file, then session files");
    po::positional_options_description pos;
    pos.add("files", -1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(opts).positional(pos).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "verdict test: " << e.what() << '\n' << opts;
        return 2;
    }
    if (vm.count("help")) {
        std::cout << opts;
        return 0;
    }
    auto files = vm.count("files") ? vm["files"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (files.size() < 2) {
        std::cerr << "verdict test: give a rule file and at least one session file\n" << opts;
        return 2;
    }
    LoadResult rules = load_rules(files[0]);
    if (!rules.ruleset) {
        std::cout << rules.diagnostics.str() << files[0] << ": not loaded\n";
        return 1;
    }
    const bool trace = vm.count("trace") > 0;
    bool ok = true;
    std::size_t passed = 0, failed = 0;
    for (std::size_t i = 1; i < files.size(); ++i) {
        if (files.size() > 2) std::cout << "# " << files[i] << '\n';
        SessionParse s = load_session(files[i]);
        if (!s.session) {
            std::cout << s.diagnostics.str();
            ok = false;
            ++failed;
            continue;
        }
        OfflineResult r = run_offline(rules.ruleset, *s.session, trace);
        for (const auto& l : r.lines) std::cout << l << '\n';
        for (const auto& c : r.checks) {
            std::cout << c << '\n';
            (c.rfind("PASS", 0) == 0 ? passed : failed)++;
        }
        ok = ok && r.passed;
    }
    if (passed + failed > 0) std::cout << passed << " passed, " << failed << " failed\n";
    return ok ? 0 : 1;
}

}  // namespace verdict::cli
