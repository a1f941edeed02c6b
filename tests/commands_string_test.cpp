// The string family through the command fixture: GET SET (without expiry options), MGET MSET
// MSETNX, the INCR family, SETNX GETSET GETDEL, APPEND STRLEN.
#include "command_fixture.h"

using namespace std::string_literals;
using namespace mini_redis;
using namespace mini_redis::test;

TEST_CASE("SET and GET") {
    Server s;
    CHECK(s.cmd({"GET", "k"}) == nil());
    CHECK(s.cmd({"SET", "k", "hello"}) == ok());
    CHECK(s.cmd({"GET", "k"}) == bulk("hello"));
    CHECK(s.cmd({"SET", "k", "a\r\nb\0c"s}) == ok());
    CHECK(s.cmd({"GET", "k"}) == "$6\r\na\r\nb\0c\r\n"s);
    CHECK(s.cmd({"SET", "", ""}) == ok());
    CHECK(s.cmd({"GET", ""}) == "$0\r\n\r\n");
    CHECK(s.cmd({"set", "K", "upper"}) == ok());  // keys are case-sensitive
    CHECK(s.cmd({"get", "k"}) == bulk("a\r\nb\0c"s));
}

TEST_CASE("SET options NX, XX, GET") {
    Server s;
    CHECK(s.cmd({"SET", "k", "1", "NX"}) == ok());
    CHECK(s.cmd({"SET", "k", "2", "NX"}) == nil());
    CHECK(s.cmd({"GET", "k"}) == bulk("1"));
    CHECK(s.cmd({"SET", "k", "3", "xx"}) == ok());
    CHECK(s.cmd({"SET", "absent", "3", "XX"}) == nil());
    CHECK(s.cmd({"EXISTS", "absent"}) == integer(0));
    CHECK(s.cmd({"SET", "k", "4", "GET"}) == bulk("3"));
    CHECK(s.cmd({"SET", "new", "5", "GET"}) == nil());
    CHECK(s.cmd({"GET", "new"}) == bulk("5"));
    // NX with GET: the old value comes back and nothing is written.
    CHECK(s.cmd({"SET", "k", "6", "NX", "GET"}) == bulk("4"));
    CHECK(s.cmd({"GET", "k"}) == bulk("4"));
    CHECK(s.cmd({"SET", "k", "7", "NX", "XX"}) == error("ERR syntax error"));
    CHECK(s.cmd({"SET", "k", "7", "XX", "NX"}) == error("ERR syntax error"));
    CHECK(s.cmd({"SET", "k", "7", "FOO"}) == error("ERR syntax error"));
    CHECK(s.cmd({"GET", "k"}) == bulk("4"));
}

TEST_CASE("MGET, MSET, MSETNX") {
    Server s;
    CHECK(s.cmd({"MSET", "a", "1", "b", "2"}) == ok());
    CHECK(s.cmd({"MGET", "a", "missing", "b", "a"}) ==
          "*4\r\n" + bulk("1") + nil() + bulk("2") + bulk("1"));
    // Pairs are required: an odd count is an arity error, before anything is stored.
    CHECK(s.cmd({"MSET", "a", "1", "c"}) == arityError("mset"));
    CHECK(s.cmd({"MSET", "a"}) == arityError("mset"));
    CHECK(s.cmd({"MSETNX", "x", "1", "y"}) == arityError("msetnx"));
    CHECK(s.cmd({"EXISTS", "c", "x"}) == integer(0));

    CHECK(s.cmd({"MSETNX", "x", "1", "y", "2"}) == integer(1));
    CHECK(s.cmd({"MSETNX", "z", "3", "y", "9"}) == integer(0));
    CHECK(s.cmd({"MGET", "x", "y", "z"}) == "*3\r\n" + bulk("1") + bulk("2") + nil());
}

TEST_CASE("INCR, DECR, INCRBY, DECRBY") {
    Server s;
    CHECK(s.cmd({"INCR", "n"}) == integer(1));
    CHECK(s.cmd({"INCRBY", "n", "41"}) == integer(42));
    CHECK(s.cmd({"DECR", "n"}) == integer(41));
    CHECK(s.cmd({"DECRBY", "n", "50"}) == integer(-9));
    CHECK(s.cmd({"INCRBY", "n", "-1"}) == integer(-10));
    CHECK(s.cmd({"DECRBY", "n", "-10"}) == integer(0));
    CHECK(s.cmd({"GET", "n"}) == bulk("0"));
    CHECK(s.cmd({"DECR", "fresh"}) == integer(-1));
}

TEST_CASE("INCR family: non-integers and overflow get Redis's errors") {
    Server s;
    const std::string not_integer = error("ERR value is not an integer or out of range");
    const std::string overflow = error("ERR increment or decrement would overflow");
    s.cmd({"SET", "s", "abc"});
    CHECK(s.cmd({"INCR", "s"}) == not_integer);
    CHECK(s.cmd({"DECRBY", "s", "1"}) == not_integer);
    s.cmd({"SET", "f", "1.5"});
    CHECK(s.cmd({"INCR", "f"}) == not_integer);
    CHECK(s.cmd({"INCRBY", "n", "abc"}) == not_integer);
    CHECK(s.cmd({"INCRBY", "n", "1.0"}) == not_integer);
    CHECK(s.cmd({"INCRBY", "n", "01"}) == not_integer);
    CHECK(s.cmd({"INCRBY", "n", "9223372036854775808"}) == not_integer);
    CHECK(s.cmd({"DECRBY", "n", "x"}) == not_integer);
    CHECK(s.cmd({"EXISTS", "n"}) == integer(0));

    s.cmd({"SET", "max", "9223372036854775807"});
    CHECK(s.cmd({"INCR", "max"}) == overflow);
    CHECK(s.cmd({"INCRBY", "max", "1"}) == overflow);
    CHECK(s.cmd({"DECRBY", "max", "-1"}) == overflow);
    CHECK(s.cmd({"GET", "max"}) == bulk("9223372036854775807"));
    s.cmd({"SET", "min", "-9223372036854775808"});
    CHECK(s.cmd({"DECR", "min"}) == overflow);
    CHECK(s.cmd({"INCRBY", "min", "-1"}) == overflow);
    CHECK(s.cmd({"DECRBY", "min", "1"}) == overflow);
    CHECK(s.cmd({"INCRBY", "min", "9223372036854775807"}) == integer(-1));
}

// Redis 7 (t_string.c, decrbyCommand) refuses to negate LLONG_MIN with its own text.
TEST_CASE("DECRBY of -9223372036854775808 answers 'decrement would overflow'") {
    Server s;
    CHECK(s.cmd({"DECRBY", "n", "-9223372036854775808"}) == error("ERR decrement would overflow"));
    CHECK(s.cmd({"EXISTS", "n"}) == integer(0));
}

TEST_CASE("SETNX, GETSET, GETDEL") {
    Server s;
    CHECK(s.cmd({"SETNX", "k", "1"}) == integer(1));
    CHECK(s.cmd({"SETNX", "k", "2"}) == integer(0));
    CHECK(s.cmd({"GET", "k"}) == bulk("1"));
    CHECK(s.cmd({"GETSET", "k", "3"}) == bulk("1"));
    CHECK(s.cmd({"GETSET", "other", "x"}) == nil());
    CHECK(s.cmd({"GET", "other"}) == bulk("x"));
    CHECK(s.cmd({"GETDEL", "k"}) == bulk("3"));
    CHECK(s.cmd({"GETDEL", "k"}) == nil());
    CHECK(s.cmd({"EXISTS", "k"}) == integer(0));
}

TEST_CASE("APPEND and STRLEN") {
    Server s;
    CHECK(s.cmd({"STRLEN", "k"}) == integer(0));
    CHECK(s.cmd({"APPEND", "k", "Hello"}) == integer(5));
    CHECK(s.cmd({"APPEND", "k", " World\0"s}) == integer(12));
    CHECK(s.cmd({"STRLEN", "k"}) == integer(12));
    CHECK(s.cmd({"GET", "k"}) == bulk("Hello World\0"s));
}

TEST_CASE("string commands on another type answer WRONGTYPE") {
    Server s;
    {
        LockScope scope(s.store());
        std::string_view keys[] = {"list"};
        scope.lockKeys(keys);
        struct Empty : Collection {
            size_t memoryBytes() const override { return 0; }
            std::string_view encoding() const override { return "listpack"; }
            Collection* clone() const override { return new Empty; }
            size_t length() const override { return 1; }
        };
        scope.setCollection(0, "list", ValueType::List, std::make_unique<Empty>());
    }
    const std::string wrong = error(errors::kWrongType);
    CHECK(s.cmd({"GET", "list"}) == wrong);
    CHECK(s.cmd({"APPEND", "list", "x"}) == wrong);
    CHECK(s.cmd({"INCR", "list"}) == wrong);
    CHECK(s.cmd({"STRLEN", "list"}) == wrong);
    CHECK(s.cmd({"TYPE", "list"}) == simple("list"));
    CHECK(s.cmd({"MGET", "list"}) == "*1\r\n" + nil());
    CHECK(s.cmd({"SET", "list", "now a string"}) == ok());
    CHECK(s.cmd({"GET", "list"}) == bulk("now a string"));
}
