// The sorted-set family through the command fixture: every command but the ranges, its errors,
// WRONGTYPE, RESP3 shapes, encodings and the STORE destinations' form. The ranges (ZRANGE and
// its forms, ZRANGESTORE, ZREM and ZREMRANGEBY*) are in commands_zset_range_test.cpp.
#include <set>

#include "commands_zset_fixture.h"

using namespace std::string_literals;
using namespace mini_redis;
using namespace mini_redis::test;

TEST_CASE("ZADD: options, replies, errors") {
    Server s;
    CHECK(s.cmd({"ZADD", "z", "1", "a", "2", "b"}) == integer(2));
    CHECK(s.cmd({"ZADD", "z", "5", "a", "3", "c"}) == integer(1));
    CHECK(s.cmd({"ZADD", "z", "CH", "6", "a", "3", "c", "4", "d"}) == integer(2));
    CHECK(s.cmd({"ZADD", "z", "NX", "100", "a", "1", "e"}) == integer(1));
    CHECK(s.cmd({"ZSCORE", "z", "a"}) == bulk("6"));
    CHECK(s.cmd({"ZADD", "z", "XX", "CH", "7", "a", "1", "new"}) == integer(1));
    CHECK(s.cmd({"ZSCORE", "z", "new"}) == nil());
    CHECK(s.cmd({"ZADD", "z", "GT", "CH", "1", "a", "8", "b"}) == integer(1));
    CHECK(s.cmd({"ZSCORE", "z", "a"}) == bulk("7"));
    CHECK(s.cmd({"ZADD", "z", "LT", "CH", "1", "a", "9", "b"}) == integer(1));
    CHECK(s.cmd({"ZSCORE", "z", "a"}) == bulk("1"));
    // INCR answers the new score, or nil when nothing was done.
    CHECK(s.cmd({"ZADD", "z", "INCR", "1.5", "a"}) == bulk("2.5"));
    CHECK(s.cmd({"ZADD", "z", "NX", "INCR", "1", "a"}) == nil());
    CHECK(s.cmd({"ZADD", "z", "XX", "INCR", "1", "nope"}) == nil());
    CHECK(s.cmd({"ZADD", "z", "GT", "INCR", "-1", "a"}) == nil());
    CHECK(s.cmd({"ZADD", "absent", "XX", "1", "a"}) == integer(0));
    CHECK(s.cmd({"EXISTS", "absent"}) == integer(0));
    // Errors, before anything changes.
    CHECK(s.cmd({"ZADD", "z", "NX", "XX", "1", "a"}) ==
          error("ERR XX and NX options at the same time are not compatible"));
    for (Args opts : {Args{"GT", "LT"}, Args{"NX", "GT"}, Args{"LT", "NX"}}) {
        Args cmd = {"ZADD", "z"};
        cmd.insert(cmd.end(), opts.begin(), opts.end());
        cmd.insert(cmd.end(), {"1", "a"});
        CHECK(s.cmd(cmd) ==
              error("ERR GT, LT, and/or NX options at the same time are not compatible"));
    }
    CHECK(s.cmd({"ZADD", "z", "INCR", "1", "a", "2", "b"}) ==
          error("ERR INCR option supports a single increment-element pair"));
    CHECK(s.cmd({"ZADD", "z", "1", "a", "2"}) == syntaxError());
    CHECK(s.cmd({"ZADD", "z", "NX", "1"}) == syntaxError());
    CHECK(s.cmd({"ZADD", "z", "NX"}) == arityError("zadd"));
    for (const char* bad : {"x", "nan", "", " 1", "1e400", "1 "}) {
        CHECK(s.cmd({"ZADD", "z", "1", "ok", bad, "a"}) == error("ERR value is not a valid float"));
    }
    CHECK(s.cmd({"ZSCORE", "z", "ok"}) == nil());
    CHECK(s.cmd({"ZADD", "z", "0x10", "hex", "inf", "top"}) == integer(2));
    CHECK(s.cmd({"ZSCORE", "z", "hex"}) == bulk("16"));
    CHECK(s.cmd({"ZADD", "z", "-inf", "top"}) == integer(0));
    CHECK(s.cmd({"ZADD", "z", "INCR", "inf", "top"}) ==
          error("ERR resulting score is not a number (NaN)"));
    CHECK(s.cmd({"SET", "s", "v"}) == ok());
    CHECK(s.cmd({"ZADD", "s", "1", "a"}) == wrongType());
    CHECK(s.cmd({"ZADD", "s", "x", "a"}) == error("ERR value is not a valid float"));
}

TEST_CASE("ZINCRBY: parsed as ZADD INCR") {
    Fixture f;
    CHECK(f.s.cmd({"ZINCRBY", "z", "1.1", "a"}) == bulk("2.1000000000000001"));
    CHECK(f.s.cmd({"ZINCRBY", "z", "5", "new"}) == bulk("5"));
    CHECK(f.s.cmd({"ZINCRBY", "fresh", "-0", "m"}) == bulk("-0"));
    CHECK(f.s.cmd({"ZSCORE", "fresh", "m"}) == bulk("0"));  // a listpack stores -0 as 0
    CHECK(f.s.cmd({"ZINCRBY", "z", "x", "a"}) == error("ERR value is not a valid float"));
    CHECK(f.s.cmd({"ZINCRBY", "z", "nx", "a"}) == syntaxError());
    CHECK(f.s.cmd({"ZINCRBY", "z", "inf", "a"}) == bulk("inf"));
    CHECK(f.s.cmd({"ZINCRBY", "z", "-inf", "a"}) ==
          error("ERR resulting score is not a number (NaN)"));
    CHECK(f.s.cmd({"ZINCRBY", "s", "1", "a"}) == wrongType());
    CHECK(f.s.cmd({"ZINCRBY", "z", "1"}) == arityError("zincrby"));
}

TEST_CASE("ZSCORE ZMSCORE ZCARD ZRANK ZREVRANK") {
    Fixture f;
    CHECK(f.s.cmd({"ZSCORE", "z", "b"}) == bulk("2"));
    CHECK(f.s.cmd({"ZSCORE", "z", "x"}) == nil());
    CHECK(f.s.cmd({"ZSCORE", "none", "x"}) == nil());
    CHECK(f.s.cmd({"ZMSCORE", "z", "a", "x", "c"}) == array({bulk("1"), nil(), bulk("3")}));
    CHECK(f.s.cmd({"ZMSCORE", "none", "a", "b"}) == array({nil(), nil()}));
    CHECK(f.s.cmd({"ZCARD", "z"}) == integer(3));
    CHECK(f.s.cmd({"ZCARD", "none"}) == integer(0));
    CHECK(f.s.cmd({"ZRANK", "z", "c"}) == integer(2));
    CHECK(f.s.cmd({"ZREVRANK", "z", "c"}) == integer(0));
    CHECK(f.s.cmd({"ZRANK", "z", "x"}) == nil());
    CHECK(f.s.cmd({"ZRANK", "none", "x"}) == nil());
    CHECK(f.s.cmd({"ZRANK", "z", "a", "WITHSCORE"}) == arityError("zrank"));
    for (const char* cmd : {"ZSCORE", "ZRANK", "ZREVRANK"}) {
        CHECK(f.s.cmd({cmd, "s", "a"}) == wrongType());
    }
    CHECK(f.s.cmd({"ZMSCORE", "s", "a"}) == wrongType());
    CHECK(f.s.cmd({"ZCARD", "s"}) == wrongType());
}

TEST_CASE("ZCOUNT and ZLEXCOUNT: ranges and their errors") {
    Fixture f;
    CHECK(f.s.cmd({"ZCOUNT", "z", "-inf", "+inf"}) == integer(3));
    CHECK(f.s.cmd({"ZCOUNT", "z", "(1", "3"}) == integer(2));
    CHECK(f.s.cmd({"ZCOUNT", "z", "(1", "(3"}) == integer(1));
    CHECK(f.s.cmd({"ZCOUNT", "z", "3", "1"}) == integer(0));
    CHECK(f.s.cmd({"ZCOUNT", "z", "", "1"}) == integer(1));  // strtod: an empty number is 0
    CHECK(f.s.cmd({"ZCOUNT", "z", "x", "1"}) == error("ERR min or max is not a float"));
    CHECK(f.s.cmd({"ZCOUNT", "z", "nan", "1"}) == error("ERR min or max is not a float"));
    CHECK(f.s.cmd({"ZCOUNT", "s", "x", "1"}) == error("ERR min or max is not a float"));
    CHECK(f.s.cmd({"ZCOUNT", "s", "0", "1"}) == wrongType());
    CHECK(f.s.cmd({"ZCOUNT", "none", "0", "1"}) == integer(0));
    CHECK(f.s.cmd({"ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d"}) == integer(4));
    CHECK(f.s.cmd({"ZLEXCOUNT", "l", "-", "+"}) == integer(4));
    CHECK(f.s.cmd({"ZLEXCOUNT", "l", "[b", "(d"}) == integer(2));
    CHECK(f.s.cmd({"ZLEXCOUNT", "l", "(b", "[b"}) == integer(0));
    CHECK(f.s.cmd({"ZLEXCOUNT", "l", "+", "-"}) == integer(0));
    for (const char* bad : {"a", "", "+x", "-x"}) {
        CHECK(f.s.cmd({"ZLEXCOUNT", "l", bad, "+"}) ==
              error("ERR min or max not valid string range item"));
    }
    CHECK(f.s.cmd({"ZLEXCOUNT", "s", "-", "+"}) == wrongType());
}

TEST_CASE("ZPOPMIN ZPOPMAX ZMPOP") {
    Fixture f;
    Server& s = f.s;
    CHECK(s.cmd({"ZPOPMIN", "z"}) == bulks({"a", "1"}));
    CHECK(s.cmd({"ZPOPMAX", "z", "5"}) == bulks({"c", "3", "b", "2"}));
    CHECK(s.cmd({"EXISTS", "z"}) == integer(0));
    CHECK(s.cmd({"ZPOPMIN", "z"}) == emptyArray());
    CHECK(s.cmd({"ZPOPMIN", "z", "0"}) == emptyArray());
    CHECK(s.cmd({"ZPOPMIN", "s", "0"}) == wrongType());
    CHECK(s.cmd({"ZPOPMIN", "z", "-1"}) == error("ERR value is out of range, must be positive"));
    CHECK(s.cmd({"ZPOPMIN", "z", "x"}) == error("ERR value is out of range, must be positive"));
    CHECK(s.cmd({"ZPOPMIN", "z", "1", "2"}) == syntaxError());
    CHECK(s.cmd({"ZADD", "z", "1", "a", "2", "b", "3", "c"}) == integer(3));
    CHECK(s.cmd({"ZMPOP", "2", "none", "z", "MIN", "COUNT", "2"}) ==
          array({bulk("z"), array({bulks({"a", "1"}), bulks({"b", "2"})})}));
    CHECK(s.cmd({"ZMPOP", "1", "z", "max"}) == array({bulk("z"), array({bulks({"c", "3"})})}));
    CHECK(s.cmd({"ZMPOP", "1", "z", "MAX"}) == nilArray());
    CHECK(s.cmd({"ZMPOP", "2", "s", "z", "MIN"}) == wrongType());
    CHECK(s.cmd({"ZMPOP", "0", "z", "MIN"}) == error("ERR numkeys should be greater than 0"));
    CHECK(s.cmd({"ZMPOP", "x", "z", "MIN"}) == error("ERR numkeys should be greater than 0"));
    CHECK(s.cmd({"ZMPOP", "2", "z", "MIN"}) == syntaxError());
    CHECK(s.cmd({"ZMPOP", "1", "z", "FOO"}) == syntaxError());
    CHECK(s.cmd({"ZMPOP", "1", "z", "MIN", "COUNT", "0"}) ==
          error("ERR count should be greater than 0"));
    CHECK(s.cmd({"ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "1"}) == syntaxError());
    CHECK(s.cmd({"ZMPOP", "1", "z"}) == arityError("zmpop"));
}

TEST_CASE("ZMPOP and the algebra commands declare their keys (numkeys, clamped)") {
    Server s;
    const CommandSpec* zmpop = s.table().find("zmpop");
    REQUIRE(zmpop != nullptr);
    std::vector<std::string_view> keys;
    std::vector<std::string_view> argv = {"zmpop", "2", "a", "b", "MIN"};
    CommandTable::keysOf(*zmpop, argv, keys);
    CHECK(keys == std::vector<std::string_view>{"a", "b"});
    keys.clear();
    argv = {"zmpop", "9", "a", "MIN"};
    CommandTable::keysOf(*zmpop, argv, keys);
    CHECK(keys == std::vector<std::string_view>{"a", "MIN"});
    keys.clear();
    argv = {"zmpop", "x", "a", "MIN"};
    CommandTable::keysOf(*zmpop, argv, keys);
    CHECK(keys.empty());
    keys.clear();
    argv = {"zunionstore", "d", "2", "a", "b", "WEIGHTS", "1", "2"};
    CommandTable::keysOf(*s.table().find("zunionstore"), argv, keys);
    CHECK(keys == std::vector<std::string_view>{"d", "a", "b"});
    keys.clear();
    argv = {"zintercard", "1", "a", "LIMIT", "1"};
    CommandTable::keysOf(*s.table().find("zintercard"), argv, keys);
    CHECK(keys == std::vector<std::string_view>{"a"});
}

TEST_CASE("ZRANDMEMBER") {
    Fixture f;
    Server& s = f.s;
    Resp one = s.parsed({"ZRANDMEMBER", "z"});
    CHECK((one.text == "a" || one.text == "b" || one.text == "c"));
    CHECK(s.cmd({"ZRANDMEMBER", "none"}) == nil());
    CHECK(s.cmd({"ZRANDMEMBER", "none", "3"}) == emptyArray());
    CHECK(s.cmd({"ZRANDMEMBER", "z", "0"}) == emptyArray());
    // A count at least the size: the whole set, highest rank first (as Redis 7.0 answers).
    CHECK(s.cmd({"ZRANDMEMBER", "z", "5", "WITHSCORES"}) ==
          bulks({"c", "3", "b", "2", "a", "1"}));
    CHECK(s.cmd({"ZRANDMEMBER", "z", "3"}) == bulks({"c", "b", "a"}));
    Resp two = s.parsed({"ZRANDMEMBER", "z", "2"});
    REQUIRE(two.items.size() == 2);
    CHECK(two.items[0].text != two.items[1].text);
    Resp many = s.parsed({"ZRANDMEMBER", "z", "-7", "WITHSCORES"});
    CHECK(many.items.size() == 14);
    CHECK(s.cmd({"ZRANDMEMBER", "z", "x"}) == notInteger());
    CHECK(s.cmd({"ZRANDMEMBER", "z", "1", "FOO"}) == syntaxError());
    CHECK(s.cmd({"ZRANDMEMBER", "z", "1", "WITHSCORES", "x"}) == syntaxError());
    CHECK(s.cmd({"ZRANDMEMBER", "z", "-9223372036854775808"}) ==
          error("ERR value is out of range, value must between -9223372036854775807 and "
                "9223372036854775807"));
    CHECK(s.cmd({"ZRANDMEMBER", "z", "-9223372036854775807", "WITHSCORES"}) ==
          error("ERR value is out of range"));
    CHECK(s.cmd({"ZRANDMEMBER", "s"}) == wrongType());
    CHECK(s.cmd({"ZRANDMEMBER", "s", "0"}) == wrongType());
}

TEST_CASE("ZSCAN: a listpack at once, integral scores as integers; options and errors") {
    Fixture f;
    Server& s = f.s;
    CHECK(s.cmd({"ZADD", "z", "1.5", "d", "1e17", "e"}) == integer(2));
    CHECK(s.cmd({"ZSCAN", "z", "0"}) ==
          array({bulk("0"), bulks({"a", "1", "d", "1.5", "b", "2", "c", "3", "e",
                                   "100000000000000000"})}));
    CHECK(s.cmd({"ZSCAN", "z", "0", "MATCH", "[ab]", "COUNT", "1"}) ==
          array({bulk("0"), bulks({"a", "1", "b", "2"})}));
    CHECK(s.cmd({"ZSCAN", "none", "0", "FOO"}) == array({bulk("0"), emptyArray()}));
    CHECK(s.cmd({"ZSCAN", "z", "x"}) == error("ERR invalid cursor"));
    CHECK(s.cmd({"ZSCAN", "z", "0", "COUNT", "0"}) == syntaxError());
    CHECK(s.cmd({"ZSCAN", "z", "0", "COUNT", "x"}) == notInteger());
    CHECK(s.cmd({"ZSCAN", "z", "0", "TYPE", "zset"}) == syntaxError());
    CHECK(s.cmd({"ZSCAN", "s", "0"}) == wrongType());
    // The large form: a full pass by cursor returns every member once or more.
    Args big = {"ZADD", "big"};
    for (int i = 0; i < 300; ++i) {
        big.push_back("-0");
        big.push_back(named("m", i));
    }
    CHECK(s.cmd(big) == integer(300));
    CHECK(s.cmd({"OBJECT", "ENCODING", "big"}) == bulk("skiplist"));
    std::set<std::string> seen;
    std::string cursor = "0";
    do {
        Resp r = s.parsed({"ZSCAN", "big", cursor, "COUNT", "7"});
        cursor = r.items[0].text;
        for (size_t i = 0; i < r.items[1].items.size(); i += 2) {
            const std::string& m = r.items[1].items[i].text;
            seen.insert(m);
            // ZADD made a listpack (-0 stored as 0) and passed the limit at m128; from there
            // the large form keeps -0.
            const bool early = std::stoi(m.substr(1)) < 128;
            CHECK(r.items[1].items[i + 1].text == (early ? "0" : "-0"));
        }
    } while (cursor != "0");
    CHECK(seen.size() == 300);
}

TEST_CASE("encodings: listpack to skiplist by entries or member length, config limits") {
    Server s;
    Args cmd = {"ZADD", "z"};
    for (int i = 0; i < 128; ++i) {
        cmd.push_back(std::to_string(i));
        cmd.push_back(named("m", i));
    }
    CHECK(s.cmd(cmd) == integer(128));
    CHECK(s.cmd({"OBJECT", "ENCODING", "z"}) == bulk("listpack"));
    CHECK(s.cmd({"ZADD", "z", "1", "one-more"}) == integer(1));
    CHECK(s.cmd({"OBJECT", "ENCODING", "z"}) == bulk("skiplist"));
    CHECK(s.cmd({"ZREMRANGEBYRANK", "z", "0", "-3"}) == integer(127));
    CHECK(s.cmd({"OBJECT", "ENCODING", "z"}) == bulk("skiplist"));  // never back on its own
    CHECK(s.cmd({"ZADD", "long", "1", std::string(65, 'x')}) == integer(1));
    CHECK(s.cmd({"OBJECT", "ENCODING", "long"}) == bulk("skiplist"));
    CHECK(s.cmd({"ZADD", "ok", "1", std::string(64, 'x')}) == integer(1));
    CHECK(s.cmd({"OBJECT", "ENCODING", "ok"}) == bulk("listpack"));
    CHECK(s.cmd({"CONFIG", "SET", "zset-max-listpack-entries", "0"}) == ok());
    CHECK(s.cmd({"ZADD", "zero", "1", "a"}) == integer(1));
    CHECK(s.cmd({"OBJECT", "ENCODING", "zero"}) == bulk("skiplist"));
    CHECK(s.cmd({"ZUNIONSTORE", "u", "1", "ok"}) == integer(1));
    CHECK(s.cmd({"OBJECT", "ENCODING", "u"}) == bulk("skiplist"));
    CHECK(s.cmd({"CONFIG", "SET", "zset-max-listpack-entries", "128"}) == ok());
    CHECK(s.cmd({"ZUNIONSTORE", "u", "1", "z"}) == integer(2));
    CHECK(s.cmd({"OBJECT", "ENCODING", "u"}) == bulk("listpack"));  // a store compacts
    CHECK(s.cmd({"COPY", "z", "zc"}) == integer(1));
    CHECK(s.cmd({"OBJECT", "ENCODING", "zc"}) == bulk("skiplist"));
    CHECK(s.cmd({"ZRANGE", "zc", "0", "-1"}) == s.cmd({"ZRANGE", "z", "0", "-1"}));
}

TEST_CASE("ZUNION ZINTER ZDIFF and STORE forms: weights, aggregates, errors") {
    Server s;
    CHECK(s.cmd({"ZADD", "a", "1", "x", "2", "y", "3", "z"}) == integer(3));
    CHECK(s.cmd({"ZADD", "b", "10", "y", "20", "z", "30", "w"}) == integer(3));
    CHECK(s.cmd({"SET", "str", "v"}) == ok());
    CHECK(s.cmd({"ZUNION", "2", "a", "b", "WITHSCORES"}) ==
          bulks({"x", "1", "y", "12", "z", "23", "w", "30"}));
    CHECK(s.cmd({"ZUNION", "2", "a", "b", "WEIGHTS", "2", "0.5", "AGGREGATE", "MAX"}) ==
          bulks({"x", "y", "z", "w"}));
    CHECK(s.cmd({"ZINTER", "2", "a", "b", "AGGREGATE", "MIN", "WITHSCORES"}) ==
          bulks({"y", "2", "z", "3"}));
    CHECK(s.cmd({"ZINTER", "2", "a", "none"}) == emptyArray());
    CHECK(s.cmd({"ZDIFF", "2", "a", "b", "WITHSCORES"}) == bulks({"x", "1"}));
    CHECK(s.cmd({"ZDIFF", "2", "a", "a"}) == emptyArray());
    CHECK(s.cmd({"ZUNION", "2", "a", "a", "WEIGHTS", "inf", "-inf", "WITHSCORES"}) ==
          bulks({"x", "0", "y", "0", "z", "0"}));
    CHECK(s.cmd({"ZUNIONSTORE", "d", "2", "a", "b"}) == integer(4));
    CHECK(s.cmd({"ZRANGE", "d", "0", "-1", "WITHSCORES"}) ==
          bulks({"x", "1", "y", "12", "z", "23", "w", "30"}));
    CHECK(s.cmd({"ZINTERSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "-1"}) == integer(2));
    CHECK(s.cmd({"ZRANGE", "d", "0", "-1", "WITHSCORES"}) == bulks({"z", "-17", "y", "-8"}));
    CHECK(s.cmd({"ZDIFFSTORE", "d", "2", "a", "b"}) == integer(1));
    CHECK(s.cmd({"ZINTERSTORE", "d", "2", "a", "none"}) == integer(0));
    CHECK(s.cmd({"EXISTS", "d"}) == integer(0));
    // A destination compacted to a listpack turns -0 into 0; the reply form keeps it.
    CHECK(s.cmd({"ZADD", "zero", "0", "m"}) == integer(1));
    CHECK(s.cmd({"ZUNION", "1", "zero", "WEIGHTS", "-1", "WITHSCORES"}) == bulks({"m", "-0"}));
    CHECK(s.cmd({"ZUNIONSTORE", "d", "1", "zero", "WEIGHTS", "-1"}) == integer(1));
    CHECK(s.cmd({"ZSCORE", "d", "m"}) == bulk("0"));
    // Errors: numkeys, then WRONGTYPE (before any option), then options.
    CHECK(s.cmd({"ZUNION", "0", "a"}) ==
          error("ERR at least 1 input key is needed for 'zunion' command"));
    CHECK(s.cmd({"ZINTERSTORE", "d", "-1", "a"}) ==
          error("ERR at least 1 input key is needed for 'zinterstore' command"));
    CHECK(s.cmd({"ZUNION", "x", "a"}) == notInteger());
    CHECK(s.cmd({"ZUNION", "3", "a", "b"}) == syntaxError());
    CHECK(s.cmd({"ZUNION", "2", "str", "a", "FOO"}) == wrongType());
    CHECK(s.cmd({"ZUNION", "2", "a", "b", "WEIGHTS", "1"}) == syntaxError());
    CHECK(s.cmd({"ZUNION", "2", "a", "b", "WEIGHTS", "1", "x"}) ==
          error("ERR weight value is not a float"));
    CHECK(s.cmd({"ZUNION", "2", "a", "b", "AGGREGATE", "AVG"}) == syntaxError());
    CHECK(s.cmd({"ZDIFF", "2", "a", "b", "WEIGHTS", "1", "1"}) == syntaxError());
    CHECK(s.cmd({"ZUNIONSTORE", "d", "2", "a", "b", "WITHSCORES"}) == syntaxError());
    CHECK(s.cmd({"ZUNIONSTORE", "str", "1", "a"}) == integer(3));  // overwrites any type
    CHECK(s.cmd({"TYPE", "str"}) == simple("zset"));
}

TEST_CASE("ZINTERCARD") {
    Server s;
    CHECK(s.cmd({"ZADD", "a", "1", "x", "2", "y", "3", "z"}) == integer(3));
    CHECK(s.cmd({"ZADD", "b", "1", "y", "2", "z", "3", "w"}) == integer(3));
    CHECK(s.cmd({"ZINTERCARD", "2", "a", "b"}) == integer(2));
    CHECK(s.cmd({"ZINTERCARD", "2", "a", "b", "LIMIT", "1"}) == integer(1));
    CHECK(s.cmd({"ZINTERCARD", "2", "a", "b", "LIMIT", "0"}) == integer(2));
    CHECK(s.cmd({"ZINTERCARD", "2", "a", "none"}) == integer(0));
    CHECK(s.cmd({"ZINTERCARD", "2", "a", "b", "LIMIT", "-1"}) ==
          error("ERR LIMIT can't be negative"));
    CHECK(s.cmd({"ZINTERCARD", "2", "a", "b", "LIMIT", "x"}) ==
          error("ERR LIMIT can't be negative"));
    CHECK(s.cmd({"ZINTERCARD", "2", "a", "b", "WITHSCORES"}) == syntaxError());
    CHECK(s.cmd({"ZINTERCARD", "0", "a"}) ==
          error("ERR at least 1 input key is needed for 'zintercard' command"));
    CHECK(s.cmd({"SET", "str", "v"}) == ok());
    CHECK(s.cmd({"ZINTERCARD", "2", "a", "str"}) == wrongType());
}

TEST_CASE("WRONGTYPE: a string key under every sorted-set command that reads it") {
    Server s;
    CHECK(s.cmd({"SET", "k", "v"}) == ok());
    const std::vector<Args> cmds = {
        {"ZADD", "k", "1", "a"},      {"ZINCRBY", "k", "1", "a"},   {"ZSCORE", "k", "a"},
        {"ZMSCORE", "k", "a"},        {"ZCARD", "k"},               {"ZCOUNT", "k", "0", "1"},
        {"ZLEXCOUNT", "k", "-", "+"}, {"ZRANK", "k", "a"},          {"ZREVRANK", "k", "a"},
        {"ZREM", "k", "a"},           {"ZRANGE", "k", "0", "1"},    {"ZREVRANGE", "k", "0", "1"},
        {"ZRANGEBYSCORE", "k", "0", "1"}, {"ZREVRANGEBYSCORE", "k", "1", "0"},
        {"ZRANGEBYLEX", "k", "-", "+"},   {"ZREVRANGEBYLEX", "k", "+", "-"},
        {"ZRANGESTORE", "d", "k", "0", "1"}, {"ZREMRANGEBYRANK", "k", "0", "1"},
        {"ZREMRANGEBYSCORE", "k", "0", "1"}, {"ZREMRANGEBYLEX", "k", "-", "+"},
        {"ZPOPMIN", "k"},             {"ZPOPMAX", "k", "2"},        {"ZMPOP", "1", "k", "MIN"},
        {"ZRANDMEMBER", "k"},         {"ZSCAN", "k", "0"},          {"ZUNION", "1", "k"},
        {"ZINTER", "1", "k"},         {"ZDIFF", "1", "k"},          {"ZUNIONSTORE", "d", "1", "k"},
        {"ZINTERSTORE", "d", "1", "k"}, {"ZDIFFSTORE", "d", "1", "k"}, {"ZINTERCARD", "1", "k"},
    };
    for (const Args& cmd : cmds) {
        INFO(cmd[0]);
        CHECK(s.cmd(cmd) == wrongType());
    }
    CHECK(s.cmd({"GET", "k"}) == bulk("v"));
}

TEST_CASE("MULTI/EXEC and WATCH see sorted-set writes") {
    Server s;
    auto other = s.connect(7);
    CHECK(s.cmd({"ZADD", "z", "1", "a"}) == integer(1));
    CHECK(s.cmd({"WATCH", "z"}) == ok());
    CHECK(other->cmd({"ZINCRBY", "z", "1", "a"}) == bulk("2"));
    CHECK(s.cmd({"MULTI"}) == ok());
    CHECK(s.cmd({"ZCARD", "z"}) == simple("QUEUED"));
    CHECK(s.cmd({"EXEC"}) == nilArray());
    // A command that changes nothing is no write.
    CHECK(s.cmd({"WATCH", "z"}) == ok());
    CHECK(other->cmd({"ZADD", "z", "NX", "5", "a"}) == integer(0));
    CHECK(other->cmd({"ZREM", "z", "nope"}) == integer(0));
    CHECK(s.cmd({"MULTI"}) == ok());
    CHECK(s.cmd({"ZSCORE", "z", "a"}) == simple("QUEUED"));
    CHECK(s.cmd({"EXEC"}) == array({bulk("2")}));
}
