// Unit tests for the request framer: inline and RESP syntax, every split point, incremental
// parsing (linear work, large arguments read in place), protocol errors, pre-AUTH limits.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "frame_parser.h"

#include <doctest/doctest.h>

#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

using namespace std::string_literals;
using mini_redis::ArgList;
using mini_redis::FrameParser;
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

// One-shot parse: a fresh parser given all of `input` at once.
ParseResult parseFrame(std::string_view input, const ParserLimits& limits, ArgList& out) {
    FrameParser parser;
    return parser.parse(input, limits, out);
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

// Plays the connection: bytes arrive in chunks into a buffer, the parser frames what it can
// (each frame into a fresh list, as each batch is), consumed bytes are dropped. With
// `direct`, bytes of a large argument go straight into the parser's block, as the socket
// read does.
struct Feeder {
    FrameParser parser;
    ParserLimits limits;
    std::string buffer;
    std::vector<Frame> frames;
    std::string error;
    bool direct = false;
    size_t fed = 0;

    void feed(std::string_view chunk) {
        fed += chunk.size();
        while (!chunk.empty()) {
            auto target = buffer.empty() ? parser.directBuffer() : std::span<char>();
            if (direct && !target.empty()) {
                size_t n = std::min(target.size(), chunk.size());
                std::memcpy(target.data(), chunk.data(), n);
                parser.commitDirect(n);
                chunk.remove_prefix(n);
            } else {
                buffer.append(chunk);
                chunk = {};
            }
            drain();
        }
    }
    void drain() {
        while (error.empty()) {
            ArgList list;
            ExactBuffer exact(buffer);
            ParseResult r = parser.parse(exact.view(), limits, list);
            REQUIRE(r.consumed <= buffer.size());
            buffer.erase(0, r.consumed);
            if (r.status == ParseStatus::Error) {
                error = r.error;
                return;
            }
            if (r.status == ParseStatus::NeedMore) {
                CHECK(list.size() == 0);  // a partial request's arguments wait in the parser
                return;
            }
            frames.push_back(argsOf(list));
        }
    }
};

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

std::vector<Frame> feedWhole(std::string_view input) {
    Feeder f;
    f.feed(input);
    REQUIRE_MESSAGE(f.error.empty(), f.error);
    CHECK(f.buffer.empty());
    return f.frames;
}

// The key property: cut `input` anywhere (or at two places), feed the pieces in turn, and
// the frames come out exactly as from the whole; a prefix alone gives exactly the frames
// that end inside it.
void checkEverySplit(std::string_view input, const std::vector<Frame>& expected) {
    REQUIRE(feedWhole(input) == expected);
    for (size_t k = 0; k <= input.size(); ++k) {
        CAPTURE(k);
        Feeder f;
        f.feed(input.substr(0, k));
        REQUIRE(f.error.empty());
        REQUIRE(f.frames.size() <= expected.size());
        for (size_t i = 0; i < f.frames.size(); ++i) CHECK(f.frames[i] == expected[i]);
        f.feed(input.substr(k));
        REQUIRE(f.error.empty());
        CHECK(f.frames == expected);
        CHECK(f.parser.idle());
    }
    for (size_t k = 0; k <= input.size(); k += 3) {
        for (size_t j = k; j <= input.size(); j += 5) {
            Feeder f;
            f.feed(input.substr(0, k));
            f.feed(input.substr(k, j - k));
            f.feed(input.substr(j));
            REQUIRE(f.error.empty());
            CHECK(f.frames == expected);
        }
    }
}

std::vector<Frame> feedByteByByte(std::string_view input, bool direct = false) {
    Feeder f;
    f.direct = direct;
    for (char c : input) f.feed(std::string_view(&c, 1));
    REQUIRE_MESSAGE(f.error.empty(), f.error);
    CHECK(f.buffer.empty());
    CHECK(f.parser.idle());
    return f.frames;
}

std::string resp(const Frame& frame) {
    std::string out = "*" + std::to_string(frame.size()) + "\r\n";
    for (const auto& arg : frame) out += "$" + std::to_string(arg.size()) + "\r\n" + arg + "\r\n";
    return out;
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

TEST_CASE("a pipelined run of inline and RESP requests parses in sequence") {
    CHECK(feedWhole(kPipeline) == kPipelineFrames);
}

TEST_CASE("every split point: the same frames however the input is cut") {
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

TEST_CASE("large arguments: own block, filled in place, never copied") {
    const std::string big(FrameParser::kBigArgBytes + 1000, 'v');
    const Frame frame{"SET", "k", big, "tail"};
    const std::string input = resp(frame) + "PING\r\n";
    SUBCASE("whole, byte by byte, and byte by byte straight into the block") {
        CHECK(feedWhole(input) == std::vector<Frame>{frame, {"PING"}});
        CHECK(feedByteByByte(input) == std::vector<Frame>{frame, {"PING"}});
        CHECK(feedByteByByte(input, true) == std::vector<Frame>{frame, {"PING"}});
    }
    SUBCASE("the argument handed out is the very block the socket filled") {
        FrameParser parser;
        ArgList list;
        const std::string head = "*2\r\n$3\r\nSET\r\n$" + std::to_string(big.size()) + "\r\n";
        ParseResult r = parser.parse(head, {}, list);
        CHECK(r.status == ParseStatus::NeedMore);
        CHECK(r.consumed == head.size());
        auto block = parser.directBuffer();
        REQUIRE(block.size() == big.size() + 2);
        std::memcpy(block.data(), big.data(), big.size());
        std::memcpy(block.data() + big.size(), "\r\n", 2);
        parser.commitDirect(block.size());
        CHECK(parser.heldBytes() == 3 + big.size() + 2);
        r = parser.parse({}, {}, list);
        REQUIRE(r.status == ParseStatus::Complete);
        REQUIRE(list.size() == 2);
        CHECK(list[0] == "SET");
        CHECK(list[1].data() == block.data());  // no copy
        CHECK(list[1] == big);
        CHECK(parser.idle());
        CHECK(parser.heldBytes() == 0);
        CHECK(parser.directBuffer().empty());
    }
    SUBCASE("a bad trailer after a large argument is an error") {
        Feeder f;
        f.direct = true;
        f.feed("*1\r\n$" + std::to_string(big.size()) + "\r\n" + big + "XY");
        CHECK(f.error == "Protocol error: expected CRLF after bulk data");
    }
}

TEST_CASE("work is linear in the request's size however it is split") {
    // 100,000 arguments trickled one byte per read: each byte is examined a bounded number
    // of times (a re-parse from the start on each read would be ~10^11 steps).
    Frame many(100000, "a");
    many[0] = "RPUSH";
    const std::string input = resp(many);
    Feeder f;
    for (char c : input) f.feed(std::string_view(&c, 1));
    REQUIRE(f.error.empty());
    REQUIRE(f.frames.size() == 1);
    CHECK(f.frames[0] == many);
    CHECK(f.parser.bytesExamined() <= 3 * input.size());
    CHECK(f.parser.heldBytes() == 0);

    // A long inline line and a long header line, byte by byte.
    Feeder g;
    const std::string line = "ECHO " + std::string(60000, 'x') + "\r\n";
    for (char c : line) g.feed(std::string_view(&c, 1));
    REQUIRE(g.frames.size() == 1);
    CHECK(g.parser.bytesExamined() <= 3 * line.size());
    Feeder h;
    h.limits.inline_max = 1 << 20;
    const std::string header = "*1\r\n$" + std::string(20000, '0') + "\r\n";
    for (char c : header) h.feed(std::string_view(&c, 1));
    CHECK(h.error == "Protocol error: invalid bulk length");
    CHECK(h.parser.bytesExamined() <= 3 * header.size());
}

TEST_CASE("a partial request's arguments wait in the parser, counted, then are released") {
    FrameParser parser;
    ArgList first;
    ParseResult r = parser.parse("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nva", {}, first);
    CHECK(r.status == ParseStatus::NeedMore);
    CHECK(first.size() == 0);
    CHECK(parser.heldBytes() == 6);
    CHECK_FALSE(parser.idle());
    std::string rest = "va";  // the unconsumed part stays with the caller
    CHECK(r.consumed == std::string_view("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\n").size());
    rest += "lue\r\n";
    ArgList second;
    r = parser.parse(rest, {}, second);
    REQUIRE(r.status == ParseStatus::Complete);
    CHECK(argsOf(second) == Frame{"SET", "key", "value"});
    CHECK(parser.heldBytes() == 0);
    CHECK(parser.idle());
}

TEST_CASE("before AUTH: Redis 7.0's limits on multibulk and bulk lengths") {
    ParserLimits unauth;
    unauth.authenticated = false;
    CHECK(parseOne(resp(Frame(10, "x")), unauth) == Frame(10, "x"));
    CHECK(parseError("*11\r\n", unauth).error ==
          "Protocol error: unauthenticated multibulk length");
    CHECK(parseOne(resp({"AUTH", std::string(16384, 'p')}), unauth) ==
          Frame{"AUTH", std::string(16384, 'p')});
    CHECK(parseError("*2\r\n$4\r\nAUTH\r\n$16385\r\n", unauth).error ==
          "Protocol error: unauthenticated bulk length");
    // Malformed lengths are still reported as such.
    CHECK(parseError("*x\r\n", unauth).error == "Protocol error: invalid multibulk length");
    CHECK(parseError("*1\r\n$-5\r\n", unauth).error == "Protocol error: invalid bulk length");
    // Logged in: no such limits.
    CHECK(parseOne(resp(Frame(11, "x"))) == Frame(11, "x"));
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

TEST_CASE("an inline line begun with one list and refused with another leaves that list alone") {
    // Found by fuzz/frame_parser_fuzz: the error truncated the new list to the size the old
    // one had when the line began, dropping arguments of earlier requests in the new batch.
    FrameParser parser;
    ParserLimits limits;
    limits.inline_max = 16;
    ArgList first;
    CHECK(parser.parse("ECHO aaaa", limits, first).status == ParseStatus::NeedMore);
    ArgList second;
    second.append("GET");
    second.append("k");
    ParseResult r = parser.parse("ECHO aaaaaaaaaaaaaaaaaaaa", limits, second);
    CHECK(r.status == ParseStatus::Error);
    CHECK(r.error == "Protocol error: too big inline request");
    CHECK(argsOf(second) == Frame{"GET", "k"});
}
