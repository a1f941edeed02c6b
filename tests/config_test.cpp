// Unit tests for Config: defaults, the JSON loader and its error messages, string forms.
#include "config.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <thread>

using mini_redis::Config;
using mini_redis::LogLevel;

namespace {

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

// Loads `json` as "conf.json" into a default Config; returns the error (empty when none).
std::string loadError(const std::string& json) {
    Config c;
    auto err = Config::loadJson(json, "conf.json", c);
    return err.value_or("");
}

// A temporary file that removes itself.
struct TempFile {
    TempFile() {
        char name[] = "/tmp/mini-redis-config-test-XXXXXX";
        int fd = mkstemp(name);
        REQUIRE(fd >= 0);
        close(fd);
        path = name;
    }
    ~TempFile() { std::remove(path.c_str()); }
    void write(const std::string& text) const {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << text;
    }
    std::string path;
};

}  // namespace

TEST_CASE("defaults") {
    Config c;
    CHECK(c.bind == "127.0.0.1");
    CHECK(c.port == 9999);
    CHECK(c.workers == 0);
    CHECK(c.get("workers") == "auto");
    unsigned cpus = std::thread::hardware_concurrency();
    CHECK(c.effectiveWorkers() == static_cast<int>(cpus == 0 ? 1 : cpus));
    CHECK(c.loglevel == LogLevel::Info);
    CHECK(c.get("loglevel") == "info");
    CHECK(c.maxclients == 10000);
    CHECK(c.proto_inline_max_size == 65536);
    CHECK(c.proto_max_bulk_len == 536870912);
    CHECK(c.shutdown_timeout == 5);
    CHECK(c.get("bind") == "127.0.0.1");
    CHECK(c.get("port") == "9999");
    CHECK(c.get("maxclients") == "10000");
    CHECK(c.get("proto-inline-max-size") == "65536");
    CHECK(c.get("proto-max-bulk-len") == "536870912");
    CHECK(c.get("shutdown-timeout") == "5");
    CHECK(c.config_file.empty());
}

TEST_CASE("effectiveWorkers follows an explicit count") {
    Config c;
    REQUIRE_FALSE(c.set("workers", "3"));
    CHECK(c.effectiveWorkers() == 3);
    REQUIRE_FALSE(c.set("workers", "auto"));
    CHECK(c.workers == 0);
    CHECK(c.effectiveWorkers() >= 1);
}

TEST_CASE("loadJson with a full valid file") {
    const std::string json = R"({
        "bind": "0.0.0.0",
        "port": 7000,
        "workers": 4,
        "loglevel": "warning",
        "maxclients": 123,
        "proto-inline-max-size": 4096,
        "proto-max-bulk-len": 1048576,
        "proto-max-multibulk-len": 1000,
        "client-query-buffer-limit": 2097152,
        "shutdown-timeout": 9,
        "requirepass": "s3cret",
        "timeout": 30,
        "tcp-keepalive": 60,
        "client-output-buffer-hard-limit": 1000000,
        "client-output-buffer-soft-limit": 500000,
        "client-output-buffer-soft-seconds": 10,
        "client-output-buffer-pubsub-hard-limit": 2000000,
        "client-output-buffer-pubsub-soft-limit": 100000,
        "client-output-buffer-pubsub-soft-seconds": 5,
        "slowlog-log-slower-than": -1,
        "slowlog-max-len": 64
    })";
    Config c;
    auto err = Config::loadJson(json, "full.json", c);
    REQUIRE_MESSAGE(!err, err.value_or(""));
    CHECK(c.bind == "0.0.0.0");
    CHECK(c.port == 7000);
    CHECK(c.workers == 4);
    CHECK(c.effectiveWorkers() == 4);
    CHECK(c.loglevel == LogLevel::Warning);
    CHECK(c.maxclients == 123);
    CHECK(c.proto_inline_max_size == 4096);
    CHECK(c.proto_max_bulk_len == 1048576);
    CHECK(c.proto_max_multibulk_len == 1000);
    CHECK(c.client_query_buffer_limit == 2097152);
    CHECK(c.shutdown_timeout == 9);
    CHECK(c.requirepass == "s3cret");
    CHECK(c.timeout == 30);
    CHECK(c.tcp_keepalive == 60);
    CHECK(c.output_hard_limit == 1000000);
    CHECK(c.output_soft_limit == 500000);
    CHECK(c.output_soft_seconds == 10);
    CHECK(c.pubsub_output_hard_limit == 2000000);
    CHECK(c.pubsub_output_soft_limit == 100000);
    CHECK(c.pubsub_output_soft_seconds == 5);
    CHECK(c.slowlog_log_slower_than == -1);
    CHECK(c.slowlog_max_len == 64);
    CHECK(c.config_file == "full.json");
}

TEST_CASE("loadJson: a partial file keeps the other defaults; workers may be \"auto\"") {
    Config c;
    REQUIRE_FALSE(Config::loadJson(R"({"port": 6380, "workers": "auto"})", "p.json", c));
    CHECK(c.port == 6380);
    CHECK(c.workers == 0);
    CHECK(c.bind == "127.0.0.1");
    CHECK(c.maxclients == 10000);
    Config empty;
    REQUIRE_FALSE(Config::loadJson("{}", "e.json", empty));
    CHECK(empty.port == 9999);
}

TEST_CASE("loadJson: errors name the file, the key and what was expected") {
    SUBCASE("unknown key") {
        std::string err = loadError(R"({"prot": 6379})");
        CHECK(contains(err, "conf.json"));
        CHECK(contains(err, "unknown key 'prot'"));
        CHECK(contains(err, "port"));  // the known keys are listed
    }
    SUBCASE("wrong type") {
        std::string err = loadError(R"({"port": "6379"})");
        CHECK(err == "conf.json: key 'port': expected an integer from 1 to 65535, got \"6379\"");
        err = loadError(R"({"bind": 5})");
        CHECK(contains(err, "conf.json: key 'bind': expected a string"));
        CHECK(contains(err, "got 5"));
        for (const char* bad : {"6379.5", "true", "null", "[1]", "{}"}) {
            CAPTURE(bad);
            err = loadError(std::string(R"({"port": )") + bad + "}");
            CHECK(contains(err, "conf.json: key 'port': expected an integer from 1 to 65535"));
        }
        err = loadError(R"({"loglevel": 3})");
        CHECK(contains(err, "conf.json: key 'loglevel': expected one of"));
        err = loadError(R"({"loglevel": "loud"})");
        CHECK(contains(err, "key 'loglevel'"));
        CHECK(contains(err, "\"loud\""));
        err = loadError(R"({"workers": true})");
        CHECK(contains(err, "key 'workers': expected \"auto\" or an integer from 1 to 256"));
    }
    SUBCASE("out of range") {
        CHECK(loadError(R"({"port": 70000})") ==
              "conf.json: key 'port': expected an integer from 1 to 65535, got 70000");
        CHECK(loadError(R"({"port": 0})") ==
              "conf.json: key 'port': expected an integer from 1 to 65535, got 0");
        CHECK(loadError(R"({"port": -1})") ==
              "conf.json: key 'port': expected an integer from 1 to 65535, got -1");
        CHECK(loadError(R"({"workers": 0})") ==
              "conf.json: key 'workers': expected \"auto\" or an integer from 1 to 256, got 0");
        CHECK(loadError(R"({"workers": 1000})") ==
              "conf.json: key 'workers': expected \"auto\" or an integer from 1 to 256, got 1000");
        CHECK(loadError(R"({"maxclients": 0})") ==
              "conf.json: key 'maxclients': expected an integer from 1 to 1000000, got 0");
        CHECK(contains(loadError(R"({"workers": "many"})"), "key 'workers'"));
    }
    SUBCASE("invalid JSON syntax") {
        std::string err = loadError(R"({"port": })");
        CHECK(contains(err, "conf.json: invalid JSON"));
        err = loadError(R"({"port": 6379,})");
        CHECK(contains(err, "conf.json: invalid JSON"));
        err = loadError("");
        CHECK(contains(err, "conf.json: invalid JSON"));
    }
    SUBCASE("top level not an object") {
        CHECK(loadError("[]") == "conf.json: expected a JSON object at the top level");
        CHECK(loadError("6379") == "conf.json: expected a JSON object at the top level");
        CHECK(loadError("\"port\"") == "conf.json: expected a JSON object at the top level");
    }
}

TEST_CASE("loadJson: an unsigned value past INT64_MAX is out of range, not wrapped") {
    // nlohmann keeps 18446744073709551615 as an unsigned integer; read as int64 it is -1, which
    // slowlog-log-slower-than would take as "off". It must be rejected as out of range.
    std::string err = loadError(R"({"slowlog-log-slower-than": 18446744073709551615})");
    CHECK(contains(err, "key 'slowlog-log-slower-than'"));
    err = loadError(R"({"port": 18446744073709551615})");
    CHECK(contains(err, "key 'port'"));
}

TEST_CASE("loadJson: an error leaves the Config unchanged") {
    Config c;
    REQUIRE_FALSE(c.set("port", "1234"));
    // Keys are applied in order; maxclients is valid and comes before the bad port.
    auto err = Config::loadJson(R"({"maxclients": 5, "bind": "::1", "port": 70000})", "x.json", c);
    REQUIRE(err.has_value());
    CHECK(c.port == 1234);
    CHECK(c.maxclients == 10000);
    CHECK(c.bind == "127.0.0.1");
    CHECK(c.config_file.empty());
    // Syntax errors too.
    REQUIRE(Config::loadJson(R"({"maxclients": 5,)", "x.json", c).has_value());
    CHECK(c.maxclients == 10000);
}

TEST_CASE("loadJson accepts comments") {
    Config c;
    auto err = Config::loadJson("{\n  // the port\n  \"port\": 7001 /* inline */\n}", "c.json", c);
    REQUIRE_MESSAGE(!err, err.value_or(""));
    CHECK(c.port == 7001);
}

TEST_CASE("set() overrides from strings, as the command line does") {
    Config c;
    CHECK_FALSE(c.set("port", "6380"));
    CHECK(c.port == 6380);
    CHECK_FALSE(c.set("bind", "::1"));
    CHECK(c.bind == "::1");
    CHECK_FALSE(c.set("loglevel", "debug"));
    CHECK(c.loglevel == LogLevel::Debug);
    CHECK_FALSE(c.set("requirepass", ""));
    CHECK_FALSE(c.set("slowlog-log-slower-than", "-1"));
    CHECK(c.slowlog_log_slower_than == -1);

    auto err = c.set("port", "abc");
    REQUIRE(err);
    CHECK(*err == "key 'port': expected an integer from 1 to 65535, got 'abc'");
    CHECK(c.port == 6380);
    for (const char* bad : {"", "70000", "0", "+80", " 80", "80 ", "6379.0"}) {
        CAPTURE(bad);
        CHECK(c.set("port", bad).has_value());
        CHECK(c.port == 6380);
    }
    CHECK(c.set("bind", "").has_value());
    CHECK(c.set("workers", "0").has_value());
    CHECK(c.set("loglevel", "INFO").has_value());
    CHECK(c.set("maxclients", "0").has_value());
    err = c.set("nosuchkey", "1");
    REQUIRE(err);
    CHECK(*err == "unknown key 'nosuchkey'");
}

TEST_CASE("get() and all()") {
    Config c;
    CHECK_FALSE(c.get("nosuchkey").has_value());
    CHECK_FALSE(c.get("PORT").has_value());  // keys are lower case
    REQUIRE_FALSE(c.set("maxclients", "77"));
    CHECK(c.get("maxclients") == "77");

    auto all = c.all();
    REQUIRE(all.size() >= 10);
    CHECK(all[0].first == "bind");
    CHECK(all[1].first == "port");
    std::set<std::string> names;
    for (const auto& entry : all) {
        // Not a structured binding: CAPTURE's lambda cannot capture one before clang 16.
        const auto& name = entry.first;
        CAPTURE(name);
        CHECK(names.insert(name).second);  // each key once
        CHECK(c.get(name) == entry.second);
    }
    for (const char* key :
         {"bind", "port", "workers", "loglevel", "maxclients", "proto-inline-max-size",
          "proto-max-bulk-len", "shutdown-timeout", "requirepass", "timeout", "slowlog-max-len"}) {
        CAPTURE(key);
        CHECK(names.count(key) == 1);
    }
}

TEST_CASE("toJson round-trips through loadJson") {
    Config c;
    REQUIRE_FALSE(c.set("bind", "10.0.0.1"));
    REQUIRE_FALSE(c.set("port", "6390"));
    REQUIRE_FALSE(c.set("workers", "6"));
    REQUIRE_FALSE(c.set("loglevel", "notice"));
    REQUIRE_FALSE(c.set("requirepass", "pa\"ss\\word"));
    REQUIRE_FALSE(c.set("slowlog-log-slower-than", "-1"));

    Config back;
    auto err = Config::loadJson(c.toJson(/*hide_secrets=*/false), "round.json", back);
    REQUIRE_MESSAGE(!err, err.value_or(""));
    CHECK(back.all() == c.all());
    CHECK(back.requirepass == "pa\"ss\\word");

    // And the defaults, with workers "auto", too.
    Config defaults;
    Config back2;
    REQUIRE_FALSE(Config::loadJson(defaults.toJson(/*hide_secrets=*/false), "d.json", back2));
    CHECK(back2.all() == defaults.all());
    CHECK(back2.workers == 0);
}

TEST_CASE("secrets: requirepass never appears in an error or in the hidden JSON") {
    const std::string secret = "Hunter2-" + std::string(600, 'q');  // over the 512-byte limit
    CHECK(Config::isSecret("requirepass"));
    CHECK_FALSE(Config::isSecret("maxclients"));
    CHECK_FALSE(Config::isSecret("nosuchkey"));

    // set() (CONFIG SET, flags): the size, not the text.
    Config c;
    auto err = c.set("requirepass", secret);
    REQUIRE(err);
    CHECK_FALSE(contains(*err, "Hunter2"));
    CHECK(contains(*err, "requirepass"));
    CHECK(contains(*err, "at most 512 bytes"));
    CHECK(contains(*err, "608 bytes (not shown)"));
    // Other keys still quote what they got.
    CHECK(contains(c.set("maxclients", "abc").value_or(""), "'abc'"));

    // loadJson: a string too long, or a value of the wrong type.
    err = Config::loadJson(R"({"requirepass": ")" + secret + R"("})", "conf.json", c);
    REQUIRE(err);
    CHECK_FALSE(contains(*err, "Hunter2"));
    CHECK(contains(*err, "conf.json: key 'requirepass': expected a string of at most 512 bytes"));
    err = Config::loadJson(R"({"requirepass": 987654321})", "conf.json", c);
    REQUIRE(err);
    CHECK_FALSE(contains(*err, "987654321"));
    CHECK(contains(*err, "a JSON number (not shown)"));

    // Invalid JSON: the parser's "last read" text (here the password) is dropped; the position
    // and the reason stay.
    for (std::string text :
         {R"({"requirepass": "Hunter2-open)", R"({"requirepass": "Hunter2x" "x"})",
          "{\"requirepass\": \"Hunter2\nline\"}", R"({"requirepass": Hunter2})"}) {
        CAPTURE(text);
        err = Config::loadJson(text, "conf.json", c);
        REQUIRE(err);
        CHECK_FALSE(contains(*err, "Hunter2"));
        CHECK(contains(*err, "conf.json: invalid JSON"));
        CHECK(contains(*err, "parse error at line "));
    }
    CHECK(c.requirepass.empty());  // nothing above changed it

    // --check-config's JSON: a set password is null, an empty one stays "".
    Config plain;
    CHECK(contains(plain.toJson(/*hide_secrets=*/true), R"("requirepass": "")"));
    Config with;
    REQUIRE_FALSE(with.set("requirepass", "Hunter2"));
    std::string hidden = with.toJson(/*hide_secrets=*/true);
    CHECK_FALSE(contains(hidden, "Hunter2"));
    CHECK(contains(hidden, R"("requirepass": null)"));
    CHECK(contains(hidden, R"("port": 9999)"));
    // ...and loading that output back fails instead of setting some other password.
    Config back;
    auto back_err = Config::loadJson(hidden, "saved.json", back);
    REQUIRE(back_err);
    CHECK(contains(*back_err, "requirepass"));
    CHECK(contains(with.toJson(/*hide_secrets=*/false), "Hunter2"));
    // CONFIG GET's string form still returns it, as Redis does.
    CHECK(with.get("requirepass") == "Hunter2");
}

TEST_CASE("isLive: what can change without a restart") {
    CHECK_FALSE(Config::isLive("port"));
    CHECK_FALSE(Config::isLive("bind"));
    CHECK_FALSE(Config::isLive("workers"));
    CHECK(Config::isLive("loglevel"));
    CHECK(Config::isLive("maxclients"));
    CHECK(Config::isLive("requirepass"));
    CHECK_FALSE(Config::isLive("nosuchkey"));
}

TEST_CASE("loadFile") {
    SUBCASE("a missing file") {
        Config c;
        auto err = Config::loadFile("/nonexistent/dir/mini-redis.json", c);
        REQUIRE(err);
        CHECK(*err == "/nonexistent/dir/mini-redis.json: cannot open file");
        CHECK(c.port == 9999);
    }
    SUBCASE("a file written here") {
        TempFile file;
        file.write(R"({"port": 6401, "loglevel": "verbose"})");
        Config c;
        auto err = Config::loadFile(file.path, c);
        REQUIRE_MESSAGE(!err, err.value_or(""));
        CHECK(c.port == 6401);
        CHECK(c.loglevel == LogLevel::Verbose);
        CHECK(c.config_file == file.path);
    }
    SUBCASE("a bad file names its path") {
        TempFile file;
        file.write(R"({"port": "high"})");
        Config c;
        auto err = Config::loadFile(file.path, c);
        REQUIRE(err);
        CHECK(err->rfind(file.path + ": key 'port'", 0) == 0);
        CHECK(c.port == 9999);
    }
}

TEST_CASE("collection thresholds: Redis's defaults, and the older ziplist names as aliases") {
    Config c;
    CHECK(c.get("hash-max-listpack-entries") == "512");
    CHECK(c.get("zset-max-listpack-entries") == "128");
    CHECK(c.get("list-max-listpack-size") == "-2");
    CHECK(c.get("set-max-intset-entries") == "512");
    CHECK_FALSE(c.set("hash-max-ziplist-entries", "64").has_value());
    CHECK(c.hash_max_listpack_entries == 64);
    CHECK(c.get("hash-max-listpack-entries") == "64");
    CHECK(c.get("hash-max-ziplist-entries") == "64");
    CHECK_FALSE(c.set("list-max-listpack-size", "-6").has_value());  // any int, as Redis
    CHECK(Config::isLive("zset-max-ziplist-value"));
    bool listed = false;
    for (const auto& [name, value] : c.all()) listed = listed || name == "zset-max-ziplist-value";
    CHECK(listed);
}

TEST_CASE("RDB settings: save points in JSON and Redis's string form, yes/no booleans") {
    Config c;
    CHECK(c.save.empty());
    CHECK(c.get("save") == "");
    CHECK(c.get("rdbcompression") == "yes");
    CHECK(c.get("dbfilename") == "dump.rdb");
    CHECK_FALSE(Config::loadJson(R"({"save": [[3600, 1], [300, 100]], "rdbchecksum": false})",
                                 "t.json", c));
    CHECK(c.get("save") == "3600 1 300 100");
    CHECK(c.get("rdbchecksum") == "no");
    CHECK_FALSE(c.set("save", "60 10000"));
    REQUIRE(c.save.size() == 1);
    CHECK(c.save[0] == std::pair<int64_t, int64_t>{60, 10000});
    CHECK_FALSE(c.set("save", ""));
    CHECK(c.save.empty());
    CHECK(c.set("save", "60"));  // odd count
    CHECK(c.set("save", "a b"));
    CHECK(Config::loadJson(R"({"save": [[1]]})", "t.json", c));
    CHECK_FALSE(c.set("stop-writes-on-bgsave-error", "NO"));
    CHECK_FALSE(c.stop_writes_on_bgsave_error);
    CHECK(c.set("rdbcompression", "maybe"));
    CHECK(c.set("dbfilename", "a/b.rdb"));
    CHECK(c.set("dir", "/no/such/dir/here"));
    CHECK_FALSE(c.set("dir", "/tmp"));
    CHECK(c.get("dir") == "/tmp");
}
