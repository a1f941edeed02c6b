// The request framer: bytes in, one complete request (or "need more", or a protocol error)
// out. Incremental: it keeps its place inside a partial request, so however a request is
// split across reads, no byte is examined twice and total work is linear in its size.
// No sockets, no globals.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "arg_list.h"

namespace mini_redis {

struct ParserLimits {
    size_t inline_max = 64 * 1024;           // longest inline line (and RESP header line)
    int64_t bulk_max = 512LL * 1024 * 1024;  // largest $len
    int64_t multibulk_max = 1024 * 1024;     // largest *count
    // A client that must still AUTH gets Redis 7.0's tight limits (at most 10 arguments of
    // at most 16384 bytes), so it cannot make the server hold memory before it logs in.
    bool authenticated = true;
};

enum class ParseStatus {
    Complete,  // one request framed: its arguments appended to `out` (maybe none)
    NeedMore,  // the request is not all here yet; what was usable is kept in the parser
    Error,     // malformed: `error` holds Redis's text ("Protocol error: ..."); close after reply
};

struct ParseResult {
    ParseStatus status = ParseStatus::NeedMore;
    // Bytes of the input used, whatever the status: the caller drops them from its buffer
    // and passes the rest (plus whatever arrives) to the next call.
    size_t consumed = 0;
    std::string error;
};

// One per connection. Reactor thread only (single owner).
//
// The first byte of a request picks the syntax as Redis does: '*' starts a RESP multibulk,
// anything else an inline line split like redis-cli's words (double quotes with \n \r \t \b
// \a \\ \" \xHH escapes, single quotes with \'). A request with no arguments (empty line, *0,
// *-1) completes with nothing appended; callers skip it.
//
// A partial request's finished arguments wait inside the parser; they are appended to `out`
// when the request completes, so a caller may pass a different `out` on each call. Bulk
// arguments of kBigArgBytes or more get a block of their own, which the caller may fill
// straight from the socket (directBuffer/commitDirect) while the parser's input is empty.
class FrameParser {
  public:
    static constexpr int64_t kBigArgBytes = 32 * 1024;
    static constexpr int64_t kUnauthMultibulkMax = 10;
    static constexpr int64_t kUnauthBulkMax = 16384;

    // Frames at most one request from `input` (the unconsumed bytes, starting where the last
    // call's `consumed` ended).
    ParseResult parse(std::string_view input, const ParserLimits& limits, ArgList& out);

    // While a large bulk argument is being received and no unconsumed input precedes it:
    // the rest of its block (data and trailing CRLF). Empty otherwise.
    std::span<char> directBuffer();
    // `n` bytes were written at the start of directBuffer().
    void commitDirect(size_t n);

    // True between requests: nothing of a partial request is held.
    bool idle() const { return state_ == State::Start; }
    // Bytes of the partial request the parser holds (finished arguments and the large
    // argument received so far), for the query buffer limit.
    size_t heldBytes() const { return held_bytes_ + big_filled_; }
    // Bytes examined so far (scanned for line ends or copied): the linear-work property in
    // tests and the fuzzer is stated against it.
    uint64_t bytesExamined() const { return examined_; }

  private:
    enum class State {
        Start,        // between requests: the next byte picks inline or multibulk
        Inline,       // inside an inline line, looking for its '\n'
        ArrayHeader,  // inside "*<count>\r\n"
        BulkHeader,   // inside "$<len>\r\n" of the next argument
        BulkData,     // waiting for a small argument's bytes and CRLF, all at once
        BigBulkData,  // filling a large argument's own block
    };

    // Finds the '\r' ending the header line that starts at `line` in `in`, resuming the
    // search where the last call stopped. npos until the "\r\n" pair is all here.
    size_t findHeaderEnd(std::string_view in, size_t line);
    ParseResult needMore(size_t consumed, ArgList& out);
    ParseResult fail(std::string text, ArgList& out);
    // Appends a finished argument to the current request.
    ArgList& target(ArgList& out) { return in_parts_ ? parts_ : out; }
    ParseResult finishRequest(size_t consumed, ArgList& out);

    State state_ = State::Start;
    size_t scanned_ = 0;     // bytes of the current line already searched
    int64_t left_ = 0;       // arguments of the multibulk still to come
    int64_t bulk_len_ = 0;   // length of the argument being received
    size_t first_ = 0;       // where this request's arguments begin in `out`
    bool in_parts_ = false;  // the request spans calls: its arguments gather in parts_
    ArgList parts_;          // finished arguments of a request that spans calls
    size_t held_bytes_ = 0;  // argument bytes in parts_
    BigArg big_;             // the large argument being received (data + CRLF)
    size_t big_filled_ = 0;
    uint64_t examined_ = 0;
};

}  // namespace mini_redis
