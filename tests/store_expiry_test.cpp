// Store + LockScope, expiry: lazy expiry and its boundary, the TTL rules of scope writes, and
// the expire cycle's step.
#include "store.h"

#include <doctest/doctest.h>

#include <string>

#include "lock_scope.h"
#include "store_fixture.h"

using namespace std::string_literals;
using namespace mini_redis;
using namespace mini_redis::store_test;

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
