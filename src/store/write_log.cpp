// ScopeLog: a scope's records in RESP, the form the append-only file stores.
#include "write_log.h"

#include <charconv>

namespace mini_redis {

namespace {

void appendLength(std::string& out, char tag, size_t n) {
    char buf[24];
    buf[0] = tag;
    auto [end, ec] = std::to_chars(buf + 1, buf + sizeof buf, n);
    out.append(buf, end);
    out += "\r\n";
}

}  // namespace

void ScopeLog::add(int db, std::span<const std::string_view> argv) {
    if (marks_.empty() || marks_.back().db != db) marks_.push_back({bytes_.size(), db});
    appendLength(bytes_, '*', argv.size());
    for (std::string_view a : argv) {
        appendLength(bytes_, '$', a.size());
        bytes_.append(a);
        bytes_ += "\r\n";
    }
    ++count_;
}

}  // namespace mini_redis
