// milter_load: an MTA-side load client for milters. It speaks the milter wire protocol
// (version 6) itself, the way Postfix's smtpd does: option negotiation offering every
// action and protocol step, then per connection CONNECT and HELO, and per transaction
// MAIL, RCPT..., DATA, the headers, EOH, the body, end of message and ABORT; QUIT at the
// end. Macros go before each command (only those the milter asked for when it sent symbol
// lists). Steps the milter switched off (SMFIP_NO*) are not sent, and no reply is awaited
// where it asked for none (SMFIP_NR_*); a SKIP reply ends the body as it does in Postfix.
//
// Every reply is checked: CONTINUE at each step (SKIP also for the body), the expected
// reply for recipients (known users: CONTINUE; unknown users: --expect-unknown, e.g.
// "550 5.1.1", matched as a prefix of an SMFIR_REPLYCODE), and a final CONTINUE or ACCEPT
// (after any modification packets) at end of message. A wrong reply, a protocol error, a
// closed connection or a reply that takes longer than --timeout counts as an error, and
// the run exits 1.
//
//   milter_load --socket unix:/path|inet:PORT@HOST|HOST:PORT [--connections N]
//       [--tx-per-conn K] [--concurrency C] [--rcpts R] [--unknown U]
//       [--expect-unknown continue|"550 5.1.1"] [--duration S] [--body-bytes B]
//       [--users N] [--domain D] [--timeout S] [--probe]
//
// Load: C connections are kept open at once; each runs K transactions of R recipients
// (U of them unknown users) and closes; a finished connection is replaced until N have
// been started or S seconds have passed (whichever comes first; 0 = no limit).
// Latency is per transaction: from its MAIL (for a connection's first transaction: from
// the socket connect, so it includes negotiation, CONNECT and HELO) to the final reply
// at end of message. Prints one line:
//   tx=… conns=… seconds=… tx_per_s=… p50_us=… p99_us=… errors=… rejected_rcpts=…
// --probe: one connection, negotiation only; prints "version=6 actions=0x… protocol=0x…".
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
#include <cinttypes>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

// Wire codes (libmilter/mfdef.h).
constexpr char C_ABORT = 'A', C_BODY = 'B', C_CONNECT = 'C', C_MACRO = 'D', C_BODYEOB = 'E', C_HELO = 'H',
               C_HEADER = 'L', C_MAIL = 'M', C_EOH = 'N', C_OPTNEG = 'O', C_QUIT = 'Q', C_RCPT = 'R', C_DATA = 'T';
constexpr char R_ADDRCPT = '+', R_DELRCPT = '-', R_ADDRCPT_PAR = '2', R_ACCEPT = 'a', R_REPLBODY = 'b',
               R_CONTINUE = 'c', R_DISCARD = 'd', R_CHGFROM = 'e', R_ADDHEADER = 'h', R_INSHEADER = 'i',
               R_CHGHEADER = 'm', R_PROGRESS = 'p', R_QUARANTINE = 'q', R_REJECT = 'r', R_SKIP = 's',
               R_TEMPFAIL = 't', R_REPLYCODE = 'y', R_OPTNEG = 'O';
constexpr std::uint32_t P_NOCONNECT = 0x1, P_NOHELO = 0x2, P_NOMAIL = 0x4, P_NORCPT = 0x8, P_NOBODY = 0x10,
                        P_NOHDRS = 0x20, P_NOEOH = 0x40, P_NR_HDR = 0x80, P_NODATA = 0x200, P_SKIP = 0x400,
                        P_NR_CONN = 0x1000, P_NR_HELO = 0x2000, P_NR_MAIL = 0x4000, P_NR_RCPT = 0x8000,
                        P_NR_DATA = 0x10000, P_NR_EOH = 0x40000, P_NR_BODY = 0x80000, P_HDR_LEADSPC = 0x100000;
// What Postfix 3.7 offers (tests/e2e/README.md: actions 0x1FF, protocol mask 0x1FFFFF).
constexpr std::uint32_t kOfferActions = 0x1FF, kOfferProtocol = 0x1FFFFF;
// Macro stage indexes in SMFIR_OPTNEG symbol lists (SMFIM_*), and the command each goes with.
constexpr int kStages = 7;
constexpr char kStageCmd[kStages] = {C_CONNECT, C_HELO, C_MAIL, C_RCPT, C_DATA, C_BODYEOB, C_EOH};

struct Options {
    std::string socket;
    long connections = 1000, tx_per_conn = 1, concurrency = 1, rcpts = 3, unknown = 1;
    std::string expect_unknown = "550 5.1.1";
    double duration = 0, timeout = 10;
    long body_bytes = 2048, users = 10000;
    std::string domain = "bench.example";
    bool probe = false;
};

std::int64_t now_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void put32(std::string& s, std::uint32_t v) {
    v = htonl(v);
    s.append(reinterpret_cast<const char*>(&v), 4);
}

void packet(std::string& out, char cmd, const std::string& data) {
    put32(out, static_cast<std::uint32_t>(data.size() + 1));
    out += cmd;
    out += data;
}

std::string z(std::string_view a) { return std::string(a) + '\0'; }

// Per-stage macro values, as Postfix 3.7 sends them (tests/e2e/README.md).
const std::map<std::string, std::string>& macro_values(int stage) {
    static const std::map<std::string, std::string> m[kStages] = {
        {{"j", "postfix.bench.test"}, {"_", "unknown [127.0.0.1]"}, {"{daemon_name}", "postfix.bench.test"},
         {"{daemon_addr}", "127.0.0.1"}, {"v", "Postfix 3.7.11"}, {"{client_addr}", "127.0.0.1"},
         {"{client_name}", "unknown"}},
        {{"{tls_version}", ""}, {"{cipher}", ""}},
        {{"{mail_addr}", "sender@client.example"}, {"{mail_host}", "sink"}, {"{mail_mailer}", "sink"},
         {"{auth_authen}", ""}},
        {{"{rcpt_addr}", "rcpt"}, {"{rcpt_host}", "sink"}, {"{rcpt_mailer}", "sink"}},
        {{"i", "4QUEUEID1"}},
        {{"i", "4QUEUEID1"}},
        {{"i", "4QUEUEID1"}},
    };
    return m[stage];
}
// Postfix's default macro lists when the milter sends none (milter_*_macros in postconf -d).
const char* const kDefaultMacros[kStages] = {
    "j {daemon_name} {daemon_addr} v _", "{tls_version} {cipher} {cipher_bits} {cert_subject} {cert_issuer}",
    "i {auth_type} {auth_authen} {auth_author} {mail_addr} {mail_host} {mail_mailer}",
    "{rcpt_addr} {rcpt_host} {rcpt_mailer}", "i", "i", "i"};

// The negotiated conversation: which steps are sent, which await a reply, and the
// macro packets that go before each command.
struct Script {
    std::uint32_t version = 0, actions = 0, protocol = 0;
    std::string lists[kStages];   // macro names per stage (the milter's symbol lists or Postfix's defaults)
    std::string macros[kStages];  // ready-made SMFIC_MACRO packets ("" = none)
};

std::string macro_packet(int stage, const std::string& names, const std::string& rcpt = {}) {
    std::string data(1, kStageCmd[stage]);
    const auto& vals = macro_values(stage);
    std::size_t n = 0, pos = 0;
    while (pos <= names.size()) {
        auto sp = names.find(' ', pos);
        std::string name = names.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos);
        pos = sp == std::string::npos ? names.size() + 1 : sp + 1;
        if (name.empty()) continue;
        std::string key = name.size() > 1 && name.front() != '{' ? "{" + name + "}" : name;
        auto it = vals.find(key);
        if (it == vals.end()) it = vals.find(name);
        if (it == vals.end()) continue;
        data += z(name);
        data += z(rcpt.empty() || key != "{rcpt_addr}" ? it->second : rcpt);
        ++n;
    }
    if (n == 0) return {};
    std::string out;
    packet(out, C_MACRO, data);
    return out;
}

struct Stats {
    std::vector<std::uint32_t> lat_us;
    long tx = 0, errors = 0, conns = 0, rejected_rcpts = 0, mods = 0;
    std::vector<std::string> first_errors;
    void error(const std::string& e) {
        ++errors;
        if (first_errors.size() < 10) first_errors.push_back(e);
    }
};

enum class Phase { OptNeg, Connect, Helo, Mail, Rcpt, Data, Header, Eoh, Body, Eom, Done };
enum class Wait { None, OptNeg, Continue, Rcpt, Body, Eom };

struct Message {
    std::vector<std::pair<std::string, std::string>> headers;
    std::vector<std::string> chunks;
};

class Client {
public:
    Client(const Options& o, Stats& s) : o_(o), s_(s) {
        const std::string text = "The quick brown fox jumps over the lazy dog; benchmark body text line.\r\n";
        std::string body;
        while (static_cast<long>(body.size()) < o.body_bytes) body += text;
        body.resize(static_cast<std::size_t>(o.body_bytes));
        for (std::size_t off = 0; off < body.size(); off += 65535) msg_.chunks.push_back(body.substr(off, 65535));
        msg_.headers = {{"Received", "from client.example (unknown [127.0.0.1]) by postfix.bench.test (Postfix) with ESMTP id 4QUEUEID1"},
                        {"From", "Sender <sender@client.example>"},
                        {"To", "User <user1@" + o.domain + ">"},
                        {"Subject", "quarterly report for the benchmark"},
                        {"Date", "Wed, 25 Nov 2026 10:00:00 +0000"},
                        {"Message-ID", "<bench.1@client.example>"},
                        {"MIME-Version", "1.0"},
                        {"Content-Type", "text/plain; charset=us-ascii"},
                        {"X-Mailer", "milter_load"}};
    }

    int run() {
        ep_ = epoll_create1(EPOLL_CLOEXEC);
        start_ = now_ns();
        deadline_ = o_.duration > 0 ? start_ + std::int64_t(o_.duration * 1e9) : 0;
        const long initial = o_.probe ? 1 : std::min(o_.concurrency, o_.connections);
        for (long i = 0; i < initial; ++i) open_one();
        std::vector<epoll_event> evs(256);
        while (open_ > 0) {
            int n = epoll_wait(ep_, evs.data(), static_cast<int>(evs.size()), 100);
            for (int i = 0; i < n; ++i) on_event(*static_cast<Conn*>(evs[i].data.ptr), evs[i].events);
            reap();
            check_timeouts();
        }
        end_ = now_ns();
        return 0;
    }
    double seconds() const { return double(end_ - start_) / 1e9; }
    const Script& script() const { return script_; }
    bool negotiated() const { return have_script_; }

private:
    struct Conn {
        int fd = -1;
        Phase phase = Phase::OptNeg;
        Wait wait = Wait::None;
        std::string out, in;
        std::size_t out_off = 0;
        long tx_done = 0;
        std::size_t rcpt_i = 0, hdr_i = 0, chunk_i = 0;
        std::vector<std::string> rcpts;
        std::vector<bool> unknown;
        std::int64_t tx_start = 0, last_io = 0;
        bool closing = false, dead = false;
        Script sc;
    };

    void open_one() {
        if (!o_.probe && (started_ >= o_.connections || (deadline_ && now_ns() >= deadline_))) return;
        ++started_;
        auto c = std::make_unique<Conn>();
        c->tx_start = c->last_io = now_ns();
        c->fd = connect_socket();
        if (c->fd < 0) {
            s_.error("connect to " + o_.socket + ": " + std::strerror(errno));
            return;
        }
        ++open_;
        ++s_.conns;
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
        ev.data.ptr = c.get();
        epoll_ctl(ep_, EPOLL_CTL_ADD, c->fd, &ev);
        // SMFIC_OPTNEG: version, actions, protocol.
        std::string d;
        put32(d, 6);
        put32(d, kOfferActions);
        put32(d, kOfferProtocol);
        packet(c->out, C_OPTNEG, d);
        c->wait = Wait::OptNeg;
        flush(*c);
        conns_.push_back(std::move(c));
    }

    int connect_socket() {
        const std::string& s = o_.socket;
        int fd;
        if (s.rfind("unix:", 0) == 0 || s.rfind("local:", 0) == 0 || (!s.empty() && s[0] == '/')) {
            std::string path = s[0] == '/' ? s : s.substr(s.find(':') + 1);
            sockaddr_un sa{};
            sa.sun_family = AF_UNIX;
            std::snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path.c_str());
            fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
                if (fd >= 0) close(fd);
                return -1;
            }
        } else {
            std::string host, port;
            std::string t = s.rfind("inet:", 0) == 0 ? s.substr(5) : s;
            if (auto at = t.find('@'); at != std::string::npos) {
                port = t.substr(0, at);
                host = t.substr(at + 1);
            } else if (auto colon = t.rfind(':'); colon != std::string::npos) {
                host = t.substr(0, colon);
                port = t.substr(colon + 1);
            } else {
                host = "127.0.0.1";
                port = t;
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

    void fail(Conn& c, const std::string& why) {
        if (c.dead) return;
        s_.error(why);
        kill(c);
    }
    void kill(Conn& c) {
        if (c.dead) return;
        c.dead = true;
        epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
        close(c.fd);
        --open_;
    }
    void reap() {
        std::size_t before = conns_.size();
        conns_.erase(std::remove_if(conns_.begin(), conns_.end(), [](const auto& c) { return c->dead; }), conns_.end());
        for (std::size_t i = conns_.size(); i < before; ++i)
            if (!o_.probe) open_one();
    }
    void check_timeouts() {
        const std::int64_t t = now_ns();
        if (t - last_timeout_check_ < 100000000) return;
        last_timeout_check_ = t;
        for (auto& c : conns_)
            if (!c->dead && c->wait != Wait::None && t - c->last_io > std::int64_t(o_.timeout * 1e9))
                fail(*c, "timeout: no reply within " + std::to_string(o_.timeout) + " s (phase " +
                             std::to_string(static_cast<int>(c->phase)) + ")");
    }

    void flush(Conn& c) {
        while (c.out_off < c.out.size()) {
            ssize_t w = write(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off);
            if (w < 0) {
                if (errno == EAGAIN || errno == EINTR) return;
                fail(c, std::string("write: ") + std::strerror(errno));
                return;
            }
            c.out_off += static_cast<std::size_t>(w);
        }
        c.out.clear();
        c.out_off = 0;
        if (c.closing) kill(c);
    }

    void on_event(Conn& c, std::uint32_t events) {
        if (c.dead) return;
        if (events & EPOLLOUT) flush(c);
        if (c.dead) return;
        if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
            char buf[65536];
            for (;;) {
                ssize_t r = read(c.fd, buf, sizeof buf);
                if (r > 0) {
                    c.in.append(buf, static_cast<std::size_t>(r));
                    continue;
                }
                if (r < 0 && (errno == EAGAIN || errno == EINTR)) break;
                // EOF or error: parse what came, then the connection is gone.
                parse(c);
                if (!c.dead) {
                    if (c.closing || c.phase == Phase::Done)
                        kill(c);
                    else
                        fail(c, r == 0 ? "milter closed the connection" : std::string("read: ") + std::strerror(errno));
                }
                return;
            }
            parse(c);
        }
    }

    void parse(Conn& c) {
        std::size_t pos = 0;
        while (!c.dead && c.in.size() - pos >= 5) {
            std::uint32_t len;
            std::memcpy(&len, c.in.data() + pos, 4);
            len = ntohl(len);
            if (len == 0 || len > (1u << 24)) {
                fail(c, "bad packet length " + std::to_string(len));
                return;
            }
            if (c.in.size() - pos < 4 + len) break;
            const char cmd = c.in[pos + 4];
            std::string data = c.in.substr(pos + 5, len - 1);
            pos += 4 + len;
            c.last_io = now_ns();
            on_reply(c, cmd, data);
        }
        if (!c.dead) c.in.erase(0, pos);
    }

    static std::string show(char cmd, const std::string& data) {
        std::string s(1, cmd);
        if (!data.empty()) {
            s += " \"";
            for (char ch : data.substr(0, 80)) s += (ch >= 32 && ch < 127) ? ch : '.';
            s += '"';
        }
        return s;
    }

    void on_reply(Conn& c, char cmd, const std::string& data) {
        if (cmd == R_PROGRESS) return;
        switch (c.wait) {
            case Wait::None: fail(c, "unexpected reply " + show(cmd, data)); return;
            case Wait::OptNeg: {
                if (cmd != R_OPTNEG || data.size() < 12) {
                    fail(c, "bad negotiation reply " + show(cmd, data));
                    return;
                }
                std::uint32_t v[3];
                std::memcpy(v, data.data(), 12);
                c.sc.version = ntohl(v[0]);
                c.sc.actions = ntohl(v[1]);
                c.sc.protocol = ntohl(v[2]);
                std::string lists[kStages];
                for (int i = 0; i < kStages; ++i) lists[i] = kDefaultMacros[i];
                std::size_t p = 12;
                while (p + 4 < data.size()) {  // SMFIR_SETSYMLIST pairs: stage, names
                    std::uint32_t st;
                    std::memcpy(&st, data.data() + p, 4);
                    st = ntohl(st);
                    p += 4;
                    auto e = data.find('\0', p);
                    if (e == std::string::npos) e = data.size();
                    if (st < kStages) lists[st] = data.substr(p, e - p);
                    p = e + 1;
                }
                for (int i = 0; i < kStages; ++i) {
                    c.sc.lists[i] = lists[i];
                    c.sc.macros[i] = macro_packet(i, lists[i]);
                }
                if (!have_script_) {
                    script_ = c.sc;
                    have_script_ = true;
                }
                if (o_.probe) {
                    c.phase = Phase::Done;
                    c.closing = true;
                    packet(c.out, C_QUIT, "");
                    c.wait = Wait::None;
                    flush(c);
                    return;
                }
                c.phase = Phase::Connect;
                break;
            }
            case Wait::Continue:
                if (cmd != R_CONTINUE) {
                    fail(c, "expected CONTINUE, got " + show(cmd, data));
                    return;
                }
                break;
            case Wait::Body:
                if (cmd == R_SKIP && (c.sc.protocol & P_SKIP)) {
                    c.chunk_i = msg_.chunks.size();
                } else if (cmd != R_CONTINUE) {
                    fail(c, "expected CONTINUE or SKIP for the body, got " + show(cmd, data));
                    return;
                }
                break;
            case Wait::Rcpt: {
                const std::size_t i = c.rcpt_i - 1;
                const bool unknown = c.unknown[i];
                const bool want_continue = !unknown || o_.expect_unknown == "continue";
                if (want_continue) {
                    if (cmd != R_CONTINUE) {
                        fail(c, "RCPT <" + c.rcpts[i] + ">: expected CONTINUE, got " + show(cmd, data));
                        return;
                    }
                } else {
                    if (cmd != R_REPLYCODE || data.rfind(o_.expect_unknown, 0) != 0) {
                        fail(c, "RCPT <" + c.rcpts[i] + ">: expected " + o_.expect_unknown + ", got " + show(cmd, data));
                        return;
                    }
                    ++s_.rejected_rcpts;
                }
                break;
            }
            case Wait::Eom:
                switch (cmd) {
                    case R_ADDRCPT: case R_DELRCPT: case R_ADDRCPT_PAR: case R_REPLBODY: case R_CHGFROM:
                    case R_ADDHEADER: case R_INSHEADER: case R_CHGHEADER: case R_QUARANTINE:
                        ++s_.mods;
                        return;  // a modification: the final reply is still to come
                    case R_CONTINUE:
                    case R_ACCEPT: {
                        const std::int64_t t = now_ns();
                        s_.lat_us.push_back(static_cast<std::uint32_t>(std::min<std::int64_t>((t - c.tx_start) / 1000, UINT32_MAX)));
                        ++s_.tx;
                        ++c.tx_done;
                        // Postfix aborts the finished transaction before the next one (or QUIT).
                        packet(c.out, C_ABORT, "");
                        if (c.tx_done >= o_.tx_per_conn || (deadline_ && t >= deadline_)) {
                            packet(c.out, C_QUIT, "");
                            c.phase = Phase::Done;
                            c.wait = Wait::None;
                            c.closing = true;
                            flush(c);
                            return;
                        }
                        c.tx_start = t;
                        c.phase = Phase::Mail;
                        break;
                    }
                    default: fail(c, "end of message: expected CONTINUE or ACCEPT, got " + show(cmd, data)); return;
                }
                break;
        }
        c.wait = Wait::None;
        advance(c);
        flush(c);
    }

    // Queues commands until one that awaits a reply (or the end of the transaction).
    void advance(Conn& c) {
        const std::uint32_t p = c.sc.protocol;
        auto send = [&](int stage, char cmd, const std::string& data, bool reply, Wait w) {
            if (stage >= 0) c.out += c.sc.macros[stage];
            packet(c.out, cmd, data);
            if (reply) c.wait = w;
            return reply;
        };
        while (c.wait == Wait::None) {
            switch (c.phase) {
                case Phase::OptNeg: return;
                case Phase::Connect: {
                    c.phase = Phase::Helo;
                    if (p & P_NOCONNECT) break;
                    std::string d = z("[127.0.0.1]");
                    d += '4';
                    std::uint16_t port = htons(40000);
                    d.append(reinterpret_cast<const char*>(&port), 2);
                    d += z("127.0.0.1");
                    send(0, C_CONNECT, d, !(p & P_NR_CONN), Wait::Continue);
                    break;
                }
                case Phase::Helo:
                    c.phase = Phase::Mail;
                    if (!(p & P_NOHELO)) send(1, C_HELO, z("client.example"), !(p & P_NR_HELO), Wait::Continue);
                    break;
                case Phase::Mail: {
                    new_recipients(c);
                    c.phase = Phase::Rcpt;
                    c.rcpt_i = c.hdr_i = c.chunk_i = 0;
                    if (!(p & P_NOMAIL))
                        send(2, C_MAIL, z("<sender@client.example>") + z("SIZE=" + std::to_string(o_.body_bytes + 600)),
                             !(p & P_NR_MAIL), Wait::Continue);
                    break;
                }
                case Phase::Rcpt:
                    if (c.rcpt_i >= c.rcpts.size()) {
                        c.phase = Phase::Data;
                        break;
                    }
                    {
                        const std::string a = "<" + c.rcpts[c.rcpt_i] + ">";
                        ++c.rcpt_i;
                        if (!(p & P_NORCPT)) {
                            c.out += macro_packet(3, c.sc.lists[3], a);  // {rcpt_addr} is this recipient
                            send(-1, C_RCPT, z(a), !(p & P_NR_RCPT), Wait::Rcpt);
                        }
                    }
                    break;
                case Phase::Data:
                    c.phase = Phase::Header;
                    if (!(p & P_NODATA)) send(4, C_DATA, "", !(p & P_NR_DATA), Wait::Continue);
                    break;
                case Phase::Header:
                    if ((p & P_NOHDRS) || c.hdr_i >= msg_.headers.size()) {
                        c.phase = Phase::Eoh;
                        break;
                    }
                    {
                        const auto& h = msg_.headers[c.hdr_i++];
                        send(-1, C_HEADER, z(h.first) + z((p & P_HDR_LEADSPC) ? " " + h.second : h.second),
                             !(p & P_NR_HDR), Wait::Continue);
                    }
                    break;
                case Phase::Eoh:
                    c.phase = Phase::Body;
                    if (!(p & P_NOEOH)) send(6, C_EOH, "", !(p & P_NR_EOH), Wait::Continue);
                    break;
                case Phase::Body:
                    if ((p & P_NOBODY) || c.chunk_i >= msg_.chunks.size()) {
                        c.phase = Phase::Eom;
                        break;
                    }
                    send(-1, C_BODY, msg_.chunks[c.chunk_i++], !(p & P_NR_BODY), Wait::Body);
                    break;
                case Phase::Eom:
                    send(5, C_BODYEOB, "", true, Wait::Eom);
                    return;
                case Phase::Done: return;
            }
        }
    }

    void new_recipients(Conn& c) {
        c.rcpts.clear();
        c.unknown.clear();
        for (long i = 0; i < o_.rcpts; ++i) {
            const bool unknown = i >= o_.rcpts - o_.unknown;
            const unsigned long n = rng() % static_cast<unsigned long>(std::max(1L, o_.users));
            c.rcpts.push_back((unknown ? "nouser" : "user") + std::to_string(n) + "@" + o_.domain);
            c.unknown.push_back(unknown);
        }
    }
    unsigned long rng() {
        seed_ ^= seed_ << 13;
        seed_ ^= seed_ >> 7;
        seed_ ^= seed_ << 17;
        return static_cast<unsigned long>(seed_);
    }

    const Options& o_;
    Stats& s_;
    Message msg_;
    int ep_ = -1;
    long started_ = 0, open_ = 0;
    std::int64_t start_ = 0, end_ = 0, deadline_ = 0, last_timeout_check_ = 0;
    std::vector<std::unique_ptr<Conn>> conns_;
    Script script_;
    bool have_script_ = false;
    std::uint64_t seed_ = 0x9E3779B97F4A7C15ull;
};

[[noreturn]] void usage(const char* me) {
    std::fprintf(stderr,
                 "usage: %s --socket SPEC [--connections N] [--tx-per-conn K] [--concurrency C] [--rcpts R]\n"
                 "          [--unknown U] [--expect-unknown continue|\"550 5.1.1\"] [--duration S] [--body-bytes B]\n"
                 "          [--users N] [--domain D] [--timeout S] [--probe]\n",
                 me);
    std::exit(2);
}

std::uint32_t percentile(std::vector<std::uint32_t>& v, double q) {
    if (v.empty()) return 0;
    std::size_t k = static_cast<std::size_t>(q * double(v.size() - 1) + 0.5);
    std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
    return v[k];
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto val = [&]() -> std::string {
            if (i + 1 >= argc) usage(argv[0]);
            return argv[++i];
        };
        if (a == "-h" || a == "--help") {
            std::printf("see the comment at the top of bench/milter_load.cpp\n");
            usage(argv[0]);
        }
        if (a == "--socket") o.socket = val();
        else if (a == "--connections") o.connections = std::atol(val().c_str());
        else if (a == "--tx-per-conn") o.tx_per_conn = std::atol(val().c_str());
        else if (a == "--concurrency") o.concurrency = std::atol(val().c_str());
        else if (a == "--rcpts") o.rcpts = std::atol(val().c_str());
        else if (a == "--unknown") o.unknown = std::atol(val().c_str());
        else if (a == "--expect-unknown") o.expect_unknown = val();
        else if (a == "--duration") o.duration = std::atof(val().c_str());
        else if (a == "--body-bytes") o.body_bytes = std::atol(val().c_str());
        else if (a == "--users") o.users = std::atol(val().c_str());
        else if (a == "--domain") o.domain = val();
        else if (a == "--timeout") o.timeout = std::atof(val().c_str());
        else if (a == "--probe") o.probe = true;
        else usage(argv[0]);
    }
    if (o.socket.empty() || o.concurrency < 1 || o.tx_per_conn < 1 || o.rcpts < 1 || o.unknown < 0 ||
        o.unknown >= o.rcpts || o.body_bytes < 1)
        usage(argv[0]);  // at least one recipient must be accepted, or Postfix sends no DATA
    if (o.connections <= 0) o.connections = 1L << 40;
    std::signal(SIGPIPE, SIG_IGN);
    Stats s;
    Client cl(o, s);
    cl.run();
    for (const auto& e : s.first_errors) std::fprintf(stderr, "milter_load: error: %s\n", e.c_str());
    if (o.probe) {
        if (!cl.negotiated()) return 1;
        std::printf("version=%u actions=0x%x protocol=0x%x\n", cl.script().version, cl.script().actions,
                    cl.script().protocol);
        return s.errors ? 1 : 0;
    }
    const double secs = cl.seconds();
    const std::uint32_t p50 = percentile(s.lat_us, 0.50), p99 = percentile(s.lat_us, 0.99);
    std::printf("tx=%ld conns=%ld seconds=%.3f tx_per_s=%.1f p50_us=%u p99_us=%u errors=%ld rejected_rcpts=%ld "
                "modifications=%ld protocol=0x%x\n",
                s.tx, s.conns, secs, secs > 0 ? double(s.tx) / secs : 0.0, p50, p99, s.errors, s.rejected_rcpts, s.mods,
                cl.script().protocol);
    return s.errors || s.tx == 0 ? 1 : 0;
}
