// The one way to keys: a set of locked store shards, and every key operation done inside it.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "key_table.h"
#include "small_vector.h"
#include "store.h"
#include "write_log.h"

namespace mini_redis {

// What a typed lookup found.
struct Lookup {
    KeyTable::Entry* entry = nullptr;  // nullptr: absent, expired, or of the wrong type
    bool wrong_type = false;           // the key exists but holds another type
    explicit operator bool() const { return entry != nullptr; }
};

// The thread that made it only; lives for one command (or one EXEC). A handler gets a scope
// whose shards already cover every key the command table says it touches, locked once in
// ascending shard order (the store's lock rule), and runs any number of operations inside it;
// writes inside one scope are applied in the order they are made, which is the order EXEC and
// the append-only log see. Operations on a key whose shard the scope does not hold are a bug
// (asserted in debug builds). The time is read once, at its first use: every key in the scope
// is judged against that instant.
//
// Commands that walk the whole keyspace (KEYS, SCAN, RANDOMKEY, DBSIZE) run with a scope that
// holds nothing and lock one shard at a time; inside EXEC they get a scope that holds all.
class LockScope {
  public:
    explicit LockScope(Store& store);
    ~LockScope();
    LockScope(const LockScope&) = delete;
    LockScope& operator=(const LockScope&) = delete;

    // Locks the shards of `keys` (called once, before any operation). Hashes are kept, so no
    // key is hashed twice.
    void lockKeys(std::span<const std::string_view> keys);
    // Locks every shard (FLUSHALL, SWAPDB, an EXEC with a keyspace-wide command). A no-op when
    // it already holds all; must not be called when it holds some.
    void lockAll();
    bool holdsAll() const { return all_; }
    bool holdsNothing() const { return !all_ && locked_.empty(); }
    // The scope's instant: read from the clock on first use and kept, so one command judges
    // every key against the same time, and a command that never needs it (a key without a
    // TTL, PING) never reads the clock. While the AOF loads it is 0 (Store::setLoading).
    int64_t now() const {
        if (now_ == kUnread) now_ = store_.loading() ? 0 : store_.clock().nowMs();
        return now_;
    }
    Store& store() { return store_; }

    // KEYSPACE NOTIFICATIONS: a command reports each event Redis would send for it, in Redis's
    // order, right after the write it names (before modified(), whose emptied-collection
    // deletion adds "del"). Nothing is kept unless the setting wants the class: one relaxed
    // load and one branch while notifications are off. The events are posted to the store's
    // notifier when the scope ends, before its shards are unlocked (keyspace_notifier.h).
    void notify(uint32_t cls, const char* event, int db, std::string_view key) {
        if (store_.notifier().active() & cls) [[unlikely]]
            events_.push_back({cls, event, db, std::string(key)});
    }
    // Whether find() reports "keymiss" (m) when it finds no key, as Redis's lookupKeyRead does:
    // on for read-only commands (set by the executor), and for the sources a write command
    // reads (GETDEL, SET ... GET, the *STORE commands' inputs, COPY's source) through
    // ReadLookups. The write operations below look keys up without it.
    void setReadLookups(bool on) { read_lookups_ = on; }
    bool readLookups() const { return read_lookups_; }
    // Read lookups for as long as it lives (when `on`), then back to what they were.
    class ReadLookups {
      public:
        explicit ReadLookups(LockScope& scope, bool on = true)
            : scope_(scope), was_(scope.readLookups()) {
            if (on) scope.setReadLookups(true);
        }
        ~ReadLookups() { scope_.setReadLookups(was_); }
        ReadLookups(const ReadLookups&) = delete;
        ReadLookups& operator=(const ReadLookups&) = delete;

      private:
        LockScope& scope_;
        bool was_;
    };

    // THE LOOKUP: lazy expiry first (an expired key is deleted, counted and reported to the
    // change hook, and is then absent), then existence. Every command reads keys through it.
    KeyTable::Entry* find(int db, std::string_view key);
    // find() plus the type check (wrong_type set when the key holds another type).
    Lookup find(int db, std::string_view key, ValueType want);

    // Writes. Each goes through the store's change hook once.
    // Stores a string, replacing any value of any type; `expire_at` is its new TTL (kNoExpiry
    // clears one, as any plain overwrite does in Redis).
    KeyTable::Entry* setString(int db, std::string_view key, std::string_view value,
                               int64_t expire_at = kNoExpiry,
                               StringEncoding enc = StringEncoding::Auto);
    KeyTable::Entry* setCollection(int db, std::string_view key, ValueType type,
                                   std::unique_ptr<Collection> value, int64_t expire_at = kNoExpiry);
    // Changes the TTL of an existing (live) key; false if absent.
    bool setExpire(int db, std::string_view key, int64_t expire_at);
    // Resizes an existing string (zero-filled growth); nullptr if absent.
    KeyTable::Entry* resizeString(int db, std::string_view key, size_t new_len);
    // For collection commands that changed a value in place (a live key found through this
    // scope): counts its new size into used_memory, deletes the key if the collection is now
    // empty (as Redis does), and reports the write to the change hook. Call it once per
    // changed key, after the change; never for a command that changed nothing.
    void modified(int db, std::string_view key);
    bool remove(int db, std::string_view key);
    // Moves a live key to (to_db, to_key), replacing what is there; keeps its TTL (RENAME, MOVE).
    bool move(int from_db, std::string_view from_key, int to_db, std::string_view to_key);
    // Copies a live key to (to_db, to_key), replacing what is there (COPY ... REPLACE).
    bool copy(int from_db, std::string_view from_key, int to_db, std::string_view to_key);

    // Whole databases (the scope must hold all shards). Return how many keys were removed.
    size_t flushDb(int db);
    size_t flushAll();
    void swapDb(int a, int b);

    // Keyspace walks: they lock each shard in turn unless the scope holds all. Expired keys
    // are skipped.
    // Calls fn(key) for every live key of `db` matching nothing in particular (KEYS filters).
    void forEachKey(int db, const std::function<void(std::string_view key,
                                                     const KeyTable::Entry* e)>& fn);
    // One SCAN step (see the cursor argument in lock_scope.cpp): calls fn for the live keys of
    // about `count` buckets and returns the next cursor (0 when done).
    uint64_t scan(int db, uint64_t cursor, size_t count,
                  const std::function<void(std::string_view key, const KeyTable::Entry* e)>& fn);
    // A random live key of `db`, or false when the database is empty.
    bool randomKey(int db, std::string& out);
    size_t dbSize(int db);

    // Blocked clients (the reactor's BlockedClients keeps the counts): while (db, key) has a
    // count, a write through any scope that leaves it holding a list or a sorted set reports
    // it to that scope's ready sink, checked as the scope ends (so a transaction's keys are
    // judged after EXEC, as Redis serves them).
    void addBlocked(int db, std::string_view key);
    void removeBlocked(int db, std::string_view key);
    // Where this scope reports ready keys (none by default); each key at most once.
    void setReadySink(std::vector<ReadyKey>* sink) { ready_sink_ = sink; }
    std::vector<ReadyKey>* readySink() const { return ready_sink_; }

    // CLIENT TRACKING: `client_id` read `key` (a key of this scope); told when it changes.
    void track(std::string_view key, uint64_t client_id);
    // The client whose command runs in this scope (NOLOOP skips its own writes).
    void setClient(uint64_t client_id) { inv_.by_client = client_id; }

    // APPEND-ONLY LOG (write_log.h). While the store has an active log, every write a command
    // makes is recorded, and the records go to the log as the scope ends, before its shards
    // unlock: so the log holds each key's writes in the order they were applied. By default
    // the executor records a write command's own arguments once it has run, if it wrote
    // anything (a key that merely expired is recorded as DEL where it expires). A handler whose
    // arguments would not replay the same (a relative TTL, a random pick, a float computed
    // here, a blocking form) records what it did instead with logAs(), and the default is
    // then skipped.
    bool logging() const { return store_.logging(); }
    void logAs(int db, std::span<const std::string_view> argv) {
        if (!logging()) return;
        log_.add(db, argv);
        custom_logged_ = true;
    }
    void logAs(int db, std::initializer_list<std::string_view> argv) {
        logAs(db, std::span<const std::string_view>(argv.begin(), argv.size()));
    }
    // For the executor: writes made so far other than expiry deletions, and whether a handler
    // called logAs() since the last call (which clears it).
    uint64_t writes() const { return writes_ - expired_writes_; }
    bool takeCustomLogged() { return std::exchange(custom_logged_, false); }
    void logDefault(int db, std::span<const std::string_view> argv) {
        if (logging()) log_.add(db, argv);
    }
    // EXEC's scope: its records replay as one MULTI ... EXEC.
    void setTransactionLog() { log_.setTransaction(true); }
    // Where the log position just past this scope's records is raised to (the batch's, for
    // the appendfsync-always reply hold); none by default.
    void setLogSeqSink(uint64_t* sink) { log_seq_sink_ = sink; }
    uint64_t* logSeqSink() const { return log_seq_sink_; }

    // WATCH: `flag` is set when (db, key) is written, expires, or is flushed while watched.
    void watch(int db, std::string_view key, const std::shared_ptr<WatchFlag>& flag);
    void unwatch(int db, std::string_view key, const std::shared_ptr<WatchFlag>& flag);

  private:
    struct Hashed {
        const char* data;
        size_t size;
        uint64_t hash;
    };
    uint64_t hashOf(std::string_view key) const;
    Store::Shard& shardFor(uint64_t hash);
    bool holds(size_t shard) const;
    // A write that may make a key ready: the change hook, then the blocked-key check.
    // `may_ready`: the write can leave the key holding a value (not a delete, a TTL change).
    void changed(Store::Shard& shard, int db, std::string_view key, bool may_ready = true);
    void dropTracking(Store::Shard& shard);
    // Reports the candidates that now hold a list or a sorted set to the sink (locks held).
    void reportReady();
    // Removes an entry already found, with the hook (and the expired counter if `expired`).
    void erase(Store::Shard& shard, int db, std::string_view key, uint64_t hash, bool expired);
    // find() without "keymiss": lazy expiry, then the live entry or nullptr.
    KeyTable::Entry* findLive(int db, std::string_view key);
    // Reports "new" (n) when (db, key) holds nothing, before a put adds it.
    void notifyIfNew(KeyTable& t, int db, std::string_view key, uint64_t hash);
    KeyTable& table(Store::Shard& shard, int db) { return *shard.dbs[static_cast<size_t>(db)]; }
    // As Redis: a key expires once the time is past its expiry (at == now is still live).
    bool live(const KeyTable::Entry* e) const {
        int64_t at = KeyTable::expireAt(e);
        return at == kNoExpiry || at >= now();
    }

    Store& store_;
    static constexpr int64_t kUnread = INT64_MIN;
    mutable int64_t now_ = kUnread;
    bool all_ = false;
    SmallVector<size_t, 4> locked_;  // ascending shard indexes, when not all_
    SmallVector<Hashed, 4> hashes_;  // of the keys lockKeys() was given
    std::vector<ReadyKey>* ready_sink_ = nullptr;
    std::vector<ReadyKey> ready_candidates_;  // written keys with blocked clients
    Invalidation inv_;                        // for the InvalidationListener, as it ends
    std::vector<KeyEvent> events_;   // this scope's keyspace events, posted by the destructor
    bool read_lookups_ = false;
    ScopeLog log_;                       // records for the append-only log
    uint64_t* log_seq_sink_ = nullptr;
    uint64_t writes_ = 0;                // changed() calls
    uint64_t expired_writes_ = 0;        // of which expiry deletions
    bool custom_logged_ = false;
};

}  // namespace mini_redis
