// Key operations inside a set of locked shards; lazy expiry; SCAN's cursor.
#include "lock_scope.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <random>

namespace mini_redis {

namespace {
uint64_t reverseBits(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
    v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
    v = ((v >> 4) & 0x0f0f0f0f0f0f0f0full) | ((v & 0x0f0f0f0f0f0f0f0full) << 4);
    return __builtin_bswap64(v);
}
}  // namespace

LockScope::LockScope(Store& store) : store_(store) {}

LockScope::~LockScope() {
    if (!ready_candidates_.empty()) reportReady();
    // Before the locks go: the reactor hears of the writes before anyone can read the keys
    // again (and before the writer's reply, which leaves after this scope).
    if (!inv_.empty()) {
        if (InvalidationListener* l = store_.invalidationListener()) l->invalidated(std::move(inv_));
    }
    // Before the unlock: a key's events enter the notifier's queue in its writes' order.
    if (!events_.empty()) store_.notifier().post(events_);
    // Before the unlock too: the log holds a key's writes in the order they were applied.
    if (!log_.empty()) {
        if (WriteLog* log = store_.writeLog()) {
            const uint64_t end = log->append(log_);
            if (log_seq_sink_ != nullptr && end > *log_seq_sink_) *log_seq_sink_ = end;
        }
    }
    if (all_) {
        for (auto it = store_.shards_.rbegin(); it != store_.shards_.rend(); ++it) (*it)->mu.unlock();
        return;
    }
    for (const size_t* it = locked_.end(); it != locked_.begin();) store_.shards_[*--it]->mu.unlock();
}

void LockScope::lockKeys(std::span<const std::string_view> keys) {
    assert(holdsNothing());
    for (std::string_view key : keys) {
        uint64_t h = store_.hash_(key);
        hashes_.push_back({key.data(), key.size(), h});
        locked_.push_back(store_.shardIndex(h));
    }
    // The lock rule: ascending shard index, each shard once.
    locked_.sortUnique();
    for (size_t idx : locked_) store_.shards_[idx]->mu.lock();
}

void LockScope::lockAll() {
    if (all_) return;
    assert(locked_.empty());
    for (auto& shard : store_.shards_) shard->mu.lock();
    all_ = true;
}

bool LockScope::holds(size_t shard) const {
    return all_ || std::binary_search(locked_.begin(), locked_.end(), shard);
}

uint64_t LockScope::hashOf(std::string_view key) const {
    for (const Hashed& h : hashes_) {
        if (h.data == key.data() && h.size == key.size()) return h.hash;
    }
    return store_.hash_(key);
}

Store::Shard& LockScope::shardFor(uint64_t hash) {
    size_t idx = store_.shardIndex(hash);
    assert(holds(idx) && "a key outside the command's lock scope");
    return *store_.shards_[idx];
}

void LockScope::erase(Store::Shard& shard, int db, std::string_view key, uint64_t hash,
                      bool expired) {
    table(shard, db).erase(key, hash);
    changed(shard, db, key, false);
    Store::publish(shard, db);
    if (expired) {
        store_.countExpired(1);
        ++expired_writes_;
        if (logging()) {  // replays as the deletion it was, whatever command found it
            const std::string_view del[] = {"DEL", key};
            log_.add(db, del);
        }
    }
}

void LockScope::notifyIfNew(KeyTable& t, int db, std::string_view key, uint64_t hash) {
    if (!(store_.notifier().active() & keyspace_events::kNew)) return;
    if (t.find(key, hash) == nullptr) notify(keyspace_events::kNew, "new", db, key);
}

KeyTable::Entry* LockScope::find(int db, std::string_view key) {
    KeyTable::Entry* e = findLive(db, key);
    if (e == nullptr && read_lookups_) notify(keyspace_events::kKeyMiss, "keymiss", db, key);
    return e;
}

KeyTable::Entry* LockScope::findLive(int db, std::string_view key) {
    uint64_t h = hashOf(key);
    Store::Shard& shard = shardFor(h);
    KeyTable::Entry* e = table(shard, db).find(key, h);
    if (e == nullptr || live(e)) return e;
    if (!store_.expiryPaused()) {  // CLIENT PAUSE keeps it
        erase(shard, db, key, h, true);
        notify(keyspace_events::kExpired, "expired", db, key);
    }
    return nullptr;
}

Lookup LockScope::find(int db, std::string_view key, ValueType want) {
    KeyTable::Entry* e = find(db, key);
    if (e == nullptr) return {};
    if (KeyTable::type(e) != want) return {nullptr, true};
    return {e, false};
}

KeyTable::Entry* LockScope::setString(int db, std::string_view key, std::string_view value,
                                      int64_t expire_at, StringEncoding enc) {
    uint64_t h = hashOf(key);
    Store::Shard& shard = shardFor(h);
    notifyIfNew(table(shard, db), db, key, h);
    KeyTable::Entry* e = table(shard, db).putString(key, h, value, enc, expire_at);
    changed(shard, db, key);
    Store::publish(shard, db);
    return e;
}

KeyTable::Entry* LockScope::setCollection(int db, std::string_view key, ValueType type,
                                          std::unique_ptr<Collection> value, int64_t expire_at) {
    uint64_t h = hashOf(key);
    Store::Shard& shard = shardFor(h);
    notifyIfNew(table(shard, db), db, key, h);
    KeyTable::Entry* e = table(shard, db).putCollection(key, h, type, value.release(), expire_at);
    changed(shard, db, key);
    Store::publish(shard, db);
    return e;
}

bool LockScope::setExpire(int db, std::string_view key, int64_t expire_at) {
    if (findLive(db, key) == nullptr) return false;
    uint64_t h = hashOf(key);
    Store::Shard& shard = shardFor(h);
    table(shard, db).setExpire(key, h, expire_at);
    changed(shard, db, key, false);
    Store::publish(shard, db);
    return true;
}

KeyTable::Entry* LockScope::resizeString(int db, std::string_view key, size_t new_len) {
    if (findLive(db, key) == nullptr) return nullptr;
    uint64_t h = hashOf(key);
    Store::Shard& shard = shardFor(h);
    KeyTable::Entry* e = table(shard, db).resizeString(key, h, new_len);
    changed(shard, db, key, false);
    Store::publish(shard, db);
    return e;
}

void LockScope::modified(int db, std::string_view key) {
    uint64_t h = hashOf(key);
    Store::Shard& shard = shardFor(h);
    KeyTable& t = table(shard, db);
    KeyTable::Entry* e = t.find(key, h);
    assert(e != nullptr);
    const Collection* c = KeyTable::collection(e);
    if (c != nullptr && c->length() == 0) {
        t.erase(key, h);  // an emptied collection is no key
        notify(keyspace_events::kGeneric, "del", db, key);
    } else {
        t.recount(e);
    }
    changed(shard, db, key);
    Store::publish(shard, db);
}

bool LockScope::remove(int db, std::string_view key) {
    if (findLive(db, key) == nullptr) return false;
    uint64_t h = hashOf(key);
    erase(shardFor(h), db, key, h, false);
    return true;
}

bool LockScope::move(int from_db, std::string_view from_key, int to_db, std::string_view to_key) {
    if (findLive(from_db, from_key) == nullptr) return false;
    if (from_db == to_db && from_key == to_key) return true;
    remove(to_db, to_key);  // adopt() needs the destination absent
    uint64_t hf = hashOf(from_key);
    uint64_t ht = hashOf(to_key);
    Store::Shard& from = shardFor(hf);
    Store::Shard& to = shardFor(ht);
    KeyTable::Entry* e = table(from, from_db).detach(from_key, hf);
    changed(from, from_db, from_key, false);
    Store::publish(from, from_db);
    notify(keyspace_events::kNew, "new", to_db, to_key);  // removed above: absent now
    table(to, to_db).adopt(to_key, ht, e);
    changed(to, to_db, to_key);
    Store::publish(to, to_db);
    return true;
}

bool LockScope::copy(int from_db, std::string_view from_key, int to_db, std::string_view to_key) {
    KeyTable::Entry* e = findLive(from_db, from_key);
    if (e == nullptr) return false;
    const int64_t at = KeyTable::expireAt(e);
    if (KeyTable::type(e) == ValueType::String) {
        std::string bytes(KeyTable::value(e));  // the put below may move `e`'s table
        const StringEncoding enc = KeyTable::encoding(e) == StringEncoding::Auto
                                       ? StringEncoding::Copied
                                       : KeyTable::encoding(e);
        setString(to_db, to_key, bytes, at, enc);
    } else {
        std::unique_ptr<Collection> clone(KeyTable::collection(e)->clone());
        setCollection(to_db, to_key, KeyTable::type(e), std::move(clone), at);
    }
    return true;
}

void LockScope::dropTracking(Store::Shard& shard) {
    // Every tracking client is told to drop everything (a null invalidation), as Redis does on
    // a flush, so the table can go whole.
    inv_.flushed = true;
    if (shard.tracking.empty()) return;
    store_.tracked_keys_.fetch_sub(shard.tracking.size(), std::memory_order_relaxed);
    shard.tracking.clear();
}

void LockScope::track(std::string_view key, uint64_t client_id) {
    Store::Shard& shard = shardFor(hashOf(key));
    auto [it, added] = shard.tracking.try_emplace(std::string(key));
    if (std::find(it->second.begin(), it->second.end(), client_id) == it->second.end()) {
        it->second.push_back(client_id);
    }
    if (!added) return;
    const size_t max = store_.tracking_max_keys_.load(std::memory_order_relaxed);
    if (max != 0 && store_.tracked_keys_.load(std::memory_order_relaxed) >= max) {
        // tracking-table-max-keys: a key is forgotten and its readers told (as if it changed),
        // like Redis's eviction from the table: another key of this shard, or else this one
        // (its reader then simply does not cache it).
        auto victim = shard.tracking.begin();
        if (victim == it) ++victim;
        if (victim == shard.tracking.end()) victim = it;
        inv_.keys.emplace_back(victim->first, std::move(victim->second));
        const bool self = victim == it;
        shard.tracking.erase(victim);
        if (self) return;
        store_.tracked_keys_.fetch_sub(1, std::memory_order_relaxed);
    }
    store_.tracked_keys_.fetch_add(1, std::memory_order_relaxed);
}

size_t LockScope::flushDb(int db) {
    assert(all_);
    ++writes_;  // recorded even when empty, as Redis propagates every flush
    size_t removed = 0;
    for (auto& shard : store_.shards_) {
        dropTracking(*shard);
        KeyTable& t = table(*shard, db);
        if (t.size() == 0) continue;
        removed += t.size();
        if (!shard->watches.empty()) Store::touchWatchedIn(*shard, db, &t, nullptr);
        shard->changes.fetch_add(t.size(), std::memory_order_relaxed);
        t.clear();
        Store::publish(*shard, db);
    }
    return removed;
}

size_t LockScope::flushAll() {
    size_t removed = 0;
    for (int db = 0; db < store_.databases(); ++db) removed += flushDb(db);
    return removed;
}

void LockScope::swapDb(int a, int b) {
    assert(all_);
    ++writes_;  // recorded, as Redis propagates every SWAPDB that succeeds
    if (a == b) return;
    // One change, as Redis counts it (the first shard carries it).
    store_.shards_.front()->changes.fetch_add(1, std::memory_order_relaxed);
    for (auto& shard : store_.shards_) {
        KeyTable& ta = table(*shard, a);
        KeyTable& tb = table(*shard, b);
        if (!shard->watches.empty()) {
            Store::touchWatchedIn(*shard, a, &ta, &tb);
            Store::touchWatchedIn(*shard, b, &ta, &tb);
        }
        ta.swap(tb);
        Store::publish(*shard, a);
        Store::publish(*shard, b);
        // Clients blocked on a key the swap brought in are served, as Redis does.
        if (ready_sink_ == nullptr) continue;
        for (const auto& [bkey, clients] : shard->blocked) {
            int bdb = 0;
            std::memcpy(&bdb, bkey.data(), sizeof bdb);
            if (bdb != a && bdb != b) continue;
            ReadyKey k{bdb, bkey.substr(sizeof bdb), ValueType::List};
            if (std::find(ready_candidates_.begin(), ready_candidates_.end(), k) ==
                ready_candidates_.end()) {
                ready_candidates_.push_back(std::move(k));
            }
        }
    }
}

void LockScope::forEachKey(
    int db, const std::function<void(std::string_view, const KeyTable::Entry*)>& fn) {
    for (size_t i = 0; i < store_.shards_.size(); ++i) {
        Store::Shard& shard = *store_.shards_[i];
        std::unique_lock<std::mutex> lock(shard.mu, std::defer_lock);
        if (!holds(i)) lock.lock();
        table(shard, db).forEach([&](const KeyTable::Entry* e) {
            if (live(e)) fn(KeyTable::key(e), e);
        });
    }
}

// SCAN's cursor, and why a key present for the whole scan is returned at least once.
//
// The cursor packs (bucket cursor << shard bits) | shard: shards are walked in index order, and
// inside one shard's table the buckets are walked in reverse-binary order, as Redis does.
// A "bucket" here is not a slot: with linear probing a key may sit several slots after its home
// slot, and deletions shift keys backwards. So a step over bucket b returns every key whose
// HOME slot (hash & mask) is b, found by probing from slot b to the next empty slot (a key's
// probe run never crosses an empty slot). Which keys a bucket holds thus depends only on their
// hashes and the table size, never on where insertions and deletions moved them.
//
// When the table doubles between two steps, bucket b of the old size becomes buckets b and
// b + oldsize of the new one; when it shrinks (only ever to empty here), the remaining keys
// are gone anyway. The reverse-binary increment visits the new buckets that share the low
// bits of the buckets already visited only if they were not covered yet: every bucket of the
// new size whose low bits (under the old mask) were visited is, by construction, behind the
// cursor, and every one not yet visited is ahead of it. A key may be returned twice (after a
// growth), never missed, as in Redis.
uint64_t LockScope::scan(
    int db, uint64_t cursor, size_t count,
    const std::function<void(std::string_view, const KeyTable::Entry*)>& fn) {
    const size_t shards = store_.shards_.size();
    int shard_bits = 0;
    while ((size_t{1} << shard_bits) < shards) ++shard_bits;
    size_t si = static_cast<size_t>(cursor & ((uint64_t{1} << shard_bits) - 1));
    uint64_t v = cursor >> shard_bits;
    if (si >= shards) return 0;  // not a cursor we made: end the scan, as Redis would
    size_t buckets = 0;
    const size_t budget = std::max<size_t>(count, 1);
    while (si < shards && buckets < budget) {
        Store::Shard& shard = *store_.shards_[si];
        std::unique_lock<std::mutex> lock(shard.mu, std::defer_lock);
        if (!holds(si)) lock.lock();
        KeyTable& t = table(shard, db);
        const size_t n = t.slotCount();
        if (n == 0) {
            // An empty table costs one lock and no bucket: not charged to the budget, so a
            // small database (most shards empty) is scanned in one call, as in Redis.
            ++si;
            v = 0;
            continue;
        }
        const uint64_t mask = n - 1;
        do {
            const size_t home = static_cast<size_t>(v & mask);
            for (size_t i = home;; i = (i + 1) & mask) {
                const KeyTable::Entry* e = t.slotEntry(i);
                if (e == nullptr) break;
                if (t.homeSlot(e) == home && live(e)) fn(KeyTable::key(e), e);
            }
            // Reverse-binary increment of the bucket cursor under this table's mask.
            v |= ~mask;
            v = reverseBits(v);
            ++v;
            v = reverseBits(v);
            ++buckets;
        } while (v != 0 && buckets < budget);
        if (v == 0) ++si;
    }
    if (si >= shards) return 0;
    return (v << shard_bits) | si;
}

bool LockScope::randomKey(int db, std::string& out) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    const size_t shards = store_.shards_.size();
    // Try random shards, then fall back to a walk, so a sparse keyspace still finds a key.
    for (int attempt = 0; attempt < 64; ++attempt) {
        size_t si = rng() % shards;
        if (store_.shards_[si]->count[static_cast<size_t>(db)].load(std::memory_order_relaxed) == 0)
            continue;
        Store::Shard& shard = *store_.shards_[si];
        std::unique_lock<std::mutex> lock(shard.mu, std::defer_lock);
        if (!holds(si)) lock.lock();
        KeyTable& t = table(shard, db);
        const size_t n = t.slotCount();
        if (n == 0) continue;
        size_t start = rng() & (n - 1);
        for (size_t k = 0; k < n; ++k) {
            const KeyTable::Entry* e = t.slotEntry((start + k) & (n - 1));
            if (e != nullptr && live(e)) {
                out.assign(KeyTable::key(e));
                return true;
            }
        }
    }
    bool found = false;
    forEachKey(db, [&](std::string_view key, const KeyTable::Entry*) {
        if (!found) {
            out.assign(key);
            found = true;
        }
    });
    return found;
}

size_t LockScope::dbSize(int db) {
    if (!all_) return store_.dbSize(db);
    size_t n = 0;
    for (auto& shard : store_.shards_) n += table(*shard, db).size();
    return n;
}

void LockScope::changed(Store::Shard& shard, int db, std::string_view key, bool may_ready) {
    Store::changed(shard, db, key);
    ++writes_;
    // CLIENT TRACKING: whoever read the key hears it changed (the entry goes: one-shot).
    if (!shard.tracking.empty()) store_.takeTracked(shard, key, inv_);
    if (store_.broadcasting()) inv_.written.emplace_back(key);
    if (!may_ready || shard.blocked.empty() || ready_sink_ == nullptr) return;
    if (shard.blocked.count(Store::watchKey(db, key)) == 0) return;
    ReadyKey k{db, std::string(key), ValueType::List};
    if (std::find(ready_candidates_.begin(), ready_candidates_.end(), k) ==
        ready_candidates_.end()) {
        ready_candidates_.push_back(std::move(k));
    }
}

void LockScope::reportReady() {
    // Judged now, after every write of the scope: a key pushed to and popped empty again by
    // one transaction wakes nobody; one that became a string keeps its clients waiting.
    for (ReadyKey& k : ready_candidates_) {
        uint64_t h = hashOf(k.key);
        const KeyTable::Entry* e = table(shardFor(h), k.db).find(k.key, h);
        if (e == nullptr || !live(e)) continue;
        const ValueType t = KeyTable::type(e);
        if (t != ValueType::List && t != ValueType::ZSet) continue;
        k.type = t;
        if (std::find(ready_sink_->begin(), ready_sink_->end(), k) == ready_sink_->end()) {
            ready_sink_->push_back(std::move(k));
        }
    }
    ready_candidates_.clear();
}

void LockScope::addBlocked(int db, std::string_view key) {
    ++shardFor(hashOf(key)).blocked[Store::watchKey(db, key)];
}

void LockScope::removeBlocked(int db, std::string_view key) {
    Store::Shard& shard = shardFor(hashOf(key));
    auto it = shard.blocked.find(Store::watchKey(db, key));
    assert(it != shard.blocked.end() && it->second > 0);
    if (it != shard.blocked.end() && --it->second == 0) shard.blocked.erase(it);
}

void LockScope::watch(int db, std::string_view key, const std::shared_ptr<WatchFlag>& flag) {
    Store::Shard& shard = shardFor(hashOf(key));
    auto& flags = shard.watches[Store::watchKey(db, key)];
    if (std::find(flags.begin(), flags.end(), flag) == flags.end()) flags.push_back(flag);
}

void LockScope::unwatch(int db, std::string_view key, const std::shared_ptr<WatchFlag>& flag) {
    Store::Shard& shard = shardFor(hashOf(key));
    auto it = shard.watches.find(Store::watchKey(db, key));
    if (it == shard.watches.end()) return;
    auto& flags = it->second;
    flags.erase(std::remove(flags.begin(), flags.end(), flag), flags.end());
    if (flags.empty()) shard.watches.erase(it);
}

}  // namespace mini_redis
