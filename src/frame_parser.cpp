// RESP multibulk and inline request framing (see frame_parser.h for the contract).
#include "frame_parser.h"

#include "command_args.h"

namespace mini_redis {

namespace {

ParseResult needMore() {
    return ParseResult{};
}

ParseResult error(std::string text) {
    ParseResult r;
    r.status = ParseStatus::Error;
    r.error = "Protocol error: " + std::move(text);
    return r;
}

// Parses a whole decimal integer as Redis does: optional '-', no '+', no leading zeros.
bool parseInt(std::string_view s, int64_t& out) {
    return parseInteger(s, out);
}

// Finds the CRLF-terminated header line starting at `pos` (after its type byte). Returns the
// index of '\r', or npos when the line is not complete yet.
size_t findLineEnd(std::string_view in, size_t pos) {
    size_t cr = in.find('\r', pos);
    if (cr == std::string_view::npos || cr + 1 >= in.size()) return std::string_view::npos;
    return cr;
}

ParseResult parseMultibulk(std::string_view in, const ParserLimits& limits, ArgList& out) {
    size_t cr = findLineEnd(in, 1);
    if (cr == std::string_view::npos) {
        if (in.size() > limits.inline_max) return error("too big mbulk count string");
        return needMore();
    }
    int64_t count = 0;
    if (in[cr + 1] != '\n' || !parseInt(in.substr(1, cr - 1), count) ||
        count > limits.multibulk_max) {
        return error("invalid multibulk length");
    }
    size_t pos = cr + 2;
    if (count <= 0) {
        ParseResult r;
        r.status = ParseStatus::Complete;
        r.consumed = pos;
        return r;
    }
    const size_t first = out.size();
    for (int64_t i = 0; i < count; ++i) {
        if (pos >= in.size()) {
            out.truncate(first);
            return needMore();
        }
        if (in[pos] != '$') {
            out.truncate(first);
            char got[2] = {in[pos], '\0'};
            return error(std::string("expected '$', got '") + got + "'");
        }
        cr = findLineEnd(in, pos + 1);
        if (cr == std::string_view::npos) {
            out.truncate(first);
            if (in.size() - pos > limits.inline_max) return error("too big bulk count string");
            return needMore();
        }
        int64_t len = 0;
        if (in[cr + 1] != '\n' || !parseInt(in.substr(pos + 1, cr - pos - 1), len) || len < 0 ||
            len > limits.bulk_max) {
            out.truncate(first);
            return error("invalid bulk length");
        }
        size_t data = cr + 2;
        if (in.size() - data < static_cast<size_t>(len) + 2) {
            out.truncate(first);
            return needMore();
        }
        size_t end = data + static_cast<size_t>(len);
        if (in[end] != '\r' || in[end + 1] != '\n') {
            out.truncate(first);
            return error("expected CRLF after bulk data");
        }
        out.append(in.substr(data, static_cast<size_t>(len)));
        pos = end + 2;
    }
    ParseResult r;
    r.status = ParseStatus::Complete;
    r.consumed = pos;
    return r;
}

bool isSpace(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == '\0';
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Splits one inline line into words. False on unbalanced quotes.
bool splitInline(std::string_view line, ArgList& out) {
    size_t i = 0;
    const size_t n = line.size();
    while (true) {
        while (i < n && isSpace(line[i])) ++i;
        if (i == n) return true;
        bool in_double = false;
        bool in_single = false;
        bool done = false;
        while (!done) {
            if (in_double) {
                if (i == n) return false;
                char c = line[i];
                if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && hexValue(line[i + 2]) >= 0 &&
                    hexValue(line[i + 3]) >= 0) {
                    out.pushByte(
                        static_cast<char>(hexValue(line[i + 2]) * 16 + hexValue(line[i + 3])));
                    i += 4;
                } else if (c == '\\' && i + 1 < n) {
                    char e = line[i + 1];
                    switch (e) {
                        case 'n':
                            e = '\n';
                            break;
                        case 'r':
                            e = '\r';
                            break;
                        case 't':
                            e = '\t';
                            break;
                        case 'b':
                            e = '\b';
                            break;
                        case 'a':
                            e = '\a';
                            break;
                        default:
                            break;
                    }
                    out.pushByte(e);
                    i += 2;
                } else if (c == '"') {
                    // A closing quote must end the word.
                    if (i + 1 < n && !isSpace(line[i + 1])) return false;
                    ++i;
                    done = true;
                } else {
                    out.pushByte(c);
                    ++i;
                }
            } else if (in_single) {
                if (i == n) return false;
                char c = line[i];
                if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
                    out.pushByte('\'');
                    i += 2;
                } else if (c == '\'') {
                    if (i + 1 < n && !isSpace(line[i + 1])) return false;
                    ++i;
                    done = true;
                } else {
                    out.pushByte(c);
                    ++i;
                }
            } else if (i == n || isSpace(line[i])) {
                done = true;
            } else if (line[i] == '"') {
                in_double = true;
                ++i;
            } else if (line[i] == '\'') {
                in_single = true;
                ++i;
            } else {
                out.pushByte(line[i]);
                ++i;
            }
        }
        out.closeArg();
    }
}

ParseResult parseInline(std::string_view in, const ParserLimits& limits, ArgList& out) {
    size_t nl = in.find('\n');
    if (nl == std::string_view::npos) {
        if (in.size() > limits.inline_max) return error("too big inline request");
        return needMore();
    }
    if (nl > limits.inline_max) return error("too big inline request");
    std::string_view line = in.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const size_t first = out.size();
    if (!splitInline(line, out)) {
        out.truncate(first);
        return error("unbalanced quotes in request");
    }
    ParseResult r;
    r.status = ParseStatus::Complete;
    r.consumed = nl + 1;
    return r;
}

}  // namespace

ParseResult parseFrame(std::string_view input, const ParserLimits& limits, ArgList& out) {
    if (input.empty()) return needMore();
    if (input[0] == '*') return parseMultibulk(input, limits, out);
    return parseInline(input, limits, out);
}

}  // namespace mini_redis
