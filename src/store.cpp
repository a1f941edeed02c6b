// Sharded keyspace implementation.
#include "store.h"

#include <algorithm>
#include <cassert>
#include <charconv>

#include "command_args.h"
#include "glob.h"

namespace mini_redis {

namespace {

// Rough per-entry cost of an unordered_map node with two std::strings, for usedBytes().
constexpr size_t kEntryOverhead = 96;

size_t entryBytes(std::string_view key, std::string_view value) {
    auto heap = [](size_t n) { return n > 15 ? n + 1 : 0; };  // beyond the SSO buffer
    return kEntryOverhead + heap(key.size()) + heap(value.size());
}


}  // namespace

Store::Store(size_t shard_count) {
    assert(shard_count > 0);
    shards_.reserve(shard_count);
    for (size_t i = 0; i < shard_count; ++i) shards_.push_back(std::make_unique<Shard>());
}

size_t Store::shardIndex(std::string_view key) const {
    // Use high hash bits: the map's buckets use the low ones (modulo a prime).
    size_t h = Hash{}(key);
    return (h >> 40) % shards_.size();
}

void Store::account(Shard& shard, int64_t entries, int64_t bytes) {
    shard.bytes = static_cast<size_t>(static_cast<int64_t>(shard.bytes) + bytes);
    shard.bytes_seen.store(shard.bytes, std::memory_order_relaxed);
    if (entries != 0) {
        shard.count.store(shard.map.size(), std::memory_order_relaxed);
    }
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
    Shard& shard = shardFor(key);
    std::lock_guard lock(shard.mu);
    auto it = shard.map.find(key);
    if (it == shard.map.end()) return false;
    fn(it->second);
    return true;
}

bool Store::set(std::string_view key, std::string_view value, SetCondition cond,
                std::string* previous, bool* had_previous) {
    Shard& shard = shardFor(key);
    std::lock_guard lock(shard.mu);
    auto it = shard.map.find(key);
    bool exists = it != shard.map.end();
    if (previous != nullptr) {
        if (exists) previous->assign(it->second);
        if (had_previous != nullptr) *had_previous = exists;
    }
    if ((cond == SetCondition::IfAbsent && exists) || (cond == SetCondition::IfPresent && !exists)) {
        return false;
    }
    if (exists) {
        int64_t delta = static_cast<int64_t>(entryBytes(key, value)) -
                        static_cast<int64_t>(entryBytes(key, it->second));
        it->second.assign(value);
        account(shard, 0, delta);
    } else {
        shard.map.emplace(std::string(key), std::string(value));
        account(shard, 1, static_cast<int64_t>(entryBytes(key, value)));
    }
    return true;
}

bool Store::take(std::string_view key, std::string& value) {
    Shard& shard = shardFor(key);
    std::lock_guard lock(shard.mu);
    auto it = shard.map.find(key);
    if (it == shard.map.end()) return false;
    int64_t bytes = static_cast<int64_t>(entryBytes(key, it->second));
    value = std::move(it->second);
    shard.map.erase(it);
    account(shard, -1, -bytes);
    return true;
}

IncrResult Store::incrBy(std::string_view key, int64_t delta) {
    Shard& shard = shardFor(key);
    std::lock_guard lock(shard.mu);
    auto it = shard.map.find(key);
    int64_t current = 0;
    if (it != shard.map.end() && !parseInteger(it->second, current)) {
        return {IncrStatus::NotInteger, 0};
    }
    int64_t next = 0;
    if (__builtin_add_overflow(current, delta, &next)) return {IncrStatus::Overflow, 0};
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, next);
    (void)ec;
    std::string_view text(buf, static_cast<size_t>(end - buf));
    if (it == shard.map.end()) {
        shard.map.emplace(std::string(key), std::string(text));
        account(shard, 1, static_cast<int64_t>(entryBytes(key, text)));
    } else {
        it->second.assign(text);  // both short: within the SSO buffer, no byte change
    }
    return {IncrStatus::Ok, next};
}

size_t Store::append(std::string_view key, std::string_view suffix) {
    Shard& shard = shardFor(key);
    std::lock_guard lock(shard.mu);
    auto it = shard.map.find(key);
    if (it == shard.map.end()) {
        shard.map.emplace(std::string(key), std::string(suffix));
        account(shard, 1, static_cast<int64_t>(entryBytes(key, suffix)));
        return suffix.size();
    }
    int64_t before = static_cast<int64_t>(entryBytes(key, it->second));
    it->second.append(suffix);
    account(shard, 0, static_cast<int64_t>(entryBytes(key, it->second)) - before);
    return it->second.size();
}

size_t Store::erase(std::span<const std::string_view> keys) {
    LockSet locks(*this, keys, 1);
    size_t removed = 0;
    for (std::string_view key : keys) {
        Shard& shard = shardFor(key);
        auto it = shard.map.find(key);
        if (it == shard.map.end()) continue;
        int64_t bytes = static_cast<int64_t>(entryBytes(key, it->second));
        shard.map.erase(it);
        account(shard, -1, -bytes);
        ++removed;
    }
    return removed;
}

size_t Store::countExisting(std::span<const std::string_view> keys) {
    LockSet locks(*this, keys, 1);
    size_t found = 0;
    for (std::string_view key : keys) {
        Shard& shard = shardFor(key);
        if (shard.map.find(key) != shard.map.end()) ++found;
    }
    return found;
}

void Store::readMany(std::span<const std::string_view> keys,
                     const std::function<void(size_t, const std::string*)>& fn) {
    LockSet locks(*this, keys, 1);
    for (size_t i = 0; i < keys.size(); ++i) {
        Shard& shard = shardFor(keys[i]);
        auto it = shard.map.find(keys[i]);
        fn(i, it == shard.map.end() ? nullptr : &it->second);
    }
}

bool Store::setMany(std::span<const std::string_view> kv, SetCondition cond) {
    assert(kv.size() % 2 == 0);
    LockSet locks(*this, kv, 2);
    if (cond == SetCondition::IfAbsent) {
        for (size_t i = 0; i < kv.size(); i += 2) {
            Shard& shard = shardFor(kv[i]);
            if (shard.map.find(kv[i]) != shard.map.end()) return false;
        }
    }
    for (size_t i = 0; i < kv.size(); i += 2) {
        Shard& shard = shardFor(kv[i]);
        auto it = shard.map.find(kv[i]);
        if (it == shard.map.end()) {
            shard.map.emplace(std::string(kv[i]), std::string(kv[i + 1]));
            account(shard, 1, static_cast<int64_t>(entryBytes(kv[i], kv[i + 1])));
        } else {
            int64_t delta = static_cast<int64_t>(entryBytes(kv[i], kv[i + 1])) -
                            static_cast<int64_t>(entryBytes(kv[i], it->second));
            it->second.assign(kv[i + 1]);
            account(shard, 0, delta);
        }
    }
    return true;
}

std::vector<std::string> Store::keysMatching(std::string_view pattern) {
    std::vector<std::string> out;
    for (auto& shard : shards_) {
        std::lock_guard lock(shard->mu);
        for (const auto& [key, value] : shard->map) {
            if (globMatch(pattern, key)) out.push_back(key);
        }
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
    for (const auto& shard : shards_) n += shard->bytes_seen.load(std::memory_order_relaxed);
    return n;
}

void Store::clear() {
    // Every shard, in index order (the multi-key lock rule), so FLUSHALL is atomic.
    for (auto& shard : shards_) shard->mu.lock();
    for (auto& shard : shards_) {
        shard->map.clear();
        shard->bytes = 0;
        shard->bytes_seen.store(0, std::memory_order_relaxed);
        shard->count.store(0, std::memory_order_relaxed);
    }
    for (auto it = shards_.rbegin(); it != shards_.rend(); ++it) (*it)->mu.unlock();
}

}  // namespace mini_redis
