// The keyspace's shards, counters, change hook and the active expire cycle's step.
#include "store.h"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace mini_redis {

Store::Shard::Shard(const KeyHash& hash, int databases, Reclaimer* reclaimer)
    : count(new std::atomic<size_t>[static_cast<size_t>(databases)]),
      expires(new std::atomic<size_t>[static_cast<size_t>(databases)]) {
    dbs.reserve(static_cast<size_t>(databases));
    db_bytes.assign(static_cast<size_t>(databases), 0);
    for (int i = 0; i < databases; ++i) {
        dbs.push_back(std::make_unique<KeyTable>(hash, reclaimer));
        count[static_cast<size_t>(i)].store(0);
        expires[static_cast<size_t>(i)].store(0);
    }
}

Store::Store(size_t databases, size_t shard_count, const KeyHash& hash, const Clock& clock)
    : databases_(static_cast<int>(databases)),
      hash_(hash),
      clock_(clock),
      reclaimer_(std::make_unique<Reclaimer>()),
      avg_ttl_(new std::atomic<int64_t>[databases]) {
    assert(shard_count > 0 && databases > 0);
    shards_.reserve(shard_count);
    for (size_t i = 0; i < shard_count; ++i) {
        shards_.push_back(std::make_unique<Shard>(hash_, databases_, reclaimer_.get()));
    }
    for (size_t i = 0; i < databases; ++i) avg_ttl_[i].store(0);
}

void Store::publish(Shard& shard, int db) {
    const KeyTable& t = *shard.dbs[static_cast<size_t>(db)];
    shard.count[static_cast<size_t>(db)].store(t.size(), std::memory_order_relaxed);
    shard.expires[static_cast<size_t>(db)].store(t.expires(), std::memory_order_relaxed);
    // Only this table changed: adjust the shard's sum by its difference (no walk over every
    // database's table on each write).
    const size_t now = t.memoryBytes();
    size_t& last = shard.db_bytes[static_cast<size_t>(db)];
    shard.bytes.store(shard.bytes.load(std::memory_order_relaxed) + now - last,
                      std::memory_order_relaxed);
    last = now;
}

std::string Store::watchKey(int db, std::string_view key) {
    std::string out(sizeof db, '\0');
    std::memcpy(out.data(), &db, sizeof db);
    out.append(key);
    return out;
}

void Store::touchWatched(Shard& shard, int db, std::string_view key) {
    auto it = shard.watches.find(watchKey(db, key));
    if (it == shard.watches.end()) return;
    for (const auto& flag : it->second) flag->dirty.store(true, std::memory_order_relaxed);
}

void Store::touchWatchedIn(Shard& shard, int db, const KeyTable* a, const KeyTable* b) {
    for (auto& [wkey, flags] : shard.watches) {
        int wdb = 0;
        std::memcpy(&wdb, wkey.data(), sizeof wdb);
        if (wdb != db) continue;
        std::string_view key(wkey.data() + sizeof wdb, wkey.size() - sizeof wdb);
        bool there = false;
        for (const KeyTable* t : {a, b}) {
            if (t != nullptr && t->find(key, t->hashOf(key)) != nullptr) there = true;
        }
        if (!there) continue;
        for (const auto& flag : flags) flag->dirty.store(true, std::memory_order_relaxed);
    }
}

size_t Store::dbSize(int db) const {
    size_t n = 0;
    for (const auto& s : shards_) n += s->count[static_cast<size_t>(db)].load(std::memory_order_relaxed);
    return n;
}

size_t Store::dbExpires(int db) const {
    size_t n = 0;
    for (const auto& s : shards_) {
        n += s->expires[static_cast<size_t>(db)].load(std::memory_order_relaxed);
    }
    return n;
}

size_t Store::size() const {
    size_t n = 0;
    for (int db = 0; db < databases_; ++db) n += dbSize(db);
    return n;
}

size_t Store::usedBytes() const {
    size_t n = 0;
    for (const auto& shard : shards_) n += shard->bytes.load(std::memory_order_relaxed);
    return n;
}

uint64_t Store::changes() const {
    uint64_t n = 0;
    for (const auto& shard : shards_) n += shard->changes.load(std::memory_order_relaxed);
    return n;
}

KeyTable::ProbeStats Store::probeStats() const {
    KeyTable::ProbeStats all;
    for (const auto& shard : shards_) {
        std::lock_guard lock(shard->mu);
        for (const auto& table : shard->dbs) {
            KeyTable::ProbeStats one = table->probeStats();
            all.longest = std::max(all.longest, one.longest);
            all.total += one.total;
        }
    }
    return all;
}

void Store::takeTracked(Shard& shard, std::string_view key, Invalidation& inv) {
    auto it = shard.tracking.find(std::string(key));
    if (it == shard.tracking.end()) return;
    inv.keys.emplace_back(it->first, std::move(it->second));
    shard.tracking.erase(it);
    tracked_keys_.fetch_sub(1, std::memory_order_relaxed);
}

Store::ExpireStep Store::expireStep(size_t shard_index, size_t samples) {
    // Sampling walks the slot array from where the last step stopped, looking only at slots
    // whose TTL bit is set (no entry is touched for keys without a TTL). A deletion can shift
    // a later entry behind the cursor; it is then seen on the next pass, which is all an
    // expire cycle needs (lazy expiry covers every access meanwhile).
    ExpireStep step;
    Shard& shard = *shards_[shard_index];
    std::lock_guard lock(shard.mu);
    const int64_t now = clock_.nowMs();
    thread_local std::vector<std::string> expired;
    Invalidation inv;  // expired keys that tracking clients read
    // "expired" events, posted while the shard is still locked (the notifier's ORDER rule).
    const bool notify = (notifier_.active() & keyspace_events::kExpired) != 0;
    thread_local std::vector<KeyEvent> events;
    for (int db = 0; db < databases_; ++db) {
        KeyTable& t = *shard.dbs[static_cast<size_t>(db)];
        if (t.expires() == 0) continue;
        expired.clear();
        const size_t n = t.slotCount();
        size_t i = t.expire_cursor & (n - 1);
        size_t seen = 0;
        int64_t ttl_sum = 0;
        size_t ttl_n = 0;
        // At most one look at each slot per step: a small table would otherwise wrap and
        // sample (and count as expired) the same key several times.
        const size_t window = std::min(samples * 20, n);
        for (size_t visited = 0; visited < window && seen < samples; ++visited) {
            if (t.slotHasExpire(i)) {
                const KeyTable::Entry* e = t.slotEntry(i);
                ++seen;
                int64_t at = KeyTable::expireAt(e);
                if (at < now) {  // past its time, as LockScope::live judges
                    expired.emplace_back(KeyTable::key(e));
                } else {
                    ttl_sum += at - now;
                    ++ttl_n;
                }
            }
            i = (i + 1) & (n - 1);
        }
        t.expire_cursor = i;
        for (const std::string& key : expired) {
            t.erase(key, t.hashOf(key));
            changed(shard, db, key);
            if (!shard.tracking.empty()) takeTracked(shard, key, inv);
            if (broadcasting()) inv.written.push_back(key);
            if (notify) events.push_back({keyspace_events::kExpired, "expired", db, key});
        }
        if (!expired.empty()) {
            publish(shard, db);
            if (logging()) {  // before the unlock, as a scope does (write_log.h)
                ScopeLog log;
                for (const std::string& key : expired) {
                    const std::string_view del[] = {"DEL", key};
                    log.add(db, del);
                }
                write_log_->append(log);
            }
        }
        if (ttl_n > 0) {
            // A running estimate, as Redis keeps one: new samples weigh 2%.
            auto& avg = avg_ttl_[static_cast<size_t>(db)];
            int64_t sample = ttl_sum / static_cast<int64_t>(ttl_n);
            int64_t old = avg.load(std::memory_order_relaxed);
            avg.store(old == 0 ? sample : (old / 50) * 49 + sample / 50, std::memory_order_relaxed);
        }
        step.sampled += seen;
        step.expired += expired.size();
    }
    if (!events.empty()) notifier_.post(events);
    countExpired(step.expired);
    if (!inv.empty() && listener_ != nullptr) listener_->invalidated(std::move(inv));
    return step;
}

}  // namespace mini_redis
