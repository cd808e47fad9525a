// Incremental, bounded parsing of policy requests.
#include "policy/request.hpp"

#include "rules/printable.hpp"

namespace verdict::policy {

RequestParser::Status RequestParser::finish_line() {
    std::string line = std::move(line_);
    line_.clear();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
        if (req_.empty()) {
            error_ = "empty request";
            return Status::Error;
        }
        return Status::Complete;
    }
    auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0) {
        error_ = "malformed attribute line '" + make_printable(line, 60) + "'";
        return Status::Error;
    }
    if (req_.size() >= limits_.max_attributes) {
        error_ = "more than " + std::to_string(limits_.max_attributes) + " attributes";
        return Status::Error;
    }
    req_[line.substr(0, eq)] = line.substr(eq + 1);
    return Status::NeedMore;
}

RequestParser::Status RequestParser::feed(std::string_view& data) {
    while (!data.empty()) {
        auto nl = data.find('\n');
        std::string_view chunk = data.substr(0, nl);
        if (line_.size() + chunk.size() > limits_.max_line) {
            error_ = "attribute line longer than " + std::to_string(limits_.max_line) + " bytes";
            return Status::Error;
        }
        bytes_ += chunk.size() + (nl == std::string_view::npos ? 0 : 1);
        if (bytes_ > limits_.max_request) {
            error_ = "request larger than " + std::to_string(limits_.max_request) + " bytes";
            return Status::Error;
        }
        if (chunk.find('\0') != std::string_view::npos) {
            error_ = "NUL byte in request";
            return Status::Error;
        }
        line_.append(chunk);
        if (nl == std::string_view::npos) {
            data = {};
            return Status::NeedMore;
        }
        data.remove_prefix(nl + 1);
        Status s = finish_line();
        if (s != Status::NeedMore) return s;
    }
    return Status::NeedMore;
}

Request RequestParser::take() {
    Request r = std::move(req_);
    req_.clear();
    bytes_ = 0;
    return r;
}

std::string_view get(const Request& r, std::string_view key) {
    auto it = r.find(key);
    return it == r.end() ? std::string_view() : std::string_view(it->second);
}

}  // namespace verdict::policy
