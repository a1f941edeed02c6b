// The set family through the command fixture: every command, its errors, WRONGTYPE, RESP3
// shapes, encodings, and an emptied set deleting its key.
#include <set>

#include "command_fixture.h"

using namespace std::string_literals;
using namespace mini_redis;
using namespace mini_redis::test;

namespace {

// prefix + a number. (Built with append: GCC 12 warns falsely on the
// "literal" + std::string form.)
std::string name(const char* prefix, unsigned long long a) {
    std::string out(prefix);
    out.append(std::to_string(a));
    return out;
}

const std::string kWrongType =
    error("WRONGTYPE Operation against a key holding the wrong kind of value");
const std::string kEmptyScan = "*2\r\n$1\r\n0\r\n*0\r\n";

std::set<std::string> members(Server& s, const Args& args) {
    Resp r = s.parsed(args);
    REQUIRE(r.type == '*');
    std::vector<std::string> v = texts(r);
    std::set<std::string> out(v.begin(), v.end());
    CHECK(out.size() == v.size());
    return out;
}

std::string encodingOf(Server& s, const std::string& key) {
    return s.parsed({"OBJECT", "ENCODING", key}).text;
}

}  // namespace

TEST_CASE("SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS") {
    Server s;
    CHECK(s.cmd({"SADD", "s", "3", "1", "2", "1"}) == integer(3));
    CHECK(s.cmd({"SADD", "s", "2", "4"}) == integer(1));
    CHECK(s.cmd({"TYPE", "s"}) == simple("set"));
    CHECK(s.cmd({"SCARD", "s"}) == integer(4));
    CHECK(s.cmd({"SCARD", "none"}) == integer(0));
    // An intset answers in ascending order.
    CHECK(s.cmd({"SMEMBERS", "s"}) == array({bulk("1"), bulk("2"), bulk("3"), bulk("4")}));
    CHECK(s.cmd({"SMEMBERS", "none"}) == "*0\r\n");
    CHECK(s.cmd({"SISMEMBER", "s", "3"}) == integer(1));
    CHECK(s.cmd({"SISMEMBER", "s", "03"}) == integer(0));
    CHECK(s.cmd({"SISMEMBER", "none", "3"}) == integer(0));
    CHECK(s.cmd({"SMISMEMBER", "s", "1", "x", "4"}) == array({integer(1), integer(0), integer(1)}));
    CHECK(s.cmd({"SMISMEMBER", "none", "1"}) == array({integer(0)}));
    CHECK(s.cmd({"SREM", "s", "1", "9", "2"}) == integer(2));
    CHECK(s.cmd({"SREM", "none", "1"}) == integer(0));
    CHECK(s.cmd({"SREM", "s", "3", "4", "5"}) == integer(2));  // emptied: the key goes
    CHECK(s.cmd({"EXISTS", "s"}) == integer(0));
    CHECK(s.cmd({"SADD", "b", "a\0b"s, ""}) == integer(2));
    CHECK(members(s, {"SMEMBERS", "b"}) == std::set<std::string>{"a\0b"s, ""});
}

TEST_CASE("encodings: intset, then hashtable by a string or by count, never back") {
    Server s;
    s.cmd({"SADD", "i", "1", "-32768", "9223372036854775807"});
    CHECK(encodingOf(s, "i") == "intset");
    s.cmd({"SADD", "i", "a"});
    CHECK(encodingOf(s, "i") == "hashtable");
    s.cmd({"SREM", "i", "a"});
    CHECK(encodingOf(s, "i") == "hashtable");
    s.cmd({"SADD", "n", "007"});
    CHECK(encodingOf(s, "n") == "hashtable");
    CHECK(s.cmd({"CONFIG", "SET", "set-max-intset-entries", "3"}) == ok());
    s.cmd({"SADD", "c", "1", "2", "3"});
    CHECK(encodingOf(s, "c") == "intset");
    s.cmd({"SADD", "c", "3"});
    CHECK(encodingOf(s, "c") == "intset");
    s.cmd({"SADD", "c", "4"});
    CHECK(encodingOf(s, "c") == "hashtable");
    s.cmd({"SADD", "d", "1", "2", "3", "4"});
    CHECK(encodingOf(s, "d") == "hashtable");
}

TEST_CASE("WRONGTYPE for every command on a string; missing keys are empty sets") {
    Server s;
    s.cmd({"SET", "str", "x"});
    s.cmd({"SADD", "s", "1"});
    for (const Args& args : std::vector<Args>{
             {"SADD", "str", "a"},
             {"SREM", "str", "a"},
             {"SCARD", "str"},
             {"SISMEMBER", "str", "a"},
             {"SMISMEMBER", "str", "a"},
             {"SMEMBERS", "str"},
             {"SPOP", "str"},
             {"SPOP", "str", "0"},
             {"SRANDMEMBER", "str"},
             {"SRANDMEMBER", "str", "0"},
             {"SSCAN", "str", "0", "FOO"},
             {"SMOVE", "str", "s", "a"},
             {"SMOVE", "s", "str", "1"},
             {"SMOVE", "str", "str", "1"},
             {"SINTER", "none", "str"},
             {"SINTER", "str", "none"},
             {"SUNION", "s", "str"},
             {"SDIFF", "none", "str"},
             {"SINTERSTORE", "d", "none", "str"},
             {"SUNIONSTORE", "d", "str"},
             {"SDIFFSTORE", "d", "s", "str"},
             {"SINTERCARD", "2", "none", "str"},
         }) {
        CAPTURE(args[0]);
        CHECK(s.cmd(args) == kWrongType);
    }
    CHECK(s.cmd({"GET", "str"}) == bulk("x"));
    CHECK(s.cmd({"EXISTS", "d"}) == integer(0));
    // A missing source answers before the destination's type is looked at.
    CHECK(s.cmd({"SMOVE", "none", "str", "a"}) == integer(0));
}

TEST_CASE("SMOVE") {
    Server s;
    s.cmd({"SADD", "a", "1", "2"});
    CHECK(s.cmd({"SMOVE", "a", "b", "1"}) == integer(1));
    CHECK(encodingOf(s, "b") == "intset");
    CHECK(s.cmd({"SMOVE", "a", "b", "9"}) == integer(0));
    CHECK(s.cmd({"SMOVE", "a", "a", "2"}) == integer(1));  // same key: is it there?
    CHECK(s.cmd({"SMOVE", "a", "a", "9"}) == integer(0));
    CHECK(s.cmd({"SMOVE", "a", "b", "2"}) == integer(1));  // the source empties and goes
    CHECK(s.cmd({"EXISTS", "a"}) == integer(0));
    CHECK(s.cmd({"SMEMBERS", "b"}) == array({bulk("1"), bulk("2")}));
    s.cmd({"SADD", "c", "x", "2"});
    CHECK(s.cmd({"SMOVE", "c", "b", "2"}) == integer(1));  // already there: still 1
    CHECK(s.cmd({"SCARD", "b"}) == integer(2));
    CHECK(s.cmd({"SMOVE", "c", "b", "x"}) == integer(1));
    CHECK(encodingOf(s, "b") == "hashtable");
    CHECK(s.cmd({"EXISTS", "c"}) == integer(0));
    s.cmd({"SADD", "h", "hello"});
    CHECK(s.cmd({"SMOVE", "h", "new", "hello"}) == integer(1));
    CHECK(encodingOf(s, "new") == "hashtable");
    CHECK(s.cmd({"SMOVE", "a", "b"}) == arityError("smove"));
}

TEST_CASE("SPOP") {
    Server s;
    CHECK(s.cmd({"SPOP", "none"}) == nil());
    CHECK(s.cmd({"SPOP", "none", "3"}) == "*0\r\n");
    s.cmd({"SADD", "s", "1", "2", "3", "4", "5"});
    CHECK(s.cmd({"SPOP", "s", "0"}) == "*0\r\n");
    CHECK(s.cmd({"SPOP", "s", "-1"}) == error("ERR value is out of range, must be positive"));
    CHECK(s.cmd({"SPOP", "s", "x"}) == error("ERR value is out of range, must be positive"));
    CHECK(s.cmd({"SPOP", "s", "1", "2"}) == error("ERR syntax error"));
    Resp one = s.parsed({"SPOP", "s"});
    CHECK(one.type == '$');
    std::set<std::string> left = members(s, {"SMEMBERS", "s"});
    CHECK(left.size() == 4);
    CHECK(left.count(one.text) == 0);
    std::set<std::string> two = members(s, {"SPOP", "s", "2"});
    CHECK(two.size() == 2);
    CHECK(s.cmd({"SCARD", "s"}) == integer(2));
    std::set<std::string> rest = members(s, {"SPOP", "s", "10"});
    CHECK(rest.size() == 2);
    CHECK(s.cmd({"EXISTS", "s"}) == integer(0));
    s.cmd({"SADD", "t", "a"});
    CHECK(s.cmd({"SPOP", "t"}) == bulk("a"));
    CHECK(s.cmd({"EXISTS", "t"}) == integer(0));
}

TEST_CASE("SRANDMEMBER") {
    Server s;
    CHECK(s.cmd({"SRANDMEMBER", "none"}) == nil());
    CHECK(s.cmd({"SRANDMEMBER", "none", "3"}) == "*0\r\n");
    CHECK(s.cmd({"SRANDMEMBER", "none", "x"}) ==
          error("ERR value is not an integer or out of range"));
    CHECK(s.cmd({"SRANDMEMBER", "none", "1", "2"}) == error("ERR syntax error"));
    s.cmd({"SADD", "s", "a", "b", "c"});
    CHECK(s.cmd({"SRANDMEMBER", "s", "-9223372036854775808"}) ==
          error("ERR value is out of range, value must between -9223372036854775807 and "
                "9223372036854775807"));
    CHECK(s.cmd({"SRANDMEMBER", "s", "-9223372036854775807"}) ==
          error("ERR value is out of range"));  // ours: Redis 7.0 would never finish
    CHECK(s.cmd({"SRANDMEMBER", "s", "0"}) == "*0\r\n");
    CHECK(members(s, {"SRANDMEMBER", "s", "2"}).size() == 2);
    CHECK(members(s, {"SRANDMEMBER", "s", "30"}) == std::set<std::string>{"a", "b", "c"});
    Resp many = s.parsed({"SRANDMEMBER", "s", "-30"});
    CHECK(many.items.size() == 30);
    for (const auto& m : texts(many)) CHECK((m == "a" || m == "b" || m == "c"));
    Resp one = s.parsed({"SRANDMEMBER", "s"});
    CHECK((one.text == "a" || one.text == "b" || one.text == "c"));
    CHECK(s.cmd({"SCARD", "s"}) == integer(3));
}

TEST_CASE("SSCAN") {
    Server s;
    CHECK(s.cmd({"SSCAN", "none", "0"}) == kEmptyScan);
    CHECK(s.cmd({"SSCAN", "none", "x"}) == error("ERR invalid cursor"));
    CHECK(s.cmd({"SSCAN", "none", "0", "FOO"}) == kEmptyScan);  // options after the lookup
    s.cmd({"SADD", "i", "1", "2", "10", "3"});
    // An intset: everything, cursor 0, whatever the cursor and the count.
    CHECK(s.cmd({"SSCAN", "i", "0"}) ==
          "*2\r\n$1\r\n0\r\n" + array({bulk("1"), bulk("2"), bulk("3"), bulk("10")}));
    CHECK(s.cmd({"SSCAN", "i", "77", "COUNT", "1", "MATCH", "1*"}) ==
          "*2\r\n$1\r\n0\r\n" + array({bulk("1"), bulk("10")}));
    CHECK(s.cmd({"SSCAN", "i", "0", "COUNT", "0"}) == error("ERR syntax error"));
    CHECK(s.cmd({"SSCAN", "i", "0", "COUNT", "x"}) ==
          error("ERR value is not an integer or out of range"));
    CHECK(s.cmd({"SSCAN", "i", "0", "TYPE", "set"}) == error("ERR syntax error"));
    CHECK(s.cmd({"SSCAN", "i", "0", "MATCH"}) == error("ERR syntax error"));
    // A table: a full pass in small steps returns every member.
    for (int i = 0; i < 500; ++i) s.cmd({"SADD", "h", name("m", i)});
    std::set<std::string> seen;
    std::string cursor = "0";
    int calls = 0;
    do {
        Resp r = s.parsed({"SSCAN", "h", cursor, "COUNT", "7"});
        REQUIRE(r.items.size() == 2);
        cursor = r.items[0].text;
        for (const auto& m : texts(r.items[1])) seen.insert(m);
        ++calls;
    } while (cursor != "0");
    CHECK(seen.size() == 500);
    CHECK(calls > 10);
    Resp all = s.parsed({"SSCAN", "h", "0", "COUNT", "1000", "MATCH", "m1?"});
    CHECK(all.items[0].text == "0");
    CHECK(all.items[1].items.size() == 10);
}

TEST_CASE("SINTER, SUNION, SDIFF and their STORE forms") {
    Server s;
    s.cmd({"SADD", "a", "1", "2", "3", "x"});
    s.cmd({"SADD", "b", "2", "3", "4"});
    s.cmd({"SADD", "c", "3", "y"});
    CHECK(members(s, {"SINTER", "a", "b"}) == std::set<std::string>{"2", "3"});
    CHECK(members(s, {"SINTER", "a", "b", "c"}) == std::set<std::string>{"3"});
    CHECK(s.cmd({"SINTER", "a", "none"}) == "*0\r\n");
    CHECK(members(s, {"SUNION", "a", "none", "c"}) ==
          std::set<std::string>{"1", "2", "3", "x", "y"});
    CHECK(members(s, {"SDIFF", "a", "b", "none"}) == std::set<std::string>{"1", "x"});
    CHECK(s.cmd({"SDIFF", "none", "a"}) == "*0\r\n");
    CHECK(s.cmd({"SDIFF", "a", "a"}) == "*0\r\n");
    // A result of integers is sent from an intset: ascending.
    CHECK(s.cmd({"SUNION", "b", "b"}) == array({bulk("2"), bulk("3"), bulk("4")}));

    CHECK(s.cmd({"SINTERSTORE", "d", "a", "b"}) == integer(2));
    CHECK(encodingOf(s, "d") == "intset");  // built fresh: intset when it can be
    CHECK(s.cmd({"SUNIONSTORE", "d", "a", "c"}) == integer(5));
    CHECK(encodingOf(s, "d") == "hashtable");
    CHECK(s.cmd({"SDIFFSTORE", "d", "a", "c"}) == integer(3));
    CHECK(members(s, {"SMEMBERS", "d"}) == std::set<std::string>{"1", "2", "x"});
    // The destination may be a source, and any type; its TTL goes.
    CHECK(s.cmd({"SUNIONSTORE", "b", "b", "c"}) == integer(4));
    s.cmd({"SET", "str", "v", "EX", "100"});
    CHECK(s.cmd({"SINTERSTORE", "str", "a", "b"}) == integer(2));
    CHECK(s.cmd({"TYPE", "str"}) == simple("set"));
    CHECK(s.cmd({"TTL", "str"}) == integer(-1));
    // An empty result deletes the destination, whatever it held.
    for (const char* cmd : {"SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"}) {
        s.cmd({"SET", "str", "v"});
        CHECK(s.cmd({cmd, "str", "none"}) == integer(0));
        CHECK(s.cmd({"EXISTS", "str"}) == integer(0));
    }
    CHECK(s.cmd({"SINTERSTORE", "d"}) == arityError("sinterstore"));
    CHECK(s.cmd({"SINTER"}) == arityError("sinter"));
}

TEST_CASE("SINTERCARD") {
    Server s;
    s.cmd({"SADD", "a", "1", "2", "3", "4"});
    s.cmd({"SADD", "b", "2", "3", "4", "5"});
    CHECK(s.cmd({"SINTERCARD", "2", "a", "b"}) == integer(3));
    CHECK(s.cmd({"SINTERCARD", "1", "a"}) == integer(4));
    CHECK(s.cmd({"SINTERCARD", "2", "a", "b", "LIMIT", "2"}) == integer(2));
    CHECK(s.cmd({"SINTERCARD", "2", "a", "b", "limit", "0"}) == integer(3));
    CHECK(s.cmd({"SINTERCARD", "2", "a", "b", "LIMIT", "1", "LIMIT", "9"}) == integer(3));
    CHECK(s.cmd({"SINTERCARD", "2", "a", "none"}) == integer(0));
    const std::string numkeys = error("ERR numkeys should be greater than 0");
    CHECK(s.cmd({"SINTERCARD", "0", "a"}) == numkeys);
    CHECK(s.cmd({"SINTERCARD", "-1", "a"}) == numkeys);
    CHECK(s.cmd({"SINTERCARD", "x", "a"}) == numkeys);
    CHECK(s.cmd({"SINTERCARD", "01", "a"}) == numkeys);
    CHECK(s.cmd({"SINTERCARD", "3", "a", "b"}) ==
          error("ERR Number of keys can't be greater than number of args"));
    CHECK(s.cmd({"SINTERCARD", "9223372036854775807", "a"}) ==
          error("ERR Number of keys can't be greater than number of args"));
    CHECK(s.cmd({"SINTERCARD", "1", "a", "LIMIT", "-1"}) == error("ERR LIMIT can't be negative"));
    CHECK(s.cmd({"SINTERCARD", "1", "a", "LIMIT", "x"}) == error("ERR LIMIT can't be negative"));
    CHECK(s.cmd({"SINTERCARD", "1", "a", "LIMIT"}) == error("ERR syntax error"));
    CHECK(s.cmd({"SINTERCARD", "1", "a", "b"}) == error("ERR syntax error"));
    // COMMAND INFO: keys found from numkeys, as Redis's 0 0 0 and movablekeys.
    Resp info = s.parsed({"COMMAND", "INFO", "sintercard"});
    REQUIRE(info.items.size() == 1);
    CHECK(texts(info.items[0].items[2]) == std::vector<std::string>{"readonly", "movablekeys"});
    CHECK(info.items[0].items[3].integer == 0);
}

TEST_CASE("RESP3: sets where Redis sends sets") {
    Server s;
    s.cmd({"HELLO", "3"});
    s.cmd({"SADD", "s", "1", "2"});
    CHECK(s.cmd({"SMEMBERS", "s"}) == "~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
    CHECK(s.cmd({"SMEMBERS", "none"}) == "~0\r\n");
    CHECK(s.cmd({"SINTER", "s", "s"}) == "~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
    CHECK(s.cmd({"SUNION", "none"}) == "~0\r\n");
    CHECK(s.cmd({"SDIFF", "s"}) == "~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
    CHECK(s.cmd({"SPOP", "none", "1"}) == "~0\r\n");
    CHECK(s.cmd({"SPOP", "none"}) == "_\r\n");
    CHECK(s.cmd({"SRANDMEMBER", "none"}) == "_\r\n");
    CHECK(s.cmd({"SRANDMEMBER", "none", "2"}) == "*0\r\n");  // an array, not a set
    CHECK(s.cmd({"SRANDMEMBER", "s", "5"}) == "*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
    CHECK(s.cmd({"SPOP", "s", "5"}) == "~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
}

TEST_CASE("keyspace commands carry sets: COPY is deep, RENAME moves, MEMORY USAGE grows") {
    Server s;
    s.cmd({"SADD", "a", "1", "x"});
    CHECK(s.cmd({"COPY", "a", "b"}) == integer(1));
    s.cmd({"SREM", "b", "x"});
    CHECK(s.cmd({"SCARD", "a"}) == integer(2));
    CHECK(s.cmd({"SCARD", "b"}) == integer(1));
    CHECK(encodingOf(s, "b") == "hashtable");
    CHECK(s.cmd({"RENAME", "a", "c"}) == ok());
    CHECK(s.cmd({"SISMEMBER", "c", "x"}) == integer(1));
    const int64_t before = s.parsed({"MEMORY", "USAGE", "c"}).integer;
    for (int i = 0; i < 200; ++i) s.cmd({"SADD", "c", name("member-", i)});
    CHECK(s.parsed({"MEMORY", "USAGE", "c"}).integer > before + 200 * 8);
}
