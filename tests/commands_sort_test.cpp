// Command tests for SORT and SORT_RO (replies as redis-server 7.0.15 gives them).
#include "command_fixture.h"

using namespace mini_redis;
using namespace mini_redis::test;

namespace {

// The bulk strings of an array reply ("(nil)" for a nil), for compact comparisons.
std::vector<std::string> items(Server& s, const Args& args) {
    Resp r = s.parsed(args);
    REQUIRE_MESSAGE(r.type == '*', s.cmd(args));
    std::vector<std::string> out;
    for (const Resp& i : r.items) out.push_back(i.nil ? "(nil)" : i.text);
    return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("SORT orders numbers numerically and bytes with ALPHA") {
    Server s;
    s.cmd({"RPUSH", "l", "3", "1", "2", "10"});
    CHECK(items(s, {"SORT", "l"}) == V{"1", "2", "3", "10"});
    CHECK(items(s, {"SORT", "l", "DESC"}) == V{"10", "3", "2", "1"});
    CHECK(items(s, {"SORT", "l", "ALPHA"}) == V{"1", "10", "2", "3"});
    CHECK(items(s, {"sort_ro", "l", "alpha", "desc"}) == V{"3", "2", "10", "1"});
    // Weights are read as strtod reads them: hex, spaces and inf pass; words do not.
    s.cmd({"RPUSH", "odd", "0x10", " 7", "inf", ""});
    CHECK(items(s, {"SORT", "odd"}) == V{"", " 7", "0x10", "inf"});
    s.cmd({"RPUSH", "words", "a", "1"});
    CHECK(s.cmd({"SORT", "words"}) == error("ERR One or more scores can't be converted into double"));
    s.cmd({"RPUSH", "big", "1e400"});
    CHECK(s.cmd({"SORT", "big"}) == error("ERR One or more scores can't be converted into double"));
}

TEST_CASE("SORT LIMIT clamps as Redis does") {
    Server s;
    s.cmd({"RPUSH", "l", "3", "1", "2", "10"});
    CHECK(items(s, {"SORT", "l", "LIMIT", "1", "2"}) == V{"2", "3"});
    CHECK(items(s, {"SORT", "l", "LIMIT", "-1", "-1"}) == V{"1", "2", "3", "10"});
    CHECK(items(s, {"SORT", "l", "LIMIT", "3", "100"}) == V{"10"});
    CHECK(items(s, {"SORT", "l", "LIMIT", "9", "1"}) == V{});
    CHECK(items(s, {"SORT", "l", "LIMIT", "0", "0"}) == V{});
    CHECK(s.cmd({"SORT", "l", "LIMIT", "x", "1"}) == error(errors::kNotInteger));
    CHECK(s.cmd({"SORT", "l", "LIMIT", "1"}) == error(errors::kSyntax));
}

TEST_CASE("SORT BY and GET patterns read strings and hash fields") {
    Server s;
    s.cmd({"RPUSH", "ids", "3", "1", "2"});
    s.cmd({"MSET", "w_1", "30", "w_2", "10", "w_3", "20"});
    s.cmd({"HSET", "o_1", "name", "one"});
    s.cmd({"HSET", "o_2", "name", "two"});
    CHECK(items(s, {"SORT", "ids", "BY", "w_*"}) == V{"2", "3", "1"});
    CHECK(items(s, {"SORT", "ids", "BY", "w_*", "GET", "#", "GET", "o_*->name"}) ==
          V{"2", "two", "3", "(nil)", "1", "one"});
    // A pattern without '*' keeps the native order (BY nosort); DESC walks it backwards.
    CHECK(items(s, {"SORT", "ids", "BY", "nosort"}) == V{"3", "1", "2"});
    CHECK(items(s, {"SORT", "ids", "BY", "nosort", "DESC", "LIMIT", "0", "2"}) == V{"2", "1"});
    // A missing weight counts as 0; a weight that is no number fails the whole SORT.
    s.cmd({"DEL", "w_3"});
    CHECK(items(s, {"SORT", "ids", "BY", "w_*"}) == V{"3", "2", "1"});
    s.cmd({"SET", "w_3", "x"});
    CHECK(s.cmd({"SORT", "ids", "BY", "w_*"}) ==
          error("ERR One or more scores can't be converted into double"));
    // With ALPHA, a missing weight sorts first.
    CHECK(items(s, {"SORT", "ids", "BY", "o_*->name", "ALPHA"}) == V{"3", "1", "2"});
    // Keys of another type read as missing.
    CHECK(items(s, {"SORT", "ids", "BY", "nosort", "GET", "o_*"}) == V{"(nil)", "(nil)", "(nil)"});
}

TEST_CASE("SORT STORE writes a list, and an empty result deletes the destination") {
    Server s;
    s.cmd({"SADD", "set", "b", "a", "c"});
    CHECK(s.cmd({"SORT", "set", "ALPHA", "STORE", "dst"}) == integer(3));
    CHECK(items(s, {"LRANGE", "dst", "0", "-1"}) == V{"a", "b", "c"});
    CHECK(s.cmd({"TYPE", "dst"}) == simple("list"));
    // BY nosort on a set with STORE sorts by bytes, so the stored list is deterministic.
    CHECK(s.cmd({"SORT", "set", "BY", "nosort", "DESC", "STORE", "dst"}) == integer(3));
    CHECK(items(s, {"LRANGE", "dst", "0", "-1"}) == V{"c", "b", "a"});
    CHECK(s.cmd({"SORT", "set", "ALPHA", "GET", "missing_*", "STORE", "dst"}) == integer(3));
    CHECK(items(s, {"LRANGE", "dst", "0", "-1"}) == V{"", "", ""});
    CHECK(s.cmd({"SORT", "nothing", "STORE", "dst"}) == integer(0));
    CHECK(s.cmd({"EXISTS", "dst"}) == integer(0));
    CHECK(s.cmd({"SORT_RO", "set", "STORE", "dst"}) == error(errors::kSyntax));
}

TEST_CASE("SORT of sorted sets, missing keys and wrong types") {
    Server s;
    s.cmd({"ZADD", "z", "3", "a", "1", "c", "2", "b"});
    CHECK(items(s, {"SORT", "z", "BY", "nosort"}) == V{"c", "b", "a"});
    CHECK(items(s, {"SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "1"}) == V{"b"});
    CHECK(items(s, {"SORT", "z", "ALPHA"}) == V{"a", "b", "c"});
    CHECK(items(s, {"SORT", "missing"}) == V{});
    s.cmd({"SET", "str", "x"});
    CHECK(s.cmd({"SORT", "str"}) == error(errors::kWrongType));
    s.cmd({"HSET", "h", "f", "v"});
    CHECK(s.cmd({"SORT", "h"}) == error(errors::kWrongType));
    CHECK(s.cmd({"SORT", "z", "BOGUS"}) == error(errors::kSyntax));
}

TEST_CASE("SORT inside MULTI runs in EXEC's scope") {
    Server s;
    s.cmd({"RPUSH", "l", "2", "1"});
    s.cmd({"SET", "w_1", "9"});
    CHECK(s.cmd({"MULTI"}) == ok());
    CHECK(s.cmd({"SORT", "l", "BY", "w_*", "STORE", "out"}) == simple("QUEUED"));
    CHECK(s.cmd({"LRANGE", "out", "0", "-1"}) == simple("QUEUED"));
    Resp r = s.parsed({"EXEC"});
    REQUIRE(r.items.size() == 2);
    CHECK(r.items[0].integer == 2);
    REQUIRE(r.items[1].items.size() == 2);
    CHECK(r.items[1].items[0].text == "2");
    CHECK(r.items[1].items[1].text == "1");
}
