// RESP multibulk and inline request framing, incremental (see frame_parser.h for the contract).
#include "frame_parser.h"

#include <algorithm>
#include <cstring>

#include "command_args.h"

namespace mini_redis {

namespace {

constexpr size_t npos = std::string_view::npos;

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

}  // namespace

size_t FrameParser::findHeaderEnd(std::string_view in, size_t line) {
    // The line's bytes stay in the caller's buffer until it is whole; only the new ones are
    // searched. A '\r' seen last time without its '\n' is looked at again (one byte).
    size_t from = line + scanned_;
    size_t cr = from < in.size() ? in.find('\r', from) : npos;
    if (cr == npos) {
        examined_ += in.size() - std::min(from, in.size());
        scanned_ = in.size() - line;
        return npos;
    }
    examined_ += cr - from + 1;
    if (cr + 1 >= in.size()) {
        scanned_ = cr - line;
        return npos;
    }
    scanned_ = 0;
    return cr;
}

ParseResult FrameParser::needMore(size_t consumed, ArgList& out) {
    // From here on the request spans calls: its finished arguments wait in parts_, since
    // the caller may hand a different `out` next time.
    if (!in_parts_ && state_ != State::Start && state_ != State::Inline) {
        in_parts_ = true;
        held_bytes_ = 0;
        for (size_t i = first_; i < out.size(); ++i) held_bytes_ += out[i].size();
        out.moveTailTo(first_, parts_);
    }
    ParseResult r;
    r.consumed = consumed;
    return r;
}

ParseResult FrameParser::fail(std::string text, ArgList& out) {
    if (!in_parts_) out.truncate(first_);
    parts_.release();
    big_ = {};
    big_filled_ = held_bytes_ = scanned_ = 0;
    in_parts_ = false;
    state_ = State::Start;
    ParseResult r;
    r.status = ParseStatus::Error;
    r.error = "Protocol error: " + std::move(text);
    return r;
}

ParseResult FrameParser::finishRequest(size_t consumed, ArgList& out) {
    if (in_parts_) {
        parts_.moveTailTo(0, out);
        parts_.release();  // a trickled giant request leaves nothing behind
        in_parts_ = false;
        held_bytes_ = 0;
    }
    state_ = State::Start;
    scanned_ = 0;
    ParseResult r;
    r.status = ParseStatus::Complete;
    r.consumed = consumed;
    return r;
}

std::span<char> FrameParser::directBuffer() {
    if (state_ != State::BigBulkData) return {};
    const size_t total = static_cast<size_t>(bulk_len_) + 2;
    return {big_.bytes.get() + big_filled_, total - big_filled_};
}

void FrameParser::commitDirect(size_t n) {
    big_filled_ += n;
    examined_ += n;
}

ParseResult FrameParser::parse(std::string_view in, const ParserLimits& limits, ArgList& out) {
    size_t pos = 0;
    while (true) {
        switch (state_) {
            case State::Start: {
                if (in.empty()) return needMore(0, out);
                first_ = out.size();
                scanned_ = 0;
                state_ = in[0] == '*' ? State::ArrayHeader : State::Inline;
                break;
            }
            case State::Inline: {
                // Nothing of the line is in `out` until it is whole, and `out` may differ
                // from the call that began the line: an error must not truncate it to a
                // size taken from another list.
                first_ = out.size();
                size_t from = scanned_;
                size_t nl = in.find('\n', from);
                if (nl == npos) {
                    examined_ += in.size() - from;
                    scanned_ = in.size();
                    if (in.size() > limits.inline_max) return fail("too big inline request", out);
                    return needMore(0, out);
                }
                examined_ += nl - from + 1;
                if (nl > limits.inline_max) return fail("too big inline request", out);
                std::string_view line = in.substr(0, nl);
                if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
                examined_ += line.size();
                if (!splitInline(line, out)) return fail("unbalanced quotes in request", out);
                return finishRequest(nl + 1, out);
            }
            case State::ArrayHeader: {
                size_t cr = findHeaderEnd(in, pos);
                if (cr == npos) {
                    if (in.size() - pos > limits.inline_max) {
                        return fail("too big mbulk count string", out);
                    }
                    return needMore(pos, out);
                }
                int64_t count = 0;
                if (in[cr + 1] != '\n' || !parseInteger(in.substr(pos + 1, cr - pos - 1), count) ||
                    count > limits.multibulk_max) {
                    return fail("invalid multibulk length", out);
                }
                if (!limits.authenticated && count > kUnauthMultibulkMax) {
                    return fail("unauthenticated multibulk length", out);
                }
                pos = cr + 2;
                if (count <= 0) return finishRequest(pos, out);
                left_ = count;
                state_ = State::BulkHeader;
                break;
            }
            case State::BulkHeader: {
                if (pos >= in.size()) return needMore(pos, out);
                if (in[pos] != '$') {
                    char got[2] = {in[pos], '\0'};
                    return fail(std::string("expected '$', got '") + got + "'", out);
                }
                size_t cr = findHeaderEnd(in, pos);
                if (cr == npos) {
                    if (in.size() - pos > limits.inline_max) {
                        return fail("too big bulk count string", out);
                    }
                    return needMore(pos, out);
                }
                int64_t len = 0;
                if (in[cr + 1] != '\n' || !parseInteger(in.substr(pos + 1, cr - pos - 1), len) ||
                    len < 0 || len > limits.bulk_max) {
                    return fail("invalid bulk length", out);
                }
                if (!limits.authenticated && len > kUnauthBulkMax) {
                    return fail("unauthenticated bulk length", out);
                }
                pos = cr + 2;
                bulk_len_ = len;
                if (len >= kBigArgBytes) {
                    // Its own block, exactly sized, not zero-filled: the pages are touched
                    // only as the bytes arrive.
                    big_.bytes =
                        std::make_unique_for_overwrite<char[]>(static_cast<size_t>(len) + 2);
                    big_.size = static_cast<size_t>(len);
                    big_filled_ = 0;
                    state_ = State::BigBulkData;
                } else {
                    state_ = State::BulkData;
                }
                break;
            }
            case State::BulkData: {
                const size_t len = static_cast<size_t>(bulk_len_);
                if (in.size() - pos < len + 2) return needMore(pos, out);  // not looked at
                if (in[pos + len] != '\r' || in[pos + len + 1] != '\n') {
                    return fail("expected CRLF after bulk data", out);
                }
                examined_ += len + 2;
                target(out).append(in.substr(pos, len));
                if (in_parts_) held_bytes_ += len;
                pos += len + 2;
                if (--left_ == 0) return finishRequest(pos, out);
                state_ = State::BulkHeader;
                break;
            }
            case State::BigBulkData: {
                const size_t total = static_cast<size_t>(bulk_len_) + 2;
                size_t n = std::min(in.size() - pos, total - big_filled_);
                // An empty input may have a null data(), which memcpy must not get even for 0.
                if (n > 0) std::memcpy(big_.bytes.get() + big_filled_, in.data() + pos, n);
                examined_ += n;
                big_filled_ += n;
                pos += n;
                if (big_filled_ < total) return needMore(pos, out);
                if (big_.bytes[total - 2] != '\r' || big_.bytes[total - 1] != '\n') {
                    return fail("expected CRLF after bulk data", out);
                }
                if (in_parts_) held_bytes_ += big_.size;
                target(out).appendBig(std::move(big_));
                big_ = {};
                big_filled_ = 0;
                if (--left_ == 0) return finishRequest(pos, out);
                state_ = State::BulkHeader;
                break;
            }
        }
    }
}

}  // namespace mini_redis
