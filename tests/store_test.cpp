// Store + LockScope: lazy expiry, the type check, databases, whole-database operations, the
// lock-free mirrors, WATCH flags, the lock rule under threads, and the expire cycle's step.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "store.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "clock.h"
#include "lock_scope.h"

using namespace std::string_literals;
using namespace mini_redis;

namespace {

constexpr int64_t kStart = 1'700'000'000'000;

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

// A store on a clock the test moves.
struct Fixture {
    explicit Fixture(size_t shards = 256) : store(16, shards, KeyHash::process(), clock) {}
    ManualClock clock{kStart};
    Store store;
};

// One-key operations, each in its own scope as a command would run.
void set(Store& store, int db, std::string_view key, std::string_view value,
         int64_t at = kNoExpiry) {
    LockScope scope(store);
    std::string_view keys[] = {key};
    scope.lockKeys(keys);
    scope.setString(db, key, value, at);
}
std::optional<std::string> get(Store& store, int db, std::string_view key) {
    LockScope scope(store);
    std::string_view keys[] = {key};
    scope.lockKeys(keys);
    Lookup l = scope.find(db, key, ValueType::String);
    if (!l) return std::nullopt;
    return std::string(KeyTable::value(l.entry));
}
bool exists(Store& store, int db, std::string_view key) {
    LockScope scope(store);
    std::string_view keys[] = {key};
    scope.lockKeys(keys);
    return scope.find(db, key) != nullptr;
}
int64_t expireAtOf(Store& store, int db, std::string_view key) {
    LockScope scope(store);
    std::string_view keys[] = {key};
    scope.lockKeys(keys);
    KeyTable::Entry* e = scope.find(db, key);
    REQUIRE(e != nullptr);
    return KeyTable::expireAt(e);
}
std::shared_ptr<WatchFlag> watch(Store& store, int db, std::string_view key) {
    auto flag = std::make_shared<WatchFlag>();
    LockScope scope(store);
    std::string_view keys[] = {key};
    scope.lockKeys(keys);
    scope.watch(db, key, flag);
    return flag;
}

std::string named(std::string_view prefix, long n) {
    std::string out(prefix);
    out += std::to_string(n);
    return out;
}

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

TEST_CASE("lazy expiry: a key past its time is invisible, deleted on access, counted") {
    Fixture f;
    set(f.store, 0, "k", "v", kStart + 100);
    set(f.store, 0, "forever", "v");
    CHECK(f.store.dbExpires(0) == 1);
    f.clock.advance(99);
    CHECK(get(f.store, 0, "k") == "v");  // 1 ms left: still there
    CHECK(f.store.expiredKeys() == 0);

    f.clock.advance(1);  // its exact time: still live, as in Redis (expired only once now > at)
    CHECK(get(f.store, 0, "k") == "v");
    CHECK(f.store.expiredKeys() == 0);
    f.clock.advance(1);  // 1 ms past its time
    // Nothing reads it yet: the mirrors still count it.
    CHECK(f.store.dbSize(0) == 2);
    const uint64_t changes = f.store.changes();
    {
        LockScope scope(f.store);
        std::string_view keys[] = {"k"};
        scope.lockKeys(keys);
        CHECK(scope.find(0, "k") == nullptr);
        CHECK_FALSE(scope.find(0, "k", ValueType::String));
        CHECK_FALSE(scope.find(0, "k", ValueType::String).wrong_type);
        // A write to an expired key sees it absent.
        CHECK_FALSE(scope.setExpire(0, "k", kStart + 10'000));
        CHECK_FALSE(scope.remove(0, "k"));
    }
    CHECK(f.store.expiredKeys() == 1);
    CHECK(f.store.changes() == changes + 1);  // the deletion is a change, counted once
    CHECK(f.store.dbSize(0) == 1);
    CHECK(f.store.dbExpires(0) == 0);
    CHECK(get(f.store, 0, "forever") == "v");

    // The same instant for the whole scope: the clock is read at its first use and kept, so a
    // key expiring while the scope lives is judged by that instant.
    set(f.store, 0, "later", "v", f.clock.nowMs() + 10);
    LockScope scope(f.store);
    std::string_view keys[] = {"later"};
    scope.lockKeys(keys);
    CHECK(scope.find(0, "later") != nullptr);  // the first use reads the clock
    f.clock.advance(1000);
    CHECK(scope.find(0, "later") != nullptr);
    CHECK(scope.now() == kStart + 101);
}

// Redis's keyIsExpired: a key is expired only once the time is past its expiry (now > at).
// Lazy lookups and the active expire step judge the boundary alike.
TEST_CASE("expiry boundary: live at its exact expiry time, gone 1 ms later") {
    Fixture f(1);
    set(f.store, 0, "k", "v", kStart + 100);
    set(f.store, 0, "swept", "v", kStart + 100);
    f.clock.advance(100);  // now == at
    CHECK(get(f.store, 0, "k") == "v");
    CHECK(expireAtOf(f.store, 0, "k") == kStart + 100);
    Store::ExpireStep step = f.store.expireStep(0, 20);
    CHECK(step.sampled == 2);
    CHECK(step.expired == 0);
    CHECK(f.store.expiredKeys() == 0);
    CHECK(f.store.dbSize(0) == 2);

    f.clock.advance(1);  // now == at + 1
    CHECK_FALSE(get(f.store, 0, "k").has_value());
    CHECK(f.store.expiredKeys() == 1);
    step = f.store.expireStep(0, 20);
    CHECK(step.expired == 1);  // "swept"; "k" is already gone
    CHECK(f.store.expiredKeys() == 2);
    CHECK(f.store.dbSize(0) == 0);
}

TEST_CASE("every scope write keeps the TTL rules: a plain set clears it, setExpire sets it") {
    Fixture f;
    set(f.store, 0, "k", "v", kStart + 1000);
    CHECK(expireAtOf(f.store, 0, "k") == kStart + 1000);
    set(f.store, 0, "k", "w");
    CHECK(expireAtOf(f.store, 0, "k") == kNoExpiry);
    {
        LockScope scope(f.store);
        std::string_view keys[] = {"k", "absent"};
        scope.lockKeys(keys);
        CHECK(scope.setExpire(0, "k", kStart + 5));
        CHECK_FALSE(scope.setExpire(0, "absent", kStart + 5));
        KeyTable::Entry* e = scope.resizeString(0, "k", 3);
        REQUIRE(e != nullptr);
        CHECK(KeyTable::value(e) == "w\0\0"s);
        CHECK(KeyTable::expireAt(e) == kStart + 5);
        CHECK(scope.resizeString(0, "absent", 3) == nullptr);
    }
    CHECK(f.store.dbExpires(0) == 1);
    f.clock.advance(6);  // 1 ms past the new expiry
    CHECK_FALSE(get(f.store, 0, "k").has_value());
    CHECK(f.store.dbExpires(0) == 0);
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

TEST_CASE("expireStep deletes only expired keys, each once") {
    // One shard: a small table, so a step's sample window is larger than the table.
    Fixture f(1);
    for (int i = 0; i < 10; ++i) set(f.store, 0, named("expired", i), "v", kStart + 10);
    for (int i = 0; i < 10; ++i) set(f.store, 0, named("future", i), "v", kStart + 100'000);
    for (int i = 0; i < 10; ++i) set(f.store, 0, named("plain", i), "v");
    for (int i = 0; i < 5; ++i) set(f.store, 3, named("expired", i), "v", kStart + 10);
    auto flag = watch(f.store, 3, "expired0");
    const uint64_t changes = f.store.changes();
    f.clock.advance(11);  // past the expiry of the "expired" keys

    size_t expired = 0;
    for (int round = 0; round < 10; ++round) {
        Store::ExpireStep step = f.store.expireStep(0, 20);
        CHECK(step.expired <= step.sampled);
        expired += step.expired;
    }
    CHECK(expired == 15);
    CHECK(f.store.expiredKeys() == 15);
    CHECK(f.store.changes() == changes + 15);
    CHECK(flag->dirty);
    CHECK(f.store.dbSize(0) == 20);
    CHECK(f.store.dbExpires(0) == 10);
    CHECK(f.store.dbSize(3) == 0);
    for (int i = 0; i < 10; ++i) {
        CHECK(get(f.store, 0, named("future", i)) == "v");
        CHECK(get(f.store, 0, named("plain", i)) == "v");
    }
    // The sampled TTLs feed the average.
    CHECK(f.store.dbAvgTtl(0) > 0);
    CHECK(f.store.dbAvgTtl(0) <= 100'000);
    // Nothing left to expire: a step samples the live TTL keys only, each at most once.
    Store::ExpireStep step = f.store.expireStep(0, 20);
    CHECK(step.expired == 0);
    CHECK(step.sampled <= 10);
}

TEST_CASE("expireStep on a big shard walks on from where it stopped") {
    Fixture f(1);
    for (int i = 0; i < 5000; ++i) set(f.store, 0, named("k", i), "v", kStart + (i % 2 ? 5 : 50'000));
    f.clock.advance(6);  // past the odd keys' expiry
    size_t expired = 0, steps = 0;
    while (f.store.dbExpires(0) > 2500 && steps < 10'000) {
        expired += f.store.expireStep(0, 20).expired;
        ++steps;
    }
    CHECK(expired == 2500);
    CHECK(f.store.dbSize(0) == 2500);
    CHECK(f.store.expiredKeys() == 2500);
}
