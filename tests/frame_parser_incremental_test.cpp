// Unit tests for the request framer fed in pieces, as a connection feeds it: every split
// point, byte by byte, pipelines, large arguments read in place, linear work, and a partial
// request's arguments held in the parser.
#include "frame_parser.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "frame_parser_fixture.h"

using namespace std::string_literals;
using namespace mini_redis;
using namespace mini_redis::frame_test;

namespace {

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

}  // namespace

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
