// Postfix policy delegation requests: "name=value" lines ended by an empty line
// (SMTPD_POLICY_README). The parser is incremental and bounded: it is fed bytes as they
// arrive and never holds more than the configured limits, so a hostile or broken client
// gets an error instead of unbounded memory.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace verdict::policy {

struct Limits {
    std::size_t max_line = 4096;         // bytes in one attribute line
    std::size_t max_attributes = 100;    // lines in one request
    std::size_t max_request = 64 * 1024; // bytes in one request
};

using Request = std::map<std::string, std::string, std::less<>>;

class RequestParser {
public:
    explicit RequestParser(Limits l = {}) : limits_(l) {}

    enum class Status { NeedMore, Complete, Error };
    // Consumes bytes from `data` (advancing it) until a request is complete or an error
    // occurs; on Complete, take() returns it and parsing continues with the rest.
    Status feed(std::string_view& data);
    Request take();
    const std::string& error() const { return error_; }
    bool idle() const { return line_.empty() && req_.empty() && bytes_ == 0; }

private:
    Status finish_line();
    Limits limits_;
    std::string line_;
    Request req_;
    std::size_t bytes_ = 0;
    std::string error_;
};

std::string_view get(const Request& r, std::string_view key);

}  // namespace verdict::policy
