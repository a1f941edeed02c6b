// The request framer: bytes in, one complete request (or "need more", or a protocol error) out.
// Pure: no sockets, no globals, no allocation beyond the ArgList it appends to.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "arg_list.h"

namespace mini_redis {

struct ParserLimits {
    size_t inline_max = 64 * 1024;           // longest inline line (and RESP header line)
    int64_t bulk_max = 512LL * 1024 * 1024;  // largest $len
    int64_t multibulk_max = 1024 * 1024;     // largest *count
};

enum class ParseStatus {
    Complete,  // one request framed: `consumed` bytes used, its arguments appended (maybe none)
    NeedMore,  // the request is not all here yet; nothing consumed, nothing appended
    Error,     // malformed: `error` holds Redis's text ("Protocol error: ..."); close after reply
};

struct ParseResult {
    ParseStatus status = ParseStatus::NeedMore;
    size_t consumed = 0;
    std::string error;
};

// Frames the request at the start of `input`. The first byte picks the syntax as Redis does:
// '*' starts a RESP multibulk, anything else an inline line split like redis-cli's words
// (double quotes with \n \r \t \b \a \\ \" \xHH escapes, single quotes with \'). A request with
// no arguments (empty line, *0, *-1) completes with nothing appended; callers skip it.
ParseResult parseFrame(std::string_view input, const ParserLimits& limits, ArgList& out);

}  // namespace mini_redis
