// Unit tests for the request framer, one request at a time: inline and RESP syntax, protocol
// errors, pre-AUTH limits, and what a refused or partial parse leaves in the caller's list.
// Feeding in pieces (every split point, large arguments in place, linear work) is in
// frame_parser_incremental_test.cpp.
#include "frame_parser.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "frame_parser_fixture.h"

using namespace std::string_literals;
using namespace mini_redis;
using namespace mini_redis::frame_test;

namespace {

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
