// Incremental, bounded parsing of policy requests, and the request's attribute index.
#include "policy/request.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "rules/printable.hpp"

namespace verdict::policy {

Request::Request(std::initializer_list<std::pair<std::string_view, std::string_view>> attrs) {
    for (const auto& [k, v] : attrs) set(k, v);
}

namespace {

// Names are short and mostly differ in their first or last eight bytes: mixing those
// and the length is enough (equal hashes are told apart by comparing the names).
std::uint32_t name_hash(std::string_view name) {
    auto load = [](const char* p, std::size_t n) {
        std::uint64_t v = 0;
        std::memcpy(&v, p, n);
        return v;
    };
    const std::size_t n = name.size(), k = std::min<std::size_t>(n, 8);
    std::uint64_t h = load(name.data(), k) * 0x9e3779b97f4a7c15ull;
    h ^= (load(name.data() + n - k, k) + n) * 0xc2b2ae3d27d4eb4full;
    return static_cast<std::uint32_t>(h ^ (h >> 32));
}

}  // namespace

const Request::Attr* Request::find(std::string_view name, std::uint32_t hash) const {
    auto at = std::lower_bound(index_.begin(), index_.end(), hash, [](const Attr& a, std::uint32_t h) { return a.hash < h; });
    for (; at != index_.end() && at->hash == hash; ++at)
        if (name_of(*at) == name) return &*at;
    return nullptr;
}

void Request::set(std::string_view name, std::string_view value) {
    // Offsets are 32-bit; the parser's limits keep a request far below that.
    if (text_.size() + name.size() + value.size() > std::numeric_limits<std::uint32_t>::max())
        throw std::length_error("policy request too large");
    const std::uint32_t hash = name_hash(name);
    const auto off = static_cast<std::uint32_t>(text_.size());
    Attr a{hash, off, static_cast<std::uint32_t>(name.size()), static_cast<std::uint32_t>(off + name.size()),
           static_cast<std::uint32_t>(value.size())};
    const Attr* same = find(name, hash);
    text_.append(name).append(value);  // a replaced value stays in the buffer until clear()
    if (same) {
        index_[static_cast<std::size_t>(same - index_.data())] = a;
        return;
    }
    auto at = std::upper_bound(index_.begin(), index_.end(), hash, [](std::uint32_t h, const Attr& e) { return h < e.hash; });
    index_.insert(at, a);
}

std::string_view Request::get(std::string_view name) const {
    const Attr* a = find(name, name_hash(name));
    return a ? std::string_view(text_).substr(a->value, a->value_len) : std::string_view();
}

void Request::clear() {
    text_.clear();
    index_.clear();
}

std::vector<std::pair<std::string_view, std::string_view>> Request::attributes() const {
    std::vector<std::pair<std::string_view, std::string_view>> out;
    for (const Attr& a : index_) out.emplace_back(name_of(a), std::string_view(text_).substr(a.value, a.value_len));
    std::sort(out.begin(), out.end());
    return out;
}

std::string check_limits(const Limits& l) {
    auto range = [](const char* option, std::size_t v, std::size_t lo, std::size_t hi) -> std::string {
        if (v >= lo && v <= hi) return "";
        return std::string("--") + option + " takes " + std::to_string(lo) + " to " + std::to_string(hi) + ", not " +
               std::to_string(v);
    };
    constexpr std::size_t kMiB = 1024 * 1024;
    for (std::string e : {range("policy-max-line", l.max_line, 64, kMiB),
                          range("policy-max-attributes", l.max_attributes, 1, 10000),
                          range("policy-max-request", l.max_request, std::max<std::size_t>(l.max_line, 64), 64 * kMiB)})
        if (!e.empty()) return e;
    return "";
}

RequestParser::Status RequestParser::finish_line(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
        if (req_.empty()) {
            error_ = "empty request";
            return Status::Error;
        }
        complete_ = true;
        bytes_ = 0;
        return Status::Complete;
    }
    auto eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) {
        error_ = "malformed attribute line '" + make_printable(line, 60) + "'";
        return Status::Error;
    }
    if (req_.size() >= limits_.max_attributes) {
        error_ = "more than " + std::to_string(limits_.max_attributes) + " attributes";
        return Status::Error;
    }
    req_.set(line.substr(0, eq), line.substr(eq + 1));
    return Status::NeedMore;
}

RequestParser::Status RequestParser::feed(std::string_view& data) {
    if (complete_) {  // the previous request has been answered (or taken)
        req_.clear();
        complete_ = false;
    }
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
        if (nl == std::string_view::npos) {
            line_.append(chunk);
            data = {};
            return Status::NeedMore;
        }
        data.remove_prefix(nl + 1);
        Status s;
        if (line_.empty()) {
            s = finish_line(chunk);  // the whole line is in this read: no copy
        } else {
            line_.append(chunk);
            s = finish_line(line_);
            line_.clear();
        }
        if (s != Status::NeedMore) return s;
    }
    return Status::NeedMore;
}

Request RequestParser::take() {
    Request r = std::move(req_);
    req_.clear();
    complete_ = false;
    bytes_ = 0;
    return r;
}

}  // namespace verdict::policy
