// `verdict check FILE [--strict] [--mta postfix|sendmail] [--policy]`: load and validate a rule
// file, print every diagnostic and a one-line summary. Exit 0 when it loads (and, with
// --strict, has no warnings), 1 otherwise, 2 on a usage error.
#include <boost/program_options.hpp>

#include <iostream>

#include "cli/commands.hpp"
#include "rules/loader.hpp"

namespace po = boost::program_options;

namespace verdict::cli {

namespace {

std::string summary(const Ruleset& rs) {
    std::string per_stage;
    for (Stage s : kAllStages) {
        if (!per_stage.empty()) per_stage += ", ";
        per_stage += std::string(stage_name(s)) + ' ' + std::to_string(rs.by_stage[index(s)].size());
    }
    std::size_t monitor = 0;
    for (const auto& r : rs.rules) monitor += r.mode == Mode::Monitor;
    return std::to_string(rs.rules.size()) + " rules (" + per_stage + "), " + std::to_string(monitor) +
           " in monitor mode, " + std::to_string(rs.lists.size()) + " lists with " + std::to_string(rs.list_entries()) +
           " entries";
}

}  // namespace

int cmd_check(int argc, char** argv) {
    po::options_description opts("verdict check FILE [options]");
    opts.add_options()("help,h", "show this help")("strict", "treat warnings as errors")(
        "mta", po::value<std::string>(), "also warn where this MTA (postfix|sendmail) changes our replies")(
        "policy", "also warn about rules the Postfix policy server cannot run")(
        "file", po::value<std::string>(), "rule file");
    po::positional_options_description pos;
    pos.add("file", 1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(opts).positional(pos).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "verdict check: " << e.what() << '\n' << opts;
        return 2;
    }
    if (vm.count("help")) {
        std::cout << opts;
        return 0;
    }
    if (!vm.count("file")) {
        std::cerr << "verdict check: no rule file given\n" << opts;
        return 2;
    }
    LoadOptions lo;
    if (vm.count("mta")) {
        lo.mta = parse_mta(vm["mta"].as<std::string>());
        if (!lo.mta) {
            std::cerr << "verdict check: --mta takes postfix or sendmail\n";
            return 2;
        }
    }
    lo.policy = vm.count("policy") > 0;
    const std::string file = vm["file"].as<std::string>();
    LoadResult r = load_rules(file, lo);
    std::cout << r.diagnostics.str();
    const std::size_t errors = r.diagnostics.errors(), warnings = r.diagnostics.warnings();
    if (r.ruleset)
        std::cout << file << ": " << summary(*r.ruleset) << "; ";
    else
        std::cout << file << ": not loaded; ";
    std::cout << errors << (errors == 1 ? " error, " : " errors, ") << warnings
              << (warnings == 1 ? " warning\n" : " warnings\n");
    if (errors > 0) return 1;
    if (warnings > 0 && vm.count("strict")) return 1;
    return 0;
}

}  // namespace verdict::cli
