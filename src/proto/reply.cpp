// RESP2 and RESP3 encoding.
#include "reply.h"

#include <charconv>
#include <cmath>
#include <cstdarg>
#include <cstdio>

#include "command_stats.h"

namespace mini_redis {

namespace {

// A simple string cannot carry CR or LF; Redis replaces them with spaces.
void appendErrorLine(std::string& out, std::string_view s) {
    out.push_back('-');
    for (char c : s) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
    out.append("\r\n", 2);
}

}  // namespace

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
    if (error_counters_ != nullptr) error_counters_->count(s);
    appendErrorLine(out_, s);
}

std::string Reply::errorLine(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 3);
    appendErrorLine(out, text);
    return out;
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
    resp3_ ? out_.append("_\r\n", 3) : out_.append("$-1\r\n", 5);
}

void Reply::arrayHeader(size_t n) {
    appendNumberLine('*', static_cast<int64_t>(n));
}

void Reply::nilArray() {
    resp3_ ? out_.append("_\r\n", 3) : out_.append("*-1\r\n", 5);
}

void Reply::mapHeader(size_t n) {
    resp3_ ? appendNumberLine('%', static_cast<int64_t>(n))
           : appendNumberLine('*', static_cast<int64_t>(2 * n));
}

void Reply::setHeader(size_t n) {
    appendNumberLine(resp3_ ? '~' : '*', static_cast<int64_t>(n));
}

void Reply::pushHeader(size_t n) {
    appendNumberLine(resp3_ ? '>' : '*', static_cast<int64_t>(n));
}

std::string Reply::formatDouble(double d) {
    // Spelled out: libc's text for these varies ("-nan"), Redis's does not.
    if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
    if (std::isnan(d)) return "nan";
    char buf[64];
    int n = std::snprintf(buf, sizeof buf, "%.17g", d);  // Redis 7.0's format
    return std::string(buf, static_cast<size_t>(n));
}

void Reply::doubleValue(double d) {
    std::string text = formatDouble(d);
    if (!resp3_) {
        bulk(text);
        return;
    }
    out_.push_back(',');
    out_.append(text);
    out_.append("\r\n", 2);
}

void Reply::boolean(bool b) {
    if (resp3_) {
        out_.append(b ? "#t\r\n" : "#f\r\n", 4);
    } else {
        out_.append(b ? ":1\r\n" : ":0\r\n", 4);
    }
}

void Reply::verbatim(std::string_view format, std::string_view text) {
    if (!resp3_) {
        bulk(text);
        return;
    }
    appendNumberLine('=', static_cast<int64_t>(text.size() + 4));
    out_.append(format.substr(0, 3));
    out_.push_back(':');
    out_.append(text);
    out_.append("\r\n", 2);
}

void Reply::bigNumber(std::string_view digits) {
    if (!resp3_) {
        bulk(digits);
        return;
    }
    out_.push_back('(');
    out_.append(digits);
    out_.append("\r\n", 2);
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
