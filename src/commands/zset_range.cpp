// Score and lex range parsing with Redis's C-string quirks (strtod, NUL-terminated arguments).
#include "zset_range.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

namespace mini_redis {

bool parseScore(std::string_view arg, double& out) {
    if (arg.empty() || std::isspace(static_cast<unsigned char>(arg[0]))) return false;
    const std::string text(arg);
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (static_cast<size_t>(end - text.c_str()) != text.size()) return false;
    if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || v == 0)) return false;
    if (std::isnan(v)) return false;
    out = v;
    return true;
}

namespace {

// One end of a score range. Redis reads the argument as a C string: it ends at a NUL.
bool parseScoreItem(std::string_view arg, double& v, bool& exclusive) {
    const std::string text(arg);
    const char* p = text.c_str();
    exclusive = p[0] == '(';
    if (exclusive) ++p;
    char* end = nullptr;
    v = std::strtod(p, &end);
    return *end == '\0' && !std::isnan(v);
}

bool parseLexItem(std::string_view arg, LexBound& out) {
    // As a C string: an empty argument (or one starting with NUL) is invalid, and "+" or "-"
    // may be followed only by the terminator.
    if (arg.empty()) return false;
    const bool alone = arg.size() == 1 || arg[1] == '\0';
    switch (arg[0]) {
        case '+':
            if (!alone) return false;
            out = {LexBound::Kind::PlusInf, {}, true};
            return true;
        case '-':
            if (!alone) return false;
            out = {LexBound::Kind::MinusInf, {}, true};
            return true;
        case '(':
            out = {LexBound::Kind::Value, arg.substr(1), true};
            return true;
        case '[':
            out = {LexBound::Kind::Value, arg.substr(1), false};
            return true;
        default:
            return false;
    }
}

}  // namespace

bool parseScoreRange(std::string_view min, std::string_view max, ScoreRange& out) {
    return parseScoreItem(min, out.min, out.minex) && parseScoreItem(max, out.max, out.maxex);
}

bool parseLexRange(std::string_view min, std::string_view max, LexRange& out) {
    return parseLexItem(min, out.min) && parseLexItem(max, out.max);
}

RankSpan scoreSpan(const ZSetValue& z, const ScoreRange& range) {
    RankSpan span;
    span.begin = z.scoreBound(range.min, range.minex);
    span.end = z.scoreBound(range.max, !range.maxex);
    if (span.end < span.begin) span.end = span.begin;
    return span;
}

RankSpan lexSpan(const ZSetValue& z, const LexRange& range) {
    const size_t n = z.length();
    RankSpan span;
    switch (range.min.kind) {
        case LexBound::Kind::MinusInf: span.begin = 0; break;
        case LexBound::Kind::PlusInf: span.begin = n; break;
        case LexBound::Kind::Value:
            span.begin = z.lexBound(range.min.value, range.min.exclusive, 0);
            break;
    }
    switch (range.max.kind) {
        case LexBound::Kind::MinusInf: span.end = 0; break;
        case LexBound::Kind::PlusInf: span.end = n; break;
        case LexBound::Kind::Value:
            span.end = z.lexBound(range.max.value, !range.max.exclusive, span.begin);
            break;
    }
    if (span.end < span.begin) span.end = span.begin;
    return span;
}

}  // namespace mini_redis
