// inotify-based change detection for rule and list files.
#include "cli/file_watch.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace verdict::cli {

FileWatch::FileWatch() : fd_(inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
    if (fd_ < 0) throw std::runtime_error(std::string("inotify: ") + std::strerror(errno));
}

FileWatch::~FileWatch() {
    if (fd_ >= 0) close(fd_);
}

void FileWatch::watch(const std::vector<std::string>& files) {
    for (int wd : wds_) inotify_rm_watch(fd_, wd);
    wds_.clear();
    dirs_.clear();
    names_.clear();
    std::set<std::string> dirs;
    for (const auto& f : files) {
        auto p = std::filesystem::absolute(f).lexically_normal();
        dirs.insert(p.parent_path().string());
        names_.insert(p.string());
    }
    for (const auto& d : dirs) {
        int wd = inotify_add_watch(fd_, d.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_ATTRIB);
        if (wd < 0) throw std::runtime_error("inotify: cannot watch " + d + ": " + std::strerror(errno));
        wds_.push_back(wd);
        dirs_.push_back(d);
    }
}

bool FileWatch::changed() {
    alignas(inotify_event) char buf[8192];
    bool hit = false;
    for (;;) {
        ssize_t n = read(fd_, buf, sizeof buf);
        if (n <= 0) break;
        for (char* p = buf; p < buf + n;) {
            auto* ev = reinterpret_cast<inotify_event*>(p);
            for (std::size_t i = 0; i < wds_.size(); ++i)
                if (wds_[i] == ev->wd && ev->len > 0 && names_.count(dirs_[i] + "/" + ev->name)) hit = true;
            p += sizeof(inotify_event) + ev->len;
        }
    }
    return hit;
}

}  // namespace verdict::cli
