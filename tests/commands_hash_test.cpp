// The hash family through the command fixture: every command, its errors (texts and the order
// Redis checks them in), WRONGTYPE, RESP3 shapes, OBJECT ENCODING across the switch, and an
// emptied hash deleting its key.
#include <set>

#include "command_fixture.h"

using namespace std::string_literals;
using namespace mini_redis;
using namespace mini_redis::test;

namespace {

// prefix + n, built with append (GCC 12 warns falsely on the "literal" + std::string form).
std::string named(std::string_view prefix, uint64_t n) {
    std::string s(prefix);
    s.append(std::to_string(n));
    return s;
}

const std::string kWrongType =
    error("WRONGTYPE Operation against a key holding the wrong kind of value");
const std::string kNotInteger = error("ERR value is not an integer or out of range");
const std::string kSyntax = error("ERR syntax error");

std::set<std::string> asSet(const std::vector<std::string>& v) {
    return {v.begin(), v.end()};
}

}  // namespace

TEST_CASE("HSET, HGET, HMSET, HSETNX") {
    Server s;
    CHECK(s.cmd({"HSET", "h", "a", "1", "b", "2"}) == integer(2));
    CHECK(s.cmd({"HSET", "h", "a", "10", "c", "3"}) == integer(1));  // new fields only
    CHECK(s.cmd({"HGET", "h", "a"}) == bulk("10"));
    CHECK(s.cmd({"HGET", "h", "zz"}) == nil());
    CHECK(s.cmd({"HGET", "nokey", "a"}) == nil());
    CHECK(s.cmd({"HMSET", "h", "d", "4", "a", "11"}) == ok());
    CHECK(s.cmd({"HGET", "h", "a"}) == bulk("11"));
    CHECK(s.cmd({"HSETNX", "h", "a", "x"}) == integer(0));
    CHECK(s.cmd({"HSETNX", "h", "e", "5"}) == integer(1));
    CHECK(s.cmd({"HSETNX", "new", "f", "v"}) == integer(1));
    CHECK(s.cmd({"HGET", "h", "a"}) == bulk("11"));
    CHECK(s.cmd({"HSET", "h", "", ""}) == integer(1));  // empty field and value
    CHECK(s.cmd({"HGET", "h", ""}) == bulk(""));
    CHECK(s.cmd({"HSET", "bin", "f\0\r\n"s, "v\0"s}) == integer(1));
    CHECK(s.cmd({"HGET", "bin", "f\0\r\n"s}) == bulk("v\0"s));
    CHECK(s.cmd({"TYPE", "h"}) == simple("hash"));
    // Pairs only: an odd count is an arity error, and nothing is written.
    CHECK(s.cmd({"HSET", "h2", "a", "1", "b"}) == arityError("hset"));
    CHECK(s.cmd({"HMSET", "h2", "a", "1", "b"}) == arityError("hmset"));
    CHECK(s.cmd({"HSET", "h2", "a"}) == arityError("hset"));
    CHECK(s.cmd({"HSETNX", "h2", "a"}) == arityError("hsetnx"));
    CHECK(s.cmd({"EXISTS", "h2"}) == integer(0));
}

TEST_CASE("HMGET, HLEN, HEXISTS, HSTRLEN") {
    Server s;
    s.cmd({"HSET", "h", "a", "1", "b", "hello"});
    CHECK(s.cmd({"HMGET", "h", "a", "zz", "b"}) == "*3\r\n" + bulk("1") + nil() + bulk("hello"));
    CHECK(s.cmd({"HMGET", "nokey", "a", "b"}) == "*2\r\n" + nil() + nil());
    CHECK(s.cmd({"HLEN", "h"}) == integer(2));
    CHECK(s.cmd({"HLEN", "nokey"}) == integer(0));
    CHECK(s.cmd({"HEXISTS", "h", "a"}) == integer(1));
    CHECK(s.cmd({"HEXISTS", "h", "zz"}) == integer(0));
    CHECK(s.cmd({"HEXISTS", "nokey", "a"}) == integer(0));
    CHECK(s.cmd({"HSTRLEN", "h", "b"}) == integer(5));
    CHECK(s.cmd({"HSTRLEN", "h", "zz"}) == integer(0));
    CHECK(s.cmd({"HSTRLEN", "nokey", "a"}) == integer(0));
}

TEST_CASE("HDEL counts, and an emptied hash deletes its key") {
    Server s;
    s.cmd({"HSET", "h", "a", "1", "b", "2", "c", "3"});
    CHECK(s.cmd({"HDEL", "h", "a", "zz", "a"}) == integer(1));
    CHECK(s.cmd({"HDEL", "nokey", "a"}) == integer(0));
    CHECK(s.cmd({"HDEL", "h", "b", "c", "b"}) == integer(2));
    CHECK(s.cmd({"EXISTS", "h"}) == integer(0));
    CHECK(s.cmd({"TYPE", "h"}) == simple("none"));
    // The same from the table form.
    s.cmd({"HSET", "t", "f", std::string(100, 'x')});
    CHECK(s.cmd({"OBJECT", "ENCODING", "t"}) == bulk("hashtable"));
    CHECK(s.cmd({"HDEL", "t", "f"}) == integer(1));
    CHECK(s.cmd({"EXISTS", "t"}) == integer(0));
}

TEST_CASE("HINCRBY: checks in Redis's order, overflow, non-integers") {
    Server s;
    CHECK(s.cmd({"HINCRBY", "h", "n", "5"}) == integer(5));
    CHECK(s.cmd({"HINCRBY", "h", "n", "-7"}) == integer(-2));
    CHECK(s.cmd({"HGET", "h", "n"}) == bulk("-2"));
    for (const char* bad : {"x", "1.5", "", " 1", "-0", "01", "+1", "99999999999999999999"})
        CHECK(s.cmd({"HINCRBY", "h", "n", bad}) == kNotInteger);
    s.cmd({"HSET", "h", "s", "abc", "z", "012", "max", "9223372036854775807", "min",
           "-9223372036854775808"});
    CHECK(s.cmd({"HINCRBY", "h", "s", "1"}) == error("ERR hash value is not an integer"));
    CHECK(s.cmd({"HINCRBY", "h", "z", "1"}) == error("ERR hash value is not an integer"));
    CHECK(s.cmd({"HINCRBY", "h", "max", "1"}) ==
          error("ERR increment or decrement would overflow"));
    CHECK(s.cmd({"HINCRBY", "h", "min", "-1"}) ==
          error("ERR increment or decrement would overflow"));
    CHECK(s.cmd({"HINCRBY", "h", "max", "-1"}) == integer(9223372036854775806));
    CHECK(s.cmd({"HINCRBY", "h", "min", "0"}) == integer(INT64_MIN));
    // The increment is read before the key: a bad one wins over WRONGTYPE.
    s.cmd({"SET", "str", "1"});
    CHECK(s.cmd({"HINCRBY", "str", "n", "x"}) == kNotInteger);
    CHECK(s.cmd({"HINCRBY", "str", "n", "1"}) == kWrongType);
}

TEST_CASE("HINCRBYFLOAT: INCRBYFLOAT's text and errors") {
    Server s;
    CHECK(s.cmd({"HINCRBYFLOAT", "h", "f", "1.10"}) == bulk("1.1"));
    CHECK(s.cmd({"HINCRBYFLOAT", "h", "f", "5.0e3"}) == bulk("5001.10000000000000009"));
    CHECK(s.cmd({"HINCRBYFLOAT", "h", "g", "-0"}) == bulk("0"));
    CHECK(s.cmd({"HINCRBYFLOAT", "h", "g", "0x10"}) == bulk("16"));
    CHECK(s.cmd({"HINCRBYFLOAT", "h", "f", "x"}) == error("ERR value is not a valid float"));
    CHECK(s.cmd({"HINCRBYFLOAT", "h", "f", ""}) == error("ERR value is not a valid float"));
    CHECK(s.cmd({"HINCRBYFLOAT", "h", "f", "nan"}) == error("ERR value is not a valid float"));
    CHECK(s.cmd({"HINCRBYFLOAT", "h", "f", "inf"}) == error("ERR value is NaN or Infinity"));
    CHECK(s.cmd({"HINCRBYFLOAT", "h", "f", "-inf"}) == error("ERR value is NaN or Infinity"));
    s.cmd({"HSET", "h", "s", "abc", "sp", " 1", "i", "inf", "e", "1.5e3", "int", "012"});
    CHECK(s.cmd({"HINCRBYFLOAT", "h", "s", "1"}) == error("ERR hash value is not a float"));
    CHECK(s.cmd({"HINCRBYFLOAT", "h", "sp", "1"}) == error("ERR hash value is not a float"));
    CHECK(s.cmd({"HINCRBYFLOAT", "h", "i", "1"}) ==
          error("ERR increment would produce NaN or Infinity"));
    CHECK(s.cmd({"HINCRBYFLOAT", "h", "e", "1"}) == bulk("1501"));
    CHECK(s.cmd({"HINCRBYFLOAT", "h", "int", "1"}) == bulk("13"));
    // A long result (1e308 written out: 308 digits) turns the hash into a table.
    CHECK(s.cmd({"OBJECT", "ENCODING", "h"}) == bulk("listpack"));
    Resp big = s.parsed({"HINCRBYFLOAT", "h", "big", "1e308"});
    CHECK(big.text.size() == 308);
    CHECK(s.cmd({"OBJECT", "ENCODING", "h"}) == bulk("hashtable"));
    CHECK(s.cmd({"HSTRLEN", "h", "big"}) == integer(308));
    s.cmd({"SET", "str", "1"});
    CHECK(s.cmd({"HINCRBYFLOAT", "str", "f", "x"}) == error("ERR value is not a valid float"));
    CHECK(s.cmd({"HINCRBYFLOAT", "str", "f", "inf"}) == error("ERR value is NaN or Infinity"));
    CHECK(s.cmd({"HINCRBYFLOAT", "str", "f", "1"}) == kWrongType);
}

TEST_CASE("HKEYS, HVALS, HGETALL: insertion order while a listpack; RESP3 map") {
    Server s;
    CHECK(s.cmd({"HKEYS", "nokey"}) == "*0\r\n");
    CHECK(s.cmd({"HVALS", "nokey"}) == "*0\r\n");
    CHECK(s.cmd({"HGETALL", "nokey"}) == "*0\r\n");
    s.cmd({"HSET", "h", "b", "2", "a", "1", "c", "3"});
    s.cmd({"HSET", "h", "b", "20"});  // an update keeps its place
    CHECK(s.cmd({"HKEYS", "h"}) == array({bulk("b"), bulk("a"), bulk("c")}));
    CHECK(s.cmd({"HVALS", "h"}) == array({bulk("20"), bulk("1"), bulk("3")}));
    CHECK(s.cmd({"HGETALL", "h"}) ==
          array({bulk("b"), bulk("20"), bulk("a"), bulk("1"), bulk("c"), bulk("3")}));
    s.cmd({"HELLO", "3"});
    CHECK(s.cmd({"HGETALL", "h"}) ==
          "%3\r\n" + bulk("b") + bulk("20") + bulk("a") + bulk("1") + bulk("c") + bulk("3"));
    CHECK(s.cmd({"HGETALL", "nokey"}) == "%0\r\n");
    CHECK(s.cmd({"HKEYS", "nokey"}) == "*0\r\n");
    CHECK(s.cmd({"HGET", "h", "zz"}) == "_\r\n");
    CHECK(s.cmd({"HMGET", "h", "zz"}) == "*1\r\n_\r\n");
    s.cmd({"HELLO", "2"});
    // The table form: the same pairs in some order.
    for (int i = 0; i < 600; ++i) s.cmd({"HSET", "big", named("f", i), named("v", i)});
    CHECK(s.cmd({"OBJECT", "ENCODING", "big"}) == bulk("hashtable"));
    Resp all = s.parsed({"HGETALL", "big"});
    REQUIRE(all.items.size() == 1200);
    std::set<std::string> fields;
    for (size_t i = 0; i < all.items.size(); i += 2) {
        CHECK(all.items[i + 1].text == named("v", std::stoull(all.items[i].text.substr(1))));
        fields.insert(all.items[i].text);
    }
    CHECK(fields.size() == 600);
    CHECK(s.parsed({"HKEYS", "big"}).items.size() == 600);
    CHECK(s.parsed({"HVALS", "big"}).items.size() == 600);
}

TEST_CASE("OBJECT ENCODING: listpack, then hashtable by count or length, never back") {
    Server s;
    s.cmd({"HSET", "h", "a", std::string(64, 'v')});
    CHECK(s.cmd({"OBJECT", "ENCODING", "h"}) == bulk("listpack"));
    s.cmd({"HSET", "h", "b", std::string(65, 'v')});
    CHECK(s.cmd({"OBJECT", "ENCODING", "h"}) == bulk("hashtable"));
    s.cmd({"HDEL", "h", "b"});
    CHECK(s.cmd({"OBJECT", "ENCODING", "h"}) == bulk("hashtable"));
    // HSETNX of an existing field converts nothing, whatever its value.
    s.cmd({"HSET", "n", "a", "1"});
    CHECK(s.cmd({"HSETNX", "n", "a", std::string(65, 'v')}) == integer(0));
    CHECK(s.cmd({"OBJECT", "ENCODING", "n"}) == bulk("listpack"));
    // A long field name converts too.
    s.cmd({"HSET", "f", std::string(65, 'f'), "1"});
    CHECK(s.cmd({"OBJECT", "ENCODING", "f"}) == bulk("hashtable"));
    // By count: hash-max-listpack-entries (512 by default), live from CONFIG SET.
    for (int i = 0; i < 512; ++i) s.cmd({"HSET", "c", named("f", i), "v"});
    CHECK(s.cmd({"OBJECT", "ENCODING", "c"}) == bulk("listpack"));
    s.cmd({"HSET", "c", "f512", "v"});
    CHECK(s.cmd({"OBJECT", "ENCODING", "c"}) == bulk("hashtable"));
    CHECK(s.cmd({"CONFIG", "SET", "hash-max-listpack-entries", "2"}) == ok());
    s.cmd({"HSET", "d", "a", "1", "b", "2"});
    CHECK(s.cmd({"OBJECT", "ENCODING", "d"}) == bulk("listpack"));
    s.cmd({"HSET", "d", "c", "3"});
    CHECK(s.cmd({"OBJECT", "ENCODING", "d"}) == bulk("hashtable"));
    CHECK(s.cmd({"CONFIG", "SET", "hash-max-listpack-value", "3"}) == ok());
    CHECK(s.cmd({"CONFIG", "SET", "hash-max-listpack-entries", "512"}) == ok());
    s.cmd({"HSET", "e", "abc", "xyz"});
    CHECK(s.cmd({"OBJECT", "ENCODING", "e"}) == bulk("listpack"));
    s.cmd({"HINCRBY", "e", "n", "1000"});  // "1000" is 4 bytes
    CHECK(s.cmd({"OBJECT", "ENCODING", "e"}) == bulk("hashtable"));
    // COPY keeps the encoding and makes an independent value.
    CHECK(s.cmd({"COPY", "e", "e2"}) == integer(1));
    CHECK(s.cmd({"OBJECT", "ENCODING", "e2"}) == bulk("hashtable"));
    s.cmd({"HSET", "e2", "abc", "changed"});
    CHECK(s.cmd({"HGET", "e", "abc"}) == bulk("xyz"));
}

TEST_CASE("HRANDFIELD: shapes, counts, range errors, RESP3 pairs") {
    Server s;
    CHECK(s.cmd({"HRANDFIELD", "nokey"}) == nil());
    CHECK(s.cmd({"HRANDFIELD", "nokey", "3"}) == "*0\r\n");
    CHECK(s.cmd({"HRANDFIELD", "nokey", "-3", "WITHVALUES"}) == "*0\r\n");
    s.cmd({"HSET", "h", "a", "1", "b", "2", "c", "3"});
    const std::set<std::string> all{"a", "b", "c"};
    CHECK(all.count(s.parsed({"HRANDFIELD", "h"}).text) == 1);
    CHECK(s.cmd({"HRANDFIELD", "h", "0"}) == "*0\r\n");
    CHECK(s.cmd({"HRANDFIELD", "h", "0", "withvalues"}) == "*0\r\n");
    CHECK(asSet(texts(s.parsed({"HRANDFIELD", "h", "2"}))).size() == 2);
    CHECK(s.cmd({"HRANDFIELD", "h", "3"}) == array({bulk("a"), bulk("b"), bulk("c")}));
    CHECK(s.cmd({"HRANDFIELD", "h", "10", "WITHVALUES"}) ==
          array({bulk("a"), bulk("1"), bulk("b"), bulk("2"), bulk("c"), bulk("3")}));
    Resp rep = s.parsed({"HRANDFIELD", "h", "-10"});
    CHECK(rep.items.size() == 10);
    for (const auto& f : texts(rep)) CHECK(all.count(f) == 1);
    Resp pairs = s.parsed({"HRANDFIELD", "h", "-5", "WITHVALUES"});
    REQUIRE(pairs.items.size() == 10);
    for (size_t i = 0; i < 10; i += 2)
        CHECK(pairs.items[i + 1].text == std::to_string(pairs.items[i].text[0] - 'a' + 1));
    // Errors, in Redis's order: the count as a long (LONG_MIN excluded), the syntax, then
    // WITHVALUES's halved range, then the key.
    CHECK(s.cmd({"HRANDFIELD", "h", "x"}) == kNotInteger);
    CHECK(s.cmd({"HRANDFIELD", "h", "1.5"}) == kNotInteger);
    CHECK(s.cmd({"HRANDFIELD", "h", "-9223372036854775808", "WITHVALUES"}) ==
          error("ERR value is out of range, value must between -9223372036854775807 and "
                "9223372036854775807"));
    CHECK(s.cmd({"HRANDFIELD", "h", "9223372036854775807", "WITHVALUE"}) == kSyntax);
    CHECK(s.cmd({"HRANDFIELD", "h", "1", "WITHVALUES", "x"}) == kSyntax);
    CHECK(s.cmd({"HRANDFIELD", "h", "9223372036854775807", "WITHVALUES"}) ==
          error("ERR value is out of range"));
    CHECK(s.cmd({"HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"}) ==
          error("ERR value is out of range"));
    CHECK(s.cmd({"HRANDFIELD", "h", "9223372036854775807"}) ==
          array({bulk("a"), bulk("b"), bulk("c")}));
    // Ours: a negative count too big to answer.
    CHECK(s.cmd({"HRANDFIELD", "h", "-9223372036854775807"}) == error("ERR value is out of range"));
    CHECK(s.cmd({"HRANDFIELD", "nokey", "-9223372036854775807"}) == "*0\r\n");
    s.cmd({"SET", "str", "v"});
    CHECK(s.cmd({"HRANDFIELD", "str", "x"}) == kNotInteger);
    CHECK(s.cmd({"HRANDFIELD", "str", "1", "foo"}) == kSyntax);
    CHECK(s.cmd({"HRANDFIELD", "str", "0"}) == kWrongType);
    CHECK(s.cmd({"HRANDFIELD", "str"}) == kWrongType);
    // RESP3: WITHVALUES pairs are 2-arrays.
    s.cmd({"HELLO", "3"});
    CHECK(s.cmd({"HRANDFIELD", "nokey"}) == "_\r\n");
    CHECK(s.cmd({"HRANDFIELD", "h", "3", "WITHVALUES"}) ==
          "*3\r\n" + array({bulk("a"), bulk("1")}) + array({bulk("b"), bulk("2")}) +
              array({bulk("c"), bulk("3")}));
    std::string neg = s.cmd({"HRANDFIELD", "h", "-2", "WITHVALUES"});
    CHECK(neg.rfind("*2\r\n*2\r\n$1\r\n", 0) == 0);
    // The table form answers the same shapes.
    s.cmd({"HELLO", "2"});
    for (int i = 0; i < 100; ++i) s.cmd({"HSET", "t", named("f", i), std::string(70, 'v')});
    CHECK(asSet(texts(s.parsed({"HRANDFIELD", "t", "40"}))).size() == 40);
    CHECK(asSet(texts(s.parsed({"HRANDFIELD", "t", "10"}))).size() == 10);
    CHECK(s.parsed({"HRANDFIELD", "t", "100", "WITHVALUES"}).items.size() == 200);
    CHECK(s.parsed({"HRANDFIELD", "t", "-300"}).items.size() == 300);
}

TEST_CASE("HSCAN: cursor first, then the key, then the options") {
    Server s;
    CHECK(s.cmd({"HSCAN", "nokey", "0"}) == "*2\r\n" + bulk("0") + "*0\r\n");
    CHECK(s.cmd({"HSCAN", "nokey", "0", "FOO"}) == "*2\r\n" + bulk("0") + "*0\r\n");
    CHECK(s.cmd({"HSCAN", "nokey", "x"}) == error("ERR invalid cursor"));
    s.cmd({"HSET", "h", "a", "1", "b", "2", "ab", "3"});
    const std::string whole =
        "*2\r\n" + bulk("0") +
        array({bulk("a"), bulk("1"), bulk("b"), bulk("2"), bulk("ab"), bulk("3")});
    CHECK(s.cmd({"HSCAN", "h", "0"}) == whole);
    CHECK(s.cmd({"HSCAN", "h", "12345", "COUNT", "1"}) == whole);  // a listpack comes whole
    CHECK(s.cmd({"HSCAN", "h", "-1"}) == whole);
    CHECK(s.cmd({"HSCAN", "h", "0", "MATCH", "a*"}) ==
          "*2\r\n" + bulk("0") + array({bulk("a"), bulk("1"), bulk("ab"), bulk("3")}));
    CHECK(s.cmd({"HSCAN", "h", "0", "COUNT", "0"}) == kSyntax);
    CHECK(s.cmd({"HSCAN", "h", "0", "COUNT", "-1"}) == kSyntax);
    CHECK(s.cmd({"HSCAN", "h", "0", "COUNT", "x"}) == kNotInteger);
    CHECK(s.cmd({"HSCAN", "h", "0", "MATCH"}) == kSyntax);
    CHECK(s.cmd({"HSCAN", "h", "0", "TYPE", "string"}) == kSyntax);
    CHECK(s.cmd({"HSCAN", "h", "x"}) == error("ERR invalid cursor"));
    s.cmd({"SET", "str", "v"});
    CHECK(s.cmd({"HSCAN", "str", "x"}) == error("ERR invalid cursor"));
    CHECK(s.cmd({"HSCAN", "str", "0", "FOO"}) == kWrongType);
    // The table form: a full pass in steps returns every pair.
    for (int i = 0; i < 1000; ++i) s.cmd({"HSET", "t", named("f", i), std::to_string(i)});
    std::set<std::string> seen;
    std::string cursor = "0";
    int calls = 0;
    do {
        Resp r = s.parsed({"HSCAN", "t", cursor, "COUNT", "20"});
        REQUIRE(r.items.size() == 2);
        cursor = r.items[0].text;
        for (size_t i = 0; i < r.items[1].items.size(); i += 2) {
            CHECK(r.items[1].items[i + 1].text == r.items[1].items[i].text.substr(1));
            seen.insert(r.items[1].items[i].text);
        }
        ++calls;
    } while (cursor != "0");
    CHECK(seen.size() == 1000);
    CHECK(calls > 20);
    // MATCH filters after counting.
    Resp one = s.parsed({"HSCAN", "t", "0", "MATCH", "f99?", "COUNT", "100000"});
    CHECK(one.items[0].text == "0");
    CHECK(one.items[1].items.size() == 20);
}

TEST_CASE("WRONGTYPE from every command on a string key") {
    Server s;
    s.cmd({"SET", "str", "v"});
    const std::vector<Args> all = {
        {"HSET", "str", "a", "1"},
        {"HSETNX", "str", "a", "1"},
        {"HMSET", "str", "a", "1"},
        {"HGET", "str", "a"},
        {"HMGET", "str", "a"},
        {"HDEL", "str", "a"},
        {"HLEN", "str"},
        {"HEXISTS", "str", "a"},
        {"HSTRLEN", "str", "a"},
        {"HINCRBY", "str", "a", "1"},
        {"HINCRBYFLOAT", "str", "a", "1"},
        {"HKEYS", "str"},
        {"HVALS", "str"},
        {"HGETALL", "str"},
        {"HRANDFIELD", "str"},
        {"HRANDFIELD", "str", "1"},
        {"HSCAN", "str", "0"},
    };
    for (const Args& args : all) {
        INFO(args[0]);
        CHECK(s.cmd(args) == kWrongType);
    }
    CHECK(s.cmd({"GET", "str"}) == bulk("v"));
    // And a hash is the wrong type for string commands.
    s.cmd({"HSET", "h", "a", "1"});
    CHECK(s.cmd({"GET", "h"}) == kWrongType);
    CHECK(s.cmd({"INCR", "h"}) == kWrongType);
}

TEST_CASE("arity errors") {
    Server s;
    CHECK(s.cmd({"HGET", "h"}) == arityError("hget"));
    CHECK(s.cmd({"HMGET", "h"}) == arityError("hmget"));
    CHECK(s.cmd({"HDEL", "h"}) == arityError("hdel"));
    CHECK(s.cmd({"HLEN"}) == arityError("hlen"));
    CHECK(s.cmd({"HEXISTS", "h"}) == arityError("hexists"));
    CHECK(s.cmd({"HSTRLEN", "h"}) == arityError("hstrlen"));
    CHECK(s.cmd({"HINCRBY", "h", "f"}) == arityError("hincrby"));
    CHECK(s.cmd({"HINCRBYFLOAT", "h", "f"}) == arityError("hincrbyfloat"));
    CHECK(s.cmd({"HKEYS"}) == arityError("hkeys"));
    CHECK(s.cmd({"HVALS", "h", "x"}) == arityError("hvals"));
    CHECK(s.cmd({"HGETALL"}) == arityError("hgetall"));
    CHECK(s.cmd({"HRANDFIELD"}) == arityError("hrandfield"));
    CHECK(s.cmd({"HSCAN", "h"}) == arityError("hscan"));
}

TEST_CASE("writes are seen by WATCH; reads and no-op writes are not") {
    Server s;
    s.cmd({"HSET", "h", "a", "1"});
    auto other = s.connect(7);
    CHECK(s.cmd({"WATCH", "h"}) == ok());
    other->cmd({"HGET", "h", "a"});
    other->cmd({"HSETNX", "h", "a", "2"});  // no change
    other->cmd({"HDEL", "h", "zz"});        // no change
    s.cmd({"MULTI"});
    s.cmd({"HGET", "h", "a"});
    CHECK(s.cmd({"EXEC"}) == array({bulk("1")}));
    CHECK(s.cmd({"WATCH", "h"}) == ok());
    other->cmd({"HINCRBY", "h", "a", "1"});
    s.cmd({"MULTI"});
    s.cmd({"HGET", "h", "a"});
    CHECK(s.cmd({"EXEC"}) == nilArray());
}
