// policy_load: a load client for Postfix policy servers (the SMTPD_POLICY_README protocol).
// One epoll loop keeps C connections open to a unix or TCP socket; each sends requests
// back to back (the next one when the answer to the last has come, as smtpd does) and
// checks every answer against the expected table.
//
//   policy_load --socket unix:/path|HOST:PORT|inet:HOST:PORT --requests FILE
//       [--concurrency C] [--duration S] [--count N] [--timeout S] [--once] [--expect ANSWER]
//
// FILE holds transactions separated by blank lines ('#' starts a comment line). A
// transaction is attribute lines (`client_address=192.0.2.1`, `helo_name=…`, `sender=…`,
// `size=…`, …) and one line per recipient:
//   rcpt alice@bench.example => DUNNO
//   rcpt nobody@bench.example => 550 5.1.1 User unknown
// Each recipient becomes one request like smtpd's at RCPT: request=smtpd_access_policy,
// protocol_state=RCPT, protocol_name=ESMTP, the attributes, recipient=, recipient_count=0,
// queue_id= and an instance= unique to this run of the transaction (so a server keeping
// per-message state sees a new message each time). The answer must be
// "action=<expected>" followed by an empty line; the first word (DUNNO, dunno, REJECT…)
// compares without regard to case, the rest exactly. Connection k starts at transaction
// k and walks the file round robin.
//
// --expect ANSWER: every answer must be this one (e.g. DUNNO from policy_const).
// --once: every request of the file once, on one connection, printing each answer
// (a check of the expected table before a load run).
// Output: requests=… conns=… seconds=… req_per_s=… p50_us=… p99_us=… errors=… mismatches=…
// Exit 1 on any error or mismatch.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

struct Rcpt {
    std::string address, expect;
};
struct Tx {
    std::string attrs;  // "name=value\n" lines
    std::vector<Rcpt> rcpts;
};

struct Options {
    std::string socket, requests;
    long concurrency = 1;
    double duration = 5, timeout = 10;
    long count = 0;
    bool once = false;
    std::string expect;  // overrides every expected answer (e.g. DUNNO for policy_const)
};

std::int64_t now_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

std::string trim(std::string s) {
    auto b = s.find_first_not_of(" \t\r");
    auto e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::vector<Tx> load(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        std::fprintf(stderr, "policy_load: cannot read %s\n", path.c_str());
        std::exit(2);
    }
    std::vector<Tx> txs;
    Tx cur;
    std::string line;
    int n = 0;
    auto done = [&] {
        if (!cur.rcpts.empty()) txs.push_back(cur);
        else if (!cur.attrs.empty()) {
            std::fprintf(stderr, "policy_load: %s: a transaction before line %d has no rcpt line\n", path.c_str(), n);
            std::exit(2);
        }
        cur = Tx{};
    };
    while (std::getline(in, line)) {
        ++n;
        line = trim(line);
        if (!line.empty() && line[0] == '#') continue;
        if (line.empty()) {
            done();
            continue;
        }
        if (line.rfind("rcpt ", 0) == 0) {
            auto arrow = line.find("=>");
            if (arrow == std::string::npos) {
                std::fprintf(stderr, "policy_load: %s:%d: rcpt line without '=> expected answer'\n", path.c_str(), n);
                std::exit(2);
            }
            cur.rcpts.push_back({trim(line.substr(5, arrow - 5)), trim(line.substr(arrow + 2))});
        } else if (line.find('=') != std::string::npos) {
            cur.attrs += line + "\n";
        } else {
            std::fprintf(stderr, "policy_load: %s:%d: expected name=value or 'rcpt ADDRESS => ANSWER'\n", path.c_str(), n);
            std::exit(2);
        }
    }
    done();
    if (txs.empty()) {
        std::fprintf(stderr, "policy_load: %s has no transactions\n", path.c_str());
        std::exit(2);
    }
    return txs;
}

bool same_answer(const std::string& got, const std::string& want) {
    auto sp_g = got.find(' '), sp_w = want.find(' ');
    std::string g0 = got.substr(0, sp_g), w0 = want.substr(0, sp_w);
    if (g0.size() != w0.size() || strncasecmp(g0.c_str(), w0.c_str(), g0.size()) != 0) return false;
    std::string g1 = sp_g == std::string::npos ? "" : got.substr(sp_g);
    std::string w1 = sp_w == std::string::npos ? "" : want.substr(sp_w);
    return g1 == w1;
}

int connect_socket(const std::string& s) {
    int fd;
    if (s.rfind("unix:", 0) == 0 || (!s.empty() && s[0] == '/')) {
        std::string path = s[0] == '/' ? s : s.substr(5);
        sockaddr_un sa{};
        sa.sun_family = AF_UNIX;
        std::snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path.c_str());
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
            if (fd >= 0) close(fd);
            return -1;
        }
    } else {
        std::string t = s.rfind("inet:", 0) == 0 ? s.substr(5) : s;
        std::string host = "127.0.0.1", port = t;
        if (auto at = t.find('@'); at != std::string::npos) {
            port = t.substr(0, at);
            host = t.substr(at + 1);
        } else if (auto colon = t.rfind(':'); colon != std::string::npos) {
            host = t.substr(0, colon);
            port = t.substr(colon + 1);
        }
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        sa.sin_port = htons(static_cast<std::uint16_t>(std::atoi(port.c_str())));
        if (inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host.c_str(), &sa.sin_addr) != 1) {
            errno = EINVAL;
            return -1;
        }
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
            if (fd >= 0) close(fd);
            return -1;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

struct Conn {
    int id = 0, fd = -1;
    std::size_t tx = 0, rcpt = 0;
    unsigned long run = 0;  // how many transactions this connection has started
    std::string instance, out, in;
    std::size_t out_off = 0;
    std::int64_t sent_at = 0;
    bool waiting = false, dead = false;
};

struct Stats {
    std::vector<std::uint32_t> lat_us;
    long requests = 0, errors = 0, mismatches = 0;
    std::vector<std::string> first;
    void note(const std::string& e) {
        if (first.size() < 10) first.push_back(e);
    }
};

std::uint32_t percentile(std::vector<std::uint32_t>& v, double q) {
    if (v.empty()) return 0;
    std::size_t k = static_cast<std::size_t>(q * double(v.size() - 1) + 0.5);
    std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
    return v[k];
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    auto usage = [&] {
        std::fprintf(stderr,
                     "usage: %s --socket SPEC --requests FILE [--concurrency C] [--duration S] [--count N] "
                     "[--timeout S] [--once] [--expect ANSWER]\n",
                     argv[0]);
        std::exit(2);
    };
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto val = [&]() -> std::string {
            if (i + 1 >= argc) usage();
            return argv[++i];
        };
        if (a == "--socket") o.socket = val();
        else if (a == "--requests") o.requests = val();
        else if (a == "--concurrency") o.concurrency = std::atol(val().c_str());
        else if (a == "--duration") o.duration = std::atof(val().c_str());
        else if (a == "--count") o.count = std::atol(val().c_str());
        else if (a == "--timeout") o.timeout = std::atof(val().c_str());
        else if (a == "--once") o.once = true;
        else if (a == "--expect") o.expect = val();
        else usage();
    }
    if (o.socket.empty() || o.requests.empty() || o.concurrency < 1) usage();
    std::signal(SIGPIPE, SIG_IGN);
    std::vector<Tx> txs = load(o.requests);
    if (!o.expect.empty())
        for (auto& t : txs)
            for (auto& r : t.rcpts) r.expect = o.expect;
    long total_rcpts = 0;
    for (const auto& t : txs) total_rcpts += static_cast<long>(t.rcpts.size());
    if (o.once) {
        o.concurrency = 1;
        o.count = total_rcpts;
        o.duration = 0;
    }

    Stats s;
    const int ep = epoll_create1(EPOLL_CLOEXEC);
    const std::int64_t start = now_ns();
    const std::int64_t deadline = o.duration > 0 ? start + std::int64_t(o.duration * 1e9) : 0;
    long issued = 0;
    const unsigned long run_id = static_cast<unsigned long>(start / 1000) & 0xFFFFFFFu;
    std::vector<std::unique_ptr<Conn>> conns;

    auto stop_issuing = [&] { return (o.count > 0 && issued >= o.count) || (deadline && now_ns() >= deadline); };
    auto kill = [&](Conn& c) {
        if (c.dead) return;
        c.dead = true;
        epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
        close(c.fd);
    };
    auto flush = [&](Conn& c) {
        while (c.out_off < c.out.size()) {
            ssize_t w = write(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off);
            if (w < 0) {
                if (errno == EAGAIN || errno == EINTR) return;
                ++s.errors;
                s.note(std::string("write: ") + std::strerror(errno));
                kill(c);
                return;
            }
            c.out_off += static_cast<std::size_t>(w);
        }
        c.out.clear();
        c.out_off = 0;
    };
    auto send_next = [&](Conn& c) {
        if (stop_issuing()) {
            kill(c);
            return;
        }
        const Tx& t = txs[c.tx];
        if (c.rcpt == 0) c.instance = std::to_string(run_id) + "." + std::to_string(c.id) + "." + std::to_string(c.run++);
        c.out += "request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n";
        c.out += t.attrs;
        c.out += "recipient=" + t.rcpts[c.rcpt].address + "\nrecipient_count=0\nqueue_id=\ninstance=" + c.instance + "\n\n";
        c.waiting = true;
        c.sent_at = now_ns();
        ++issued;
        flush(c);
    };
    auto on_answer = [&](Conn& c, const std::string& ans) {
        const std::int64_t t = now_ns();
        s.lat_us.push_back(static_cast<std::uint32_t>(std::min<std::int64_t>((t - c.sent_at) / 1000, UINT32_MAX)));
        ++s.requests;
        c.waiting = false;
        const Tx& tx = txs[c.tx];
        const Rcpt& r = tx.rcpts[c.rcpt];
        // The answer: one "action=…" line (anything else is a mismatch too).
        std::string got = ans;
        if (got.rfind("action=", 0) == 0 && got.find('\n') == std::string::npos) got = got.substr(7);
        else got = "<" + ans + ">";
        const bool ok = same_answer(got, r.expect);
        if (o.once) std::printf("%-4s %s -> %s\n", ok ? "ok" : "FAIL", r.address.c_str(), got.c_str());
        if (!ok) {
            ++s.mismatches;
            s.note("transaction " + std::to_string(c.tx + 1) + " rcpt " + r.address + ": expected '" + r.expect +
                   "', got '" + got + "'");
        }
        if (++c.rcpt >= tx.rcpts.size()) {
            c.rcpt = 0;
            c.tx = (c.tx + 1) % txs.size();
        }
        send_next(c);
    };

    const long nconn = o.concurrency;
    for (long i = 0; i < nconn; ++i) {
        auto c = std::make_unique<Conn>();
        c->id = static_cast<int>(i);
        c->tx = static_cast<std::size_t>(i) % txs.size();
        c->fd = connect_socket(o.socket);
        if (c->fd < 0) {
            std::fprintf(stderr, "policy_load: connect to %s: %s\n", o.socket.c_str(), std::strerror(errno));
            return 1;
        }
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
        ev.data.ptr = c.get();
        epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
        conns.push_back(std::move(c));
    }
    for (auto& c : conns) send_next(*c);

    std::vector<epoll_event> evs(256);
    std::int64_t last_check = 0;
    for (;;) {
        bool any = false;
        for (auto& c : conns) any = any || !c->dead;
        if (!any) break;
        int n = epoll_wait(ep, evs.data(), static_cast<int>(evs.size()), 100);
        for (int i = 0; i < n; ++i) {
            Conn& c = *static_cast<Conn*>(evs[i].data.ptr);
            if (c.dead) continue;
            if (evs[i].events & EPOLLOUT) flush(c);
            if (c.dead || !(evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) continue;
            char buf[65536];
            bool eof = false;
            for (;;) {
                ssize_t r = read(c.fd, buf, sizeof buf);
                if (r > 0) {
                    c.in.append(buf, static_cast<std::size_t>(r));
                    continue;
                }
                if (r < 0 && (errno == EAGAIN || errno == EINTR)) break;
                eof = true;
                break;
            }
            std::size_t end;
            while (!c.dead && (end = c.in.find("\n\n")) != std::string::npos) {
                std::string ans = c.in.substr(0, end);
                c.in.erase(0, end + 2);
                if (!c.waiting) {
                    ++s.errors;
                    s.note("answer without a request: '" + ans + "'");
                    kill(c);
                    break;
                }
                on_answer(c, ans);
            }
            if (eof && !c.dead) {
                if (c.waiting) {
                    ++s.errors;
                    s.note("server closed the connection with a request outstanding");
                }
                kill(c);
            }
        }
        const std::int64_t t = now_ns();
        if (t - last_check > 100000000) {
            last_check = t;
            for (auto& c : conns)
                if (!c->dead && c->waiting && t - c->sent_at > std::int64_t(o.timeout * 1e9)) {
                    ++s.errors;
                    s.note("timeout: no answer within " + std::to_string(o.timeout) + " s");
                    kill(*c);
                }
        }
    }
    const double secs = double(now_ns() - start) / 1e9;
    for (const auto& e : s.first) std::fprintf(stderr, "policy_load: %s\n", e.c_str());
    const std::uint32_t p50 = percentile(s.lat_us, 0.50), p99 = percentile(s.lat_us, 0.99);
    std::printf("requests=%ld conns=%ld seconds=%.3f req_per_s=%.1f p50_us=%u p99_us=%u errors=%ld mismatches=%ld\n",
                s.requests, nconn, secs, secs > 0 ? double(s.requests) / secs : 0.0, p50, p99, s.errors, s.mismatches);
    return s.errors || s.mismatches || s.requests == 0 ? 1 : 0;
}
