// Dispatch and the server family through the command fixture: unknown commands, arity,
// batches, HELP, COMMAND, CONFIG, INFO, the output limit.
#include "command_fixture.h"

using namespace std::string_literals;
using namespace mini_redis;
using namespace mini_redis::test;

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

TEST_CASE("HELP: one line per command") {
    Server s;
    Resp r = s.parsed({"HELP"});
    REQUIRE(r.type == '*');
    REQUIRE(r.items.size() == s.table().all().size());
    for (size_t i = 0; i < r.items.size(); ++i) {
        const CommandSpec& spec = s.table().all()[i];
        std::string upper(spec.name);
        std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
        std::replace(upper.begin(), upper.end(), '|', ' ');  // "CLIENT ID ..." for client|id
        CAPTURE(upper);
        CHECK(r.items[i].type == '+');
        CHECK(r.items[i].text.rfind(upper, 0) == 0);
        CHECK(contains(r.items[i].text, spec.summary));
    }
    CHECK(s.cmd({"HELP", "get"}) == "*1\r\n" + simple("GET key -- Get the value of a key"));
}

TEST_CASE("COMMAND, COMMAND COUNT, INFO, DOCS, LIST") {
    Server s;
    // COUNT, COMMAND and DOCS cover top-level commands (subcommands nest inside them), while
    // LIST names subcommands too, as in Redis 7.0.
    const size_t all = s.table().all().size();
    const size_t n = static_cast<size_t>(std::count_if(
        s.table().all().begin(), s.table().all().end(),
        [](const CommandSpec& spec) { return !CommandTable::isSubcommand(spec); }));
    CHECK(n < all);
    CHECK(s.cmd({"COMMAND", "COUNT"}) == integer(static_cast<int64_t>(n)));
    CHECK(s.parsed({"COMMAND"}).items.size() == n);
    CHECK(s.parsed({"COMMAND", "LIST"}).items.size() == all);

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
