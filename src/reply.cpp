// RESP2 encoding.
#include "reply.h"

#include <charconv>
#include <cstdarg>
#include <cstdio>

namespace mini_redis {

void Reply::appendNumberLine(char type, int64_t n) {
    char buf[24];
    buf[0] = type;
    auto [end, ec] = std::to_chars(buf + 1, buf + sizeof buf - 2, n);
    (void)ec;
    end[0] = '\r';
    end[1] = '\n';
    out_.append(buf, static_cast<size_t>(end + 2 - buf));
}

void Reply::simple(std::string_view s) {
    out_.push_back('+');
    out_.append(s);
    out_.append("\r\n", 2);
}

void Reply::error(std::string_view s) {
    out_.push_back('-');
    // A simple string cannot carry CR or LF; Redis replaces them with spaces.
    for (char c : s) out_.push_back(c == '\r' || c == '\n' ? ' ' : c);
    out_.append("\r\n", 2);
}

void Reply::integer(int64_t n) {
    appendNumberLine(':', n);
}

void Reply::bulk(std::string_view s) {
    appendNumberLine('$', static_cast<int64_t>(s.size()));
    out_.append(s);
    out_.append("\r\n", 2);
}

void Reply::lines(std::initializer_list<std::string_view> texts) {
    arrayHeader(texts.size());
    for (std::string_view t : texts) simple(t);
}

void Reply::nil() {
    out_.append("$-1\r\n", 5);
}

void Reply::arrayHeader(size_t n) {
    appendNumberLine('*', static_cast<int64_t>(n));
}

void Reply::nilArray() {
    out_.append("*-1\r\n", 5);
}

void Reply::errorf(const char* fmt, ...) {
    char buf[512];
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, args);
    va_end(args);
    error(buf);
}

}  // namespace mini_redis
