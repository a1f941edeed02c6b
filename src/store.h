// The keyspace: binary-safe string keys and values in many independently locked shards.
// Operations return values and statuses, never RESP.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "key_hash.h"
#include "key_table.h"

namespace mini_redis {

enum class SetCondition {
    Always,     // SET
    IfAbsent,   // SET NX, SETNX, MSETNX
    IfPresent,  // SET XX
};

enum class IncrStatus {
    Ok,
    NotInteger,  // the value is not a base-10 64-bit integer
    Overflow,    // the result would not fit in 64 bits
};

struct IncrResult {
    IncrStatus status = IncrStatus::Ok;
    int64_t value = 0;
};

// Any thread. Lock rule: a single-key operation holds its shard's mutex for the duration of
// the operation only; a multi-key operation locks every shard it touches in ascending shard
// index order (LockSet), which is what keeps two multi-key operations from deadlocking.
// Callbacks run under the lock: they must not call back into the store.
class Store {
  public:
    // Every shard's table and the shard choice use `hash` (tests pass a seeded one).
    explicit Store(size_t shard_count = 256, const KeyHash& hash = KeyHash::process());
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    // Calls fn(value) under the lock when the key exists; returns whether it did.
    bool read(std::string_view key, const std::function<void(std::string_view)>& fn);

    // The generic set behind SET/SETNX/GETSET and SET's NX/XX/GET options. Stores `value`
    // unless `cond` says otherwise; returns whether it stored. When `previous` is given, the
    // old value (if any) is copied there and `*had_previous` says whether there was one.
    bool set(std::string_view key, std::string_view value, SetCondition cond,
             std::string* previous = nullptr, bool* had_previous = nullptr);

    // Removes the key and hands its value back; false if absent (GETDEL).
    bool take(std::string_view key, std::string& value);

    // INCRBY and friends: parse, add with overflow check, store, all under one lock.
    IncrResult incrBy(std::string_view key, int64_t delta);

    // Appends to the value (creating it); returns the new length (APPEND), or nothing, and
    // changes nothing, when the result would be longer than `max_len`.
    std::optional<size_t> append(std::string_view key, std::string_view suffix, size_t max_len);

    // Multi-key operations, atomic across shards.
    size_t erase(std::span<const std::string_view> keys);
    size_t countExisting(std::span<const std::string_view> keys);
    // fn(i, value or nullptr) for each key, in order.
    void readMany(std::span<const std::string_view> keys,
                  const std::function<void(size_t, const std::string_view*)>& fn);
    // `kv` alternates key, value. With IfAbsent, stores nothing unless no key exists (MSETNX).
    bool setMany(std::span<const std::string_view> kv, SetCondition cond);

    // Every key matching a glob pattern (KEYS); locks one shard at a time.
    std::vector<std::string> keysMatching(std::string_view pattern);

    size_t size() const;
    // Bytes held in keys and values plus per-entry overhead, for INFO memory.
    size_t usedBytes() const;
    // Probe lengths over every shard's table (the longest; the sum over all keys), for tests and
    // diagnostics. Locks one shard at a time.
    KeyTable::ProbeStats probeStats() const;
    void clear();
    size_t shardCount() const { return shards_.size(); }

  private:
    struct alignas(64) Shard {
        explicit Shard(const KeyHash& hash) : table(hash) {}
        mutable std::mutex mu;
        KeyTable table;                // guarded by mu
        std::atomic<size_t> count{0};  // mirror of table.size(), for lock-free reads
        std::atomic<size_t> bytes{0};  // mirror of table.memoryBytes()
    };

    // Locks a set of shards in ascending index order; unlocks on destruction.
    class LockSet {
      public:
        LockSet(Store& store, std::span<const std::string_view> keys, size_t stride);
        ~LockSet();
        LockSet(const LockSet&) = delete;
        LockSet& operator=(const LockSet&) = delete;

      private:
        Store& store_;
        std::vector<size_t> locked_;
    };

    // Hash bits 32..47 pick the shard; the table uses the low bits and the top 16 (key_hash.h).
    size_t shardIndex(uint64_t hash) const { return ((hash >> 32) & 0xffff) % shards_.size(); }
    size_t shardIndex(std::string_view key) const { return shardIndex(hash_(key)); }
    // Refreshes the lock-free mirrors after a change; call with the shard locked.
    static void publish(Shard& shard);

    const KeyHash hash_;  // the same function as every shard's table
    std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace mini_redis
