// Store + LockScope: keys and values, the type check, databases, whole-database operations,
// the lock-free mirrors, WATCH flags and the lock rule under threads. Expiry is in
// store_expiry_test.cpp.
#include "store.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "lock_scope.h"
#include "store_fixture.h"

using namespace std::string_literals;
using namespace mini_redis;
using namespace mini_redis::store_test;

namespace {

class Counted : public Collection {
  public:
    explicit Counted(int tag = 0) : tag(tag) { ++alive; }
    ~Counted() override { --alive; }
    size_t memoryBytes() const override { return 64; }
    std::string_view encoding() const override { return "test"; }
    Collection* clone() const override { return new Counted(tag); }
    size_t length() const override { return 1; }
    int tag;
    static inline int alive = 0;
};

// Runs `body(thread_index)` on `n` threads released together, and fails (then exits, since
// deadlocked threads cannot be joined) if they are not all done within `limit`.
template <class Body>
void runThreads(int n, Body body, std::chrono::seconds limit = std::chrono::seconds(90)) {
    std::mutex mu;
    std::condition_variable cv;
    int done = 0;
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < n; ++t) {
        threads.emplace_back([&, t] {
            while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
            body(t);
            std::lock_guard lock(mu);
            ++done;
            cv.notify_all();
        });
    }
    go.store(true, std::memory_order_release);
    {
        std::unique_lock lock(mu);
        if (!cv.wait_for(lock, limit, [&] { return done == n; })) {
            std::fprintf(stderr, "store_test: threads still running after %llds: deadlock?\n",
                         static_cast<long long>(limit.count()));
            std::_Exit(1);
        }
    }
    for (auto& th : threads) th.join();
}

}  // namespace

TEST_CASE("values are binary-safe; keys differing after a NUL are different keys") {
    Fixture f;
    set(f.store, 0, "k\0\r\nk"s, "v\0a\r\nl\0"s);
    CHECK(get(f.store, 0, "k\0\r\nk"s) == "v\0a\r\nl\0"s);
    CHECK_FALSE(get(f.store, 0, "k"s).has_value());
    CHECK_FALSE(get(f.store, 0, "k\0"s).has_value());
    set(f.store, 0, "", "");
    CHECK(get(f.store, 0, "") == std::optional<std::string>(""));
    CHECK(f.store.size() == 2);
    CHECK(f.store.dbSize(0) == 2);
}

TEST_CASE("the type check: wrong_type for another type, absent is not wrong") {
    Fixture f;
    Counted::alive = 0;
    {
        LockScope scope(f.store);
        std::string_view keys[] = {"list", "str", "none"};
        scope.lockKeys(keys);
        scope.setCollection(0, "list", ValueType::List, std::make_unique<Counted>(1));
        scope.setString(0, "str", "v");
        Lookup l = scope.find(0, "list", ValueType::String);
        CHECK_FALSE(l);
        CHECK(l.wrong_type);
        l = scope.find(0, "list", ValueType::List);
        REQUIRE(l);
        CHECK_FALSE(l.wrong_type);
        CHECK(static_cast<Counted*>(KeyTable::collection(l.entry))->tag == 1);
        l = scope.find(0, "str", ValueType::Hash);
        CHECK(l.wrong_type);
        l = scope.find(0, "none", ValueType::Hash);
        CHECK_FALSE(l);
        CHECK_FALSE(l.wrong_type);
        // A string overwrite of a collection deletes it.
        scope.setString(0, "list", "now a string");
        CHECK(Counted::alive == 0);
    }
    // An expired collection is absent, not of the wrong type, and deleted.
    {
        LockScope scope(f.store);
        std::string_view keys[] = {"set"};
        scope.lockKeys(keys);
        scope.setCollection(0, "set", ValueType::Set, std::make_unique<Counted>(2), kStart + 1);
    }
    f.clock.advance(2);  // past its expiry
    LockScope scope(f.store);
    std::string_view keys[] = {"set"};
    scope.lockKeys(keys);
    Lookup l = scope.find(0, "set", ValueType::String);
    CHECK_FALSE(l);
    CHECK_FALSE(l.wrong_type);
    CHECK(Counted::alive == 0);
}

TEST_CASE("databases are separate") {
    Fixture f;
    set(f.store, 0, "k", "zero");
    set(f.store, 5, "k", "five", kStart + 50);
    CHECK(get(f.store, 0, "k") == "zero");
    CHECK(get(f.store, 5, "k") == "five");
    CHECK_FALSE(get(f.store, 1, "k").has_value());
    CHECK(f.store.dbSize(0) == 1);
    CHECK(f.store.dbSize(5) == 1);
    CHECK(f.store.dbExpires(0) == 0);
    CHECK(f.store.dbExpires(5) == 1);
    CHECK(f.store.size() == 2);
    f.clock.advance(51);  // past db 5's expiry: its copy expires; db 0's does not
    CHECK_FALSE(get(f.store, 5, "k").has_value());
    CHECK(get(f.store, 0, "k") == "zero");
    {
        LockScope scope(f.store);
        std::string_view keys[] = {"k"};
        scope.lockKeys(keys);
        CHECK(scope.remove(0, "k"));
        CHECK_FALSE(scope.remove(0, "k"));
    }
    CHECK(f.store.size() == 0);
}

TEST_CASE("move and copy between databases keep the value and the TTL") {
    Fixture f;
    Counted::alive = 0;
    set(f.store, 0, "s", "string", kStart + 500);
    {
        LockScope scope(f.store);
        std::string_view keys[] = {"s", "c", "c2", "absent"};
        scope.lockKeys(keys);
        scope.setCollection(0, "c", ValueType::Hash, std::make_unique<Counted>(9), kStart + 700);
        CHECK(scope.move(0, "s", 3, "s"));
        CHECK(scope.find(0, "s") == nullptr);
        KeyTable::Entry* e = scope.find(3, "s");
        REQUIRE(e != nullptr);
        CHECK(KeyTable::value(e) == "string");
        CHECK(KeyTable::expireAt(e) == kStart + 500);
        CHECK_FALSE(scope.move(0, "absent", 3, "absent"));

        // A collection moves without a copy.
        Collection* original = KeyTable::collection(scope.find(0, "c"));
        CHECK(scope.move(0, "c", 4, "c"));
        CHECK(Counted::alive == 1);
        e = scope.find(4, "c");
        REQUIRE(e != nullptr);
        CHECK(KeyTable::collection(e) == original);
        CHECK(KeyTable::expireAt(e) == kStart + 700);

        // Copy clones it, under another name, keeping the TTL; the source stays.
        CHECK(scope.copy(4, "c", 7, "c2"));
        CHECK(Counted::alive == 2);
        e = scope.find(7, "c2");
        REQUIRE(e != nullptr);
        CHECK(KeyTable::collection(e) != original);
        CHECK(KeyTable::expireAt(e) == kStart + 700);
        CHECK(scope.find(4, "c") != nullptr);
        // Copy of a string, replacing what is there.
        scope.setString(8, "s", "old");
        CHECK(scope.copy(3, "s", 8, "s"));
        e = scope.find(8, "s");
        CHECK(KeyTable::value(e) == "string");
        CHECK(KeyTable::expireAt(e) == kStart + 500);
        CHECK_FALSE(scope.copy(0, "absent", 1, "absent"));
    }
    CHECK(f.store.dbSize(0) == 0);
    CHECK(f.store.dbExpires(3) == 1);
    CHECK(f.store.dbExpires(4) == 1);
    CHECK(f.store.dbExpires(7) == 1);
    CHECK(f.store.dbExpires(8) == 1);
    // They all expire on time where they landed (1 ms past the later expiry).
    f.clock.advance(701);
    CHECK_FALSE(exists(f.store, 3, "s"));
    CHECK_FALSE(exists(f.store, 4, "c"));
    CHECK_FALSE(exists(f.store, 7, "c2"));
    CHECK_FALSE(exists(f.store, 8, "s"));
    CHECK(Counted::alive == 0);
}

TEST_CASE("flushDb, flushAll, swapDb and the mirrors") {
    Fixture f;
    for (int i = 0; i < 300; ++i) set(f.store, 0, named("a", i), "v", i < 100 ? kStart + 1000 : kNoExpiry);
    for (int i = 0; i < 50; ++i) set(f.store, 2, named("b", i), "v", kStart + 1000);
    CHECK(f.store.dbSize(0) == 300);
    CHECK(f.store.dbExpires(0) == 100);
    CHECK(f.store.dbSize(2) == 50);
    CHECK(f.store.dbExpires(2) == 50);
    CHECK(f.store.usedBytes() > 0);
    {
        LockScope scope(f.store);
        scope.lockAll();
        CHECK(scope.holdsAll());
        CHECK(scope.dbSize(0) == 300);
        scope.swapDb(0, 2);
        CHECK(scope.dbSize(0) == 50);
        CHECK(scope.dbSize(2) == 300);
        CHECK(scope.find(0, "b1") != nullptr);
        CHECK(scope.find(2, "a1") != nullptr);
        CHECK(scope.find(0, "a1") == nullptr);
        scope.swapDb(3, 3);  // a no-op
    }
    CHECK(f.store.dbSize(0) == 50);
    CHECK(f.store.dbExpires(0) == 50);
    CHECK(f.store.dbSize(2) == 300);
    CHECK(f.store.dbExpires(2) == 100);
    const uint64_t changes = f.store.changes();
    {
        LockScope scope(f.store);
        scope.lockAll();
        CHECK(scope.flushDb(0) == 50);
        CHECK(scope.flushDb(0) == 0);
    }
    CHECK(f.store.changes() == changes + 50);
    CHECK(f.store.dbSize(0) == 0);
    CHECK(f.store.dbExpires(0) == 0);
    CHECK(f.store.dbSize(2) == 300);
    set(f.store, 9, "x", "y");
    {
        LockScope scope(f.store);
        scope.lockAll();
        CHECK(scope.flushAll() == 301);
    }
    CHECK(f.store.size() == 0);
    CHECK(f.store.dbExpires(2) == 0);
    CHECK(f.store.usedBytes() == 0);  // empty tables hold no memory
}

TEST_CASE("watch flags: writes, lazy expiry, flushDb only of existing keys, swapDb") {
    Fixture f;
    SUBCASE("a write, in the same database only") {
        auto flag = watch(f.store, 0, "k");
        set(f.store, 1, "k", "other db");
        set(f.store, 0, "other key", "v");
        CHECK_FALSE(flag->dirty);
        set(f.store, 0, "k", "v");
        CHECK(flag->dirty);
    }
    SUBCASE("a delete, a TTL change") {
        set(f.store, 0, "k", "v");
        auto flag = watch(f.store, 0, "k");
        {
            LockScope scope(f.store);
            std::string_view keys[] = {"k"};
            scope.lockKeys(keys);
            CHECK(scope.setExpire(0, "k", kStart + 10));
        }
        CHECK(flag->dirty);
        auto flag2 = watch(f.store, 0, "k");
        {
            LockScope scope(f.store);
            std::string_view keys[] = {"k"};
            scope.lockKeys(keys);
            CHECK(scope.remove(0, "k"));
        }
        CHECK(flag2->dirty);
    }
    SUBCASE("lazy expiry") {
        set(f.store, 0, "k", "v", kStart + 10);
        auto flag = watch(f.store, 0, "k");
        f.clock.advance(5);
        CHECK_FALSE(get(f.store, 0, "k") == std::nullopt);
        CHECK_FALSE(flag->dirty);
        f.clock.advance(6);  // past its expiry
        CHECK_FALSE(get(f.store, 0, "k").has_value());
        CHECK(flag->dirty);
    }
    SUBCASE("flushDb marks a watch only when the key was there") {
        set(f.store, 0, "present", "v");
        set(f.store, 0, "unrelated", "v");
        auto present = watch(f.store, 0, "present");
        auto absent = watch(f.store, 0, "absent");
        auto other_db = watch(f.store, 1, "present");
        LockScope scope(f.store);
        scope.lockAll();
        scope.flushDb(0);
        CHECK(present->dirty);
        CHECK_FALSE(absent->dirty);
        CHECK_FALSE(other_db->dirty);
    }
    SUBCASE("swapDb marks keys present in either database") {
        set(f.store, 0, "in0", "v");
        set(f.store, 1, "in1", "v");
        auto a = watch(f.store, 0, "in0");   // there before, gone after
        auto b = watch(f.store, 0, "in1");   // absent before, there after
        auto c = watch(f.store, 0, "none");  // in neither
        auto d = watch(f.store, 2, "in0");   // another database
        LockScope scope(f.store);
        scope.lockAll();
        scope.swapDb(0, 1);
        CHECK(a->dirty);
        CHECK(b->dirty);
        CHECK_FALSE(c->dirty);
        CHECK_FALSE(d->dirty);
    }
    SUBCASE("unwatch: a later write no longer marks it") {
        auto flag = watch(f.store, 0, "k");
        {
            LockScope scope(f.store);
            std::string_view keys[] = {"k"};
            scope.lockKeys(keys);
            scope.unwatch(0, "k", flag);
        }
        set(f.store, 0, "k", "v");
        CHECK_FALSE(flag->dirty);
    }
}

// The lock rule: multi-key scopes over overlapping keys, in any argument order, with
// whole-store scopes among them, neither deadlock nor lose an update.
TEST_CASE("transfers between counters under threads keep the total") {
    for (size_t shards : {size_t{4}, size_t{256}}) {
        CAPTURE(shards);
        Fixture f(shards);
        constexpr int kCounters = 32;
        constexpr int64_t kEach = 1000;
        for (int i = 0; i < kCounters; ++i) set(f.store, 0, named("c", i), std::to_string(kEach));
        std::atomic<int> bad_sums{0};
        auto valueOf = [](LockScope& scope, std::string_view key) {
            KeyTable::Entry* e = scope.find(0, key);
            REQUIRE(e != nullptr);
            return std::stoll(std::string(KeyTable::value(e)));
        };
        runThreads(6, [&](int t) {
            std::mt19937_64 rng(static_cast<uint64_t>(t) * 7919 + shards);
            for (int n = 0; n < 5000; ++n) {
                if (t == 0 && n % 50 == 0) {
                    // A whole-store scope sees a consistent total.
                    LockScope scope(f.store);
                    scope.lockAll();
                    int64_t sum = 0;
                    for (int i = 0; i < kCounters; ++i) sum += valueOf(scope, named("c", i));
                    if (sum != kCounters * kEach) bad_sums.fetch_add(1);
                    continue;
                }
                // Three distinct counters, in random order (the scope sorts the locks).
                std::string k[3];
                int idx[3];
                idx[0] = static_cast<int>(rng() % kCounters);
                do idx[1] = static_cast<int>(rng() % kCounters); while (idx[1] == idx[0]);
                do idx[2] = static_cast<int>(rng() % kCounters);
                while (idx[2] == idx[0] || idx[2] == idx[1]);
                for (int i = 0; i < 3; ++i) k[i] = named("c", idx[i]);
                std::string_view keys[] = {k[0], k[1], k[2]};
                LockScope scope(f.store);
                scope.lockKeys(keys);
                int64_t a = valueOf(scope, k[0]), b = valueOf(scope, k[1]), c = valueOf(scope, k[2]);
                int64_t amount = static_cast<int64_t>(rng() % 10);
                scope.setString(0, k[0], std::to_string(a - 2 * amount));
                scope.setString(0, k[1], std::to_string(b + amount));
                scope.setString(0, k[2], std::to_string(c + amount));
            }
        });
        CHECK(bad_sums.load() == 0);
        int64_t total = 0;
        for (int i = 0; i < kCounters; ++i) total += std::stoll(*get(f.store, 0, named("c", i)));
        CHECK(total == kCounters * kEach);
        CHECK(f.store.dbSize(0) == kCounters);
    }
}
