// Unit tests for AofLoader: replay through the real executor (databases, MULTI/EXEC, expiry
// times past by now), torn tails cut or refused, corruption, missing files, unknown commands,
// and -LOADING for clients while loading.
#include "aof_loader.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "command_fixture.h"
#include "lock_scope.h"
#include "rdb_writer.h"
#include "resp_command.h"

using namespace mini_redis;
using mini_redis::test::Args;

namespace {

// A command as the AOF records it.
std::string cmd(const std::vector<std::string>& args) {
    return test::respCommand(args);
}

// An RDB snapshot (as SAVE writes it) of a store the commands `cmds` built.
std::string rdbImage(std::initializer_list<Args> cmds) {
    test::Server source;
    for (const Args& c : cmds) source.cmd(c);
    LockScope all(source.store());
    all.lockAll();
    return rdbBytes(source.store(), RdbOptions());
}

struct Fixture {
    std::string root;
    test::Server server;
    Fixture() {
        char tmpl[] = "/tmp/aof-loader-test-XXXXXX";
        root = ::mkdtemp(tmpl);
        std::filesystem::create_directory(root + "/aof");
    }
    ~Fixture() { std::filesystem::remove_all(root); }

    void write(const std::string& name, const std::string& bytes) {
        std::ofstream(root + "/aof/" + name, std::ios::binary) << bytes;
    }
    void manifest(const std::string& text) { write("appendonly.aof.manifest", text); }
    uint64_t size(const std::string& name) {
        return std::filesystem::file_size(root + "/aof/" + name);
    }

    AofLoadResult load(bool load_truncated = true) {
        AofDirectory dir(root + "/aof", "appendonly.aof");
        AofLoader loader(server.table(), server.executor(), server.store(), server.stats().loading);
        server.store().setLoading(true);
        AofLoadResult r = loader.load(dir, root + "/appendonly.aof", load_truncated);
        server.store().setLoading(false);
        return r;
    }
};

const char* kTwoFiles =
    "file appendonly.aof.1.base.aof seq 1 type b\n"
    "file appendonly.aof.1.incr.aof seq 1 type i\n";

}  // namespace

TEST_CASE("base then incr, several databases, a transaction") {
    Fixture f;
    f.manifest(kTwoFiles);
    f.write("appendonly.aof.1.base.aof", cmd({"SELECT", "0"}) + cmd({"SET", "a", "1"}) +
                                             cmd({"SELECT", "3"}) + cmd({"RPUSH", "l", "x", "y"}));
    // The incr file starts in database 0 again (each file gets a fresh client, as in Redis).
    f.write("appendonly.aof.1.incr.aof", cmd({"INCR", "a"}) + cmd({"MULTI"}) + cmd({"INCR", "a"}) +
                                             cmd({"SADD", "s", "m"}) + cmd({"EXEC"}));
    AofLoadResult r = f.load();
    REQUIRE_MESSAGE(r.ok, r.error);
    CHECK(r.found);
    CHECK(r.commands == 9);
    CHECK(f.server.cmd({"GET", "a"}) == test::bulk("3"));
    CHECK(f.server.cmd({"SCARD", "s"}) == test::integer(1));
    CHECK(f.server.cmd({"SELECT", "3"}) == test::ok());
    CHECK(f.server.cmd({"LLEN", "l"}) == test::integer(2));
}

TEST_CASE("expiry times past by now are replayed as they were written, then expire") {
    Fixture f;
    f.manifest("file appendonly.aof.1.incr.aof seq 1 type i\n");
    const std::string past = std::to_string(f.server.nowMs() - 60000);
    // When written, k was alive when APPEND ran: replay must not expire it in between.
    f.write("appendonly.aof.1.incr.aof", cmd({"SET", "k", "v"}) + cmd({"PEXPIREAT", "k", past}) +
                                             cmd({"APPEND", "k", "w"}) + cmd({"SET", "keep", "1"}));
    AofLoadResult r = f.load();
    REQUIRE_MESSAGE(r.ok, r.error);
    CHECK(f.server.cmd({"EXISTS", "k"}) == test::integer(0));  // expired once loading is over
    CHECK(f.server.cmd({"GET", "keep"}) == test::bulk("1"));
}

TEST_CASE("a torn last command is cut off, and the file truncated there") {
    Fixture f;
    f.manifest(kTwoFiles);
    f.write("appendonly.aof.1.base.aof", cmd({"SET", "a", "1"}));
    const std::string good = cmd({"SET", "b", "2"});
    f.write("appendonly.aof.1.incr.aof", good + cmd({"SET", "c", "3"}).substr(0, 9));
    AofLoadResult r = f.load();
    REQUIRE_MESSAGE(r.ok, r.error);
    CHECK(r.truncated);
    CHECK(f.size("appendonly.aof.1.incr.aof") == good.size());
    CHECK(f.server.cmd({"GET", "b"}) == test::bulk("2"));
    CHECK(f.server.cmd({"EXISTS", "c"}) == test::integer(0));
}

TEST_CASE("a MULTI without its EXEC at the end is cut at the MULTI, nothing of it applied") {
    Fixture f;
    f.manifest("file appendonly.aof.1.incr.aof seq 1 type i\n");
    const std::string good = cmd({"SET", "a", "1"});
    f.write("appendonly.aof.1.incr.aof", good + cmd({"MULTI"}) + cmd({"SET", "a", "2"}));
    AofLoadResult r = f.load();
    REQUIRE_MESSAGE(r.ok, r.error);
    CHECK(f.size("appendonly.aof.1.incr.aof") == good.size());
    CHECK(f.server.cmd({"GET", "a"}) == test::bulk("1"));
}

TEST_CASE("a torn tail refuses with aof-load-truncated no, and nothing is cut") {
    Fixture f;
    f.manifest("file appendonly.aof.1.incr.aof seq 1 type i\n");
    const std::string good = cmd({"SET", "a", "1"});
    f.write("appendonly.aof.1.incr.aof", good + "*3\r\n$3\r\nSE");
    AofLoadResult r = f.load(false);
    CHECK(!r.ok);
    CHECK(r.error.find("appendonly.aof.1.incr.aof") != std::string::npos);
    CHECK(r.error.find("offset " + std::to_string(good.size())) != std::string::npos);
    CHECK(f.size("appendonly.aof.1.incr.aof") == good.size() + 10);
}

TEST_CASE("a torn file that is not the last one refuses") {
    Fixture f;
    f.manifest(kTwoFiles);
    f.write("appendonly.aof.1.base.aof", cmd({"SET", "a", "1"}) + "*2\r\n");
    f.write("appendonly.aof.1.incr.aof", cmd({"SET", "b", "1"}));
    AofLoadResult r = f.load();
    CHECK(!r.ok);
    CHECK(r.error.find("not the last file") != std::string::npos);
}

TEST_CASE("corruption refuses, naming file and offset") {
    Fixture f;
    f.manifest("file appendonly.aof.1.incr.aof seq 1 type i\n");
    const std::string a = cmd({"SET", "a", "1"});
    f.write("appendonly.aof.1.incr.aof", a + "?" + cmd({"SET", "b", "1"}));
    AofLoadResult r = f.load();
    CHECK(!r.ok);
    CHECK(r.error.find("appendonly.aof.1.incr.aof is corrupt at offset " +
                       std::to_string(a.size())) != std::string::npos);
}

TEST_CASE("a file the manifest names that is missing refuses") {
    Fixture f;
    f.manifest(kTwoFiles);
    f.write("appendonly.aof.1.base.aof", cmd({"SET", "a", "1"}));
    AofLoadResult r = f.load();
    CHECK(!r.ok);
    CHECK(r.error.find("appendonly.aof.1.incr.aof") != std::string::npos);
    CHECK(r.error.find("does not exist") != std::string::npos);
    CHECK(f.server.cmd({"DBSIZE"}) == test::integer(0));  // nothing loaded
}

TEST_CASE("an unknown command refuses") {
    Fixture f;
    f.manifest("file appendonly.aof.1.incr.aof seq 1 type i\n");
    f.write("appendonly.aof.1.incr.aof", cmd({"SET", "a", "1"}) + cmd({"NOSUCHCMD", "x"}));
    AofLoadResult r = f.load();
    CHECK(!r.ok);
    CHECK(r.error.find("unknown command 'NOSUCHCMD'") != std::string::npos);
}

TEST_CASE("no manifest: nothing to load") {
    Fixture f;
    AofLoadResult r = f.load();
    CHECK(r.ok);
    CHECK(!r.found);
}

TEST_CASE("a base written with the RDB preamble loads whole") {
    Fixture f;
    f.manifest("file appendonly.aof.1.base.rdb seq 1 type b\n");
    f.write("appendonly.aof.1.base.rdb", rdbImage({{"SET", "a", "1"}, {"RPUSH", "l", "x", "y"}}));
    AofLoadResult r = f.load();
    REQUIRE(r.ok);
    CHECK(f.server.cmd({"GET", "a"}) == test::bulk("1"));
    CHECK(f.server.cmd({"LLEN", "l"}) == test::integer(2));
}

TEST_CASE("an old single AOF: the RDB preamble, then the commands written after it") {
    Fixture f;
    const std::string tail = cmd({"SET", "a", "2"}) + cmd({"RPUSH", "l", "z"});
    std::ofstream(f.root + "/appendonly.aof", std::ios::binary)
        << rdbImage({{"SET", "a", "1"}, {"RPUSH", "l", "x", "y"}}) + tail;
    AofLoadResult r = f.load();
    REQUIRE(r.ok);
    CHECK(r.commands == 2);
    CHECK(f.server.cmd({"GET", "a"}) == test::bulk("2"));
    CHECK(f.server.cmd({"LRANGE", "l", "0", "-1"}) ==
          test::array({test::bulk("x"), test::bulk("y"), test::bulk("z")}));
}

TEST_CASE("a torn command after an RDB preamble is cut where it starts") {
    Fixture f;
    const std::string image = rdbImage({{"SET", "a", "1"}});
    const std::string whole = cmd({"SET", "b", "2"});
    f.manifest("file appendonly.aof.1.base.rdb seq 1 type b\n");
    f.write("appendonly.aof.1.base.rdb", image + whole + "*3\r\n$3\r\nSET\r\n$1");
    AofLoadResult r = f.load();
    REQUIRE(r.ok);
    CHECK(f.size("appendonly.aof.1.base.rdb") == image.size() + whole.size());
    CHECK(f.server.cmd({"GET", "a"}) == test::bulk("1"));
    CHECK(f.server.cmd({"GET", "b"}) == test::bulk("2"));
}

TEST_CASE("while loading, clients get -LOADING except for commands flagged loading") {
    test::Server server;
    server.stats().loading.active.store(true);
    CHECK(server.cmd({"GET", "a"}) == test::error(errors::kLoading));
    CHECK(server.cmd({"PING"}) == test::error(errors::kLoading));
    CHECK(server.cmd({"SELECT", "1"}) == test::ok());
    CHECK(server.run({{"MULTI"}, {"SET", "a", "1"}, {"EXEC"}}) ==
          test::ok() + test::error(errors::kLoading) +
              test::error("EXECABORT Transaction discarded because of previous errors."));
    server.stats().loading.active.store(false);
    CHECK(server.cmd({"PING"}) == test::simple("PONG"));
}

TEST_CASE("a crash at any step of a rewrite leaves a directory that loads the same data") {
    Fixture writer;
    AofDirectory dir(writer.root + "/aof", "appendonly.aof");
    std::string err;
    REQUIRE(dir.load(&err));
    auto append = [](int fd, const std::string& bytes) {
        REQUIRE(::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
        ::close(fd);
    };
    // Before: a base and one incr.
    writer.write("appendonly.aof.1.base.aof", cmd({"SET", "a", "1"}));
    AofManifest m;
    m.base = AofFileInfo{"appendonly.aof.1.base.aof", 1, AofFileType::Base};
    m.base_seq = 1;
    REQUIRE(dir.persist(m, &err));
    int fd = dir.openNewIncr(&err);
    REQUIRE(fd >= 0);
    append(fd, cmd({"SET", "b", "2"}));

    // Each state a crash can leave is copied and loaded on its own.
    auto loadsAll = [&](const char* state) {
        CAPTURE(state);
        Fixture reader;
        std::filesystem::remove_all(reader.root + "/aof");
        std::filesystem::copy(writer.root + "/aof", reader.root + "/aof");
        AofLoadResult r = reader.load();
        REQUIRE_MESSAGE(r.ok, r.error);
        CHECK(reader.server.cmd({"GET", "a"}) == test::bulk("1"));
        CHECK(reader.server.cmd({"GET", "b"}) == test::bulk("2"));
        CHECK(reader.server.cmd({"GET", "c"}) == test::bulk("3"));
    };
    // The rewrite starts: new writes go to a new incr, named in the manifest first.
    fd = dir.openNewIncr(&err);
    REQUIRE(fd >= 0);
    append(fd, cmd({"SET", "c", "3"}));
    loadsAll("new incr opened");
    // The child's snapshot, in a temp file of the directory.
    const std::string temp = dir.filePath("temp-rewriteaof-bg-1.aof");
    std::ofstream(temp, std::ios::binary) << cmd({"SET", "a", "1"}) + cmd({"SET", "b", "2"});
    loadsAll("temp base written");
    // installRewrite's steps one by one: the rename, then the manifest, then the deletes.
    const std::string base = dir.filePath(dir.nextBaseName(false));
    std::filesystem::copy_file(temp, base);
    loadsAll("new base renamed, manifest not switched");
    std::filesystem::remove(base);
    SUBCASE("installRewrite in one go") {
        REQUIRE(dir.installRewrite(temp, false, &err));
        loadsAll("rewrite installed");
    }
    SUBCASE("the manifest switched, the history files not yet deleted") {
        std::filesystem::rename(temp, base);
        AofManifest next = dir.manifest();
        AofFileInfo old_base = *next.base;
        old_base.type = AofFileType::History;
        AofFileInfo old_incr = next.incrs.front();
        old_incr.type = AofFileType::History;
        next.history = {old_base, old_incr};
        next.incrs.erase(next.incrs.begin());
        next.base = AofFileInfo{dir.nextBaseName(false), 2, AofFileType::Base};
        next.base_seq = 2;
        REQUIRE(dir.persist(next, &err));
        loadsAll("manifest switched, history kept");
        REQUIRE(dir.deleteHistory(&err));
        CHECK(!std::filesystem::exists(dir.filePath("appendonly.aof.1.base.aof")));
        loadsAll("history deleted");
    }
    CHECK(dir.manifest().incrs.size() == 1);
    CHECK(dir.manifest().history.empty());
    CHECK(dir.manifest().base->name == "appendonly.aof.2.base.aof");
}
