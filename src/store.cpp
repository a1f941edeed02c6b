// Sharded keyspace implementation.
#include "store.h"

#include <algorithm>
#include <cassert>
#include <charconv>

#include "command_args.h"
#include "glob.h"

namespace mini_redis {

Store::Store(size_t shard_count, const KeyHash& hash) : hash_(hash) {
    assert(shard_count > 0);
    shards_.reserve(shard_count);
    for (size_t i = 0; i < shard_count; ++i) shards_.push_back(std::make_unique<Shard>(hash_));
}

void Store::publish(Shard& shard) {
    shard.count.store(shard.table.size(), std::memory_order_relaxed);
    shard.bytes.store(shard.table.memoryBytes(), std::memory_order_relaxed);
}

Store::LockSet::LockSet(Store& store, std::span<const std::string_view> keys, size_t stride)
    : store_(store) {
    locked_.reserve(keys.size() / stride + 1);
    for (size_t i = 0; i < keys.size(); i += stride) locked_.push_back(store.shardIndex(keys[i]));
    std::sort(locked_.begin(), locked_.end());
    locked_.erase(std::unique(locked_.begin(), locked_.end()), locked_.end());
    for (size_t idx : locked_) store_.shards_[idx]->mu.lock();
}

Store::LockSet::~LockSet() {
    for (auto it = locked_.rbegin(); it != locked_.rend(); ++it) store_.shards_[*it]->mu.unlock();
}

bool Store::read(std::string_view key, const std::function<void(std::string_view)>& fn) {
    uint64_t h = hash_(key);
    Shard& shard = *shards_[shardIndex(h)];
    std::lock_guard lock(shard.mu);
    auto value = shard.table.find(key, h);
    if (!value) return false;
    fn(*value);
    return true;
}

bool Store::set(std::string_view key, std::string_view value, SetCondition cond,
                std::string* previous, bool* had_previous) {
    uint64_t h = hash_(key);
    Shard& shard = *shards_[shardIndex(h)];
    std::lock_guard lock(shard.mu);
    auto old = shard.table.find(key, h);
    bool exists = old.has_value();
    if (previous != nullptr) {
        if (exists) previous->assign(*old);
        if (had_previous != nullptr) *had_previous = exists;
    }
    if ((cond == SetCondition::IfAbsent && exists) ||
        (cond == SetCondition::IfPresent && !exists)) {
        return false;
    }
    shard.table.put(key, h, value);
    publish(shard);
    return true;
}

bool Store::take(std::string_view key, std::string& value) {
    uint64_t h = hash_(key);
    Shard& shard = *shards_[shardIndex(h)];
    std::lock_guard lock(shard.mu);
    auto old = shard.table.find(key, h);
    if (!old) return false;
    value.assign(*old);
    shard.table.erase(key, h);
    publish(shard);
    return true;
}

IncrResult Store::incrBy(std::string_view key, int64_t delta) {
    uint64_t h = hash_(key);
    Shard& shard = *shards_[shardIndex(h)];
    std::lock_guard lock(shard.mu);
    auto old = shard.table.find(key, h);
    int64_t current = 0;
    if (old && !parseInteger(*old, current)) return {IncrStatus::NotInteger, 0};
    int64_t next = 0;
    if (__builtin_add_overflow(current, delta, &next)) return {IncrStatus::Overflow, 0};
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, next);
    (void)ec;
    shard.table.put(key, h, std::string_view(buf, static_cast<size_t>(end - buf)));
    publish(shard);
    return {IncrStatus::Ok, next};
}

std::optional<size_t> Store::append(std::string_view key, std::string_view suffix, size_t max_len) {
    uint64_t h = hash_(key);
    Shard& shard = *shards_[shardIndex(h)];
    std::lock_guard lock(shard.mu);
    auto old = shard.table.find(key, h);
    size_t before = old ? old->size() : 0;
    if (before + suffix.size() > max_len) return std::nullopt;
    size_t len = shard.table.append(key, h, suffix).size();
    publish(shard);
    return len;
}

size_t Store::erase(std::span<const std::string_view> keys) {
    LockSet locks(*this, keys, 1);
    size_t removed = 0;
    for (std::string_view key : keys) {
        uint64_t h = hash_(key);
        Shard& shard = *shards_[shardIndex(h)];
        if (shard.table.erase(key, h)) {
            ++removed;
            publish(shard);
        }
    }
    return removed;
}

size_t Store::countExisting(std::span<const std::string_view> keys) {
    LockSet locks(*this, keys, 1);
    size_t found = 0;
    for (std::string_view key : keys) {
        uint64_t h = hash_(key);
        if (shards_[shardIndex(h)]->table.find(key, h)) ++found;
    }
    return found;
}

void Store::readMany(std::span<const std::string_view> keys,
                     const std::function<void(size_t, const std::string_view*)>& fn) {
    LockSet locks(*this, keys, 1);
    for (size_t i = 0; i < keys.size(); ++i) {
        uint64_t h = hash_(keys[i]);
        auto value = shards_[shardIndex(h)]->table.find(keys[i], h);
        fn(i, value ? &*value : nullptr);
    }
}

bool Store::setMany(std::span<const std::string_view> kv, SetCondition cond) {
    assert(kv.size() % 2 == 0);
    LockSet locks(*this, kv, 2);
    if (cond == SetCondition::IfAbsent) {
        for (size_t i = 0; i < kv.size(); i += 2) {
            uint64_t h = hash_(kv[i]);
            if (shards_[shardIndex(h)]->table.find(kv[i], h)) return false;
        }
    }
    for (size_t i = 0; i < kv.size(); i += 2) {
        uint64_t h = hash_(kv[i]);
        Shard& shard = *shards_[shardIndex(h)];
        shard.table.put(kv[i], h, kv[i + 1]);
        publish(shard);
    }
    return true;
}

std::vector<std::string> Store::keysMatching(std::string_view pattern) {
    std::vector<std::string> out;
    for (auto& shard : shards_) {
        std::lock_guard lock(shard->mu);
        shard->table.forEach([&](std::string_view key, std::string_view) {
            if (globMatch(pattern, key)) out.emplace_back(key);
        });
    }
    return out;
}

size_t Store::size() const {
    size_t n = 0;
    for (const auto& shard : shards_) n += shard->count.load(std::memory_order_relaxed);
    return n;
}

size_t Store::usedBytes() const {
    size_t n = 0;
    for (const auto& shard : shards_) n += shard->bytes.load(std::memory_order_relaxed);
    return n;
}

KeyTable::ProbeStats Store::probeStats() const {
    KeyTable::ProbeStats all;
    for (const auto& shard : shards_) {
        std::lock_guard lock(shard->mu);
        KeyTable::ProbeStats one = shard->table.probeStats();
        all.longest = std::max(all.longest, one.longest);
        all.total += one.total;
    }
    return all;
}

void Store::clear() {
    // Every shard, in index order (the multi-key lock rule), so FLUSHALL is atomic.
    for (auto& shard : shards_) shard->mu.lock();
    for (auto& shard : shards_) {
        shard->table.clear();
        publish(*shard);
    }
    for (auto it = shards_.rbegin(); it != shards_.rend(); ++it) (*it)->mu.unlock();
}

}  // namespace mini_redis
