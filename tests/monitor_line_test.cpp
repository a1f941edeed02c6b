// Unit tests for MONITOR's line format: Redis's quoting of every byte class, the header's
// shape (time with microseconds, database, peer) and the CRLF end.
#include "monitor_line.h"

#include <doctest/doctest.h>

#include <ctime>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

using mini_redis::appendMonitorLine;
using mini_redis::appendQuotedArg;

namespace {

std::string quoted(std::string_view arg) {
    std::string out;
    appendQuotedArg(out, arg);
    return out;
}

}  // namespace

TEST_CASE("arguments are quoted with Redis's escapes") {
    CHECK(quoted("v") == "\"v\"");
    CHECK(quoted("") == "\"\"");
    CHECK(quoted("a b") == "\"a b\"");
    CHECK(quoted("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(quoted("\n\r\t\a\b") == "\"\\n\\r\\t\\a\\b\"");
    CHECK(quoted(std::string_view("\x00\x01\x1f", 3)) == "\"\\x00\\x01\\x1f\"");
    CHECK(quoted("\x7f\x80\xff") == "\"\\x7f\\x80\\xff\"");
    CHECK(quoted(" ~'") == "\" ~'\"");  // printable ASCII is kept, single quotes included
    CHECK(quoted("\xc3\xa9") == "\"\\xc3\\xa9\"");  // UTF-8 bytes are escaped one by one
}

TEST_CASE("a line: time, database, peer, arguments, CRLF") {
    std::string out = "before";
    const std::vector<std::string_view> argv = {"SET", "k", "v w"};
    const time_t now = time(nullptr);
    appendMonitorLine(out, 3, "127.0.0.1:5555", argv);
    REQUIRE(out.rfind("before", 0) == 0);
    const std::string line = out.substr(6);
    std::smatch m;
    REQUIRE(std::regex_match(
        line, m, std::regex(R"(\+(\d+)\.\d{6} \[3 127\.0\.0\.1:5555\] "SET" "k" "v w"\r\n)")));
    CHECK(std::abs(std::stoll(m[1]) - static_cast<long long>(now)) <= 2);
}
