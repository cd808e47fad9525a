// Postfix policy delegation requests: "name=value" lines ended by an empty line
// (SMTPD_POLICY_README). The parser is incremental and bounded: it is fed bytes as they
// arrive and never holds more than the configured limits, so a hostile or broken client
// gets an error instead of unbounded memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace verdict::policy {

struct Limits {
    std::size_t max_line = 4096;         // bytes in one attribute line
    std::size_t max_attributes = 100;    // lines in one request
    std::size_t max_request = 64 * 1024; // bytes in one request
};

// "" when the limits are usable, else what is wrong, naming the serve option:
// max_line 64 B to 1 MiB, max_attributes 1 to 10,000, max_request max_line to 64 MiB.
std::string check_limits(const Limits& l);

// One request's attributes: names and values in one buffer, an index sorted by a hash of
// the name (found by binary search on integers). A name given twice keeps its last value.
// Built and searched without an allocation per attribute; clear() keeps the capacity for
// the next request.
class Request {
public:
    Request() = default;
    Request(std::initializer_list<std::pair<std::string_view, std::string_view>> attrs);
    void set(std::string_view name, std::string_view value);
    std::string_view get(std::string_view name) const;  // "" when absent
    std::size_t size() const { return index_.size(); }
    bool empty() const { return index_.empty(); }
    void clear();
    std::vector<std::pair<std::string_view, std::string_view>> attributes() const;  // by name
    bool operator==(const Request& o) const { return attributes() == o.attributes(); }

private:
    struct Attr {
        std::uint32_t hash, name, name_len, value, value_len;  // offsets into text_
    };
    std::string_view name_of(const Attr& a) const { return std::string_view(text_).substr(a.name, a.name_len); }
    const Attr* find(std::string_view name, std::uint32_t hash) const;
    std::string text_;
    std::vector<Attr> index_;
};

class RequestParser {
public:
    explicit RequestParser(Limits l = {}) : limits_(l) {}

    enum class Status { NeedMore, Complete, Error };
    // Consumes bytes from `data` (advancing it) until a request is complete or an error
    // occurs. On Complete, request() holds it until the next feed() (take() moves it out),
    // and parsing continues with the rest.
    Status feed(std::string_view& data);
    const Request& request() const { return req_; }
    Request take();
    const std::string& error() const { return error_; }
    bool idle() const { return line_.empty() && (req_.empty() || complete_) && bytes_ == 0; }

private:
    Status finish_line(std::string_view line);
    Limits limits_;
    std::string line_;  // a line split across reads
    Request req_;
    bool complete_ = false;  // req_ is a finished request, cleared by the next feed()
    std::size_t bytes_ = 0;
    std::string error_;
};

inline std::string_view get(const Request& r, std::string_view key) { return r.get(key); }

}  // namespace verdict::policy
