// ExpireCycle::runOnce against a store on a ManualClock: it reclaims expired keys nobody reads,
// within a bounded number of cycles, and never touches keys without a TTL.
#include "expire_cycle.h"

#include <doctest/doctest.h>

#include <string>
#include <thread>

#include "clock.h"
#include "config.h"
#include "lock_scope.h"
#include "shared_config.h"

using namespace mini_redis;

namespace {

constexpr int64_t kStart = 1'700'000'000'000;
// A budget no cycle reaches: the cycle then stops only when every shard is done.
constexpr int64_t kUnbounded = int64_t{1} << 40;

struct Fixture {
    ManualClock clock{kStart};
    Store store{16, 256, KeyHash::process(), clock};
    SharedConfig config{Config{}};
    ExpireCycle cycle{store, config};
};

std::string named(std::string_view prefix, long n) {
    std::string out(prefix);
    out += std::to_string(n);
    return out;
}

void fill(Store& store, int db, std::string_view prefix, int n, int64_t at) {
    for (int i = 0; i < n; ++i) {
        std::string k = named(prefix, i);
        LockScope scope(store);
        std::string_view keys[] = {k};
        scope.lockKeys(keys);
        scope.setString(db, k, "v", at);
    }
}

}  // namespace

TEST_CASE("100k keys with a TTL are reclaimed once the clock passes it; others stay") {
    Fixture f;
    constexpr int kTtlKeys = 100'000;
    fill(f.store, 0, "ttl:", kTtlKeys, kStart + 1000);
    fill(f.store, 0, "plain:", 20'000, kNoExpiry);
    fill(f.store, 0, "later:", 10'000, kStart + 1'000'000);
    fill(f.store, 4, "db4:", 5'000, kStart + 1000);
    CHECK(f.store.dbExpires(0) == kTtlKeys + 10'000);

    // Before their time nothing goes, however long the cycles run.
    for (int i = 0; i < 3; ++i) CHECK(f.cycle.runOnce(kUnbounded) == 0);
    CHECK(f.store.dbSize(0) == kTtlKeys + 30'000);
    CHECK(f.store.expiredKeys() == 0);

    f.clock.advance(1001);  // past the expiry (at it, keys are still live)
    // A cycle's budget as the server gives it (25% of 1/hz at hz=10: 25 ms), repeated: all
    // are reclaimed within a bounded number of cycles.
    size_t expired = 0;
    int cycles = 0;
    while ((f.store.dbExpires(0) > 10'000 || f.store.dbExpires(4) > 0) && cycles < 2000) {
        expired += f.cycle.runOnce(25'000);
        ++cycles;
    }
    MESSAGE(cycles << " cycles of 25 ms reclaimed " << expired << " keys");
    CHECK(cycles < 2000);
    CHECK(expired == kTtlKeys + 5'000);
    CHECK(f.store.expiredKeys() == kTtlKeys + 5'000);
    CHECK(f.store.dbSize(0) == 30'000);
    CHECK(f.store.dbExpires(0) == 10'000);
    CHECK(f.store.dbSize(4) == 0);
    CHECK(f.store.expireStats().cycles.load() == static_cast<uint64_t>(cycles) + 3);
    // Keys without a TTL, and keys whose TTL is still ahead, are all there.
    LockScope scope(f.store);
    scope.lockAll();
    for (int i = 0; i < 20'000; ++i) CHECK(scope.find(0, named("plain:", i)) != nullptr);
    for (int i = 0; i < 10'000; ++i) CHECK(scope.find(0, named("later:", i)) != nullptr);
}

TEST_CASE("with an unbounded budget one cycle reclaims everything expired") {
    Fixture f;
    fill(f.store, 0, "ttl:", 20'000, kStart + 1);
    fill(f.store, 0, "plain:", 5'000, kNoExpiry);
    f.clock.advance(1);  // their exact expiry time: still live, as in Redis
    CHECK(f.cycle.runOnce(kUnbounded) == 0);
    CHECK(f.store.dbExpires(0) == 20'000);
    f.clock.advance(1);  // 1 ms past it
    CHECK(f.cycle.runOnce(kUnbounded) == 20'000);
    CHECK(f.store.dbSize(0) == 5'000);
    CHECK(f.store.dbExpires(0) == 0);
    CHECK(f.cycle.runOnce(kUnbounded) == 0);
    // The stale estimate saw a fully stale sample.
    CHECK(f.store.expireStats().stale_perc_x100.load() > 0);
}

// A zero budget still runs one step on one shard per cycle (the step loop is do-while), and
// the next cycle resumes at the next shard: so every shard is visited within shardCount()
// cycles, and the keys are reclaimed, slowly.
TEST_CASE("a budget of 0 still makes progress") {
    Fixture f;
    fill(f.store, 0, "ttl:", 5'000, kStart + 1);
    fill(f.store, 0, "plain:", 1'000, kNoExpiry);
    f.clock.advance(2);  // past their expiry
    size_t expired = 0;
    int cycles = 0;
    while (f.store.dbExpires(0) > 0 && cycles < 100'000) {
        expired += f.cycle.runOnce(0);
        ++cycles;
    }
    MESSAGE(cycles << " zero-budget cycles reclaimed " << expired << " keys");
    CHECK(expired == 5'000);
    CHECK(f.store.dbSize(0) == 1'000);
    // ~20 keys a shard, 20 sampled a step: about one pass over the shards, give or take.
    CHECK(cycles <= 256 * 4);
}

TEST_CASE("the cycle's thread starts and stops, reclaiming keys on its own") {
    Config config;
    config.hz = 100;
    ManualClock clock{kStart};
    Store store{16, 16, KeyHash::process(), clock};
    SharedConfig shared{config};
    ExpireCycle cycle{store, shared};
    fill(store, 0, "ttl:", 2'000, kStart + 1);
    clock.advance(2);  // past their expiry
    cycle.start();
    for (int i = 0; i < 500 && store.dbSize(0) > 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    cycle.stop();
    CHECK(store.dbSize(0) == 0);
    CHECK(store.expiredKeys() == 2'000);
    cycle.stop();  // a second stop is harmless
}
