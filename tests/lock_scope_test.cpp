// LockScope's keyspace walks: SCAN's guarantee under growth and deletion between steps, its
// end, its COUNT, expired keys; RANDOMKEY; forEachKey.
#include "lock_scope.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "clock.h"

using namespace mini_redis;

namespace {

constexpr int64_t kStart = 1'700'000'000'000;

struct Fixture {
    explicit Fixture(size_t shards = 256) : store(16, shards, KeyHash::process(), clock) {}
    ManualClock clock{kStart};
    Store store;
};

void set(Store& store, int db, std::string_view key, int64_t at = kNoExpiry) {
    LockScope scope(store);
    std::string_view keys[] = {key};
    scope.lockKeys(keys);
    scope.setString(db, key, "v", at);
}
void remove(Store& store, int db, std::string_view key) {
    LockScope scope(store);
    std::string_view keys[] = {key};
    scope.lockKeys(keys);
    scope.remove(db, key);
}
std::string named(std::string_view prefix, long n) {
    std::string out(prefix);
    out += std::to_string(n);
    return out;
}

// One SCAN call as the command runs it: a scope that holds nothing.
uint64_t scanStep(Store& store, int db, uint64_t cursor, size_t count,
                  std::vector<std::string>& out) {
    LockScope scope(store);
    return scope.scan(db, cursor, count, [&](std::string_view key, const KeyTable::Entry* e) {
        CHECK(KeyTable::key(e) == key);
        out.emplace_back(key);
    });
}

// A whole scan; returns every key it reported (duplicates kept) and counts the calls.
std::vector<std::string> scanAll(Store& store, int db, size_t count, size_t* calls = nullptr) {
    std::vector<std::string> out;
    uint64_t cursor = 0;
    size_t n = 0;
    do {
        cursor = scanStep(store, db, cursor, count, out);
        ++n;
        REQUIRE(n < 1'000'000);
    } while (cursor != 0);
    if (calls != nullptr) *calls = n;
    return out;
}

}  // namespace

TEST_CASE("a scan over an empty database ends at once with cursor 0") {
    for (size_t shards : {size_t{1}, size_t{16}, size_t{256}}) {
        CAPTURE(shards);
        Fixture f(shards);
        std::vector<std::string> out;
        CHECK(scanStep(f.store, 0, 0, 10, out) == 0);
        CHECK(out.empty());
        // Keys in another database do not make this one non-empty.
        for (int i = 0; i < 100; ++i) set(f.store, 1, named("k", i));
        CHECK(scanStep(f.store, 0, 0, 10, out) == 0);
        CHECK(out.empty());
        // Emptied again after use: the same.
        set(f.store, 0, "x");
        remove(f.store, 0, "x");
        CHECK(scanStep(f.store, 0, 0, 1, out) == 0);
        CHECK(out.empty());
    }
}

TEST_CASE("a full scan of a quiet database returns every key exactly once") {
    Fixture f(16);
    std::set<std::string> all;
    for (int i = 0; i < 3000; ++i) {
        all.insert(named("key:", i));
        set(f.store, 0, named("key:", i));
    }
    std::vector<std::string> got = scanAll(f.store, 0, 37);
    std::multiset<std::string> counted(got.begin(), got.end());
    CHECK(got.size() == all.size());
    for (const std::string& k : all) CHECK(counted.count(k) == 1);
}

TEST_CASE("a cursor naming a shard that does not exist ends the scan") {
    Fixture f(3);  // two shard bits, so shard index 3 cannot be
    for (int i = 0; i < 100; ++i) set(f.store, 0, named("k", i));
    std::vector<std::string> out;
    CHECK(scanStep(f.store, 0, 3, 10, out) == 0);
    CHECK(scanStep(f.store, 0, (5 << 2) | 3, 10, out) == 0);
    CHECK(out.empty());
    CHECK(scanAll(f.store, 0, 7).size() == 100);
}

TEST_CASE("COUNT is roughly honoured") {
    Fixture f(16);
    for (int i = 0; i < 20000; ++i) set(f.store, 0, named("k", i));
    for (size_t count : {size_t{1}, size_t{10}, size_t{100}, size_t{1000}}) {
        CAPTURE(count);
        std::vector<std::string> out;
        uint64_t cursor = 0;
        size_t calls = 0, most = 0, total = 0;
        do {
            out.clear();
            cursor = scanStep(f.store, 0, cursor, count, out);
            ++calls;
            most = std::max(most, out.size());
            total += out.size();
        } while (cursor != 0);
        CHECK(total == 20000);
        const double mean = static_cast<double>(total) / static_cast<double>(calls);
        // COUNT counts buckets (home slots); the tables are 3/8 to 3/4 full.
        CHECK(mean >= static_cast<double>(count) * 0.25);
        CHECK(mean <= static_cast<double>(count) * 1.5 + 1);
        CHECK(most <= count * 2 + 16);
    }
}

TEST_CASE("expired keys are not returned, and a scan does not delete them") {
    Fixture f(16);
    for (int i = 0; i < 500; ++i) set(f.store, 0, named("live", i));
    for (int i = 0; i < 500; ++i) set(f.store, 0, named("dying", i), kStart + 10);
    CHECK(scanAll(f.store, 0, 50).size() == 1000);
    f.clock.advance(10);  // their exact expiry time: still live, as in Redis
    CHECK(scanAll(f.store, 0, 50).size() == 1000);
    f.clock.advance(1);  // 1 ms past it
    std::vector<std::string> got = scanAll(f.store, 0, 50);
    CHECK(got.size() == 500);
    for (const std::string& k : got) CHECK(k.rfind("live", 0) == 0);
    CHECK(f.store.dbSize(0) == 1000);  // left for lazy or active expiry
    size_t seen = 0;
    LockScope scope(f.store);
    scope.forEachKey(0, [&](std::string_view key, const KeyTable::Entry*) {
        CHECK(key.rfind("live", 0) == 0);
        ++seen;
    });
    CHECK(seen == 500);
}

// SCAN's guarantee: a key present for the whole scan is returned at least once, however the
// tables grow (forcing rehashes) or lose keys (backward shifts) between steps; and nothing is
// returned that was never there.
TEST_CASE("a key present for the whole scan is returned at least once, under growth and deletes") {
    size_t runs = 0, max_dups = 0;
    for (size_t shards : {size_t{1}, size_t{4}, size_t{16}}) {
        for (uint64_t seed = 1; seed <= 40; ++seed) {
            CAPTURE(shards);
            CAPTURE(seed);
            std::mt19937_64 rng(seed * 1000 + shards);
            Fixture f(shards);
            const int stable_n = 20 + static_cast<int>(rng() % 200);
            std::vector<std::string> stable;
            std::unordered_set<std::string> ever;
            for (int i = 0; i < stable_n; ++i) {
                stable.push_back(named("stable:", i));
                set(f.store, 0, stable.back());
                ever.insert(stable.back());
            }
            // Keys that come and go during the scan.
            std::vector<std::string> transient;
            int next = 0;
            auto addTransient = [&](int n) {
                for (int i = 0; i < n; ++i) {
                    std::string k = named("t:", next++);
                    set(f.store, 0, k);
                    ever.insert(k);
                    transient.push_back(k);
                }
            };
            addTransient(static_cast<int>(rng() % 100));

            std::unordered_set<std::string> returned;
            size_t dups = 0;
            uint64_t cursor = 0;
            size_t steps = 0;
            do {
                std::vector<std::string> out;
                cursor = scanStep(f.store, 0, cursor, 1 + rng() % 8, out);
                for (const std::string& k : out) {
                    CHECK(ever.count(k) == 1);
                    if (!returned.insert(k).second) ++dups;
                }
                // Between steps: growth (sometimes several doublings at once) and deletes.
                const uint64_t what = rng() % 4;
                if (what == 0) addTransient(static_cast<int>(rng() % 300));
                if (what == 1) addTransient(static_cast<int>(rng() % 20));
                const size_t drop = transient.empty() ? 0 : rng() % (transient.size() / 2 + 1);
                for (size_t d = 0; d < drop; ++d) {
                    size_t i = rng() % transient.size();
                    remove(f.store, 0, transient[i]);
                    transient[i] = transient.back();
                    transient.pop_back();
                }
                ++steps;
                REQUIRE(steps < 100'000);
            } while (cursor != 0);
            for (const std::string& k : stable) CHECK(returned.count(k) == 1);
            max_dups = std::max(max_dups, dups);
            ++runs;
        }
    }
    MESSAGE(runs << " scans; most duplicates in one scan: " << max_dups);
}

TEST_CASE("a scan inside a scope that holds every shard (EXEC) walks the same keys") {
    Fixture f(16);
    for (int i = 0; i < 200; ++i) set(f.store, 2, named("k", i));
    LockScope scope(f.store);
    scope.lockAll();
    std::set<std::string> got;
    uint64_t cursor = 0;
    do {
        cursor = scope.scan(2, cursor, 10, [&](std::string_view k, const KeyTable::Entry*) {
            got.emplace(k);
        });
    } while (cursor != 0);
    CHECK(got.size() == 200);
    std::string key;
    CHECK(scope.randomKey(2, key));
    CHECK(got.count(key) == 1);
    CHECK(scope.dbSize(2) == 200);
}

TEST_CASE("randomKey: empty, non-empty, all expired") {
    Fixture f;
    std::string key = "untouched";
    {
        LockScope scope(f.store);
        CHECK_FALSE(scope.randomKey(0, key));
    }
    set(f.store, 0, "only");
    {
        LockScope scope(f.store);
        CHECK(scope.randomKey(0, key));
        CHECK(key == "only");
        CHECK_FALSE(scope.randomKey(1, key));
    }
    // Many keys: every answer is one of them, and over many draws more than one comes up.
    std::set<std::string> keys{"only"};
    for (int i = 0; i < 1000; ++i) {
        keys.insert(named("k", i));
        set(f.store, 0, named("k", i));
    }
    std::set<std::string> drawn;
    for (int i = 0; i < 200; ++i) {
        LockScope scope(f.store);
        REQUIRE(scope.randomKey(0, key));
        CHECK(keys.count(key) == 1);
        drawn.insert(key);
    }
    CHECK(drawn.size() > 50);

    // A database whose every key has expired has no random key (and none is returned).
    for (int i = 0; i < 300; ++i) set(f.store, 3, named("e", i), kStart + 5);
    f.clock.advance(5);  // their exact expiry time: still live, as in Redis
    {
        LockScope scope(f.store);
        REQUIRE(scope.randomKey(3, key));
        CHECK(key.rfind("e", 0) == 0);
    }
    f.clock.advance(1);  // 1 ms past it
    {
        LockScope scope(f.store);
        CHECK_FALSE(scope.randomKey(3, key));
    }
    // One live key among expired ones is found.
    set(f.store, 3, "alive");
    for (int i = 0; i < 20; ++i) {
        LockScope scope(f.store);
        REQUIRE(scope.randomKey(3, key));
        CHECK(key == "alive");
    }
}

namespace {

// Collects what scopes report to the store's InvalidationListener.
struct Recorder : InvalidationListener {
    std::vector<Invalidation> got;
    void invalidated(Invalidation&& inv) override { got.push_back(std::move(inv)); }
};

void track(Store& store, std::string_view key, uint64_t client) {
    LockScope scope(store);
    std::string_view keys[] = {key};
    scope.lockKeys(keys);
    scope.track(key, client);
}

}  // namespace

TEST_CASE("CLIENT TRACKING's table: a read is told of the next change once, by the writer") {
    Fixture f(8);
    Recorder rec;
    f.store.setInvalidationListener(&rec);
    track(f.store, "k", 7);
    track(f.store, "k", 8);
    track(f.store, "k", 7);  // once per reader
    CHECK(f.store.trackedKeys() == 1);
    {
        LockScope scope(f.store);
        std::string_view keys[] = {"k"};
        scope.lockKeys(keys);
        scope.setClient(8);
        scope.setString(0, "k", "v");
        CHECK(rec.got.empty());  // told as the scope ends
    }
    REQUIRE(rec.got.size() == 1);
    REQUIRE(rec.got[0].keys.size() == 1);
    CHECK(rec.got[0].keys[0].first == "k");
    CHECK(rec.got[0].keys[0].second == std::vector<uint64_t>{7, 8});
    CHECK(rec.got[0].by_client == 8);
    CHECK(f.store.trackedKeys() == 0);
    set(f.store, 0, "k");  // one-shot: nobody reads it now
    CHECK(rec.got.size() == 1);
    f.store.setInvalidationListener(nullptr);
}

TEST_CASE("CLIENT TRACKING's table: expiry, a flush, the bound, and BCAST's every write") {
    Fixture f(8);
    Recorder rec;
    f.store.setInvalidationListener(&rec);
    set(f.store, 0, "soon", kStart + 10);
    track(f.store, "soon", 1);
    f.clock.advance(20);
    for (size_t s = 0; s < f.store.shardCount(); ++s) f.store.expireStep(s, 20);
    REQUIRE(rec.got.size() == 1);  // the active cycle tells the reader
    CHECK(rec.got[0].keys[0].first == "soon");
    CHECK(rec.got[0].by_client == 0);

    track(f.store, "a", 1);
    {
        LockScope scope(f.store);
        scope.lockAll();
        scope.flushAll();
    }
    REQUIRE(rec.got.size() == 2);
    CHECK(rec.got[1].flushed);
    CHECK(f.store.trackedKeys() == 0);

    f.store.setTrackingMaxKeys(3);
    for (int i = 0; i < 50; ++i) track(f.store, "t" + std::to_string(i), 1);
    CHECK(f.store.trackedKeys() <= 3);
    size_t told = 0;
    for (size_t i = 2; i < rec.got.size(); ++i) told += rec.got[i].keys.size();
    CHECK(told == 47);  // every key over the bound was forgotten, its reader told

    rec.got.clear();
    f.store.setBroadcastClients(1);
    set(f.store, 0, "x");
    REQUIRE(rec.got.size() == 1);
    CHECK(rec.got[0].written == std::vector<std::string>{"x"});
    f.store.setBroadcastClients(0);
    f.store.setInvalidationListener(nullptr);
}
