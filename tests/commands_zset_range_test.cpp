// The sorted-set ranges through the command fixture: ZRANGE (by rank, score and lex, REV,
// LIMIT, WITHSCORES) and its legacy forms, RESP3 pairs, ZRANGESTORE, ZREM and ZREMRANGEBY*,
// with their errors and an emptied set deleting its key.
#include "commands_zset_fixture.h"

using namespace std::string_literals;
using namespace mini_redis;
using namespace mini_redis::test;

TEST_CASE("ZRANGE: by rank, score and lex, REV, LIMIT, WITHSCORES, every error") {
    Fixture f;
    Server& s = f.s;
    CHECK(s.cmd({"ZRANGE", "z", "0", "-1"}) == bulks({"a", "b", "c"}));
    CHECK(s.cmd({"ZRANGE", "z", "-2", "100", "WITHSCORES"}) == bulks({"b", "2", "c", "3"}));
    CHECK(s.cmd({"ZRANGE", "z", "0", "0", "REV"}) == bulks({"c"}));
    CHECK(s.cmd({"ZRANGE", "z", "2", "1"}) == emptyArray());
    CHECK(s.cmd({"ZRANGE", "none", "0", "-1"}) == emptyArray());
    CHECK(s.cmd({"ZRANGE", "z", "(1", "+inf", "BYSCORE"}) == bulks({"b", "c"}));
    CHECK(s.cmd({"ZRANGE", "z", "+inf", "(1", "BYSCORE", "REV", "WITHSCORES"}) ==
          bulks({"c", "3", "b", "2"}));
    CHECK(s.cmd({"ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "1"}) == bulks({"b"}));
    CHECK(s.cmd({"ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "-5"}) ==
          bulks({"b", "c"}));
    CHECK(s.cmd({"ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "5"}) == emptyArray());
    CHECK(s.cmd({"ZRANGE", "z", "-", "+", "BYLEX"}) == bulks({"a", "b", "c"}));
    CHECK(s.cmd({"ZRANGE", "z", "[c", "(a", "BYLEX", "REV", "LIMIT", "0", "1"}) ==
          bulks({"c"}));
    // LIMIT 0 -1 is "no limit": accepted even by rank.
    CHECK(s.cmd({"ZRANGE", "z", "0", "-1", "LIMIT", "0", "-1"}) == bulks({"a", "b", "c"}));
    CHECK(s.cmd({"ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"}) ==
          error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE "
                "or BYLEX"));
    CHECK(s.cmd({"ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"}) ==
          error("ERR syntax error, WITHSCORES not supported in combination with BYLEX"));
    CHECK(s.cmd({"ZRANGE", "z", "0", "-1", "REV", "REV"}) == syntaxError());
    CHECK(s.cmd({"ZRANGE", "z", "0", "-1", "BYSCORE", "BYLEX"}) == syntaxError());
    CHECK(s.cmd({"ZRANGE", "z", "0", "-1", "LIMIT", "0"}) == syntaxError());
    CHECK(s.cmd({"ZRANGE", "z", "0", "-1", "LIMIT", "x", "1"}) == notInteger());
    CHECK(s.cmd({"ZRANGE", "z", "a", "-1"}) == notInteger());
    CHECK(s.cmd({"ZRANGE", "z", "x", "1", "BYSCORE"}) == error("ERR min or max is not a float"));
    CHECK(s.cmd({"ZRANGE", "z", "x", "+", "BYLEX"}) ==
          error("ERR min or max not valid string range item"));
    CHECK(s.cmd({"ZRANGE", "s", "0", "-1"}) == wrongType());
    CHECK(s.cmd({"ZRANGE", "s", "0", "-1", "FOO"}) == syntaxError());
}

TEST_CASE("legacy ranges: ZREVRANGE ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX") {
    Fixture f;
    Server& s = f.s;
    CHECK(s.cmd({"ZREVRANGE", "z", "0", "1", "WITHSCORES"}) == bulks({"c", "3", "b", "2"}));
    CHECK(s.cmd({"ZREVRANGE", "z", "0", "1", "REV"}) == syntaxError());
    CHECK(s.cmd({"ZRANGEBYSCORE", "z", "2", "+inf", "WITHSCORES", "LIMIT", "0", "1"}) ==
          bulks({"b", "2"}));
    CHECK(s.cmd({"ZRANGEBYSCORE", "z", "2", "+inf", "BYSCORE"}) == syntaxError());
    CHECK(s.cmd({"ZREVRANGEBYSCORE", "z", "+inf", "2"}) == bulks({"c", "b"}));
    CHECK(s.cmd({"ZREVRANGEBYSCORE", "z", "2", "+inf"}) == emptyArray());
    CHECK(s.cmd({"ZRANGEBYLEX", "z", "(a", "+", "LIMIT", "1", "1"}) == bulks({"c"}));
    CHECK(s.cmd({"ZRANGEBYLEX", "z", "-", "+", "WITHSCORES"}) ==
          error("ERR syntax error, WITHSCORES not supported in combination with BYLEX"));
    CHECK(s.cmd({"ZREVRANGEBYLEX", "z", "+", "[b"}) == bulks({"c", "b"}));
    CHECK(s.cmd({"ZREVRANGEBYLEX", "s", "+", "[b"}) == wrongType());
}

TEST_CASE("ZRANGE replies in RESP3: WITHSCORES as [member, double] pairs") {
    Fixture f;
    CHECK(f.s.cmd({"HELLO", "3"}).rfind("%", 0) == 0);
    CHECK(f.s.cmd({"ZRANGE", "z", "0", "0", "WITHSCORES"}) == "*1\r\n*2\r\n$1\r\na\r\n,1\r\n");
    CHECK(f.s.cmd({"ZSCORE", "z", "a"}) == ",1\r\n");
    CHECK(f.s.cmd({"ZPOPMIN", "z"}) == "*2\r\n$1\r\na\r\n,1\r\n");
    CHECK(f.s.cmd({"ZPOPMIN", "z", "1"}) == "*1\r\n*2\r\n$1\r\nb\r\n,2\r\n");
    CHECK(f.s.cmd({"ZSCORE", "z", "x"}) == "_\r\n");
}

TEST_CASE("ZRANGESTORE: result, empty result deletes, destination form, errors") {
    Fixture f;
    Server& s = f.s;
    CHECK(s.cmd({"EXPIRE", "d", "100"}) == integer(0));
    CHECK(s.cmd({"ZRANGESTORE", "d", "z", "1", "-1"}) == integer(2));
    CHECK(s.cmd({"ZRANGE", "d", "0", "-1", "WITHSCORES"}) == bulks({"b", "2", "c", "3"}));
    CHECK(s.cmd({"OBJECT", "ENCODING", "d"}) == bulk("listpack"));
    CHECK(s.cmd({"ZRANGESTORE", "d", "z", "+inf", "(1", "BYSCORE", "REV", "LIMIT", "0", "1"}) ==
          integer(1));
    CHECK(s.cmd({"ZRANGE", "d", "0", "-1"}) == bulks({"c"}));
    CHECK(s.cmd({"ZRANGESTORE", "d", "z", "5", "6"}) == integer(0));
    CHECK(s.cmd({"EXISTS", "d"}) == integer(0));
    CHECK(s.cmd({"ZRANGESTORE", "s", "z", "0", "0"}) == integer(1));  // overwrites any type
    CHECK(s.cmd({"TYPE", "s"}) == simple("zset"));
    CHECK(s.cmd({"ZRANGESTORE", "d", "none", "0", "-1"}) == integer(0));
    CHECK(s.cmd({"ZRANGESTORE", "d", "z", "0", "-1", "WITHSCORES"}) == syntaxError());
    CHECK(s.cmd({"SET", "str", "v"}) == ok());
    CHECK(s.cmd({"ZRANGESTORE", "d", "str", "0", "-1"}) == wrongType());
    CHECK(s.cmd({"ZRANGESTORE", "d", "z", "0"}) == arityError("zrangestore"));
    // A rank range longer than the listpack limit starts, and stays, in the large form.
    Args big = {"ZADD", "big"};
    for (int i = 0; i < 200; ++i) {
        big.push_back(std::to_string(i));
        big.push_back(named("m", i));
    }
    CHECK(s.cmd(big) == integer(200));
    CHECK(s.cmd({"ZRANGESTORE", "d", "big", "0", "9"}) == integer(10));
    CHECK(s.cmd({"OBJECT", "ENCODING", "d"}) == bulk("listpack"));
    CHECK(s.cmd({"ZRANGESTORE", "d", "big", "0", "149"}) == integer(150));
    CHECK(s.cmd({"OBJECT", "ENCODING", "d"}) == bulk("skiplist"));
}

TEST_CASE("ZREM and the ZREMRANGEBY* family: an emptied set deletes its key") {
    Fixture f;
    Server& s = f.s;
    CHECK(s.cmd({"ZREM", "z", "a", "x"}) == integer(1));
    CHECK(s.cmd({"ZREM", "none", "a"}) == integer(0));
    CHECK(s.cmd({"ZREM", "z", "b", "c", "a"}) == integer(2));
    CHECK(s.cmd({"EXISTS", "z"}) == integer(0));
    CHECK(s.cmd({"ZREM", "s", "a"}) == wrongType());
    CHECK(s.cmd({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"}) == integer(4));
    CHECK(s.cmd({"ZREMRANGEBYRANK", "z", "-1", "-1"}) == integer(1));
    CHECK(s.cmd({"ZREMRANGEBYRANK", "z", "5", "10"}) == integer(0));
    CHECK(s.cmd({"ZREMRANGEBYRANK", "z", "x", "1"}) == notInteger());
    CHECK(s.cmd({"ZREMRANGEBYSCORE", "z", "(1", "2"}) == integer(1));
    CHECK(s.cmd({"ZREMRANGEBYSCORE", "z", "x", "2"}) == error("ERR min or max is not a float"));
    CHECK(s.cmd({"ZREMRANGEBYLEX", "z", "[a", "[a"}) == integer(1));
    CHECK(s.cmd({"ZREMRANGEBYLEX", "z", "a", "+"}) ==
          error("ERR min or max not valid string range item"));
    CHECK(s.cmd({"ZREMRANGEBYLEX", "z", "-", "+"}) == integer(1));
    CHECK(s.cmd({"EXISTS", "z"}) == integer(0));
    CHECK(s.cmd({"ZREMRANGEBYRANK", "none", "0", "-1"}) == integer(0));
    CHECK(s.cmd({"ZREMRANGEBYSCORE", "s", "0", "1"}) == wrongType());
    CHECK(s.cmd({"ZREMRANGEBYSCORE", "s", "x", "1"}) == error("ERR min or max is not a float"));
}
