// AofLog: records reach the file in append order, with SELECT and MULTI/EXEC framing; the
// sync policies; switching files; a failing write (RLIMIT_FSIZE) and its recovery.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "aof_log.h"
#include "write_log.h"

using namespace mini_redis;

namespace {

std::string tempPath(const char* name) {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir != nullptr ? dir : "/tmp") + "/aof_log_test." +
           std::to_string(::getpid()) + "." + name;
}

int openAppend(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    return fd;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

ScopeLog records(int db, std::initializer_list<std::initializer_list<std::string_view>> cmds) {
    ScopeLog log;
    for (auto cmd : cmds) log.add(db, std::span<const std::string_view>(cmd.begin(), cmd.size()));
    return log;
}

// Waits (bounded) until `pred` holds: the writer thread works on its own schedule.
template <typename Pred>
bool eventually(Pred pred) {
    for (int i = 0; i < 500; ++i) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return pred();
}

}  // namespace

TEST_CASE("records reach the file in order, each database switch as a SELECT") {
    const std::string path = tempPath("order");
    AofLog log;
    CHECK_FALSE(log.active());
    CHECK(log.append(records(0, {{"SET", "a", "1"}})) == 0);  // not started: dropped
    log.start(openAppend(path), FsyncPolicy::EverySec, nullptr);
    CHECK(log.active());
    const uint64_t a = log.append(records(0, {{"SET", "a", "1"}}));
    const uint64_t b = log.append(records(0, {{"DEL", "b"}}));
    const uint64_t c = log.append(records(3, {{"SET", "k", "v"}}));
    CHECK(a < b);
    CHECK(b < c);
    CHECK(log.stop());
    const std::string want =
        "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
        "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
        "*2\r\n$3\r\nDEL\r\n$1\r\nb\r\n"
        "*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n"
        "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n";
    CHECK(slurp(path) == want);
    CHECK(c == want.size());
    ::unlink(path.c_str());
}

TEST_CASE("a transaction of several records replays as MULTI ... EXEC; of one, bare") {
    const std::string path = tempPath("multi");
    AofLog log;
    log.start(openAppend(path), FsyncPolicy::No, nullptr);
    ScopeLog tx;
    tx.setTransaction(true);
    const std::string_view set[] = {"SET", "x", "1"};
    const std::string_view incr[] = {"INCR", "y"};
    tx.add(0, set);
    tx.add(1, incr);
    log.append(tx);
    ScopeLog single;
    single.setTransaction(true);
    single.add(1, incr);
    log.append(single);
    CHECK(log.stop());
    CHECK(slurp(path) ==
          "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
          "*1\r\n$5\r\nMULTI\r\n"
          "*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\n1\r\n"
          "*2\r\n$6\r\nSELECT\r\n$1\r\n1\r\n"
          "*2\r\n$4\r\nINCR\r\n$1\r\ny\r\n"
          "*1\r\n$4\r\nEXEC\r\n"
          "*2\r\n$4\r\nINCR\r\n$1\r\ny\r\n");
    ::unlink(path.c_str());
}

TEST_CASE("appendfsync always: every append is synced, and the callback says so") {
    const std::string path = tempPath("always");
    AofLog log;
    std::atomic<int> calls{0};
    log.start(openAppend(path), FsyncPolicy::Always, [&] { ++calls; });
    uint64_t last = 0;
    for (int i = 0; i < 50; ++i) last = log.append(records(0, {{"INCR", "n"}}));
    CHECK(eventually([&] { return log.syncedSeq() >= last; }));
    CHECK(calls.load() >= 1);
    CHECK(log.writeError() == 0);
    CHECK(log.stop());
    ::unlink(path.c_str());
}

TEST_CASE("everysec: written at once, synced within about a second") {
    const std::string path = tempPath("everysec");
    AofLog log;
    log.start(openAppend(path), FsyncPolicy::EverySec, nullptr);
    const uint64_t end = log.append(records(0, {{"SET", "k", "v"}}));
    // In the page cache promptly (a kill -9 keeps it), whatever the sync schedule.
    CHECK(eventually([&] { return slurp(path).size() == end; }));
    CHECK(eventually([&] { return log.syncedSeq() == end; }));
    CHECK(log.stop());
    ::unlink(path.c_str());
}

TEST_CASE("switchFile: what was appended before goes to the old file, the rest to the new") {
    const std::string old_path = tempPath("old");
    const std::string new_path = tempPath("new");
    AofLog log;
    log.start(openAppend(old_path), FsyncPolicy::EverySec, nullptr);
    for (int i = 0; i < 1000; ++i) log.append(records(2, {{"RPUSH", "l", std::to_string(i)}}));
    log.switchFile(openAppend(new_path));
    for (int i = 1000; i < 1010; ++i) log.append(records(2, {{"RPUSH", "l", std::to_string(i)}}));
    CHECK(log.stop());
    const std::string before = slurp(old_path);
    const std::string after = slurp(new_path);
    CHECK(before.find("$3\r\n999\r\n") != std::string::npos);
    CHECK(before.find("1000") == std::string::npos);
    // The new file stands alone: it starts with its SELECT.
    CHECK(after.rfind("*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n", 0) == 0);
    CHECK(after.find("$4\r\n1000\r\n") != std::string::npos);
    CHECK(after.find("$4\r\n1009\r\n") != std::string::npos);
    ::unlink(old_path.c_str());
    ::unlink(new_path.c_str());
}

TEST_CASE("a failing write is reported, nothing is lost, and writing resumes") {
    // RLIMIT_FSIZE makes write() fail with EFBIG (SIGXFSZ ignored, as the server does), the
    // way a full disk makes it fail with ENOSPC.
    const std::string path = tempPath("efbig");
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit old{};
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &old) == 0);
    rlimit low = old;
    low.rlim_cur = 4096;
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &low) == 0);
    AofLog log;
    log.start(openAppend(path), FsyncPolicy::EverySec, nullptr);
    const std::string value(1000, 'v');
    uint64_t end = 0;
    for (int i = 0; i < 10; ++i) end = log.append(records(0, {{"SET", std::to_string(i), value}}));
    CHECK(eventually([&] { return log.writeError() == EFBIG; }));
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &old) == 0);
    CHECK(eventually([&] { return log.writeError() == 0 && log.syncedSeq() == end; }));
    CHECK(log.stop());
    const std::string file = slurp(path);
    CHECK(file.size() == end);
    for (int i = 0; i < 10; ++i) {
        CHECK(file.find("$1\r\n" + std::to_string(i) + "\r\n$1000\r\n") != std::string::npos);
    }
    ::unlink(path.c_str());
}
