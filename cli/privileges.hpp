// Start-up safety of the daemon: refusing rule and list files others could change
// (world-writable files, or world-writable directories without the sticky bit), giving
// the sockets to the daemon's user and a group the MTA is in, and dropping root.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace verdict::cli {

struct Identity {
    std::string user;
    uid_t uid = 0;
    gid_t gid = 0;        // the user's primary group
    gid_t socket_gid = 0;  // group of the sockets (the MTA's, e.g. postfix)
};

// Throws std::runtime_error naming the user or group that does not exist.
Identity resolve_identity(const std::string& user, const std::string& socket_group);

// Throws std::runtime_error naming the first unsafe file or directory.
void check_files_safe(const std::vector<std::string>& files);

// chown each existing path to uid:socket_gid (mode stays 0660); throws on failure.
void hand_over_sockets(const std::vector<std::string>& paths, const Identity& id);

// setgroups/setgid/setuid; throws if root could be regained.
void drop_to(const Identity& id);

}  // namespace verdict::cli
