// The keyspace: `databases` numbered databases of typed values with optional expiry, spread
// over many independently locked shards. Commands reach keys only through a LockScope
// (lock_scope.h); this class owns the shards, the change hook and the counters.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "clock.h"
#include "key_hash.h"
#include "key_table.h"
#include "keyspace_notifier.h"
#include "write_log.h"

namespace mini_redis {

// Set when a watched key changes; read by EXEC. Shared by the transaction that watches and the
// shards that hold its watches.
struct WatchFlag {
    std::atomic<bool> dirty{false};
};

// A key that blocked clients wait on and that a write left holding a list or a sorted set.
struct ReadyKey {
    int db = 0;
    std::string key;
    ValueType type = ValueType::List;  // what it holds now
    bool operator==(const ReadyKey&) const = default;
};

// Client-side caching (CLIENT TRACKING): what a scope's writes invalidated, for the reactor.
struct Invalidation {
    // Keys read by tracking clients (default mode), with those clients' CLIENT IDs; each key
    // is forgotten as it is reported (Redis's one-shot tracking table).
    std::vector<std::pair<std::string, std::vector<uint64_t>>> keys;
    std::vector<std::string> written;  // every key written, while a BCAST client exists
    bool flushed = false;              // FLUSHDB / FLUSHALL: every tracking client is told
    uint64_t by_client = 0;            // who wrote (NOLOOP); 0 for the expire cycle
    bool empty() const { return keys.empty() && written.empty() && !flushed; }
};

// Where a scope's invalidations go (the server posts them to the reactor).
class InvalidationListener {
  public:
    virtual ~InvalidationListener() = default;
    // Any thread; called as a scope ends (its shards still locked), so the reactor hears of
    // a write before the writer's reply. Must not call back into the store.
    virtual void invalidated(Invalidation&& inv) = 0;
};

// Counters of the active expire cycle, for INFO stats. Written by the cycle's thread.
struct ExpireStats {
    std::atomic<uint64_t> cycle_cpu_us{0};     // expire_cycle_cpu_milliseconds * 1000
    std::atomic<uint64_t> stale_perc_x100{0};  // expired_stale_perc * 100 (last estimate)
    std::atomic<uint64_t> cycles{0};
    std::atomic<uint64_t> time_cap_reached{0};  // cycles that stopped on their CPU budget
};

// Any thread. LOCK RULE: a shard's mutex guards every database's table in that shard and the
// shard's watch list. Whoever needs several shards locks them in ascending shard index order
// and releases them together (LockScope does it; so does the expire cycle, one shard at a
// time). No code calls back into the store while holding a shard, except through the scope
// that holds it. A key's shard depends only on its name, not on its database, so a command
// that moves a key between databases (MOVE, COPY ... DB) locks one shard for it.
class Store {
  public:
    // Every shard's table and the shard choice use `hash` (tests pass a seeded one); expiry
    // is judged by `clock` (tests pass a ManualClock).
    explicit Store(size_t databases = 16, size_t shard_count = 256,
                   const KeyHash& hash = KeyHash::process(), const Clock& clock = Clock::system());
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    int databases() const { return databases_; }
    size_t shardCount() const { return shards_.size(); }
    const Clock& clock() const { return clock_; }

    // Lock-free reads of the mirrors each write refreshes (they may lag a write in flight).
    size_t dbSize(int db) const;
    size_t dbExpires(int db) const;
    // The mean remaining TTL (ms) of the keys the expire cycle sampled lately; 0 if none.
    int64_t dbAvgTtl(int db) const {
        return dbExpires(db) == 0 ? 0 : avg_ttl_[static_cast<size_t>(db)].load();
    }
    size_t size() const;  // keys in every database
    // Bytes held in keys and values plus per-entry overhead, for INFO memory.
    size_t usedBytes() const;
    // Writes to keys since start (rdb_changes_since_last_save counts from a save point).
    uint64_t changes() const;
    uint64_t expiredKeys() const { return expired_keys_.load(std::memory_order_relaxed); }
    // The lazy-free thread big deleted values go to (INFO's lazyfree counters; tests drain it).
    Reclaimer& reclaimer() { return *reclaimer_; }
    const Reclaimer& reclaimer() const { return *reclaimer_; }
    ExpireStats& expireStats() { return expire_stats_; }
    // Keyspace notifications: the setting's flags and the queue of events for the reactor.
    KeyspaceNotifier& notifier() { return notifier_; }
    const ExpireStats& expireStats() const { return expire_stats_; }

    // The append-only log every scope's writes are recorded to (write_log.h). Set once before
    // start (null: none); whether it records is its own active().
    void setWriteLog(WriteLog* log) { write_log_ = log; }
    WriteLog* writeLog() const { return write_log_; }
    bool logging() const { return write_log_ != nullptr && write_log_->active(); }

    // CLIENT TRACKING. Set once before start (null: nobody is told).
    void setInvalidationListener(InvalidationListener* l) { listener_ = l; }
    InvalidationListener* invalidationListener() const { return listener_; }
    // Clients in BCAST mode (the reactor keeps it): while nonzero every write is reported.
    void setBroadcastClients(size_t n) { bcast_clients_.store(n, std::memory_order_relaxed); }
    bool broadcasting() const { return bcast_clients_.load(std::memory_order_relaxed) != 0; }
    // Keys in the tracking table (INFO tracking_total_keys), and its bound
    // (tracking-table-max-keys; 0 = unbounded), read by LockScope::track.
    size_t trackedKeys() const { return tracked_keys_.load(std::memory_order_relaxed); }
    void setTrackingMaxKeys(size_t n) { tracking_max_keys_.store(n, std::memory_order_relaxed); }

    // Calls fn(entry) for every entry of database `db`, expired ones too, WITHOUT locking: the
    // caller holds every shard (a LockScope after lockAll()) or is a child forked while one
    // did (rdb_writer.h: the snapshot a BGSAVE child writes). Entries are read-only here.
    template <class Fn>
    void forEachEntryHeld(int db, Fn&& fn) const {
        for (const auto& shard : shards_) shard->dbs[static_cast<size_t>(db)]->forEach(fn);
    }

    // Probe lengths over every table (the longest; the sum over all keys), for tests and
    // diagnostics. Locks one shard at a time.
    KeyTable::ProbeStats probeStats() const;

    // One step of the active expire cycle on one shard, with the shard locked for its
    // duration: samples up to `samples` keys with a TTL in each database (visiting at most 20
    // slots per sample) and deletes the expired ones; returns {sampled, expired}.
    struct ExpireStep {
        size_t sampled = 0;
        size_t expired = 0;
    };
    ExpireStep expireStep(size_t shard, size_t samples);

    // While clients are paused (CLIENT PAUSE) nothing is deleted for having expired, as in
    // Redis: the active cycle skips its runs and a lookup answers "no such key" but keeps it.
    // Any thread; set by the reactor.
    void setExpiryPaused(bool on) { expiry_paused_.store(on, std::memory_order_relaxed); }
    bool expiryPaused() const { return expiry_paused_.load(std::memory_order_relaxed); }

    // While the AOF is replayed at start-up nothing expires, as in Redis: every command's
    // instant is 0 (LockScope::now()), so no key looks expired and an expiry time that is past
    // by now is set, not turned into a delete; the active cycle skips its runs. The AOF holds
    // absolute times only (PEXPIREAT, PXAT), so replay ends in the state the writes left.
    // Any thread; set by the start-up loader.
    void setLoading(bool on) { loading_.store(on, std::memory_order_relaxed); }
    bool loading() const { return loading_.load(std::memory_order_relaxed); }

  private:
    friend class LockScope;

    struct alignas(64) Shard {
        Shard(const KeyHash& hash, int databases, Reclaimer* reclaimer);
        mutable std::mutex mu;
        std::vector<std::unique_ptr<KeyTable>> dbs;  // guarded by mu
        // WATCHed keys in this shard: (db, key) encoded by watchKey() -> the flags to set.
        std::unordered_map<std::string, std::vector<std::shared_ptr<WatchFlag>>> watches;
        // Keys in this shard that blocked clients wait on: watchKey() -> how many clients. The
        // reactor keeps it (LockScope::addBlocked/removeBlocked) so that a write making such a
        // key ready is seen under this same lock: no wake-up can fall between a client's
        // check and its registration (blocked_clients.h).
        std::unordered_map<std::string, uint32_t> blocked;
        // CLIENT TRACKING's table, for the keys of this shard: key name (in any database, as
        // Redis keys it) -> CLIENT IDs that read it since it last changed.
        std::unordered_map<std::string, std::vector<uint64_t>> tracking;
        // Mirrors of the tables' sizes, for lock-free reads (written under mu).
        std::unique_ptr<std::atomic<size_t>[]> count;
        std::unique_ptr<std::atomic<size_t>[]> expires;
        std::atomic<size_t> bytes{0};      // sum of db_bytes
        std::vector<size_t> db_bytes;      // each table's memoryBytes() at the last publish (mu)
        std::atomic<uint64_t> changes{0};  // the change hook's counter
    };

    // Hash bits 32..47 pick the shard; the table uses the low bits and the top 16 (key_hash.h).
    size_t shardIndex(uint64_t hash) const { return ((hash >> 32) & 0xffff) % shards_.size(); }
    // Refreshes the lock-free mirrors of one database after a change; call with the shard locked.
    static void publish(Shard& shard, int db);
    static std::string watchKey(int db, std::string_view key);
    // THE CHANGE HOOK: every write to a key goes through here (with its shard locked). Cheap
    // when nothing listens: one relaxed counter bump and one emptiness test.
    static void changed(Shard& shard, int db, std::string_view key) {
        shard.changes.store(shard.changes.load(std::memory_order_relaxed) + 1,
                            std::memory_order_relaxed);
        if (!shard.watches.empty()) touchWatched(shard, db, key);
    }
    static void touchWatched(Shard& shard, int db, std::string_view key);
    // Takes `key`'s tracking entry out of the shard into `inv` (called with the shard locked,
    // after a write or an expiry).
    void takeTracked(Shard& shard, std::string_view key, Invalidation& inv);
    // Marks every watch on database `db` in this shard whose key exists in `a` or `b` (FLUSHDB,
    // SWAPDB: Redis fails a WATCH only for keys that were there).
    static void touchWatchedIn(Shard& shard, int db, const KeyTable* a, const KeyTable* b);
    void countExpired(size_t n) { expired_keys_.fetch_add(n, std::memory_order_relaxed); }

    const int databases_;
    const KeyHash hash_;  // the same function as every shard's table
    const Clock& clock_;
    // Declared before the shards: destroyed after them, it frees what their tables give it.
    std::unique_ptr<Reclaimer> reclaimer_;
    std::vector<std::unique_ptr<Shard>> shards_;
    std::atomic<uint64_t> expired_keys_{0};
    std::atomic<bool> expiry_paused_{false};
    std::atomic<bool> loading_{false};
    std::unique_ptr<std::atomic<int64_t>[]> avg_ttl_;  // per database; written by expireStep
    ExpireStats expire_stats_;
    InvalidationListener* listener_ = nullptr;
    WriteLog* write_log_ = nullptr;
    std::atomic<size_t> bcast_clients_{0};
    std::atomic<size_t> tracked_keys_{0};
    std::atomic<size_t> tracking_max_keys_{1000000};
    KeyspaceNotifier notifier_;
};

}  // namespace mini_redis
