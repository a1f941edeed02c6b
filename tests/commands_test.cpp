// Command tests: batches run through CommandExecutor against a real store, replies checked as
// raw RESP (so exact error texts and reply types are what is asserted).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "batch.h"
#include "command_executor.h"
#include "command_table.h"
#include "config.h"
#include "errors.h"
#include "server_stats.h"
#include "shared_config.h"
#include "store.h"

using namespace std::string_literals;
using namespace mini_redis;

namespace {

using Args = std::vector<std::string>;

// A type byte, a line and CRLF. (Built with append: GCC 12 warns falsely on the
// "literal" + std::string form.)
std::string line(char type, std::string_view text) {
    std::string out(1, type);
    out.append(text);
    out.append("\r\n");
    return out;
}

// Expected replies, spelled out as RESP.
std::string ok() {
    return "+OK\r\n";
}
std::string simple(std::string_view s) {
    return line('+', s);
}
std::string error(std::string_view s) {
    return line('-', s);
}
std::string integer(int64_t n) {
    return line(':', std::to_string(n));
}
std::string nil() {
    return "$-1\r\n";
}
std::string bulk(std::string_view s) {
    std::string out = line('$', std::to_string(s.size()));
    out.append(s);
    out.append("\r\n");
    return out;
}
std::string arityError(std::string_view name) {
    std::string text = "ERR wrong number of arguments for '";
    text.append(name);
    text.append("' command");
    return error(text);
}

// A parsed reply, for the commands whose replies are nested arrays.
struct Resp {
    char type = 0;  // '+', '-', ':', '$' or '*'
    bool nil = false;
    std::string text;  // simple, error or bulk
    int64_t integer = 0;
    std::vector<Resp> items;
};

Resp readReply(std::string_view in, size_t& pos) {
    REQUIRE(pos < in.size());
    Resp r;
    r.type = in[pos];
    size_t eol = in.find("\r\n", pos);
    REQUIRE(eol != std::string_view::npos);
    std::string line(in.substr(pos + 1, eol - pos - 1));
    pos = eol + 2;
    switch (r.type) {
        case '+':
        case '-':
            r.text = line;
            break;
        case ':':
            r.integer = std::stoll(line);
            break;
        case '$': {
            long long n = std::stoll(line);
            if (n < 0) {
                r.nil = true;
                break;
            }
            REQUIRE(pos + static_cast<size_t>(n) + 2 <= in.size());
            r.text = std::string(in.substr(pos, static_cast<size_t>(n)));
            REQUIRE(in.substr(pos + static_cast<size_t>(n), 2) == "\r\n");
            pos += static_cast<size_t>(n) + 2;
            break;
        }
        case '*': {
            long long n = std::stoll(line);
            if (n < 0) {
                r.nil = true;
                break;
            }
            for (long long i = 0; i < n; ++i) r.items.push_back(readReply(in, pos));
            break;
        }
        default:
            FAIL("not a RESP reply: " << in.substr(pos));
            break;
    }
    return r;
}

// Parses exactly one reply; anything left over is a failure.
Resp parseReply(std::string_view in) {
    size_t pos = 0;
    Resp r = readReply(in, pos);
    CHECK(pos == in.size());
    return r;
}

// The server core without sockets: a table, a store, the shared config, one worker's stats,
// and a session that lives across batches as the reactor keeps it.
class Server {
  public:
    explicit Server(Config config = Config{})
        : table_(CommandTable::build()),
          config_(std::move(config)),
          stats_(1),
          executor_(table_, store_, config_, stats_) {
        session_.id = 42;
        session_.peer = "127.0.0.1:40000";
    }

    // Runs the requests as one batch (one read's worth of pipelined requests); returns every
    // reply's raw bytes. The batch itself stays in last() for its flags.
    std::string run(const std::vector<Args>& requests) {
        last_.reset();
        for (const Args& request : requests) {
            for (const std::string& arg : request) last_.args.append(arg);
            last_.argc.push_back(static_cast<uint32_t>(request.size()));
        }
        last_.session = session_;
        executor_.run(last_, stats_.workers[0]);
        session_ = last_.session;
        return last_.reply;
    }
    std::string cmd(const Args& args) { return run({args}); }
    Resp parsed(const Args& args) { return parseReply(cmd(args)); }

    const Batch& last() const { return last_; }
    ClientSession& session() { return session_; }
    Store& store() { return store_; }
    SharedConfig& config() { return config_; }
    ServerStats& stats() { return stats_; }
    const CommandTable& table() const { return table_; }

  private:
    CommandTable table_;
    Store store_;
    SharedConfig config_;
    ServerStats stats_;
    CommandExecutor executor_;
    ClientSession session_;
    Batch last_;
};

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

std::vector<std::string> texts(const Resp& array) {
    std::vector<std::string> out;
    for (const Resp& item : array.items) out.push_back(item.text);
    return out;
}

// CONFIG GET's flat name/value array as a map.
std::map<std::string, std::string> pairs(const Resp& array) {
    std::map<std::string, std::string> out;
    REQUIRE(array.items.size() % 2 == 0);
    for (size_t i = 0; i < array.items.size(); i += 2) {
        out[array.items[i].text] = array.items[i + 1].text;
    }
    return out;
}

}  // namespace

TEST_CASE("unknown command: Redis's text, arguments quoted each with a trailing space") {
    Server s;
    CHECK(s.cmd({"foo", "a", "b"}) ==
          "-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n");
    CHECK(s.cmd({"foo"}) == "-ERR unknown command 'foo', with args beginning with: \r\n");
    CHECK(s.cmd({"FOO", "x"}) == "-ERR unknown command 'FOO', with args beginning with: 'x' \r\n");
    // A reply line cannot carry CR or LF: they become spaces.
    CHECK(s.cmd({"a\r\nb"}) == "-ERR unknown command 'a  b', with args beginning with: \r\n");
}

TEST_CASE("wrong arity names the command in lower case") {
    Server s;
    CHECK(s.cmd({"get"}) == "-ERR wrong number of arguments for 'get' command\r\n");
    CHECK(s.cmd({"GET", "a", "b"}) == arityError("get"));
    CHECK(s.cmd({"set", "k"}) == arityError("set"));
    CHECK(s.cmd({"echo"}) == arityError("echo"));
    CHECK(s.cmd({"mget"}) == arityError("mget"));
    CHECK(s.cmd({"ping", "a", "b"}) == arityError("ping"));
    // Nothing ran.
    CHECK(s.store().size() == 0);
}

TEST_CASE("a batch answers every request in order") {
    Server s;
    std::string reply = s.run(
        {{"SET", "k", "v"}, {"GET", "k"}, {"nope"}, {"INCR", "n"}, {"GET", "missing"}, {"PING"}});
    CHECK(reply == ok() + bulk("v") +
                       error("ERR unknown command 'nope', with args beginning with: ") +
                       integer(1) + nil() + simple("PONG"));
    CHECK(s.last().executed == 6);
    CHECK_FALSE(s.last().close_after);
    CHECK(s.stats().workers[0].commands.load() == 6);
    CHECK(s.stats().workers[0].batches.load() == 1);
}

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

TEST_CASE("PING, ECHO") {
    Server s;
    CHECK(s.cmd({"PING"}) == "+PONG\r\n");
    CHECK(s.cmd({"ping", "hello world"}) == bulk("hello world"));
    CHECK(s.cmd({"ECHO", "a\r\nb"}) == bulk("a\r\nb"));
    CHECK(s.cmd({"ECHO", ""}) == bulk(""));
}

TEST_CASE("SELECT") {
    Server s;
    CHECK(s.cmd({"SELECT", "0"}) == ok());
    CHECK(s.cmd({"SELECT", "1"}) == error("ERR DB index is out of range"));
    CHECK(s.cmd({"SELECT", "abc"}) == error("ERR value is not an integer or out of range"));
    CHECK(s.session().db == 0);
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

TEST_CASE("QUIT replies OK, closes, and nothing after it in the batch runs") {
    Server s;
    std::string reply = s.run({{"PING"}, {"QUIT"}, {"SET", "k", "v"}, {"PING"}});
    CHECK(reply == "+PONG\r\n+OK\r\n");
    CHECK(s.last().close_after);
    CHECK(s.last().executed == 2);
    CHECK(s.cmd({"EXISTS", "k"}) == integer(0));
}

TEST_CASE("HELP: one line per command") {
    Server s;
    Resp r = s.parsed({"HELP"});
    REQUIRE(r.type == '*');
    REQUIRE(r.items.size() == s.table().all().size());
    for (size_t i = 0; i < r.items.size(); ++i) {
        const CommandSpec& spec = s.table().all()[i];
        std::string upper(spec.name);
        std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
        CAPTURE(upper);
        CHECK(r.items[i].type == '+');
        CHECK(r.items[i].text.rfind(upper, 0) == 0);
        CHECK(contains(r.items[i].text, spec.summary));
    }
    CHECK(s.cmd({"HELP", "get"}) == "*1\r\n" + simple("GET key -- Get the value of a key"));
}

TEST_CASE("COMMAND, COMMAND COUNT, INFO, DOCS, LIST") {
    Server s;
    const size_t n = s.table().all().size();
    CHECK(s.cmd({"COMMAND", "COUNT"}) == integer(static_cast<int64_t>(n)));
    CHECK(s.parsed({"COMMAND"}).items.size() == n);
    CHECK(s.parsed({"COMMAND", "LIST"}).items.size() == n);

    Resp info = s.parsed({"COMMAND", "INFO", "get"});
    REQUIRE(info.items.size() == 1);
    const Resp& get = info.items[0];
    REQUIRE(get.items.size() == 10);
    CHECK(get.items[0].text == "get");
    CHECK(get.items[1].integer == 2);
    CHECK(texts(get.items[2]) == std::vector<std::string>{"readonly", "fast"});
    CHECK(get.items[3].integer == 1);
    CHECK(get.items[4].integer == 1);
    CHECK(get.items[5].integer == 1);

    Resp two = s.parsed({"COMMAND", "INFO", "MSET", "nosuch"});
    REQUIRE(two.items.size() == 2);
    CHECK(two.items[0].items[0].text == "mset");
    CHECK(two.items[0].items[1].integer == -3);
    CHECK(two.items[0].items[5].integer == 2);  // key step
    CHECK(two.items[1].nil);

    Resp docs = s.parsed({"COMMAND", "DOCS", "get"});
    REQUIRE(docs.items.size() == 2);
    CHECK(docs.items[0].text == "get");
    std::vector<std::string> fields = texts(docs.items[1]);
    REQUIRE(fields.size() == 6);
    CHECK(fields[0] == "summary");
    CHECK(fields[1] == "Get the value of a key");
    CHECK(fields[4] == "group");
    CHECK(fields[5] == "string");
    CHECK(s.parsed({"COMMAND", "DOCS"}).items.size() == 2 * n);

    CHECK(s.cmd({"COMMAND", "FOO"}) == error("ERR unknown subcommand 'FOO'. Try COMMAND HELP."));
}

TEST_CASE("CONFIG GET") {
    Server s;
    CHECK(s.cmd({"CONFIG", "GET", "port"}) == "*2\r\n" + bulk("port") + bulk("9999"));
    CHECK(s.cmd({"config", "get", "PORT"}) == "*2\r\n" + bulk("port") + bulk("9999"));
    // redis-benchmark asks for "save" and expects a pair back.
    CHECK(s.cmd({"CONFIG", "GET", "save"}) == "*2\r\n" + bulk("save") + bulk(""));
    CHECK(s.cmd({"CONFIG", "GET", "nosuch"}) == "*0\r\n");

    auto all = pairs(s.parsed({"CONFIG", "GET", "*"}));
    for (const auto& entry : Config{}.all()) {
        // Not a structured binding: CAPTURE's lambda cannot capture one before clang 16.
        const auto& name = entry.first;
        CAPTURE(name);
        REQUIRE(all.count(name) == 1);
        CHECK(all[name] == entry.second);
    }
    CHECK(all.count("save") == 1);

    auto several = pairs(s.parsed({"CONFIG", "GET", "port", "maxclients", "port"}));
    CHECK(several == std::map<std::string, std::string>{{"port", "9999"}, {"maxclients", "10000"}});
    auto proto = pairs(s.parsed({"CONFIG", "GET", "proto-*"}));
    CHECK(proto.count("proto-max-bulk-len") == 1);
    CHECK(proto.count("port") == 0);
    CHECK(s.cmd({"CONFIG", "GET"}) == arityError("config|get"));
}

TEST_CASE("CONFIG SET: live settings change; immutable ones are refused") {
    Server s;
    CHECK(s.cmd({"CONFIG", "SET", "maxclients", "50"}) == ok());
    CHECK(s.config().get()->maxclients == 50);
    CHECK(s.cmd({"CONFIG", "GET", "maxclients"}) == "*2\r\n" + bulk("maxclients") + bulk("50"));

    CHECK(s.cmd({"CONFIG", "SET", "port", "7000"}) ==
          error("ERR CONFIG SET failed (possibly related to argument 'port') - can't set "
                "immutable config"));
    CHECK(s.config().get()->port == 9999);

    std::string bad = s.cmd({"CONFIG", "SET", "maxclients", "many"});
    CHECK(bad.rfind("-ERR CONFIG SET failed (possibly related to argument 'maxclients') - ", 0) ==
          0);
    CHECK(s.cmd({"CONFIG", "SET", "nosuch", "1"}) ==
          error("ERR CONFIG SET failed (possibly related to argument 'nosuch') - Unknown option "
                "or number of arguments for CONFIG SET"));
    // All or nothing: the good half of a failed CONFIG SET is not applied.
    CHECK(s.cmd({"CONFIG", "SET", "maxclients", "60", "port", "1"}).rfind("-ERR", 0) == 0);
    CHECK(s.config().get()->maxclients == 50);
    CHECK(s.cmd({"CONFIG", "SET", "maxclients"}) == arityError("config|set"));
    CHECK(s.cmd({"CONFIG", "SET", "MaxClients", "70", "timeout", "5"}) == ok());
    CHECK(s.config().get()->maxclients == 70);
    CHECK(s.config().get()->timeout == 5);
}

// Redis applies CONFIG SET before it reads the next command, so a pipelined CONFIG GET (or
// INFO) sees the new value.
TEST_CASE("CONFIG SET is visible to the next command in the same pipeline") {
    Server s;
    std::string reply =
        s.run({{"CONFIG", "SET", "maxclients", "50"}, {"CONFIG", "GET", "maxclients"}});
    CHECK(reply == ok() + "*2\r\n" + bulk("maxclients") + bulk("50"));
}

TEST_CASE("INFO") {
    Server s;
    Resp all = s.parsed({"INFO"});
    REQUIRE(all.type == '$');
    const std::string& text = all.text;
    CHECK(contains(text, "# Server\r\n"));
    CHECK(contains(text, "redis_version:"));
    CHECK(contains(text, "# Clients\r\n"));
    CHECK(contains(text, "connected_clients:"));
    CHECK(contains(text, "# Keyspace"));
    CHECK_FALSE(contains(text, "db0:"));

    s.cmd({"MSET", "a", "1", "b", "2"});
    CHECK(contains(s.parsed({"INFO"}).text, "db0:keys=2,expires=0,avg_ttl=0\r\n"));
    CHECK(contains(s.parsed({"INFO", "keyspace"}).text, "db0:keys=2"));

    std::string server = s.parsed({"INFO", "server"}).text;
    CHECK(server.rfind("# Server\r\n", 0) == 0);
    CHECK(contains(server, "redis_version:"));
    CHECK_FALSE(contains(server, "# Keyspace"));
    CHECK_FALSE(contains(server, "# Clients"));

    // Hits and misses counted by GET reach INFO stats.
    s.cmd({"GET", "a"});
    s.cmd({"GET", "zzz"});
    std::string stats = s.parsed({"INFO", "stats"}).text;
    CHECK(contains(stats, "keyspace_hits:1\r\n"));
    CHECK(contains(stats, "keyspace_misses:1\r\n"));
}

TEST_CASE("HELLO: RESP2 by default, RESP3 on request") {
    Server s;
    for (const Args& args : {Args{"HELLO"}, Args{"HELLO", "2"}}) {
        Resp r = s.parsed(args);
        REQUIRE(r.type == '*');
        REQUIRE(r.items.size() == 14);
        CHECK(r.items[0].text == "server");
        CHECK(r.items[4].text == "proto");
        CHECK(r.items[5].type == ':');
        CHECK(r.items[5].integer == 2);
        CHECK(r.items[6].text == "id");
        CHECK(r.items[7].integer == 42);
    }
    CHECK(s.cmd({"HELLO", "4"}) == error("NOPROTO unsupported protocol version"));
    CHECK(s.cmd({"HELLO", "2", "SETNAME", "via-hello"}).rfind("*14\r\n", 0) == 0);
    CHECK(s.session().name == "via-hello");
    // HELLO 3 answers a map, already in RESP3, and switches the session.
    CHECK(s.cmd({"HELLO", "3"}).rfind("%7\r\n$6\r\nserver\r\n", 0) == 0);
    CHECK(s.session().resp == 3);
    CHECK(s.cmd({"HELLO", "2"}).rfind("*14\r\n", 0) == 0);
    CHECK(s.session().resp == 2);
}

TEST_CASE("CLIENT SETNAME, GETNAME, ID change and read the session") {
    Server s;
    CHECK(s.cmd({"CLIENT", "ID"}) == integer(42));
    CHECK(s.cmd({"CLIENT", "GETNAME"}) == nil());
    CHECK(s.cmd({"CLIENT", "SETNAME", "worker-1"}) == ok());
    CHECK(s.session().name == "worker-1");
    CHECK(s.cmd({"CLIENT", "GETNAME"}) == bulk("worker-1"));
    CHECK(s.cmd({"CLIENT", "SETNAME", "has space"}) ==
          error("ERR Client names cannot contain spaces, newlines or special characters."));
    CHECK(s.session().name == "worker-1");
    // Within one batch too: the session travels with it.
    CHECK(s.run({{"CLIENT", "SETNAME", "b"}, {"CLIENT", "GETNAME"}}) == ok() + bulk("b"));
    CHECK(s.cmd({"CLIENT", "NOPE"}) == error("ERR unknown subcommand 'NOPE'. Try CLIENT HELP."));
}

TEST_CASE("AUTH gates commands when requirepass is set") {
    Config config;
    config.requirepass = "secret";
    Server s(config);
    s.session().authenticated = false;
    CHECK(s.cmd({"GET", "k"}) == error("NOAUTH Authentication required."));
    CHECK(s.cmd({"AUTH", "wrong"}) ==
          error("WRONGPASS invalid username-password pair or user is disabled."));
    CHECK_FALSE(s.session().authenticated);
    CHECK(s.cmd({"AUTH", "secret"}) == ok());
    CHECK(s.session().authenticated);
    CHECK(s.cmd({"GET", "k"}) == nil());
}

TEST_CASE("client names: HELLO SETNAME is checked as CLIENT SETNAME is, and bounded") {
    const std::string bad_name =
        error("ERR Client names cannot contain spaces, newlines or special characters.");
    // The bound's number in the error text is the constant's.
    const std::string too_long = error(errors::kClientNameTooLong);
    CHECK(contains(too_long, std::to_string(kMaxClientNameBytes) + " bytes"));
    Server s;
    for (const std::string& name :
         {"has space"s, "new\nline"s, "cr\r"s, "tab\t"s, "nul\0x"s, "del\x7f"s, "high\xc3\xa9"s}) {
        CAPTURE(name);
        CHECK(s.cmd({"CLIENT", "SETNAME", name}) == bad_name);
        CHECK(s.cmd({"HELLO", "2", "SETNAME", name}) == bad_name);
        CHECK(s.session().name.empty());
    }
    const std::string longest(kMaxClientNameBytes, 'n');
    CHECK(s.cmd({"CLIENT", "SETNAME", longest + "n"}) == too_long);
    CHECK(s.cmd({"HELLO", "2", "SETNAME", longest + "n"}) == too_long);
    CHECK(s.session().name.empty());
    CHECK(s.cmd({"CLIENT", "SETNAME", longest}) == ok());
    CHECK(s.session().name == longest);
    CHECK(s.cmd({"HELLO", "2", "SETNAME", "~!printable#ASCII"}).rfind("*14\r\n", 0) == 0);
    CHECK(s.session().name == "~!printable#ASCII");
    // The last SETNAME wins; an empty name clears it, as in Redis.
    CHECK(s.cmd({"HELLO", "2", "SETNAME", "a", "SETNAME", "b"}).rfind("*14\r\n", 0) == 0);
    CHECK(s.session().name == "b");
    CHECK(s.cmd({"HELLO", "2", "SETNAME", ""}).rfind("*14\r\n", 0) == 0);
    CHECK(s.session().name.empty());
    // A bad name anywhere refuses the whole HELLO: an earlier good SETNAME is not applied.
    CHECK(s.cmd({"HELLO", "2", "SETNAME", "good", "SETNAME", "b d"}) == bad_name);
    CHECK(s.session().name.empty());
}

TEST_CASE("HELLO before AUTH changes nothing; with AUTH the name comes after the password") {
    Config config;
    config.requirepass = "secret";
    Server s(config);
    s.session().authenticated = false;
    const std::string noauth = s.cmd({"HELLO", "2", "SETNAME", "early"});
    CHECK(noauth.rfind("-NOAUTH HELLO must be called with the client already authenticated", 0) ==
          0);
    CHECK(s.session().name.empty());
    CHECK_FALSE(s.session().authenticated);
    // The name is checked before the password is tried (Redis's order).
    CHECK(s.cmd({"HELLO", "2", "AUTH", "default", "secret", "SETNAME", "a b"}) ==
          error("ERR Client names cannot contain spaces, newlines or special characters."));
    CHECK_FALSE(s.session().authenticated);
    // A wrong password: WRONGPASS, and neither the name nor the state changes.
    CHECK(s.cmd({"HELLO", "2", "AUTH", "default", "wrong", "SETNAME", "early"}) ==
          error("WRONGPASS invalid username-password pair or user is disabled."));
    CHECK(s.cmd({"HELLO", "2", "SETNAME", "early", "AUTH", "default", "wrong"}) ==
          error("WRONGPASS invalid username-password pair or user is disabled."));
    CHECK(s.session().name.empty());
    CHECK_FALSE(s.session().authenticated);
    // CLIENT SETNAME needs AUTH like any other command.
    CHECK(s.cmd({"CLIENT", "SETNAME", "early"}) == error("NOAUTH Authentication required."));
    CHECK(s.session().name.empty());
    // The right password, with SETNAME before or after AUTH: both apply.
    CHECK(s.cmd({"HELLO", "2", "SETNAME", "named", "AUTH", "default", "secret"})
              .rfind("*14\r\n", 0) == 0);
    CHECK(s.session().authenticated);
    CHECK(s.session().name == "named");
    CHECK(s.cmd({"CLIENT", "GETNAME"}) == bulk("named"));
}

TEST_CASE("replies past the output hard limit stop the batch") {
    Config config;
    config.output_hard_limit = 1000;
    Server s(config);
    s.cmd({"SET", "big", std::string(600, 'x')});
    std::string reply = s.run({{"GET", "big"}, {"GET", "big"}, {"SET", "after", "1"}});
    CHECK(s.last().overflow);
    CHECK(s.last().executed == 2);
    CHECK(reply.size() > 1000);
    CHECK(s.cmd({"EXISTS", "after"}) == integer(0));
}
