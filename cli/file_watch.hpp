// `verdict serve --watch`: notices changes to the rule file and its list files with
// inotify. It watches their directories, so editors that write a new file and rename it
// over the old one are seen too. The daemon debounces and then reloads.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace verdict::cli {

class FileWatch {
public:
    FileWatch();
    ~FileWatch();
    FileWatch(const FileWatch&) = delete;
    FileWatch& operator=(const FileWatch&) = delete;

    void watch(const std::vector<std::string>& files);  // replaces what was watched
    int fd() const { return fd_; }
    // Reads pending events; true when one concerns a watched file.
    bool changed();

private:
    int fd_ = -1;
    std::set<std::string> names_;    // absolute paths of the watched files
    std::vector<std::string> dirs_;  // watched directories, parallel to wds_
    std::vector<int> wds_;
};

}  // namespace verdict::cli
