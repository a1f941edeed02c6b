// Unit tests for AofReader: whole files, a cut at every byte, corruption, transactions.
#include "aof_reader.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "resp_command.h"

using mini_redis::AofReader;
using Status = AofReader::Status;

namespace {

// A command as the AOF records it.
std::string cmd(const std::vector<std::string>& args) {
    return mini_redis::test::respCommand(args);
}

struct Result {
    std::vector<std::vector<std::string>> commands;
    std::vector<uint64_t> offsets;
    Status status = Status::End;
    uint64_t problem_offset = 0;
    std::string problem;
};

Result readAll(std::string_view bytes) {
    AofReader r;
    r.openBytes(bytes);
    Result res;
    std::vector<std::string_view> argv;
    uint64_t at = 0;
    while (true) {
        Status s = r.next(argv, &at);
        if (s != Status::Command) {
            res.status = s;
            res.problem_offset = r.problemOffset();
            res.problem = r.problem();
            return res;
        }
        res.commands.emplace_back(argv.begin(), argv.end());
        res.offsets.push_back(at);
    }
}

}  // namespace

TEST_CASE("a whole file: every command with its offset, annotations skipped") {
    const std::string a = cmd({"SELECT", "0"});
    const std::string b = cmd({"set", "k", std::string("v\r\n\0x", 5)});
    const std::string file = a + "#TS:1700000000\r\n" + b;
    Result res = readAll(file);
    CHECK(res.status == Status::End);
    REQUIRE(res.commands.size() == 2);
    CHECK(res.commands[0] == std::vector<std::string>{"SELECT", "0"});
    CHECK(res.commands[1][2] == std::string("v\r\n\0x", 5));
    CHECK(res.offsets[0] == 0);
    CHECK(res.offsets[1] == a.size() + 16);
}

TEST_CASE("an empty file is a clean end") {
    CHECK(readAll("").status == Status::End);
}

TEST_CASE("a cut at every byte boundary is a torn tail at the last whole command") {
    // Commands, a transaction, and an annotation: the cut may land anywhere.
    std::vector<std::string> parts = {
        cmd({"SELECT", "0"}),
        cmd({"SET", "a", "1"}),
        cmd({"MULTI"}),
        cmd({"INCR", "a"}),
        cmd({"RPUSH", "l", "x", "yy"}),
        cmd({"EXEC"}),
        "#TS:1700000000\r\n",
        cmd({"DEL", "a"}),
    };
    std::string file;
    std::vector<size_t> ends;  // where each part ends
    for (const auto& p : parts) {
        file += p;
        ends.push_back(file.size());
    }
    const size_t multi_start = ends[1];
    const size_t exec_end = ends[5];
    for (size_t cut = 0; cut <= file.size(); ++cut) {
        CAPTURE(cut);
        Result res = readAll(std::string_view(file).substr(0, cut));
        // The last boundary at or before the cut.
        size_t good = 0;
        size_t whole = 0;
        for (size_t i = 0; i < ends.size(); ++i) {
            if (ends[i] <= cut) {
                good = ends[i];
                ++whole;
            }
        }
        const bool inside_multi = cut > multi_start && cut < exec_end;
        if (inside_multi) {
            CHECK(res.status == Status::Torn);
            CHECK(res.problem_offset == multi_start);
        } else if (cut == good) {
            CHECK(res.status == Status::End);
        } else {
            CHECK(res.status == Status::Torn);
            CHECK(res.problem_offset == good);
        }
        // Whole commands are all handed out (an annotation is not a command).
        size_t expected = whole - (cut >= ends[6] ? 1 : 0);
        CHECK(res.commands.size() == expected);
    }
}

TEST_CASE("bad bytes before the tail are corruption, at the bad byte's offset") {
    const std::string a = cmd({"SET", "a", "1"});
    const std::string b = cmd({"SET", "b", "2"});
    SUBCASE("a stray byte between commands") {
        Result res = readAll(a + "x" + b);
        CHECK(res.status == Status::Corrupt);
        CHECK(res.problem_offset == a.size());
        CHECK(res.problem.find("expected '*'") != std::string::npos);
        CHECK(res.commands.size() == 1);
    }
    SUBCASE("a wrong length (no CRLF where the argument ends)") {
        std::string bad = a;
        bad.replace(a.find("$1\r\na"), 2, "$2");
        Result res = readAll(bad + b);
        CHECK(res.status == Status::Corrupt);
        CHECK(res.problem_offset == bad.find("$2\r\na") + 4 + 2);
    }
    SUBCASE("a letter in a count") {
        std::string bad = "*3\r\n$3\r\nSET\r\n$x\r\n";
        Result res = readAll(bad + b);
        CHECK(res.status == Status::Corrupt);
        CHECK(res.problem_offset == 14);
    }
    SUBCASE("zero arguments") {
        Result res = readAll(a + "*0\r\n" + b);
        CHECK(res.status == Status::Corrupt);
        CHECK(res.problem_offset == a.size());
    }
    SUBCASE("NUL bytes at the end (a tail of zeros) are corruption, not a torn command") {
        Result res = readAll(a + std::string(8, '\0'));
        CHECK(res.status == Status::Corrupt);
        CHECK(res.problem_offset == a.size());
    }
}

TEST_CASE("a file on disk is mapped; an RDB preamble is recognised") {
    char tmpl[] = "/tmp/aof-reader-test-XXXXXX";
    std::string dir = ::mkdtemp(tmpl);
    const std::string path = dir + "/x.aof";
    std::ofstream(path, std::ios::binary) << cmd({"PING"});
    AofReader r;
    std::string err;
    REQUIRE(r.open(path, &err));
    CHECK(!r.isRdb());
    std::vector<std::string_view> argv;
    CHECK(r.next(argv, nullptr) == Status::Command);
    CHECK(argv[0] == "PING");
    CHECK(r.next(argv, nullptr) == Status::End);
    std::ofstream(path, std::ios::binary) << "REDIS0009";
    REQUIRE(r.open(path, &err));
    CHECK(r.isRdb());
    CHECK(!r.open(dir + "/missing.aof", &err));
    CHECK(err.find("missing.aof") != std::string::npos);
    std::filesystem::remove_all(dir);
}
