// `verdict serve --rules FILE [--milter SOCKET] [--policy SOCKET] [--control SOCKET]
// [--metrics HOST:PORT] [--foreground]`: the daemon. Loads the rules, starts the front
// ends, the control socket and the metrics endpoint, and handles signals in the main thread:
//   SIGTERM, SIGINT  stop accepting, let in-flight transactions finish, exit 0
//   SIGUSR1          reload the rule file (as `verdict reload`); on any error the old rules stay
//   SIGHUP           logged and otherwise ignored (libmilter would stop on it)
#include <boost/program_options.hpp>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/control.hpp"
#include "cli/daemon.hpp"
#include "cli/file_watch.hpp"
#include "cli/privileges.hpp"
#include "milter/milter_service.hpp"
#include "policy/server.hpp"
#include "rules/loader.hpp"

namespace po = boost::program_options;

namespace verdict::cli {

namespace {

int g_signal_pipe[2] = {-1, -1};  // written by the signal handler, read by the main loop

extern "C" void on_signal(int sig) {
    const int saved = errno;
    unsigned char b = static_cast<unsigned char>(sig);
    [[maybe_unused]] auto n = write(g_signal_pipe[1], &b, 1);
    errno = saved;
}

void install_signals() {
    if (pipe2(g_signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("pipe2 failed");
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (int s : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) sigaction(s, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    // This thread must take these signals (libmilter's own thread would stop on SIGHUP).
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) sigaddset(&set, s);
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

}  // namespace

int cmd_serve(int argc, char** argv) {
    po::options_description opts("verdict serve --rules FILE [options]");
    std::string rules_path;
    milter::Config mc;
    policy::Config pc;
    std::string control = "unix:/run/verdict/control.sock", metrics_address, log_format = "kv";
    std::string user = "verdict", socket_group;
    opts.add_options()("help,h", "show this help")("rules", po::value(&rules_path)->required(), "rule file")(
        "milter", po::value(&mc.socket)->default_value(mc.socket), "milter socket: unix:/path, inet:PORT@HOST, inet6:PORT@HOST")(
        "milter-timeout", po::value(&mc.timeout_seconds)->default_value(mc.timeout_seconds), "seconds to wait on the MTA")(
        "milter-max-connections", po::value(&mc.max_connections)->default_value(mc.max_connections),
        "milter connections at once; beyond, settings.on_error answers at connect")(
        "policy", po::value(&pc.socket), "Postfix policy server socket (same syntax); alone, no milter runs")(
        "policy-threads", po::value(&pc.threads)->default_value(pc.threads), "policy server I/O threads")(
        "policy-idle-timeout", po::value(&pc.idle_timeout_seconds)->default_value(pc.idle_timeout_seconds),
        "seconds an idle policy connection stays open")(
        "policy-max-connections", po::value(&pc.max_connections)->default_value(pc.max_connections),
        "policy connections accepted at once")(
        "policy-max-line", po::value(&pc.limits.max_line)->default_value(pc.limits.max_line),
        "bytes in one policy attribute line")(
        "policy-max-attributes", po::value(&pc.limits.max_attributes)->default_value(pc.limits.max_attributes),
        "attributes in one policy request")(
        "policy-max-request", po::value(&pc.limits.max_request)->default_value(pc.limits.max_request),
        "bytes in one policy request")(
        "control", po::value(&control)->default_value(control), "control socket for `verdict reload`/`status` (\"\" disables)")(
        "metrics", po::value(&metrics_address), "serve Prometheus metrics on HOST:PORT, e.g. 127.0.0.1:9330")(
        "log-format", po::value(&log_format)->default_value(log_format), "decision log lines: kv (key=value) or json")(
        "user", po::value(&user)->default_value(user), "drop root to this user once the sockets are open")(
        "socket-group", po::value(&socket_group), "group of the milter/policy sockets (default: the user's group); "
                                                  "the MTA must be in it, e.g. postfix")(
        "allow-root", "keep running as root (not recommended)")(
        "watch", "reload when the rule file or a list file changes (inotify, debounced 0.5 s)")(
        "foreground", "stay in the foreground and log to stderr instead of syslog");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, opts), vm);
        if (vm.count("help")) {
            std::cout << opts;
            return 0;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "verdict serve: " << e.what() << '\n' << opts;
        return 2;
    }
    // Option values are checked before anything starts (and before stderr is let go).
    if (log_format != "kv" && log_format != "json") {
        std::cerr << "verdict serve: --log-format takes kv or json\n";
        return 2;
    }
    std::string bad_range;
    auto in_range = [&bad_range](const char* option, auto v, long long lo, long long hi) {
        const auto n = static_cast<long long>(v);
        if (bad_range.empty() && (n < lo || n > hi))
            bad_range = std::string("--") + option + " takes " + std::to_string(lo) + " to " + std::to_string(hi);
    };
    in_range("milter-timeout", mc.timeout_seconds, 1, 3600);
    in_range("milter-max-connections", mc.max_connections, 1, 100000);
    in_range("policy-threads", pc.threads, 1, 64);
    in_range("policy-idle-timeout", pc.idle_timeout_seconds, 1, 86400);
    in_range("policy-max-connections", pc.max_connections, 1, 100000);
    if (!bad_range.empty()) {
        std::cerr << "verdict serve: " << bad_range << '\n';
        return 2;
    }
    if (std::string bad = policy::check_limits(pc.limits); !bad.empty()) {
        std::cerr << "verdict serve: " << bad << '\n';
        return 2;
    }
    LoadResult r = load_rules(rules_path);
    std::cerr << r.diagnostics.str();
    if (!r.ruleset) {
        std::cerr << "verdict serve: " << rules_path << " not loaded\n";
        return 1;
    }
    // Rule and list files others could change are refused before anything starts.
    std::vector<std::string> rule_files{rules_path};
    for (const auto& [name, list] : r.ruleset->lists)
        if (!list->file.empty()) rule_files.push_back(list->file);
    const bool as_root = geteuid() == 0, allow_root = vm.count("allow-root") > 0;
    Identity identity;
    try {
        check_files_safe(rule_files);
        if (as_root && !allow_root) identity = resolve_identity(user, socket_group);
    } catch (const std::exception& e) {
        std::cerr << "verdict serve: " << e.what() << '\n';
        return 1;
    }
    const bool foreground = vm.count("foreground") > 0;
    if (!foreground && daemon(0, 0) != 0) {
        std::cerr << "verdict serve: cannot detach: " << std::strerror(errno) << '\n';
        return 1;
    }
    LogSink log(foreground, "verdict", log_format == "json" ? LogFormat::Json : LogFormat::KeyValue);
    Daemon daemon(rules_path, r.ruleset, log);
    install_signals();
    // The milter runs unless only --policy was given.
    const bool want_milter = !vm["milter"].defaulted() || pc.socket.empty();
    milter::Service service(mc, daemon.snapshots, log, daemon.metrics);
    policy::Responder responder(daemon.snapshots, log, daemon.metrics);
    std::unique_ptr<milter::Listener> listener;
    std::unique_ptr<policy::Server> policy_server;
    std::unique_ptr<ControlServer> control_server;
    try {
        control_server = std::make_unique<ControlServer>(daemon, control, metrics_address);
        if (!pc.socket.empty()) {
            policy_server = std::make_unique<policy::Server>(pc, responder, log, daemon.metrics);
            policy_server->start();
        }
        if (want_milter) listener = std::make_unique<milter::Listener>(service);
        if (as_root && !allow_root) {
            // Sockets exist now: give them to the daemon's user and the MTA's group, then drop root.
            std::vector<std::string> sockets;
            for (const auto& spec : {want_milter ? mc.socket : std::string(), pc.socket, control})
                if (spec.rfind("unix:", 0) == 0 || spec.rfind("local:", 0) == 0) sockets.push_back(spec.substr(spec.find(':') + 1));
            hand_over_sockets(sockets, identity);
            drop_to(identity);
            log.info("running as user " + identity.user);
        } else if (as_root) {
            log.info("running as root (--allow-root)");
        }
    } catch (const std::exception& e) {
        log.error(std::string("cannot start: ") + e.what());
        return 1;
    }
    log.info("serving " + rules_path + " (" + std::to_string(r.ruleset->rules.size()) + " rules)" +
             (want_milter ? " on milter " + mc.socket : std::string()) +
             (pc.socket.empty() ? std::string() : " on policy " + pc.socket));
    // --watch: the files of the active snapshot, re-read after each reload.
    std::unique_ptr<FileWatch> watch;
    auto watched_files = [&] {
        std::vector<std::string> files{rules_path};
        for (const auto& [name, list] : daemon.snapshots.get()->lists)
            if (!list->file.empty()) files.push_back(list->file);
        return files;
    };
    if (vm.count("watch")) {
        watch = std::make_unique<FileWatch>();
        watch->watch(watched_files());
    }
    bool change_pending = false;
    for (;;) {
        pollfd p[2] = {{g_signal_pipe[0], POLLIN, 0}, {watch ? watch->fd() : -1, POLLIN, 0}};
        const int timeout_ms = change_pending ? 500 : -1;  // debounce bursts of writes
        const int ready = poll(p, watch ? 2 : 1, timeout_ms);
        if (ready < 0 && errno != EINTR) break;
        if (watch && (p[1].revents & POLLIN) && watch->changed()) {
            change_pending = true;
            continue;
        }
        if (ready == 0 && change_pending) {
            change_pending = false;
            log.info("rule files changed; reloading");
            daemon.reload();
            watch->watch(watched_files());
            continue;
        }
        unsigned char sig = 0;
        if (!(p[0].revents & POLLIN) || read(g_signal_pipe[0], &sig, 1) != 1) continue;
        if (sig == SIGHUP) {
            log.info("SIGHUP ignored: send SIGUSR1 to reload the rules, SIGTERM to stop");
        } else if (sig == SIGUSR1) {
            daemon.reload();
        } else if (sig == SIGTERM || sig == SIGINT) {
            log.info(std::string("stopping on ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") +
                     "; in-flight transactions finish first");
            break;
        }
    }
    if (control_server) control_server->stop();
    if (policy_server) policy_server->stop();
    int rc = 0;
    if (listener) {
        listener->stop();
        rc = listener->wait();
    }
    log.info("stopped");
    return rc == 0 ? 0 : 1;  // MI_SUCCESS
}

}  // namespace verdict::cli
