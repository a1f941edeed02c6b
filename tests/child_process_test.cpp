// Unit tests for ChildProcess: the child sees the store as it was at the fork (writes after it
// do not reach it), its exit status reaches the callback on the loop, one child at a time.
#include "child_process.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <string>

#include "lock_scope.h"

using namespace mini_redis;

namespace {

void put(Store& store, std::string_view key, std::string_view value) {
    LockScope scope(store);
    scope.lockAll();
    scope.setString(0, key, value);
}

}  // namespace

TEST_CASE("the child's result reaches the callback on the loop; one child at a time") {
    Store store(1, 4);
    EventLoop loop;
    ChildProcess child(loop, store);
    int pipefd[2];
    REQUIRE(::pipe(pipefd) == 0);
    put(store, "k", "at-fork");
    bool called = false, ok = false;
    std::string err = child.start(
        ChildProcess::Purpose::Rdb,
        [&] {
            // Wait until the parent has changed the key, then report what this copy holds.
            char c;
            if (::read(pipefd[0], &c, 1) != 1) return 2;
            std::string seen;
            store.forEachEntryHeld(0, [&](const KeyTable::Entry* e) {
                seen = std::string(KeyTable::value(e));
            });
            return seen == "at-fork" ? 0 : 1;
        },
        [&](bool result, int) {
            called = true;
            ok = result;
            loop.stop();
        });
    REQUIRE(err.empty());
    CHECK(child.running());
    CHECK(child.purpose() == ChildProcess::Purpose::Rdb);
    CHECK_FALSE(child.start(ChildProcess::Purpose::Aof, [] { return 0; }, nullptr).empty());
    put(store, "k", "after-fork");
    REQUIRE(::write(pipefd[1], "x", 1) == 1);
    loop.runAfter(std::chrono::seconds(20), [&] { loop.stop(); });
    loop.run();
    CHECK(called);
    CHECK(ok);
    CHECK_FALSE(child.running());
    ::close(pipefd[0]);
    ::close(pipefd[1]);
}

TEST_CASE("a failing child reports failure; kill() stops one without a callback") {
    Store store(1, 4);
    EventLoop loop;
    ChildProcess child(loop, store);
    bool ok = true;
    REQUIRE(child.start(ChildProcess::Purpose::Rdb, [] { return 1; },
                        [&](bool result, int) {
                            ok = result;
                            loop.stop();
                        })
                .empty());
    loop.runAfter(std::chrono::seconds(20), [&] { loop.stop(); });
    loop.run();
    CHECK_FALSE(ok);
    bool called = false;
    REQUIRE(child.start(ChildProcess::Purpose::Aof,
                        [] {
                            ::pause();
                            return 0;
                        },
                        [&](bool, int) { called = true; })
                .empty());
    child.kill();
    CHECK_FALSE(child.running());
    CHECK_FALSE(called);
}
