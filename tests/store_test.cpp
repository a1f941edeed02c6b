// Unit tests for Store: each operation's contract, byte accounting, and multi-threaded use.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "store.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace std::string_literals;
using mini_redis::IncrStatus;
using mini_redis::SetCondition;
using mini_redis::Store;

namespace {

std::optional<std::string> get(Store& store, std::string_view key) {
    std::optional<std::string> out;
    store.read(key, [&](std::string_view v) { out = std::string(v); });
    return out;
}

// APPEND's length cap, set out of reach where a test is not about it.
constexpr size_t kNoLimit = SIZE_MAX;

std::vector<std::optional<std::string>> readMany(Store& store, std::vector<std::string_view> keys) {
    std::vector<std::optional<std::string>> out(keys.size());
    std::vector<size_t> seen;
    store.readMany(keys, [&](size_t i, const std::string_view* v) {
        seen.push_back(i);
        if (v != nullptr) out[i] = std::string(*v);
    });
    // Callbacks come once per key, in order.
    std::vector<size_t> expected(keys.size());
    for (size_t i = 0; i < keys.size(); ++i) expected[i] = i;
    CHECK(seen == expected);
    return out;
}

// prefix + decimal n. (Not "x" + std::to_string(n): GCC 12 warns falsely on that form.)
std::string named(std::string_view prefix, long n) {
    std::string out(prefix);
    out += std::to_string(n);
    return out;
}

// Runs `body(thread_index)` on `n` threads released together, and fails (then exits, since
// deadlocked threads cannot be joined) if they are not all done within `limit`.
template <class Body>
void runThreads(int n, Body body, std::chrono::seconds limit = std::chrono::seconds(60)) {
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

TEST_CASE("set, get and read are binary-safe") {
    Store store;
    const std::string key = "k\0\r\nk"s;
    const std::string value = "v\0a\r\nl\0"s;
    CHECK(store.set(key, value, SetCondition::Always));
    CHECK(get(store, key) == value);
    // Keys differing only after an embedded NUL are different keys.
    CHECK_FALSE(get(store, "k"s).has_value());
    CHECK_FALSE(get(store, "k\0"s).has_value());
    CHECK(store.set(""s, ""s, SetCondition::Always));
    CHECK(get(store, "") == std::optional<std::string>(""));
    CHECK(store.size() == 2);
    // read() says whether it called back.
    int calls = 0;
    CHECK(store.read(key, [&](std::string_view) { ++calls; }));
    CHECK_FALSE(store.read("missing", [&](std::string_view) { ++calls; }));
    CHECK(calls == 1);
}

TEST_CASE("set overwrites and conditions decide whether it stores") {
    Store store;
    CHECK_FALSE(store.set("k", "x", SetCondition::IfPresent));
    CHECK_FALSE(get(store, "k").has_value());
    CHECK(store.set("k", "a", SetCondition::IfAbsent));
    CHECK_FALSE(store.set("k", "b", SetCondition::IfAbsent));
    CHECK(get(store, "k") == "a");
    CHECK(store.set("k", "c", SetCondition::IfPresent));
    CHECK(get(store, "k") == "c");
    CHECK(store.set("k", "d", SetCondition::Always));
    CHECK(get(store, "k") == "d");
    CHECK(store.size() == 1);
}

TEST_CASE("set hands back the previous value") {
    Store store;
    std::string previous = "untouched";
    bool had = true;
    CHECK(store.set("k", "one", SetCondition::Always, &previous, &had));
    CHECK_FALSE(had);
    CHECK(store.set("k", "two", SetCondition::Always, &previous, &had));
    CHECK(had);
    CHECK(previous == "one");
    // The old value comes back even when the condition stops the write (SET NX GET).
    CHECK_FALSE(store.set("k", "three", SetCondition::IfAbsent, &previous, &had));
    CHECK(had);
    CHECK(previous == "two");
    CHECK(get(store, "k") == "two");
}

TEST_CASE("take removes the key and returns its value") {
    Store store;
    std::string value;
    CHECK_FALSE(store.take("k", value));
    store.set("k", "v\0v"s, SetCondition::Always);
    CHECK(store.take("k", value));
    CHECK(value == "v\0v"s);
    CHECK_FALSE(get(store, "k").has_value());
    CHECK(store.size() == 0);
    CHECK_FALSE(store.take("k", value));
}

TEST_CASE("incrBy creates, adds and stores the decimal text") {
    Store store;
    auto r = store.incrBy("n", 5);
    CHECK(r.status == IncrStatus::Ok);
    CHECK(r.value == 5);
    r = store.incrBy("n", -12);
    CHECK(r.status == IncrStatus::Ok);
    CHECK(r.value == -7);
    CHECK(get(store, "n") == "-7");
    store.set("m", "0", SetCondition::Always);
    CHECK(store.incrBy("m", 1).value == 1);
    store.set("m", "-15", SetCondition::Always);
    CHECK(store.incrBy("m", 15).value == 0);
    CHECK(get(store, "m") == "0");
}

TEST_CASE("incrBy rejects values that are not base-10 64-bit integers") {
    Store store;
    // Kept by hand: clang-format would put each value on a line of its own.
    // clang-format off
    std::vector<std::string> bad_values = {
        "abc", "1.5", " 1", "1 ", "01", "+1", "", "-", "-0", "1e3", "0x10",  // malformed
        "9223372036854775808", "-9223372036854775809",                       // out of range
    };
    // clang-format on
    bad_values.push_back("1\0"s);  // an embedded NUL after the digits
    for (const std::string& bad : bad_values) {
        CAPTURE(bad);
        store.set("k", bad, SetCondition::Always);
        auto r = store.incrBy("k", 1);
        CHECK(r.status == IncrStatus::NotInteger);
        CHECK(get(store, "k") == bad);  // untouched
    }
}

TEST_CASE("incrBy detects overflow at both ends and leaves the value") {
    Store store;
    store.set("max", "9223372036854775807", SetCondition::Always);
    CHECK(store.incrBy("max", 1).status == IncrStatus::Overflow);
    CHECK(get(store, "max") == "9223372036854775807");
    CHECK(store.incrBy("max", 0).value == INT64_MAX);
    CHECK(store.incrBy("max", -1).value == INT64_MAX - 1);

    store.set("min", "-9223372036854775808", SetCondition::Always);
    CHECK(store.incrBy("min", -1).status == IncrStatus::Overflow);
    CHECK(store.incrBy("min", INT64_MIN).status == IncrStatus::Overflow);
    CHECK(get(store, "min") == "-9223372036854775808");
    CHECK(store.incrBy("min", INT64_MAX).value == -1);

    CHECK(store.incrBy("fresh", INT64_MAX).value == INT64_MAX);
    CHECK(store.incrBy("fresh", INT64_MAX).status == IncrStatus::Overflow);
}

TEST_CASE("append creates or extends and returns the new length") {
    Store store;
    CHECK(store.append("k", "ab", kNoLimit) == 2u);
    CHECK(store.append("k", "\0c"s, kNoLimit) == 4u);
    CHECK(store.append("k", "", kNoLimit) == 4u);
    CHECK(get(store, "k") == "ab\0c"s);
    CHECK(store.append("empty", "", kNoLimit) == 0u);
    CHECK(get(store, "empty") == "");
}

TEST_CASE("erase and countExisting count each mention") {
    Store store;
    store.set("a", "1", SetCondition::Always);
    store.set("b", "2", SetCondition::Always);
    std::vector<std::string_view> keys = {"a", "a", "b", "missing"};
    // EXISTS a a b missing -> 3: a key is counted once per mention.
    CHECK(store.countExisting(keys) == 3);
    // DEL a a b missing -> 2: a key is removed once.
    CHECK(store.erase(keys) == 2);
    CHECK(store.countExisting(keys) == 0);
    CHECK(store.erase(keys) == 0);
    CHECK(store.size() == 0);
    CHECK(store.erase(std::vector<std::string_view>{}) == 0);
}

TEST_CASE("readMany answers in key order, nullptr for missing keys") {
    Store store;
    store.set("x", "1", SetCondition::Always);
    store.set("z", "3", SetCondition::Always);
    auto values = readMany(store, {"z", "y", "x", "z"});
    REQUIRE(values.size() == 4);
    CHECK(values[0] == "3");
    CHECK_FALSE(values[1].has_value());
    CHECK(values[2] == "1");
    CHECK(values[3] == "3");
}

TEST_CASE("setMany stores every pair; IfAbsent is all or nothing") {
    Store store;
    std::vector<std::string_view> kv = {"a", "1", "b", "2", "c", "3"};
    CHECK(store.setMany(kv, SetCondition::Always));
    CHECK(readMany(store, {"a", "b", "c"}) ==
          std::vector<std::optional<std::string>>{"1", "2", "3"});

    // One of the keys exists: nothing is stored.
    std::vector<std::string_view> nx = {"d", "4", "b", "x", "e", "5"};
    CHECK_FALSE(store.setMany(nx, SetCondition::IfAbsent));
    CHECK_FALSE(get(store, "d").has_value());
    CHECK_FALSE(get(store, "e").has_value());
    CHECK(get(store, "b") == "2");

    std::vector<std::string_view> fresh = {"d", "4", "e", "5"};
    CHECK(store.setMany(fresh, SetCondition::IfAbsent));
    CHECK(get(store, "d") == "4");
    CHECK(get(store, "e") == "5");
    CHECK(store.size() == 5);

    // A key given twice: the last value wins, as in MSET.
    std::vector<std::string_view> twice = {"a", "first", "a", "last"};
    CHECK(store.setMany(twice, SetCondition::Always));
    CHECK(get(store, "a") == "last");
}

TEST_CASE("keysMatching returns exactly the matching keys") {
    Store store;
    for (const char* k : {"user:1", "user:2", "user:10", "other", "user"}) {
        store.set(k, "v", SetCondition::Always);
    }
    auto sorted = [](std::vector<std::string> v) {
        std::sort(v.begin(), v.end());
        return v;
    };
    CHECK(sorted(store.keysMatching("user:*")) ==
          std::vector<std::string>{"user:1", "user:10", "user:2"});
    CHECK(sorted(store.keysMatching("user:?")) == std::vector<std::string>{"user:1", "user:2"});
    CHECK(store.keysMatching("*").size() == 5);
    CHECK(store.keysMatching("nothing*").empty());
}

TEST_CASE("size and clear") {
    Store store(8);
    CHECK(store.shardCount() == 8);
    CHECK(store.size() == 0);
    for (int i = 0; i < 1000; ++i) store.set(named("key", i), "v", SetCondition::Always);
    CHECK(store.size() == 1000);
    store.set("key7", "again", SetCondition::Always);
    CHECK(store.size() == 1000);
    store.clear();
    CHECK(store.size() == 0);
    CHECK_FALSE(get(store, "key7").has_value());
    CHECK(store.keysMatching("*").empty());
}

TEST_CASE("usedBytes grows with data and returns to zero") {
    Store store;
    CHECK(store.usedBytes() == 0);
    store.set("k", "v", SetCondition::Always);
    const size_t one = store.usedBytes();
    CHECK(one > 0);
    store.set("long-key-beyond-small-string-size", std::string(1000, 'x'), SetCondition::Always);
    const size_t two = store.usedBytes();
    CHECK(two >= one + 1000);
    store.append("long-key-beyond-small-string-size", std::string(500, 'y'), kNoLimit);
    CHECK(store.usedBytes() >= two + 500);
    store.set("long-key-beyond-small-string-size", "short", SetCondition::Always);
    CHECK(store.usedBytes() < two);

    SUBCASE("clear") {
        store.clear();
        CHECK(store.usedBytes() == 0);
    }
    SUBCASE("deleting every key by every route") {
        std::string taken;
        store.incrBy("n", 5);
        std::vector<std::string_view> kv = {"m1", "x", "m2", "y"};
        store.setMany(kv, SetCondition::Always);
        store.take("k", taken);
        std::vector<std::string_view> rest = {"long-key-beyond-small-string-size", "n", "m1", "m2"};
        CHECK(store.erase(rest) == 4);
        CHECK(store.size() == 0);
        CHECK(store.usedBytes() == 0);
    }
}

// INCR changes a value's length (15 -> 16 digits and back): the byte accounting must follow,
// and deleting the key must bring it back to zero (an earlier store drifted and underflowed).
TEST_CASE("usedBytes stays exact when INCR lengthens or shortens the number") {
    Store store;
    Store reference;
    store.set("counter", "999999999999999", SetCondition::Always);  // 15 digits
    CHECK(store.incrBy("counter", 1).value == 1000000000000000);    // 16 digits
    reference.set("counter", "1000000000000000", SetCondition::Always);
    CHECK(store.usedBytes() == reference.usedBytes());

    CHECK(store.incrBy("counter", -1).value == 999999999999999);
    reference.set("counter", "999999999999999", SetCondition::Always);
    CHECK(store.usedBytes() == reference.usedBytes());

    store.incrBy("counter", 1);
    std::vector<std::string_view> key = {"counter"};
    store.erase(key);
    CHECK(store.usedBytes() == 0);
}

TEST_CASE("threads: concurrent incrBy on shared keys loses no update") {
    Store store(16);
    constexpr int kThreads = 8;
    constexpr int kOps = 20000;
    const std::vector<std::string> keys = {"c0", "c1", "c2", "c3"};
    runThreads(kThreads, [&](int t) {
        for (int i = 0; i < kOps; ++i) {
            auto r = store.incrBy(keys[static_cast<size_t>(i) % keys.size()], t + 1);
            if (r.status != IncrStatus::Ok) std::abort();
        }
    });
    // Each key got kOps / 4 increments from each thread t, of t + 1 each.
    const int64_t expected = int64_t{kOps / 4} * (kThreads * (kThreads + 1) / 2);
    for (const auto& k : keys) CHECK(get(store, k) == std::to_string(expected));
    CHECK(store.size() == keys.size());
}

TEST_CASE("threads: multi-key operations on overlapping keys neither deadlock nor tear") {
    // Keys come in pairs (xI, yI) that are only ever written together to one value and erased
    // together, so every multi-key read must see each pair both absent or both equal. Threads
    // name the keys in different orders over few shards: without ordered locking they would
    // deadlock, and without covering every key's shard a reader would see half an MSET.
    Store store(4);
    constexpr int kThreads = 8;
    constexpr int kOps = 4000;
    constexpr int kPairs = 6;
    std::vector<std::string> xs, ys;
    for (int i = 0; i < kPairs; ++i) {
        xs.push_back(named("x", i));
        ys.push_back(named("y", i));
    }
    std::atomic<int> torn{0};
    std::atomic<long> reads_seen_both{0};
    runThreads(kThreads, [&](int t) {
        std::mt19937 rng(static_cast<unsigned>(t) * 7919u + 1u);
        for (int op = 0; op < kOps; ++op) {
            // Two or three distinct pairs, in a random order.
            std::vector<int> pairs(kPairs);
            for (int i = 0; i < kPairs; ++i) pairs[static_cast<size_t>(i)] = i;
            std::shuffle(pairs.begin(), pairs.end(), rng);
            pairs.resize(2 + rng() % 2);
            switch (rng() % 4) {
                case 0: {  // MSET of whole pairs, x and y in either order
                    std::string value = named(named("", t) + ":", op);
                    std::vector<std::string_view> kv;
                    for (int p : pairs) {
                        bool x_first = rng() % 2 == 0;
                        kv.push_back(x_first ? xs[p] : ys[p]);
                        kv.push_back(value);
                        kv.push_back(x_first ? ys[p] : xs[p]);
                        kv.push_back(value);
                    }
                    store.setMany(kv, SetCondition::Always);
                    break;
                }
                case 1: {  // MSETNX of whole pairs
                    std::string value = named(named("nx", t) + ":", op);
                    std::vector<std::string_view> kv;
                    for (int p : pairs) {
                        kv.insert(kv.end(), {ys[p], value, xs[p], value});
                    }
                    store.setMany(kv, SetCondition::IfAbsent);
                    break;
                }
                case 2: {  // DEL of whole pairs
                    std::vector<std::string_view> keys;
                    for (int p : pairs) keys.insert(keys.end(), {xs[p], ys[p]});
                    std::shuffle(keys.begin(), keys.end(), rng);
                    store.erase(keys);
                    break;
                }
                default: {  // MGET and EXISTS of whole pairs
                    std::vector<std::string_view> keys;
                    for (int p : pairs) keys.insert(keys.end(), {ys[p], xs[p]});
                    std::vector<std::optional<std::string>> got(keys.size());
                    store.readMany(keys, [&](size_t i, const std::string_view* v) {
                        if (v != nullptr) got[i] = std::string(*v);
                    });
                    for (size_t i = 0; i < got.size(); i += 2) {
                        if (got[i] != got[i + 1]) torn.fetch_add(1);
                        if (got[i].has_value()) reads_seen_both.fetch_add(1);
                    }
                    size_t n = store.countExisting(keys);
                    if (n % 2 != 0) torn.fetch_add(1);
                    // Lock-free counters and KEYS may run beside all of this.
                    (void)store.size();
                    (void)store.usedBytes();
                    if (op % 500 == 0) (void)store.keysMatching("x*");
                    break;
                }
            }
        }
    });
    CHECK(torn.load() == 0);
    CHECK(reads_seen_both.load() > 0);  // the readers did meet written pairs
    // Quiescent: every pair is whole, and the counters agree with the maps.
    for (int p = 0; p < kPairs; ++p) CHECK(get(store, xs[p]) == get(store, ys[p]));
    CHECK(store.size() == store.keysMatching("*").size());
    CHECK(store.size() % 2 == 0);
}

TEST_CASE("threads: clear beside writers leaves consistent counters") {
    Store store(8);
    runThreads(4, [&](int t) {
        for (int i = 0; i < 5000; ++i) {
            std::string key = named(named("k", t) + "-", i % 50);
            if (t == 0 && i % 1000 == 0) {
                store.clear();
            } else {
                store.set(key, "value", SetCondition::Always);
            }
        }
    });
    CHECK(store.size() == store.keysMatching("*").size());
    store.clear();
    CHECK(store.size() == 0);
    CHECK(store.usedBytes() == 0);
}
