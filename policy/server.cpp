// Asio plumbing of the policy server: acceptor, per-connection read/answer loop, idle
// timer, connection limit. Protocol and decisions live in request.cpp / responder.cpp.
#include "policy/server.hpp"

#include <utility>  // boost 1.74 asio needs std::exchange declared first

#include <boost/asio.hpp>
#include <sys/stat.h>

#include "milter/socket_spec.hpp"
#include "rules/printable.hpp"

namespace verdict::policy {

namespace asio = boost::asio;
using unix_proto = asio::local::stream_protocol;
using tcp = asio::ip::tcp;

namespace {

template <typename Socket>
class Connection : public std::enable_shared_from_this<Connection<Socket>> {
public:
    Connection(Socket s, Server& server, Responder& r, LogSink& log, Metrics& metrics, const Config& cfg)
        : socket_(std::move(s)), timer_(socket_.get_executor()), server_(server), responder_(r), log_(log),
          metrics_(metrics), cfg_(cfg), parser_(cfg.limits) {}
    ~Connection() {
        --server_.open_connections;
        metrics_.connection_closed("policy");
    }

    void start() {
        ++server_.open_connections;
        metrics_.connection_opened("policy");
        read();
    }

private:
    // The idle timer is not re-armed per request: a read records the time, and the timer,
    // when it fires, closes the connection only if nothing was read for the whole timeout
    // (else it sleeps for the rest of it). That keeps timer queue work and cross-thread
    // wake-ups off the per-request path.
    void arm_timer(std::chrono::steady_clock::time_point at) {
        timer_.expires_at(at);
        timer_.async_wait([self = this->shared_from_this()](boost::system::error_code ec) {
            if (ec || !self->socket_.is_open()) return;
            const auto due = self->last_read_ + std::chrono::seconds(self->cfg_.idle_timeout_seconds);
            if (std::chrono::steady_clock::now() < due) return self->arm_timer(due);
            boost::system::error_code ignore;
            self->socket_.close(ignore);  // idle too long: the pending read ends
        });
    }

    void read() {
        last_read_ = std::chrono::steady_clock::now();
        if (!timer_armed_) {
            timer_armed_ = true;
            arm_timer(last_read_ + std::chrono::seconds(cfg_.idle_timeout_seconds));
        }
        socket_.async_read_some(asio::buffer(buf_), [self = this->shared_from_this()](boost::system::error_code ec,
                                                                                      std::size_t n) {
            if (ec) {
                self->timer_.cancel();
                if (!self->parser_.idle() && ec != asio::error::operation_aborted)
                    self->log_.error("policy: connection closed in the middle of a request");
                return;
            }
            self->consume(std::string_view(self->buf_.data(), n));
        });
    }

    void consume(std::string_view data) {
        while (true) {
            auto st = parser_.feed(data);
            if (st == RequestParser::Status::Error) {
                ++server_.protocol_errors;
                metrics_.protocol_error("policy");
                log_.error("policy: bad request: " + parser_.error() + "; closing the connection");
                out_ += "action=451 4.3.0 Malformed policy request\n\n";  // after earlier answers
                write(/*then_close=*/true);
                return;
            }
            if (st == RequestParser::Status::NeedMore) break;
            const Request& r = parser_.request();
            if (get(r, "request") != "smtpd_access_policy") {
                ++server_.protocol_errors;
                metrics_.protocol_error("policy");
                log_.error("policy: unknown request type '" + make_printable(get(r, "request"), 60) + "'");
                out_ += "action=DUNNO\n\n";
                continue;
            }
            out_ += responder_.answer(r);
        }
        if (out_.empty())
            read();
        else
            write(false);
    }

    void write(bool then_close) {
        auto self = this->shared_from_this();
        asio::async_write(socket_, asio::buffer(out_), [self, then_close](boost::system::error_code ec, std::size_t) {
            self->out_.clear();
            if (ec || then_close) {
                self->timer_.cancel();
                boost::system::error_code ignore;
                self->socket_.shutdown(Socket::shutdown_both, ignore);
                self->socket_.close(ignore);
                return;
            }
            self->read();
        });
    }

    Socket socket_;
    asio::steady_timer timer_;
    Server& server_;
    Responder& responder_;
    LogSink& log_;
    Metrics& metrics_;
    const Config& cfg_;
    RequestParser parser_;
    std::array<char, 4096> buf_{};
    std::string out_;
    std::chrono::steady_clock::time_point last_read_;
    bool timer_armed_ = false;
};

}  // namespace

struct Server::Impl {
    Impl(Config c, Server& s, Responder& r, LogSink& l, Metrics& m)
        : cfg(std::move(c)), server(s), responder(r), log(l), metrics(m) {
        for (int i = 0; i < std::max(1, cfg.threads); ++i) {
            ios.push_back(std::make_unique<asio::io_context>(1));
            work.push_back(asio::make_work_guard(*ios.back()));  // run() waits for connections
            // A timer creates the io_context's reactor (its epoll, event and timer fds) now,
            // not when its first connection arrives: the fd count stays flat while serving.
            asio::steady_timer reactor_now(*ios.back());
        }
    }
    Config cfg;
    Server& server;
    Responder& responder;
    LogSink& log;
    Metrics& metrics;
    // One io_context per thread, connections dealt out in turn: a connection's handlers
    // always run on the same thread, with no hand-off between threads per request.
    std::vector<std::unique_ptr<asio::io_context>> ios;
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::size_t next = 0;
    std::unique_ptr<unix_proto::acceptor> unix_acceptor;
    std::unique_ptr<tcp::acceptor> tcp_acceptor;
    std::vector<std::thread> threads;
    std::string unix_path;

    template <typename Acceptor>
    void accept(Acceptor& a) {
        // Each connection lives on the next thread's io_context. One thread runs each
        // io_context, so a connection's read, write and timer handlers never overlap.
        asio::io_context& home = *ios[next++ % ios.size()];
        a.async_accept(home.get_executor(), [this, &a](boost::system::error_code ec,
                                                       typename Acceptor::protocol_type::socket s) {
            if (ec == asio::error::operation_aborted) return;
            if (!ec) {
                if (server.open_connections >= cfg.max_connections) {
                    log.error("policy: connection limit reached (" + std::to_string(cfg.max_connections) + "); refusing");
                    boost::system::error_code ignore;
                    s.close(ignore);
                } else {
                    if constexpr (std::is_same_v<Acceptor, tcp::acceptor>) s.set_option(tcp::no_delay(true));
                    // Started on its own thread (the acceptor's handler runs on the first).
                    auto ex = s.get_executor();
                    auto c = std::make_shared<Connection<typename Acceptor::protocol_type::socket>>(
                        std::move(s), server, responder, log, metrics, cfg);
                    asio::post(ex, [c] { c->start(); });
                }
            }
            accept(a);
        });
    }
};

Server::Server(Config c, Responder& responder, LogSink& log, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(c), *this, responder, log, metrics)) {
    SocketSpec spec = parse_socket_spec(impl_->cfg.socket);
    if (spec.kind == SocketSpec::Kind::Unix) {
        prepare_unix_socket(spec.path);
        const mode_t old = umask(0117);  // 0660
        impl_->unix_acceptor = std::make_unique<unix_proto::acceptor>(*impl_->ios[0], unix_proto::endpoint(spec.path));
        umask(old);
        impl_->unix_path = spec.path;
    } else {
        auto addr = asio::ip::make_address(spec.host);
        impl_->tcp_acceptor = std::make_unique<tcp::acceptor>(*impl_->ios[0], tcp::endpoint(addr, static_cast<unsigned short>(spec.port)));
    }
}

Server::~Server() { stop(); }

void Server::start() {
    if (impl_->unix_acceptor) impl_->accept(*impl_->unix_acceptor);
    if (impl_->tcp_acceptor) impl_->accept(*impl_->tcp_acceptor);
    for (auto& io : impl_->ios) impl_->threads.emplace_back([&io] { io->run(); });
}

void Server::stop() {
    if (!impl_) return;
    for (auto& io : impl_->ios) io->stop();
    for (auto& t : impl_->threads)
        if (t.joinable()) t.join();
    impl_->threads.clear();
    if (!impl_->unix_path.empty()) {
        ::unlink(impl_->unix_path.c_str());
        impl_->unix_path.clear();
    }
}

}  // namespace verdict::policy
