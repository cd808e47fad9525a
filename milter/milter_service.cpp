// Starting libmilter: socket preparation (stale unix sockets, permissions, TCP_NODELAY),
// registration, and smfi_main() in its own thread.
#include "milter/milter_service.hpp"

#include <fcntl.h>
#include <libmilter/mfapi.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "milter/callbacks.hpp"
#include "milter/socket_spec.hpp"

namespace verdict::milter {

namespace {

std::atomic<Service*> g_service{nullptr};

// Every action a rule set may need; negotiation requests the subset in use.
constexpr unsigned long kAllActions =
    SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_ADDRCPT | SMFIF_DELRCPT | SMFIF_QUARANTINE | SMFIF_SETSYMLIST;

// TCP_NODELAY on the listening socket is inherited by accepted connections (Linux).
// libmilter does not hand out its listening descriptor, so find it by address.
void set_nodelay_on_listener(const SocketSpec& spec) {
    for (int fd = 3; fd < 1024; ++fd) {
        sockaddr_storage ss{};
        socklen_t len = sizeof ss;
        if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) continue;
        int listening = 0;
        socklen_t l2 = sizeof listening;
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &l2) != 0 || !listening) continue;
        int port = 0;
        if (ss.ss_family == AF_INET) port = ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
        else if (ss.ss_family == AF_INET6) port = ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
        else continue;
        if (port != spec.port) continue;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
}

}  // namespace

Service* current_service() { return g_service.load(std::memory_order_acquire); }

Listener::Listener(Service& s) : service_(s) {
    SocketSpec spec = parse_socket_spec(s.config.socket);
    if (spec.kind == SocketSpec::Kind::Unix) prepare_unix_socket(spec.path);
    g_service.store(&s, std::memory_order_release);
    std::string conn = s.config.socket;
    if (smfi_setconn(conn.data()) != MI_SUCCESS) throw std::runtime_error("milter: bad socket " + conn);
    smfi_settimeout(s.config.timeout_seconds);
    smfi_setbacklog(s.config.backlog);
    smfiDesc desc = make_description(kAllActions);
    if (smfi_register(desc) != MI_SUCCESS) throw std::runtime_error("milter: smfi_register failed");
    const mode_t old = umask(spec.kind == SocketSpec::Kind::Unix ? 0117 : 022);  // socket mode 0660
    const int opened = smfi_opensocket(false);
    umask(old);
    if (opened != MI_SUCCESS) throw std::runtime_error("milter: cannot open " + conn + ": " + std::strerror(errno));
    if (spec.kind == SocketSpec::Kind::Unix) {
        chmod(spec.path.c_str(), 0660);
        struct stat st {};
        if (stat(spec.path.c_str(), &st) == 0) socket_inode_ = st.st_ino;
        socket_path_ = spec.path;
    } else {
        set_nodelay_on_listener(spec);
    }
    // libmilter blocks SIGHUP/SIGTERM/SIGINT in the thread that runs smfi_main() and in
    // the threads it starts; the caller's thread keeps them (docs/operations.md).
    thread_ = std::thread([this] { result_ = smfi_main(); });
}

Listener::~Listener() {
    if (thread_.joinable()) {
        smfi_stop();
        thread_.join();
    }
}

void Listener::stop() { smfi_stop(); }

int Listener::wait() {
    if (thread_.joinable()) thread_.join();
    // libmilter leaves the socket file behind; remove it if it is still ours.
    struct stat st {};
    if (!socket_path_.empty() && stat(socket_path_.c_str(), &st) == 0 && st.st_ino == socket_inode_)
        unlink(socket_path_.c_str());
    return result_;
}

}  // namespace verdict::milter
