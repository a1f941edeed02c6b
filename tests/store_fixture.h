// What the store tests share (store_test.cpp, store_expiry_test.cpp): a store on a clock the
// test moves, and one-key operations each in its own lock scope.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "clock.h"
#include "lock_scope.h"
#include "store.h"

namespace mini_redis::store_test {

inline constexpr int64_t kStart = 1'700'000'000'000;

// A store on a clock the test moves.
struct Fixture {
    explicit Fixture(size_t shards = 256) : store(16, shards, KeyHash::process(), clock) {}
    ManualClock clock{kStart};
    Store store;
};

// One-key operations, each in its own scope as a command would run.
inline void set(Store& store, int db, std::string_view key, std::string_view value,
         int64_t at = kNoExpiry) {
    LockScope scope(store);
    std::string_view keys[] = {key};
    scope.lockKeys(keys);
    scope.setString(db, key, value, at);
}
inline std::optional<std::string> get(Store& store, int db, std::string_view key) {
    LockScope scope(store);
    std::string_view keys[] = {key};
    scope.lockKeys(keys);
    Lookup l = scope.find(db, key, ValueType::String);
    if (!l) return std::nullopt;
    return std::string(KeyTable::value(l.entry));
}
inline bool exists(Store& store, int db, std::string_view key) {
    LockScope scope(store);
    std::string_view keys[] = {key};
    scope.lockKeys(keys);
    return scope.find(db, key) != nullptr;
}
inline int64_t expireAtOf(Store& store, int db, std::string_view key) {
    LockScope scope(store);
    std::string_view keys[] = {key};
    scope.lockKeys(keys);
    KeyTable::Entry* e = scope.find(db, key);
    REQUIRE(e != nullptr);
    return KeyTable::expireAt(e);
}
inline std::shared_ptr<WatchFlag> watch(Store& store, int db, std::string_view key) {
    auto flag = std::make_shared<WatchFlag>();
    LockScope scope(store);
    std::string_view keys[] = {key};
    scope.lockKeys(keys);
    scope.watch(db, key, flag);
    return flag;
}

inline std::string named(std::string_view prefix, long n) {
    std::string out(prefix);
    out += std::to_string(n);
    return out;
}

}  // namespace mini_redis::store_test
