// Unit tests for the request framer: inline and RESP syntax, every split point, protocol errors.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "frame_parser.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

using namespace std::string_literals;
using mini_redis::ArgList;
using mini_redis::parseFrame;
using mini_redis::ParseResult;
using mini_redis::ParserLimits;
using mini_redis::ParseStatus;

namespace {

using Frame = std::vector<std::string>;

Frame argsOf(const ArgList& list, size_t from = 0) {
    Frame out;
    for (size_t i = from; i < list.size(); ++i) out.emplace_back(list[i]);
    return out;
}

// Parses exactly one frame from `input` into a fresh list; the frame must be complete.
Frame parseOne(std::string_view input, const ParserLimits& limits = {}) {
    ArgList list;
    ParseResult r = parseFrame(input, limits, list);
    REQUIRE(r.status == ParseStatus::Complete);
    CHECK(r.consumed == input.size());
    CHECK(r.error.empty());
    return argsOf(list);
}

ParseResult parseError(std::string_view input, const ParserLimits& limits = {}) {
    ArgList list;
    ParseResult r = parseFrame(input, limits, list);
    CHECK(r.status == ParseStatus::Error);
    // An error appends nothing: the connection replies with the error and closes.
    CHECK(list.size() == 0);
    CHECK(list.byteSize() == 0);
    return r;
}

// A copy of `s` in a heap block of exactly its size, so AddressSanitizer flags any read past
// the end of the bytes the parser was given (a std::string would hide it behind its NUL).
struct ExactBuffer {
    explicit ExactBuffer(std::string_view s) : bytes(new char[s.size()]), size(s.size()) {
        s.copy(bytes.get(), s.size());
    }
    std::string_view view() const { return {bytes.get(), size}; }
    std::unique_ptr<char[]> bytes;
    size_t size;
};

struct Run {
    std::vector<Frame> frames;
    std::vector<size_t> ends;  // input offset just past each frame
};

// Parses every frame of `input` in sequence, all into one ArgList as a batch is built.
// Stops at the first NeedMore, which must not consume or append.
Run parseRun(std::string_view input, const ParserLimits& limits = {}) {
    Run run;
    ArgList list;
    size_t pos = 0;
    while (pos < input.size()) {
        const size_t before_args = list.size();
        const size_t before_bytes = list.byteSize();
        ParseResult r = parseFrame(input.substr(pos), limits, list);
        REQUIRE_MESSAGE(r.status != ParseStatus::Error, r.error);
        if (r.status == ParseStatus::NeedMore) {
            CHECK(r.consumed == 0);
            CHECK(list.size() == before_args);
            CHECK(list.byteSize() == before_bytes);
            break;
        }
        REQUIRE(r.consumed > 0);
        run.frames.push_back(argsOf(list, before_args));
        pos += r.consumed;
        run.ends.push_back(pos);
    }
    return run;
}

// The key property: cutting `input` anywhere gives exactly the frames that end before the cut,
// and the rest waits (NeedMore, nothing consumed, earlier arguments untouched).
void checkEverySplit(std::string_view input, const std::vector<Frame>& expected) {
    Run full = parseRun(input);
    REQUIRE(full.frames == expected);
    REQUIRE(full.ends.back() == input.size());
    for (size_t k = 0; k <= input.size(); ++k) {
        CAPTURE(k);
        ExactBuffer prefix(input.substr(0, k));
        Run part = parseRun(prefix.view());
        size_t complete = 0;
        while (complete < full.ends.size() && full.ends[complete] <= k) ++complete;
        REQUIRE(part.frames.size() == complete);
        for (size_t i = 0; i < complete; ++i) CHECK(part.frames[i] == expected[i]);
    }
}

// Feeds one byte at a time into a growing buffer, as the slowest possible client would, and
// collects frames the way the connection does (parse until NeedMore, drop consumed bytes).
std::vector<Frame> feedByteByByte(std::string_view input) {
    std::vector<Frame> frames;
    std::string buffer;
    for (char c : input) {
        buffer.push_back(c);
        while (true) {
            ArgList list;
            ExactBuffer exact(buffer);
            ParseResult r = parseFrame(exact.view(), {}, list);
            REQUIRE_MESSAGE(r.status != ParseStatus::Error, r.error);
            if (r.status == ParseStatus::NeedMore) {
                CHECK(r.consumed == 0);
                CHECK(list.size() == 0);
                break;
            }
            frames.push_back(argsOf(list));
            buffer.erase(0, r.consumed);
            if (buffer.empty()) break;
        }
    }
    CHECK(buffer.empty());
    return frames;
}

}  // namespace

TEST_CASE("inline: words split on spaces and tabs") {
    CHECK(parseOne("PING\r\n") == Frame{"PING"});
    CHECK(parseOne("SET key value\r\n") == Frame{"SET", "key", "value"});
    CHECK(parseOne("  SET   key    value  \r\n") == Frame{"SET", "key", "value"});
    CHECK(parseOne("GET\tkey\r\n") == Frame{"GET", "key"});
    CHECK(parseOne("\t GET \t key\t\r\n") == Frame{"GET", "key"});
}

TEST_CASE("inline: CRLF and bare LF both end the line") {
    CHECK(parseOne("GET a\r\n") == Frame{"GET", "a"});
    CHECK(parseOne("GET a\n") == Frame{"GET", "a"});
    // Only the CR right before the LF belongs to the terminator.
    CHECK(parseOne("GET a\r\r\n") == Frame{"GET", "a"});
}

TEST_CASE("inline: an empty or blank line completes with no arguments") {
    for (std::string_view line : {"\r\n", "\n", "   \r\n", "\t\n"}) {
        CAPTURE(line);
        ArgList list;
        ParseResult r = parseFrame(line, {}, list);
        CHECK(r.status == ParseStatus::Complete);
        CHECK(r.consumed == line.size());
        CHECK(list.size() == 0);
    }
}

TEST_CASE("inline: double quotes keep spaces and decode escapes") {
    CHECK(parseOne("SET k \"hello world\"\r\n") == Frame{"SET", "k", "hello world"});
    CHECK(parseOne("ECHO \"a\\nb\\rc\\td\\be\\af\"\r\n") == Frame{"ECHO", "a\nb\rc\td\be\af"});
    CHECK(parseOne("ECHO \"back\\\\slash\" \"say \\\"hi\\\"\"\r\n") ==
          Frame{"ECHO", "back\\slash", "say \"hi\""});
    CHECK(parseOne("ECHO \"\\x41\\x00\\xff\\xAb\"\r\n") == Frame{"ECHO", "A\0\xff\xab"s});
    // Not a valid \x escape: the backslash is dropped and the rest kept, as redis-cli does.
    CHECK(parseOne("ECHO \"\\xZZ\"\r\n") == Frame{"ECHO", "xZZ"});
    // Unknown escapes stand for the escaped character.
    CHECK(parseOne("ECHO \"\\q\"\r\n") == Frame{"ECHO", "q"});
    CHECK(parseOne("ECHO \"\"\r\n") == Frame{"ECHO", ""});
    // A quote opening mid-word continues the same word.
    CHECK(parseOne("ECHO ab\"c d\"\r\n") == Frame{"ECHO", "abc d"});
}

TEST_CASE("inline: single quotes are literal except for \\'") {
    CHECK(parseOne("SET k 'it\\'s here'\r\n") == Frame{"SET", "k", "it's here"});
    CHECK(parseOne("ECHO 'a\\nb'\r\n") == Frame{"ECHO", "a\\nb"});
    CHECK(parseOne("ECHO '\"x\"'\r\n") == Frame{"ECHO", "\"x\""});
    CHECK(parseOne("ECHO ''\r\n") == Frame{"ECHO", ""});
}

TEST_CASE("inline: only the first line is consumed") {
    ArgList list;
    std::string_view input = "GET a\r\nGET b\r\n";
    ParseResult r = parseFrame(input, {}, list);
    REQUIRE(r.status == ParseStatus::Complete);
    CHECK(r.consumed == 7);
    CHECK(argsOf(list) == Frame{"GET", "a"});
}

TEST_CASE("RESP: multibulk with bulk strings") {
    CHECK(parseOne("*1\r\n$4\r\nPING\r\n") == Frame{"PING"});
    CHECK(parseOne("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n") ==
          Frame{"SET", "key", "value"});
}

TEST_CASE("RESP: bulk data is binary-safe") {
    std::string input = "*3\r\n$3\r\nSET\r\n$4\r\nk\r\nk\r\n$6\r\n\0a\r\n\0b\r\n"s;
    CHECK(parseOne(input) == Frame{"SET", "k\r\nk", "\0a\r\n\0b"s});
    // Quotes and spaces mean nothing inside a bulk.
    CHECK(parseOne("*1\r\n$5\r\n\"a b'\r\n") == Frame{"\"a b'"});
}

TEST_CASE("RESP: empty bulk") {
    CHECK(parseOne("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n") == Frame{"ECHO", ""});
}

TEST_CASE("RESP: *0 and *-1 complete with no arguments") {
    for (std::string_view input : {"*0\r\n", "*-1\r\n"}) {
        CAPTURE(input);
        ArgList list;
        ParseResult r = parseFrame(input, {}, list);
        CHECK(r.status == ParseStatus::Complete);
        CHECK(r.consumed == input.size());
        CHECK(list.size() == 0);
    }
}

TEST_CASE("RESP: only the first request is consumed") {
    ArgList list;
    std::string_view input = "*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n";
    ParseResult r = parseFrame(input, {}, list);
    REQUIRE(r.status == ParseStatus::Complete);
    CHECK(r.consumed == 14);
    CHECK(argsOf(list) == Frame{"PING"});
}

TEST_CASE("empty input needs more") {
    ArgList list;
    ParseResult r = parseFrame("", {}, list);
    CHECK(r.status == ParseStatus::NeedMore);
    CHECK(r.consumed == 0);
}

const std::string kPipeline =
    "PING\r\n"
    "*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n"
    "SET k \"v w\"\n"
    "\r\n"
    "*3\r\n$3\r\nSET\r\n$3\r\nb\0n\r\n$2\r\n\r\n\r\n"
    "*0\r\n"
    "GET 'k'\r\n"
    "*-1\r\n"
    "*1\r\n$4\r\nPING\r\n"s;

const std::vector<Frame> kPipelineFrames = {
    {"PING"},
    {"ECHO", "hello"},
    {"SET", "k", "v w"},
    {},
    {"SET", "b\0n"s, "\r\n"},
    {},
    {"GET", "k"},
    {},
    {"PING"},
};

TEST_CASE("a pipelined run of inline and RESP requests parses in sequence") {
    Run run = parseRun(kPipeline);
    CHECK(run.frames == kPipelineFrames);
    REQUIRE(!run.ends.empty());
    CHECK(run.ends.back() == kPipeline.size());
}

TEST_CASE("every split point: prefixes need more until a frame is whole") {
    SUBCASE("inline") {
        checkEverySplit("PING\r\n", {{"PING"}});
    }
    SUBCASE("inline with quotes") {
        checkEverySplit("SET key \"hello world\\n\" 'it\\'s'\r\n",
                        {{"SET", "key", "hello world\n", "it's"}});
    }
    SUBCASE("inline, bare LF") {
        checkEverySplit("GET a\n", {{"GET", "a"}});
    }
    SUBCASE("RESP") {
        checkEverySplit("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n",
                        {{"SET", "key", "value"}});
    }
    SUBCASE("RESP, binary with CRLF inside and an empty bulk") {
        checkEverySplit("*3\r\n$3\r\nSET\r\n$5\r\nk\r\n\0y\r\n$0\r\n\r\n"s,
                        {{"SET", "k\r\n\0y"s, ""}});
    }
    SUBCASE("RESP, multi-digit lengths") {
        std::string big(123, 'x');
        checkEverySplit("*2\r\n$4\r\nECHO\r\n$123\r\n" + big + "\r\n", {{"ECHO", big}});
    }
    SUBCASE("pipelined run") {
        checkEverySplit(kPipeline, kPipelineFrames);
    }
}

TEST_CASE("byte-by-byte feeding yields exactly the expected frames in order") {
    CHECK(feedByteByByte(kPipeline) == kPipelineFrames);
    CHECK(feedByteByByte("*2\r\n$3\r\nGET\r\n$10\r\n0123456789\r\nPING\n") ==
          std::vector<Frame>{{"GET", "0123456789"}, {"PING"}});
}

TEST_CASE("protocol errors carry Redis's text") {
    SUBCASE("non-numeric multibulk count") {
        CHECK(parseError("*abc\r\n").error == "Protocol error: invalid multibulk length");
        CHECK(parseError("*\r\n").error == "Protocol error: invalid multibulk length");
        CHECK(parseError("*1x\r\n").error == "Protocol error: invalid multibulk length");
    }
    SUBCASE("multibulk count over the limit") {
        ParserLimits limits;
        limits.multibulk_max = 2;
        CHECK(parseOne("*2\r\n$1\r\na\r\n$1\r\nb\r\n", limits) == Frame{"a", "b"});
        CHECK(parseError("*3\r\n", limits).error == "Protocol error: invalid multibulk length");
        CHECK(parseError("*99999999999999999999999\r\n").error ==
              "Protocol error: invalid multibulk length");
    }
    SUBCASE("bad bulk length") {
        ParserLimits limits;
        limits.bulk_max = 1024;
        CHECK(parseError("*1\r\n$abc\r\n").error == "Protocol error: invalid bulk length");
        CHECK(parseError("*1\r\n$\r\n").error == "Protocol error: invalid bulk length");
        CHECK(parseError("*1\r\n$-1\r\n").error == "Protocol error: invalid bulk length");
        CHECK(parseError("*1\r\n$1025\r\n", limits).error == "Protocol error: invalid bulk length");
        // Exactly at the limit is allowed: it only waits for the data.
        ArgList list;
        CHECK(parseFrame("*1\r\n$1024\r\n", limits, list).status == ParseStatus::NeedMore);
    }
    SUBCASE("missing '$'") {
        CHECK(parseError("*1\r\nx3\r\nfoo\r\n").error == "Protocol error: expected '$', got 'x'");
        CHECK(parseError("*2\r\n$1\r\na\r\n:1\r\n").error ==
              "Protocol error: expected '$', got ':'");
    }
    SUBCASE("missing CRLF after bulk data") {
        CHECK(parseError("*1\r\n$3\r\nfooXY").error ==
              "Protocol error: expected CRLF after bulk data");
        CHECK(parseError("*1\r\n$3\r\nfoo\rX").error ==
              "Protocol error: expected CRLF after bulk data");
    }
    SUBCASE("unbalanced quotes") {
        CHECK(parseError("SET a \"b\r\n").error == "Protocol error: unbalanced quotes in request");
        CHECK(parseError("SET a 'b\r\n").error == "Protocol error: unbalanced quotes in request");
        CHECK(parseError("SET a \"b\\\"\r\n").error ==
              "Protocol error: unbalanced quotes in request");
    }
    SUBCASE("a closing quote must be followed by a space") {
        CHECK(parseError("SET \"a\"b c\r\n").error ==
              "Protocol error: unbalanced quotes in request");
        CHECK(parseError("SET 'a'b c\r\n").error == "Protocol error: unbalanced quotes in request");
    }
    SUBCASE("inline line too long") {
        ParserLimits limits;
        limits.inline_max = 16;
        // Waiting is fine up to the limit; one byte more without a newline is an error.
        ArgList list;
        CHECK(parseFrame(std::string(16, 'a'), limits, list).status == ParseStatus::NeedMore);
        CHECK(parseError(std::string(17, 'a'), limits).error ==
              "Protocol error: too big inline request");
        CHECK(parseError(std::string(40, 'a') + "\r\n", limits).error ==
              "Protocol error: too big inline request");
        CHECK(parseOne("GET " + std::string(10, 'k') + "\r\n", limits) ==
              Frame{"GET", std::string(10, 'k')});
    }
    SUBCASE("header line too long without CRLF") {
        ParserLimits limits;
        limits.inline_max = 16;
        ArgList list;
        // (Built with append: GCC 12 warns falsely on "literal" + std::string(n, c).)
        std::string count = "*";
        count.append(15, '1');
        CHECK(parseFrame(count, limits, list).status == ParseStatus::NeedMore);
        count.push_back('1');
        CHECK(parseError(count, limits).error == "Protocol error: too big mbulk count string");
        CHECK(parseError("*1\r\n$" + std::string(16, '1'), limits).error ==
              "Protocol error: too big bulk count string");
    }
}

TEST_CASE("NeedMore and Error leave earlier frames' arguments intact") {
    ArgList list;
    ParseResult first = parseFrame("*2\r\n$3\r\nGET\r\n$1\r\na\r\n", {}, list);
    REQUIRE(first.status == ParseStatus::Complete);
    REQUIRE(list.size() == 2);
    const size_t bytes = list.byteSize();

    auto unchanged = [&] {
        CHECK(argsOf(list) == Frame{"GET", "a"});
        CHECK(list.byteSize() == bytes);
    };

    // A second request cut after one whole bulk and in the middle of the next.
    for (std::string_view partial :
         {"*2\r\n$3\r\nGET\r\n$", "*2\r\n$3\r\nGET\r\n$5\r\nab", "*2\r\n$3\r\nGET\r\n$5\r\nabcde\r",
          "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n", "SET b \"c d"}) {
        CAPTURE(partial);
        ParseResult r = parseFrame(partial, {}, list);
        CHECK(r.status == ParseStatus::NeedMore);
        CHECK(r.consumed == 0);
        unchanged();
    }
    for (std::string_view bad : {"*2\r\n$3\r\nGET\r\n$x\r\n", "*2\r\n$3\r\nGET\r\n$1\r\nbXY",
                                 "*2\r\n$3\r\nGET\r\n+b\r\n", "SET b \"c d\r\n"}) {
        CAPTURE(bad);
        ParseResult r = parseFrame(bad, {}, list);
        CHECK(r.status == ParseStatus::Error);
        unchanged();
    }
    // And a later complete frame appends after them.
    ParseResult last = parseFrame("*2\r\n$3\r\nGET\r\n$1\r\nb\r\n", {}, list);
    REQUIRE(last.status == ParseStatus::Complete);
    CHECK(argsOf(list) == Frame{"GET", "a", "GET", "b"});
}
