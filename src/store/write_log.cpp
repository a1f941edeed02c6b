// ScopeLog: a scope's records in RESP, the form the append-only file stores.
#include "write_log.h"

#include <charconv>
#include <string>
#include <vector>

namespace mini_redis {

namespace {

void appendLength(std::string& out, char tag, size_t n) {
    char buf[24];
    buf[0] = tag;
    auto [end, ec] = std::to_chars(buf + 1, buf + sizeof buf, n);
    out.append(buf, end);
    out += "\r\n";
}

// One buffer per thread kept between scopes (most scopes record one short command): no
// allocation per write once warm. A nested scope (EXEC's) finds none and allocates its own.
struct Spare {
    std::string bytes;
    std::vector<ScopeLog::DbMark> marks;
    bool taken = false;
};
thread_local Spare t_spare;
constexpr size_t kKeepBytes = 64 * 1024;  // a bigger buffer is freed, not kept

}  // namespace

ScopeLog::~ScopeLog() {
    if (bytes_.capacity() == 0 || bytes_.capacity() > kKeepBytes || !t_spare.taken) return;
    bytes_.clear();
    marks_.clear();
    t_spare.bytes.swap(bytes_);
    t_spare.marks.swap(marks_);
    t_spare.taken = false;
}

void ScopeLog::add(int db, std::span<const std::string_view> argv) {
    if (count_ == 0 && bytes_.capacity() == 0 && !t_spare.taken) {
        t_spare.taken = true;
        bytes_.swap(t_spare.bytes);
        marks_.swap(t_spare.marks);
    }
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
