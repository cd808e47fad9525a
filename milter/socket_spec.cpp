// Parsing socket addresses and clearing stale unix sockets.
#include "milter/socket_spec.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace verdict {

SocketSpec parse_socket_spec(const std::string& s) {
    SocketSpec spec;
    auto colon = s.find(':');
    std::string kind = colon == std::string::npos ? "unix" : s.substr(0, colon);
    std::string rest = colon == std::string::npos ? s : s.substr(colon + 1);
    if (kind == "unix" || kind == "local") {
        if (rest.empty() || rest[0] != '/') throw std::invalid_argument("socket '" + s + "': unix sockets need an absolute path");
        if (rest.size() >= sizeof(sockaddr_un::sun_path)) throw std::invalid_argument("socket '" + s + "': path too long");
        spec.path = rest;
        return spec;
    }
    if (kind != "inet" && kind != "inet6") throw std::invalid_argument("socket '" + s + "': use unix:/path, inet:PORT@HOST or inet6:PORT@HOST");
    spec.kind = kind == "inet" ? SocketSpec::Kind::Inet : SocketSpec::Kind::Inet6;
    auto at = rest.find('@');
    std::string port = rest.substr(0, at);
    spec.host = at == std::string::npos ? (kind == "inet" ? "127.0.0.1" : "::1") : rest.substr(at + 1);
    try {
        std::size_t used = 0;
        spec.port = std::stoi(port, &used);
        if (used != port.size() || spec.port <= 0 || spec.port > 65535) throw std::invalid_argument("range");
    } catch (const std::exception&) {
        throw std::invalid_argument("socket '" + s + "': '" + port + "' is not a port number");
    }
    return spec;
}

void prepare_unix_socket(const std::string& path) {
    std::filesystem::path p(path);
    std::error_code ec;
    if (p.has_parent_path() && !std::filesystem::exists(p.parent_path(), ec)) {
        std::filesystem::create_directories(p.parent_path(), ec);
        if (ec) throw std::runtime_error("cannot create " + p.parent_path().string() + ": " + ec.message());
        chmod(p.parent_path().c_str(), 0755);
    }
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0) return;  // nothing there
    if (!S_ISSOCK(st.st_mode)) throw std::runtime_error(path + " exists and is not a socket; not removing it");
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(std::string("socket(): ") + std::strerror(errno));
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strncpy(sa.sun_path, path.c_str(), sizeof sa.sun_path - 1);
    int rc = connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    int err = errno;
    close(fd);
    if (rc == 0) throw std::runtime_error(path + " is in use by a running process; not taking it over");
    if (err != ECONNREFUSED && err != ENOENT) throw std::runtime_error("cannot check " + path + ": " + std::strerror(err));
    if (unlink(path.c_str()) != 0 && errno != ENOENT)
        throw std::runtime_error("cannot remove stale socket " + path + ": " + std::strerror(errno));
}

}  // namespace verdict
