// Control socket and metrics endpoint (Asio), and the control client.
#include "cli/control.hpp"

#include <utility>  // boost 1.74 asio needs std::exchange declared first

#include <boost/asio.hpp>
#include <sys/stat.h>

#include <iostream>
#include <thread>

#include "milter/socket_spec.hpp"

namespace verdict::cli {

namespace asio = boost::asio;
using unix_proto = asio::local::stream_protocol;
using tcp = asio::ip::tcp;

namespace {

// Reads one line (bounded), answers, closes.
void serve_control(std::shared_ptr<unix_proto::socket> s, Daemon& d) {
    auto buf = std::make_shared<asio::streambuf>(256);
    asio::async_read_until(*s, *buf, '\n', [s, buf, &d](boost::system::error_code ec, std::size_t) {
        std::string cmd;
        if (!ec) {
            std::istream in(buf.get());
            std::getline(in, cmd);
            if (!cmd.empty() && cmd.back() == '\r') cmd.pop_back();
        }
        auto out = std::make_shared<std::string>();
        if (cmd == "reload") {
            // Reloading runs on this thread; reloads are rare and serialised.
            ReloadResult r = d.reload();
            *out = (r.ok ? "ok\n" : "error\n") + r.report;
        } else if (cmd == "status") {
            *out = "ok\n" + d.status();
        } else {
            *out = "error\nunknown control command; use reload or status\n";
        }
        asio::async_write(*s, asio::buffer(*out), [s, out](boost::system::error_code, std::size_t) {
            boost::system::error_code ignore;
            s->shutdown(unix_proto::socket::shutdown_both, ignore);
        });
    });
}

// A minimal HTTP/1.0 responder: any GET gets the metrics (GET /metrics is the usual path).
void serve_metrics(std::shared_ptr<tcp::socket> s, Daemon& d) {
    auto buf = std::make_shared<asio::streambuf>(8192);
    asio::async_read_until(*s, *buf, "\r\n\r\n", [s, buf, &d](boost::system::error_code ec, std::size_t) {
        auto out = std::make_shared<std::string>();
        std::string body;
        std::string status = "200 OK";
        if (ec) {
            status = "400 Bad Request";
        } else {
            std::istream in(buf.get());
            std::string method, path;
            in >> method >> path;
            if (method != "GET")
                status = "405 Method Not Allowed";
            else if (path != "/metrics" && path != "/")
                status = "404 Not Found";
            else
                body = d.metrics.prometheus();
        }
        *out = "HTTP/1.0 " + status + "\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
        asio::async_write(*s, asio::buffer(*out), [s, out](boost::system::error_code, std::size_t) {
            boost::system::error_code ignore;
            s->shutdown(tcp::socket::shutdown_both, ignore);
        });
    });
}

}  // namespace

struct ControlServer::Impl {
    Daemon& daemon;
    asio::io_context io;
    std::unique_ptr<unix_proto::acceptor> control;
    std::unique_ptr<tcp::acceptor> metrics;
    std::thread thread;
    std::string control_path;

    explicit Impl(Daemon& d) : daemon(d) {}

    void accept_control() {
        auto s = std::make_shared<unix_proto::socket>(io);
        control->async_accept(*s, [this, s](boost::system::error_code ec) {
            if (ec == asio::error::operation_aborted) return;
            if (!ec) serve_control(s, daemon);
            accept_control();
        });
    }
    void accept_metrics() {
        auto s = std::make_shared<tcp::socket>(io);
        metrics->async_accept(*s, [this, s](boost::system::error_code ec) {
            if (ec == asio::error::operation_aborted) return;
            if (!ec) serve_metrics(s, daemon);
            accept_metrics();
        });
    }
};

ControlServer::ControlServer(Daemon& d, const std::string& control_socket, const std::string& metrics_address)
    : impl_(std::make_unique<Impl>(d)) {
    if (!control_socket.empty()) {
        SocketSpec spec = parse_socket_spec(control_socket);
        if (spec.kind != SocketSpec::Kind::Unix) throw std::invalid_argument("--control takes a unix:/path socket");
        prepare_unix_socket(spec.path);
        const mode_t old = umask(0177);  // 0600: only the daemon's user may reload
        impl_->control = std::make_unique<unix_proto::acceptor>(impl_->io, unix_proto::endpoint(spec.path));
        umask(old);
        impl_->control_path = spec.path;
        impl_->accept_control();
    }
    if (!metrics_address.empty()) {
        auto colon = metrics_address.rfind(':');
        if (colon == std::string::npos) throw std::invalid_argument("--metrics takes HOST:PORT, e.g. 127.0.0.1:9330");
        std::string host = metrics_address.substr(0, colon);
        if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
        const int port = std::stoi(metrics_address.substr(colon + 1));
        impl_->metrics = std::make_unique<tcp::acceptor>(
            impl_->io, tcp::endpoint(asio::ip::make_address(host), static_cast<unsigned short>(port)));
        impl_->accept_metrics();
    }
    impl_->thread = std::thread([this] { impl_->io.run(); });
}

ControlServer::~ControlServer() { stop(); }

void ControlServer::stop() {
    if (!impl_ || !impl_->thread.joinable()) return;
    impl_->io.stop();
    impl_->thread.join();
    if (!impl_->control_path.empty()) ::unlink(impl_->control_path.c_str());
}

int control_request(const std::string& control_socket, const std::string& command) {
    try {
        SocketSpec spec = parse_socket_spec(control_socket);
        asio::io_context io;
        unix_proto::socket s(io);
        s.connect(unix_proto::endpoint(spec.path));
        std::string line = command + "\n";
        asio::write(s, asio::buffer(line));
        std::string reply;
        boost::system::error_code ec;
        asio::read(s, asio::dynamic_buffer(reply), ec);  // until the daemon closes
        auto nl = reply.find('\n');
        const std::string verdict_word = reply.substr(0, nl);
        const std::string body = nl == std::string::npos ? std::string() : reply.substr(nl + 1);
        (verdict_word == "ok" ? std::cout : std::cerr) << body;
        return verdict_word == "ok" ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "verdict " << command << ": cannot reach the daemon at " << control_socket << ": " << e.what() << '\n';
        return 1;
    }
}

}  // namespace verdict::cli
