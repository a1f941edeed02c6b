// Unit tests for AofManifest (Redis 7.0's manifest text) and AofDirectory (the files on disk).
#include "aof_manifest.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "aof_directory.h"

using mini_redis::AofDirectory;
using mini_redis::AofFileInfo;
using mini_redis::AofFileType;
using mini_redis::AofManifest;

namespace {

std::string parseError(std::string_view text) {
    std::string err;
    auto m = AofManifest::parse(text, &err);
    CHECK(!m);
    return err;
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/aof-manifest-test-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool exists(const std::string& path) {
    return std::filesystem::exists(path);
}

}  // namespace

TEST_CASE("what redis-server 7.0.15 writes parses, and formats back byte for byte") {
    const std::string text =
        "file appendonly.aof.2.base.aof seq 2 type b\n"
        "file appendonly.aof.2.incr.aof seq 2 type i\n";
    std::string err;
    auto m = AofManifest::parse(text, &err);
    REQUIRE(m);
    REQUIRE(m->base);
    CHECK(m->base->name == "appendonly.aof.2.base.aof");
    CHECK(m->base->seq == 2);
    REQUIRE(m->incrs.size() == 1);
    CHECK(m->incrs[0].name == "appendonly.aof.2.incr.aof");
    CHECK(m->base_seq == 2);
    CHECK(m->incr_seq == 2);
    CHECK(m->format() == text);
}

TEST_CASE("history lines, comments, CRLF, unknown keys and several incrs") {
    auto m = AofManifest::parse(
        "# a comment\n"
        "file a.1.base.rdb seq 1 type h\r\n"
        "file a.2.base.rdb seq 2 type b future 1\n"
        "file a.1.incr.aof seq 1 type i\n"
        "FILE a.3.incr.aof SEQ 3 TYPE i  \n",
        nullptr);
    REQUIRE(m);
    CHECK(m->base->name == "a.2.base.rdb");
    REQUIRE(m->history.size() == 1);
    CHECK(m->history[0].type == AofFileType::History);
    REQUIRE(m->incrs.size() == 2);
    CHECK(m->incr_seq == 3);
    // Written base first, then history, then incr, as Redis does.
    CHECK(m->format() ==
          "file a.2.base.rdb seq 2 type b\n"
          "file a.1.base.rdb seq 1 type h\n"
          "file a.1.incr.aof seq 1 type i\n"
          "file a.3.incr.aof seq 3 type i\n");
}

TEST_CASE("names with spaces and quotes are quoted as Redis writes them, and read back") {
    // Observed: appendfilename 'my "file" x.aof' gives this line.
    const std::string line = "file \"my \\\"file\\\" x.aof.3.base.rdb\" seq 3 type b\n";
    auto m = AofManifest::parse(line, nullptr);
    REQUIRE(m);
    CHECK(m->base->name == "my \"file\" x.aof.3.base.rdb");
    CHECK(m->format() == line);
    CHECK(AofManifest::quoteName("plain.aof") == "plain.aof");
    CHECK(AofManifest::quoteName("a\\b") == "\"a\\\\b\"");
    CHECK(AofManifest::quoteName(std::string("x\x01y")) == "\"x\\x01y\"");
    auto back = AofManifest::parse("file \"x\\x01y\" seq 1 type i\n", nullptr);
    REQUIRE(back);
    CHECK(back->incrs[0].name == std::string("x\x01y"));
    auto single = AofManifest::parse("file 'it''s' seq 1 type i\n", nullptr);
    CHECK(!single);  // a closing quote must be followed by a space
    auto single2 = AofManifest::parse("file 'it\\'s x' seq 1 type i\n", nullptr);
    REQUIRE(single2);
    CHECK(single2->incrs[0].name == "it's x");
}

TEST_CASE("errors name the line and what is wrong") {
    CHECK(contains(parseError("file a seq 1 type b"), "newline"));
    CHECK(contains(parseError("file a seq 1 type b\n\nfile b seq 1 type i\n"), "line 2: empty"));
    CHECK(contains(parseError("file a seq 1 type b\nfile b seq 2 type b\n"), "second base"));
    CHECK(contains(parseError("file a seq 1 type b\nfile a seq 1 type i\n"), "twice"));
    CHECK(contains(parseError("file a seq 1 type x\n"), "unknown file type 'x'"));
    CHECK(contains(parseError("file a seq 1\n"), "no file type"));
    CHECK(contains(parseError("file a type b\n"), "no sequence number"));
    CHECK(contains(parseError("seq 1 type b\n"), "no file name"));
    CHECK(contains(parseError("file a seq -2 type b\n"), "bad sequence number"));
    CHECK(contains(parseError("file a seq 2x type b\n"), "bad sequence number"));
    CHECK(contains(parseError("file a seq 1 type b extra\n"), "without a value"));
    CHECK(contains(parseError("file \"a seq 1 type b\n"), "quotes"));
    CHECK(contains(parseError("file ../a seq 1 type b\n"), "'/'"));
    CHECK(contains(parseError("file a seq 2 type i\nfile b seq 1 type i\n"),
                   "line 2: incr file b has seq 1"));
    CHECK(contains(parseError(""), "no base and no incr"));
    CHECK(contains(parseError("# only a comment\n"), "no base and no incr"));
    CHECK(contains(parseError("file h seq 1 type h\n"), "no base and no incr"));
    CHECK(contains(parseError("file " + std::string(1100, 'x') + " seq 1 type b\n"), "1024"));
}

TEST_CASE("file names") {
    CHECK(AofManifest::baseName("appendonly.aof", 1, true) == "appendonly.aof.1.base.rdb");
    CHECK(AofManifest::baseName("appendonly.aof", 12, false) == "appendonly.aof.12.base.aof");
    CHECK(AofManifest::incrName("appendonly.aof", 3) == "appendonly.aof.3.incr.aof");
    CHECK(AofManifest::manifestName("x y.aof") == "x y.aof.manifest");
}

TEST_CASE("AofDirectory: no directory is an empty manifest; a new incr is named before use") {
    TempDir tmp;
    AofDirectory dir(tmp.path + "/appendonlydir", "appendonly.aof");
    std::string err;
    REQUIRE(dir.load(&err));
    CHECK(dir.manifest().empty());
    int fd = dir.openNewIncr(&err);
    REQUIRE(fd >= 0);
    ::close(fd);
    CHECK(readFile(dir.manifestPath()) == "file appendonly.aof.1.incr.aof seq 1 type i\n");
    CHECK(exists(dir.filePath("appendonly.aof.1.incr.aof")));
    CHECK(!exists(dir.filePath("temp-appendonly.aof.manifest")));
    AofDirectory again(dir.path(), "appendonly.aof");
    REQUIRE(again.load(&err));
    CHECK(again.manifest().incr_seq == 1);
}

TEST_CASE("AofDirectory: a rewrite installs the new base and drops history files") {
    TempDir tmp;
    AofDirectory dir(tmp.path + "/d", "appendonly.aof");
    std::string err;
    REQUIRE(dir.load(&err));
    int fd = dir.openNewIncr(&err);  // start-up: incr 1
    REQUIRE(fd >= 0);
    ::close(fd);
    fd = dir.openNewIncr(&err);  // the rewrite starts: writes go to incr 2 from now on
    REQUIRE(fd >= 0);
    ::close(fd);
    CHECK(dir.manifest().incrs.size() == 2);
    const std::string temp = dir.filePath("temp-rewriteaof-bg-1.aof");
    std::ofstream(temp) << "*1\r\n$4\r\nPING\r\n";
    CHECK(dir.nextBaseName(true) == "appendonly.aof.1.base.rdb");
    REQUIRE(dir.installRewrite(temp, true, &err));
    CHECK(readFile(dir.manifestPath()) ==
          "file appendonly.aof.1.base.rdb seq 1 type b\n"
          "file appendonly.aof.2.incr.aof seq 2 type i\n");
    CHECK(!exists(dir.filePath("appendonly.aof.1.incr.aof")));
    CHECK(exists(dir.filePath("appendonly.aof.2.incr.aof")));
    CHECK(!exists(temp));
    // A second rewrite: the old base becomes history and goes.
    fd = dir.openNewIncr(&err);
    REQUIRE(fd >= 0);
    ::close(fd);
    std::ofstream(temp) << "x";
    REQUIRE(dir.installRewrite(temp, false, &err));
    CHECK(readFile(dir.manifestPath()) ==
          "file appendonly.aof.2.base.aof seq 2 type b\n"
          "file appendonly.aof.3.incr.aof seq 3 type i\n");
    CHECK(!exists(dir.filePath("appendonly.aof.1.base.rdb")));
    CHECK(!exists(dir.filePath("appendonly.aof.2.incr.aof")));
}

TEST_CASE("AofDirectory: a failed rename leaves the manifest as it was") {
    TempDir tmp;
    AofDirectory dir(tmp.path + "/d", "appendonly.aof");
    std::string err;
    REQUIRE(dir.load(&err));
    int fd = dir.openNewIncr(&err);
    REQUIRE(fd >= 0);
    ::close(fd);
    const std::string before = readFile(dir.manifestPath());
    CHECK(!dir.installRewrite(dir.filePath("no-such-temp"), true, &err));
    CHECK(contains(err, "no-such-temp") == false);  // names the target it could not make
    CHECK(contains(err, "appendonly.aof.1.base.rdb"));
    CHECK(readFile(dir.manifestPath()) == before);
}

TEST_CASE("AofDirectory: the upgrade from an old single appendonly.aof") {
    TempDir tmp;
    const std::string legacy = tmp.path + "/appendonly.aof";
    std::ofstream(legacy) << "*1\r\n$4\r\nPING\r\n";
    AofDirectory dir(tmp.path + "/appendonlydir", "appendonly.aof");
    std::string err;
    REQUIRE(dir.load(&err));
    bool upgraded = false;
    REQUIRE(dir.upgradeFromLegacy(legacy, &upgraded, &err));
    CHECK(upgraded);
    CHECK(!exists(legacy));
    CHECK(readFile(dir.filePath("appendonly.aof")) == "*1\r\n$4\r\nPING\r\n");
    CHECK(readFile(dir.manifestPath()) == "file appendonly.aof seq 1 type b\n");
    // Nothing more to do the second time.
    AofDirectory again(dir.path(), "appendonly.aof");
    REQUIRE(again.load(&err));
    REQUIRE(again.upgradeFromLegacy(legacy, &upgraded, &err));
    CHECK(!upgraded);
}

TEST_CASE("AofDirectory: a bad manifest is an error naming its path") {
    TempDir tmp;
    AofDirectory dir(tmp.path, "appendonly.aof");
    std::ofstream(dir.manifestPath()) << "file x seq 1 type q\n";
    std::string err;
    CHECK(!dir.load(&err));
    CHECK(contains(err, dir.manifestPath()));
    CHECK(contains(err, "line 1"));
}

TEST_CASE("AofDirectory: at start-up the last incr is reopened for append, else a new one made") {
    TempDir tmp;
    AofDirectory dir(tmp.path + "/d", "appendonly.aof");
    std::string err;
    REQUIRE(dir.load(&err));
    int fd = dir.openForAppend(&err);  // nothing yet: incr 1 is made and named
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, "ab", 2) == 2);
    ::close(fd);
    AofDirectory again(dir.path(), "appendonly.aof");
    REQUIRE(again.load(&err));
    fd = again.openForAppend(&err);  // the same file, appended to
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, "cd", 2) == 2);
    ::close(fd);
    CHECK(again.manifest().incrs.size() == 1);
    CHECK(readFile(dir.filePath("appendonly.aof.1.incr.aof")) == "abcd");
}
