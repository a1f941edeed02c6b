// The keyspace family through the command fixture: DEL UNLINK EXISTS TYPE KEYS DBSIZE
// FLUSHDB FLUSHALL, and SELECT's databases.
#include "command_fixture.h"

using namespace std::string_literals;
using namespace mini_redis;
using namespace mini_redis::test;

TEST_CASE("DEL and EXISTS") {
    Server s;
    s.cmd({"MSET", "a", "1", "b", "2"});
    CHECK(s.cmd({"EXISTS", "a"}) == integer(1));
    CHECK(s.cmd({"EXISTS", "a", "a", "b", "c"}) == integer(3));
    CHECK(s.cmd({"DEL", "a", "a", "c"}) == integer(1));
    CHECK(s.cmd({"EXISTS", "a", "b"}) == integer(1));
    CHECK(s.cmd({"UNLINK", "b"}) == integer(1));
    CHECK(s.cmd({"DEL", "b"}) == integer(0));
}

TEST_CASE("SELECT: 16 databases, each its own keyspace") {
    Server s;
    CHECK(s.cmd({"SELECT", "0"}) == ok());
    CHECK(s.cmd({"SELECT", "15"}) == ok());
    CHECK(s.session().db == 15);
    CHECK(s.cmd({"SELECT", "16"}) == error("ERR DB index is out of range"));
    CHECK(s.cmd({"SELECT", "-1"}) == error("ERR DB index is out of range"));
    CHECK(s.cmd({"SELECT", "abc"}) == error("ERR value is not an integer or out of range"));
    CHECK(s.cmd({"SELECT", "1.5"}) == error("ERR value is not an integer or out of range"));
    CHECK(s.session().db == 15);
    CHECK(s.cmd({"SET", "k", "in15"}) == ok());
    CHECK(s.cmd({"SELECT", "0"}) == ok());
    CHECK(s.cmd({"GET", "k"}) == nil());
    CHECK(s.cmd({"SET", "k", "in0"}) == ok());
    CHECK(s.cmd({"DBSIZE"}) == integer(1));
    CHECK(s.run({{"SELECT", "15"}, {"GET", "k"}, {"SELECT", "0"}, {"GET", "k"}}) ==
          ok() + bulk("in15") + ok() + bulk("in0"));
    // FLUSHDB empties the selected database only; FLUSHALL every one.
    CHECK(s.run({{"SELECT", "15"}, {"FLUSHDB"}, {"GET", "k"}, {"SELECT", "0"}, {"GET", "k"}}) ==
          ok() + ok() + nil() + ok() + bulk("in0"));
    CHECK(s.cmd({"SELECT", "3"}) == ok());
    CHECK(s.cmd({"SET", "x", "1"}) == ok());
    CHECK(s.cmd({"FLUSHALL"}) == ok());
    CHECK(s.store().size() == 0);
    // Another connection has its own selected database.
    auto other = s.connect(7);
    CHECK(other->session().db == 0);
    CHECK(s.session().db == 3);
}

TEST_CASE("DBSIZE, FLUSHDB, FLUSHALL") {
    Server s;
    CHECK(s.cmd({"DBSIZE"}) == integer(0));
    s.cmd({"MSET", "a", "1", "b", "2", "c", "3"});
    CHECK(s.cmd({"DBSIZE"}) == integer(3));
    CHECK(s.cmd({"FLUSHDB"}) == ok());
    CHECK(s.cmd({"DBSIZE"}) == integer(0));
    s.cmd({"SET", "a", "1"});
    CHECK(s.cmd({"FLUSHALL"}) == ok());
    CHECK(s.cmd({"GET", "a"}) == nil());
    CHECK(s.cmd({"FLUSHALL", "ASYNC"}) == ok());
    CHECK(s.cmd({"FLUSHDB", "sync"}) == ok());
    s.cmd({"SET", "a", "1"});
    CHECK(s.cmd({"FLUSHALL", "now"}) == error("ERR syntax error"));
    CHECK(s.cmd({"FLUSHDB", "ASYNC", "SYNC"}) == error("ERR syntax error"));
    CHECK(s.cmd({"DBSIZE"}) == integer(1));
}

TEST_CASE("TYPE") {
    Server s;
    s.cmd({"SET", "k", "v"});
    CHECK(s.cmd({"TYPE", "k"}) == "+string\r\n");
    CHECK(s.cmd({"TYPE", "missing"}) == "+none\r\n");
}

TEST_CASE("KEYS pattern") {
    Server s;
    s.cmd({"MSET", "user:1", "a", "user:2", "b", "user:10", "c", "other", "d"});
    auto sorted = [](std::vector<std::string> v) {
        std::sort(v.begin(), v.end());
        return v;
    };
    Resp r = s.parsed({"KEYS", "user:*"});
    CHECK(r.type == '*');
    CHECK(sorted(texts(r)) == std::vector<std::string>{"user:1", "user:10", "user:2"});
    CHECK(sorted(texts(s.parsed({"KEYS", "user:?"}))) ==
          std::vector<std::string>{"user:1", "user:2"});
    CHECK(s.parsed({"KEYS", "*"}).items.size() == 4);
    CHECK(s.cmd({"KEYS", "nomatch*"}) == "*0\r\n");
}

TEST_CASE("keyspace commands skip expired keys") {
    Server s;
    s.cmd({"SET", "a", "1", "PX", "10"});
    s.cmd({"SET", "b", "2"});
    CHECK(s.cmd({"EXISTS", "a", "b"}) == integer(2));
    s.clock().advance(11);  // past the expiry: at it, the key is still live
    CHECK(s.cmd({"EXISTS", "a", "b"}) == integer(1));
    CHECK(s.cmd({"TYPE", "a"}) == simple("none"));
    CHECK(s.cmd({"KEYS", "*"}) == "*1\r\n" + bulk("b"));
    CHECK(s.cmd({"DEL", "a"}) == integer(0));
    CHECK(s.cmd({"DBSIZE"}) == integer(1));
}
