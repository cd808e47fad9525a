// Privilege handling of `verdict serve` (see privileges.hpp).
#include "cli/privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace verdict::cli {

Identity resolve_identity(const std::string& user, const std::string& socket_group) {
    Identity id;
    id.user = user;
    std::vector<char> buf(16384);
    passwd pw{}, *pwp = nullptr;
    if (getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &pwp) != 0 || !pwp)
        throw std::runtime_error("user '" + user + "' does not exist; create it (e.g. adduser --system verdict) "
                                 "or name another with --user");
    id.uid = pw.pw_uid;
    id.gid = pw.pw_gid;
    id.socket_gid = pw.pw_gid;
    if (!socket_group.empty()) {
        group gr{}, *grp = nullptr;
        if (getgrnam_r(socket_group.c_str(), &gr, buf.data(), buf.size(), &grp) != 0 || !grp)
            throw std::runtime_error("group '" + socket_group + "' does not exist (--socket-group)");
        id.socket_gid = gr.gr_gid;
    }
    return id;
}

void check_files_safe(const std::vector<std::string>& files) {
    for (const auto& f : files) {
        struct stat st {};
        if (stat(f.c_str(), &st) == 0 && (st.st_mode & S_IWOTH))
            throw std::runtime_error(f + " is world-writable: anyone could change the mail policy; chmod o-w it");
        auto dir = std::filesystem::absolute(f).parent_path();
        if (stat(dir.c_str(), &st) == 0 && (st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
            throw std::runtime_error("directory " + dir.string() +
                                     " is world-writable without the sticky bit: anyone could replace " + f);
    }
}

void hand_over_sockets(const std::vector<std::string>& paths, const Identity& id) {
    for (const auto& p : paths) {
        if (p.empty()) continue;
        if (chown(p.c_str(), id.uid, id.socket_gid) != 0)
            throw std::runtime_error("cannot chown " + p + ": " + std::strerror(errno));
    }
}

void drop_to(const Identity& id) {
    const gid_t groups[] = {id.gid, id.socket_gid};
    if (setgroups(id.gid == id.socket_gid ? 1 : 2, groups) != 0 || setgid(id.gid) != 0 || setuid(id.uid) != 0)
        throw std::runtime_error("cannot switch to user " + id.user + ": " + std::strerror(errno));
    if (id.uid != 0 && (setuid(0) == 0 || geteuid() == 0))
        throw std::runtime_error("root privileges could be regained after switching to " + id.user);
}

}  // namespace verdict::cli
