// The list family through the command fixture: every command, its errors and WRONGTYPE, RESP2
// and RESP3 nils, and an emptied list deleting its key.
#include "command_fixture.h"

using namespace std::string_literals;
using namespace mini_redis;
using namespace mini_redis::test;

namespace {

const std::string kWrongType = error(errors::kWrongType);
const std::string kSyntax = error("ERR syntax error");
const std::string kNotInteger = error("ERR value is not an integer or out of range");

std::string bulks(std::initializer_list<std::string_view> items) {
    std::vector<std::string> out;
    for (auto v : items) out.push_back(bulk(v));
    return array(out);
}

std::string ints(std::initializer_list<int64_t> items) {
    std::vector<std::string> out;
    for (auto v : items) out.push_back(integer(v));
    return array(out);
}

std::string range(Server& s, const std::string& key) {
    return s.cmd({"LRANGE", key, "0", "-1"});
}

}  // namespace

TEST_CASE("LPUSH, RPUSH, LPUSHX, RPUSHX, LLEN") {
    Server s;
    CHECK(s.cmd({"LPUSHX", "l", "a"}) == integer(0));
    CHECK(s.cmd({"RPUSHX", "l", "a", "b"}) == integer(0));
    CHECK(s.cmd({"EXISTS", "l"}) == integer(0));
    CHECK(s.cmd({"LLEN", "l"}) == integer(0));
    CHECK(s.cmd({"RPUSH", "l", "a", "b"}) == integer(2));
    CHECK(s.cmd({"LPUSH", "l", "c", "d"}) == integer(4));
    CHECK(range(s, "l") == bulks({"d", "c", "a", "b"}));
    CHECK(s.cmd({"LPUSHX", "l", "e"}) == integer(5));
    CHECK(s.cmd({"RPUSHX", "l", "f", ""}) == integer(7));
    CHECK(range(s, "l") == bulks({"e", "d", "c", "a", "b", "f", ""}));
    CHECK(s.cmd({"LLEN", "l"}) == integer(7));
    CHECK(s.cmd({"TYPE", "l"}) == simple("list"));
    CHECK(s.cmd({"OBJECT", "ENCODING", "l"}) == bulk("quicklist"));
    CHECK(s.cmd({"RPUSH", "l"}) == arityError("rpush"));
    CHECK(s.cmd({"LPUSHX", "l"}) == arityError("lpushx"));
    CHECK(s.cmd({"LLEN"}) == arityError("llen"));
    CHECK(s.cmd({"RPUSH", "bin", "a\0b\r\n"s}) == integer(1));
    CHECK(s.cmd({"LINDEX", "bin", "0"}) == bulk("a\0b\r\n"s));

    s.cmd({"SET", "str", "x"});
    for (const char* cmd : {"LPUSH", "RPUSH", "LPUSHX", "RPUSHX"})
        CHECK(s.cmd({cmd, "str", "a"}) == kWrongType);
    CHECK(s.cmd({"LLEN", "str"}) == kWrongType);
    CHECK(s.cmd({"GET", "str"}) == bulk("x"));
}

TEST_CASE("LPOP and RPOP, with and without a count, in RESP2 and RESP3") {
    Server s;
    CHECK(s.cmd({"LPOP", "l"}) == nil());
    CHECK(s.cmd({"RPOP", "l", "2"}) == nilArray());
    CHECK(s.cmd({"LPOP", "l", "0"}) == nilArray());
    CHECK(s.cmd({"RPUSH", "l", "a", "b", "c", "d"}) == integer(4));
    CHECK(s.cmd({"LPOP", "l"}) == bulk("a"));
    CHECK(s.cmd({"RPOP", "l"}) == bulk("d"));
    CHECK(s.cmd({"LPOP", "l", "0"}) == "*0\r\n");
    CHECK(s.cmd({"LPOP", "l", "1"}) == bulks({"b"}));
    CHECK(s.cmd({"RPOP", "l", "5"}) == bulks({"c"}));
    CHECK(s.cmd({"EXISTS", "l"}) == integer(0));  // emptied: the key is gone
    CHECK(s.cmd({"RPUSH", "l", "a", "b", "c"}) == integer(3));
    CHECK(s.cmd({"RPOP", "l", "2"}) == bulks({"c", "b"}));

    const std::string positive = error("ERR value is out of range, must be positive");
    CHECK(s.cmd({"LPOP", "l", "-1"}) == positive);
    CHECK(s.cmd({"LPOP", "l", "x"}) == positive);
    CHECK(s.cmd({"LPOP", "nokey", "-1"}) == positive);
    CHECK(s.cmd({"LPOP", "l", "1", "2"}) == arityError("lpop"));
    CHECK(s.cmd({"RPOP", "l", "1", "2"}) == arityError("rpop"));
    CHECK(s.cmd({"LPOP"}) == arityError("lpop"));
    s.cmd({"SET", "str", "x"});
    CHECK(s.cmd({"LPOP", "str"}) == kWrongType);
    CHECK(s.cmd({"RPOP", "str", "0"}) == kWrongType);
    CHECK(s.cmd({"LPOP", "str", "x"}) == positive);  // the count is parsed first

    s.cmd({"HELLO", "3"});
    CHECK(s.cmd({"LPOP", "nokey"}) == "_\r\n");
    CHECK(s.cmd({"LPOP", "nokey", "3"}) == "_\r\n");
    CHECK(s.cmd({"LPOP", "l", "0"}) == "*0\r\n");
    CHECK(s.cmd({"LPOP", "l"}) == bulk("a"));
}

TEST_CASE("LINDEX, LSET") {
    Server s;
    CHECK(s.cmd({"LINDEX", "l", "x"}) == nil());  // the key is looked up first
    CHECK(s.cmd({"LSET", "l", "x", "v"}) == error("ERR no such key"));
    CHECK(s.cmd({"LSET", "l", "0", "v"}) == error("ERR no such key"));
    s.cmd({"RPUSH", "l", "a", "b", "c"});
    CHECK(s.cmd({"LINDEX", "l", "0"}) == bulk("a"));
    CHECK(s.cmd({"LINDEX", "l", "-1"}) == bulk("c"));
    CHECK(s.cmd({"LINDEX", "l", "3"}) == nil());
    CHECK(s.cmd({"LINDEX", "l", "-4"}) == nil());
    CHECK(s.cmd({"LINDEX", "l", "x"}) == kNotInteger);
    CHECK(s.cmd({"LINDEX", "l", "99999999999999999999"}) == kNotInteger);
    CHECK(s.cmd({"LSET", "l", "1", "B"}) == ok());
    CHECK(s.cmd({"LSET", "l", "-1", "C"}) == ok());
    CHECK(s.cmd({"LSET", "l", "3", "x"}) == error("ERR index out of range"));
    CHECK(s.cmd({"LSET", "l", "-4", "x"}) == error("ERR index out of range"));
    CHECK(s.cmd({"LSET", "l", "x", "x"}) == kNotInteger);
    CHECK(range(s, "l") == bulks({"a", "B", "C"}));
    s.cmd({"SET", "str", "x"});
    CHECK(s.cmd({"LINDEX", "str", "x"}) == kWrongType);
    CHECK(s.cmd({"LSET", "str", "x", "x"}) == kWrongType);
    CHECK(s.cmd({"LINDEX", "l"}) == arityError("lindex"));
    CHECK(s.cmd({"LSET", "l", "0"}) == arityError("lset"));
}

TEST_CASE("LRANGE") {
    Server s;
    CHECK(s.cmd({"LRANGE", "l", "0", "-1"}) == "*0\r\n");
    CHECK(s.cmd({"LRANGE", "l", "x", "1"}) == kNotInteger);  // parsed before the lookup
    s.cmd({"RPUSH", "l", "a", "b", "c", "d"});
    CHECK(s.cmd({"LRANGE", "l", "1", "2"}) == bulks({"b", "c"}));
    CHECK(s.cmd({"LRANGE", "l", "-2", "100"}) == bulks({"c", "d"}));
    CHECK(s.cmd({"LRANGE", "l", "-100", "0"}) == bulks({"a"}));
    CHECK(s.cmd({"LRANGE", "l", "3", "2"}) == "*0\r\n");
    CHECK(s.cmd({"LRANGE", "l", "4", "10"}) == "*0\r\n");
    CHECK(s.cmd({"LRANGE", "l", "0", "-5"}) == "*0\r\n");
    CHECK(s.cmd({"LRANGE", "l", "-9223372036854775808", "9223372036854775807"}) ==
          bulks({"a", "b", "c", "d"}));
    CHECK(s.cmd({"LRANGE", "l", "0", "-9223372036854775808"}) == "*0\r\n");
    CHECK(s.cmd({"LRANGE", "l", "0", "y"}) == kNotInteger);
    s.cmd({"SET", "str", "x"});
    CHECK(s.cmd({"LRANGE", "str", "0", "1"}) == kWrongType);
    CHECK(s.cmd({"LRANGE", "str", "x", "1"}) == kNotInteger);
}

TEST_CASE("LINSERT") {
    Server s;
    CHECK(s.cmd({"LINSERT", "l", "BEFORE", "a", "b"}) == integer(0));
    CHECK(s.cmd({"LINSERT", "l", "middle", "a", "b"}) == kSyntax);
    s.cmd({"RPUSH", "l", "a", "b", "c"});
    CHECK(s.cmd({"LINSERT", "l", "before", "a", "z"}) == integer(4));
    CHECK(s.cmd({"LINSERT", "l", "AFTER", "c", "y"}) == integer(5));
    CHECK(s.cmd({"LINSERT", "l", "after", "q", "y"}) == integer(-1));
    CHECK(range(s, "l") == bulks({"z", "a", "b", "c", "y"}));
    s.cmd({"SET", "str", "x"});
    CHECK(s.cmd({"LINSERT", "str", "before", "a", "b"}) == kWrongType);
    CHECK(s.cmd({"LINSERT", "str", "middle", "a", "b"}) == kSyntax);
    CHECK(s.cmd({"LINSERT", "l", "before", "a"}) == arityError("linsert"));
}

TEST_CASE("LREM") {
    Server s;
    CHECK(s.cmd({"LREM", "l", "0", "a"}) == integer(0));
    CHECK(s.cmd({"LREM", "l", "x", "a"}) == kNotInteger);
    s.cmd({"RPUSH", "l", "a", "b", "a", "c", "a", "b"});
    CHECK(s.cmd({"LREM", "l", "1", "a"}) == integer(1));
    CHECK(range(s, "l") == bulks({"b", "a", "c", "a", "b"}));
    CHECK(s.cmd({"LREM", "l", "-1", "b"}) == integer(1));
    CHECK(range(s, "l") == bulks({"b", "a", "c", "a"}));
    CHECK(s.cmd({"LREM", "l", "0", "a"}) == integer(2));
    CHECK(s.cmd({"LREM", "l", "-9223372036854775808", "zz"}) == integer(0));
    CHECK(range(s, "l") == bulks({"b", "c"}));
    CHECK(s.cmd({"LREM", "l", "0", "b"}) == integer(1));
    CHECK(s.cmd({"LREM", "l", "5", "c"}) == integer(1));
    CHECK(s.cmd({"EXISTS", "l"}) == integer(0));
    s.cmd({"SET", "str", "x"});
    CHECK(s.cmd({"LREM", "str", "0", "a"}) == kWrongType);
    CHECK(s.cmd({"LREM", "str", "x", "a"}) == kNotInteger);
}

TEST_CASE("LTRIM") {
    Server s;
    CHECK(s.cmd({"LTRIM", "l", "0", "1"}) == ok());
    CHECK(s.cmd({"LTRIM", "l", "x", "1"}) == kNotInteger);
    s.cmd({"RPUSH", "l", "a", "b", "c", "d", "e"});
    CHECK(s.cmd({"LTRIM", "l", "1", "-2"}) == ok());
    CHECK(range(s, "l") == bulks({"b", "c", "d"}));
    CHECK(s.cmd({"LTRIM", "l", "-100", "100"}) == ok());
    CHECK(range(s, "l") == bulks({"b", "c", "d"}));
    CHECK(s.cmd({"LTRIM", "l", "2", "2"}) == ok());
    CHECK(range(s, "l") == bulks({"d"}));
    CHECK(s.cmd({"LTRIM", "l", "5", "1"}) == ok());
    CHECK(s.cmd({"EXISTS", "l"}) == integer(0));
    s.cmd({"SET", "str", "x"});
    CHECK(s.cmd({"LTRIM", "str", "0", "1"}) == kWrongType);
    CHECK(s.cmd({"LTRIM", "str", "0", "x"}) == kNotInteger);
}

TEST_CASE("LPOS: RANK, COUNT, MAXLEN and their errors") {
    Server s;
    CHECK(s.cmd({"LPOS", "l", "a"}) == nil());
    CHECK(s.cmd({"LPOS", "l", "a", "COUNT", "0"}) == "*0\r\n");
    s.cmd({"RPUSH", "l", "a", "b", "a", "c", "a"});
    CHECK(s.cmd({"LPOS", "l", "a"}) == integer(0));
    CHECK(s.cmd({"LPOS", "l", "z"}) == nil());
    CHECK(s.cmd({"LPOS", "l", "z", "count", "0"}) == "*0\r\n");
    CHECK(s.cmd({"LPOS", "l", "a", "COUNT", "0"}) == ints({0, 2, 4}));
    CHECK(s.cmd({"LPOS", "l", "a", "COUNT", "2"}) == ints({0, 2}));
    CHECK(s.cmd({"LPOS", "l", "a", "RANK", "-1"}) == integer(4));
    CHECK(s.cmd({"LPOS", "l", "a", "RANK", "-2", "COUNT", "0"}) == ints({2, 0}));
    CHECK(s.cmd({"LPOS", "l", "a", "RANK", "2", "MAXLEN", "3"}) == integer(2));
    CHECK(s.cmd({"LPOS", "l", "a", "RANK", "2", "MAXLEN", "2"}) == nil());
    CHECK(s.cmd({"LPOS", "l", "a", "RANK", "-1", "MAXLEN", "2", "COUNT", "5"}) == ints({4}));
    CHECK(s.cmd({"LPOS", "l", "a", "RANK", "10"}) == nil());
    CHECK(s.cmd({"LPOS", "l", "a", "RANK", "2", "RANK", "-1"}) == integer(4));
    // Redis's RANK LONG_MIN: every match, from the tail, COUNT never reached.
    CHECK(s.cmd({"LPOS", "l", "a", "RANK", "-9223372036854775808"}) == integer(4));
    CHECK(s.cmd({"LPOS", "l", "a", "RANK", "-9223372036854775808", "COUNT", "1"}) ==
          ints({4, 2, 0}));
    CHECK(s.cmd({"LPOS", "l", "a", "RANK", "-9223372036854775807", "COUNT", "1"}) == "*0\r\n");

    const std::string rank0 = error(errors::kLposRankZero);
    CHECK(s.cmd({"LPOS", "l", "a", "RANK", "0"}) == rank0);
    CHECK(s.cmd({"LPOS", "l", "a", "RANK", "x"}) == kNotInteger);
    CHECK(s.cmd({"LPOS", "l", "a", "COUNT", "-1"}) == error("ERR COUNT can't be negative"));
    CHECK(s.cmd({"LPOS", "l", "a", "COUNT", "x"}) == error("ERR COUNT can't be negative"));
    CHECK(s.cmd({"LPOS", "l", "a", "MAXLEN", "-1"}) == error("ERR MAXLEN can't be negative"));
    CHECK(s.cmd({"LPOS", "l", "a", "RANK"}) == kSyntax);
    CHECK(s.cmd({"LPOS", "l", "a", "FOO", "1"}) == kSyntax);
    CHECK(s.cmd({"LPOS", "l", "a", "RANK", "0", "COUNT", "-1"}) == rank0);  // in order
    s.cmd({"SET", "str", "x"});
    CHECK(s.cmd({"LPOS", "str", "a"}) == kWrongType);
    CHECK(s.cmd({"LPOS", "str", "a", "RANK", "0"}) == rank0);
    CHECK(s.cmd({"LPOS", "l"}) == arityError("lpos"));
}

TEST_CASE("LMOVE and RPOPLPUSH, rotation and WRONGTYPE on the destination") {
    Server s;
    CHECK(s.cmd({"LMOVE", "a", "b", "LEFT", "RIGHT"}) == nil());
    CHECK(s.cmd({"LMOVE", "a", "b", "left", "middle"}) == kSyntax);
    CHECK(s.cmd({"RPOPLPUSH", "a", "b"}) == nil());
    s.cmd({"SET", "str", "x"});
    CHECK(s.cmd({"LMOVE", "nokey", "str", "LEFT", "LEFT"}) == nil());  // source first
    s.cmd({"RPUSH", "a", "1", "2", "3"});
    CHECK(s.cmd({"LMOVE", "a", "str", "LEFT", "RIGHT"}) == kWrongType);
    CHECK(s.cmd({"LMOVE", "str", "a", "LEFT", "RIGHT"}) == kWrongType);
    CHECK(s.cmd({"RPOPLPUSH", "a", "str"}) == kWrongType);
    CHECK(range(s, "a") == bulks({"1", "2", "3"}));
    CHECK(s.cmd({"LMOVE", "a", "a", "LEFT", "RIGHT"}) == bulk("1"));
    CHECK(range(s, "a") == bulks({"2", "3", "1"}));
    CHECK(s.cmd({"LMOVE", "a", "a", "RIGHT", "RIGHT"}) == bulk("1"));
    CHECK(s.cmd({"RPOPLPUSH", "a", "a"}) == bulk("1"));
    CHECK(range(s, "a") == bulks({"1", "2", "3"}));
    CHECK(s.cmd({"LMOVE", "a", "b", "RIGHT", "LEFT"}) == bulk("3"));
    CHECK(s.cmd({"RPOPLPUSH", "a", "b"}) == bulk("2"));
    CHECK(range(s, "b") == bulks({"2", "3"}));
    CHECK(s.cmd({"LMOVE", "a", "b", "LEFT", "RIGHT"}) == bulk("1"));
    CHECK(s.cmd({"EXISTS", "a"}) == integer(0));
    CHECK(range(s, "b") == bulks({"2", "3", "1"}));
    s.cmd({"RPUSH", "one", "x"});
    CHECK(s.cmd({"LMOVE", "one", "one", "LEFT", "LEFT"}) == bulk("x"));
    CHECK(range(s, "one") == bulks({"x"}));
    CHECK(s.cmd({"LMOVE", "a", "b", "LEFT"}) == arityError("lmove"));
    CHECK(s.cmd({"RPOPLPUSH", "a"}) == arityError("rpoplpush"));
    s.cmd({"HELLO", "3"});
    CHECK(s.cmd({"LMOVE", "nokey", "b", "LEFT", "LEFT"}) == "_\r\n");
}

TEST_CASE("LMPOP") {
    Server s;
    const std::string numkeys = error("ERR numkeys should be greater than 0");
    const std::string count = error("ERR count should be greater than 0");
    CHECK(s.cmd({"LMPOP", "0", "l", "LEFT"}) == numkeys);
    CHECK(s.cmd({"LMPOP", "-1", "l", "LEFT"}) == numkeys);
    CHECK(s.cmd({"LMPOP", "x", "l", "LEFT"}) == numkeys);
    CHECK(s.cmd({"LMPOP", "2", "l", "LEFT"}) == kSyntax);
    CHECK(s.cmd({"LMPOP", "9223372036854775807", "l", "LEFT"}) == kSyntax);
    CHECK(s.cmd({"LMPOP", "1", "l", "MIDDLE"}) == kSyntax);
    CHECK(s.cmd({"LMPOP", "1", "l", "LEFT", "COUNT"}) == kSyntax);
    CHECK(s.cmd({"LMPOP", "1", "l", "LEFT", "COUNT", "0"}) == count);
    CHECK(s.cmd({"LMPOP", "1", "l", "LEFT", "COUNT", "x"}) == count);
    CHECK(s.cmd({"LMPOP", "1", "l", "LEFT", "COUNT", "1", "COUNT", "2"}) == kSyntax);
    CHECK(s.cmd({"LMPOP", "1", "l", "LEFT", "FOO"}) == kSyntax);
    CHECK(s.cmd({"LMPOP", "1", "l"}) == arityError("lmpop"));
    CHECK(s.cmd({"LMPOP", "1", "l", "LEFT"}) == nilArray());
    s.cmd({"RPUSH", "l", "a", "b", "c"});
    CHECK(s.cmd({"LMPOP", "2", "m", "l", "RIGHT", "COUNT", "2"}) ==
          array({bulk("l"), bulks({"c", "b"})}));
    CHECK(s.cmd({"LMPOP", "2", "m", "l", "left", "count", "9"}) ==
          array({bulk("l"), bulks({"a"})}));
    CHECK(s.cmd({"EXISTS", "l"}) == integer(0));
    s.cmd({"SET", "str", "x"});
    s.cmd({"RPUSH", "l", "a"});
    CHECK(s.cmd({"LMPOP", "2", "str", "l", "LEFT"}) == kWrongType);
    CHECK(s.cmd({"LMPOP", "2", "l", "str", "LEFT"}) == array({bulk("l"), bulks({"a"})}));
    CHECK(s.cmd({"LMPOP", "2", "l", "str", "LEFT"}) == kWrongType);
    s.cmd({"HELLO", "3"});
    CHECK(s.cmd({"LMPOP", "1", "l", "LEFT"}) == "_\r\n");
}

TEST_CASE("LMPOP declares its keys through find_keys, tolerating a bad numkeys") {
    Server s;
    const CommandSpec* spec = s.table().find("lmpop");
    REQUIRE(spec != nullptr);
    REQUIRE(static_cast<bool>(spec->find_keys));
    auto keys = [&](std::vector<std::string_view> argv) {
        std::vector<std::string_view> out;
        CommandTable::keysOf(*spec, argv, out);
        return out;
    };
    CHECK(keys({"lmpop", "2", "a", "b", "LEFT"}) == std::vector<std::string_view>{"a", "b"});
    CHECK(keys({"lmpop", "5", "a", "b", "LEFT"}).size() == 3);
    CHECK(keys({"lmpop", "x", "a", "LEFT"}).empty());
    CHECK(keys({"lmpop", "-1", "a", "LEFT"}).empty());
    CHECK(keys({"lmpop", "9223372036854775807", "a", "LEFT"}).size() == 2);
}

TEST_CASE("a list takes the node bound in force when it is made") {
    Server s;
    CHECK(s.cmd({"CONFIG", "SET", "list-max-listpack-size", "2"}) == ok());
    s.cmd({"RPUSH", "l", "1", "2", "3", "4", "5"});
    CHECK(s.cmd({"OBJECT", "ENCODING", "l"}) == bulk("quicklist"));
    CHECK(range(s, "l") == bulks({"1", "2", "3", "4", "5"}));
    CHECK(s.cmd({"LINSERT", "l", "AFTER", "3", "x"}) == integer(6));
    CHECK(s.cmd({"LSET", "l", "0", "y"}) == ok());
    CHECK(range(s, "l") == bulks({"y", "2", "3", "x", "4", "5"}));
    CHECK(s.cmd({"COPY", "l", "c"}) == integer(1));
    CHECK(s.cmd({"RPOP", "c", "6"}) == bulks({"5", "4", "x", "3", "2", "y"}));
    CHECK(s.cmd({"LLEN", "l"}) == integer(6));
}

TEST_CASE("list writes inside MULTI and WATCH") {
    Server s;
    auto other = s.connect(7);
    CHECK(s.cmd({"WATCH", "l"}) == ok());
    other->cmd({"RPUSH", "l", "a"});
    CHECK(s.cmd({"MULTI"}) == ok());
    s.cmd({"LPUSH", "l", "b"});
    CHECK(s.cmd({"EXEC"}) == nilArray());  // the watched key changed
    CHECK(s.cmd({"WATCH", "l"}) == ok());
    other->cmd({"LTRIM", "l", "0", "-1"});  // LTRIM counts as a change even when it drops none
    s.cmd({"MULTI"});
    s.cmd({"LPUSH", "l", "b"});
    CHECK(s.cmd({"EXEC"}) == nilArray());
    s.cmd({"MULTI"});
    s.cmd({"LPUSH", "l", "b"});
    s.cmd({"LMPOP", "1", "l", "RIGHT", "COUNT", "5"});
    CHECK(s.cmd({"EXEC"}) == array({integer(2), array({bulk("l"), bulks({"a", "b"})})}));
}

TEST_CASE("LRANGE frames elements of every length across nodes, after other replies") {
    Server s;
    CHECK(s.cmd({"CONFIG", "SET", "list-max-listpack-size", "3"}) == ok());
    std::vector<std::string> elements;
    for (size_t len : {0, 1, 9, 10, 99, 100, 126, 127, 999, 1000, 16383, 16384, 70000, 5}) {
        elements.push_back(std::string(len, static_cast<char>('a' + len % 26)));
    }
    Args push = {"RPUSH", "l"};
    push.insert(push.end(), elements.begin(), elements.end());
    s.cmd(push);
    std::vector<std::string> want;
    for (const auto& e : elements) want.push_back(bulk(e));
    CHECK(s.cmd({"LRANGE", "l", "0", "-1"}) == array(want));
    // Pipelined: the writer appends after what the batch already holds, and others after it.
    const std::string got = s.run({{"PING"}, {"LRANGE", "l", "2", "4"}, {"LLEN", "l"}});
    CHECK(got == "+PONG\r\n" + array({want[2], want[3], want[4]}) + integer(14));
}

TEST_CASE("COMMAND INFO: LMPOP's keys are movable, the others' are fixed") {
    Server s;
    Resp lmpop = s.parsed({"COMMAND", "INFO", "lmpop"});
    REQUIRE(lmpop.items.size() == 1);
    const Resp& info = lmpop.items[0];
    CHECK(info.items[1].integer == -4);
    CHECK(texts(info.items[2]) == std::vector<std::string>{"write", "movablekeys"});
    CHECK(info.items[3].integer == 0);
    CHECK(info.items[4].integer == 0);
    CHECK(info.items[5].integer == 0);
    Resp lmove = s.parsed({"COMMAND", "INFO", "lmove"});
    CHECK(lmove.items[0].items[3].integer == 1);
    CHECK(lmove.items[0].items[4].integer == 2);
    CHECK(lmove.items[0].items[5].integer == 1);
}
