// `verdict reload [--control SOCKET]` and `verdict status [--control SOCKET]`: ask the
// running daemon over its control socket. reload exits non-zero and prints every error
// (file:line:col) when the new rules do not load; the old rules then stay active.
#include <boost/program_options.hpp>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/control.hpp"

namespace po = boost::program_options;

namespace verdict::cli {

namespace {

int control_command(int argc, char** argv, const std::string& command) {
    std::string control = "unix:/run/verdict/control.sock";
    po::options_description opts("verdict " + command + " [--control SOCKET]");
    opts.add_options()("help,h", "show this help")("control", po::value(&control)->default_value(control),
                                                   "the daemon's control socket");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, opts), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "verdict " << command << ": " << e.what() << '\n' << opts;
        return 2;
    }
    if (vm.count("help")) {
        std::cout << opts;
        return 0;
    }
    return control_request(control, command);
}

}  // namespace

int cmd_reload(int argc, char** argv) { return control_command(argc, argv, "reload"); }
int cmd_status(int argc, char** argv) { return control_command(argc, argv, "status"); }

}  // namespace verdict::cli
