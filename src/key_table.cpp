// Open addressing with linear probing and backward-shift deletion (no tombstones).
#include "key_table.h"

#include <malloc.h>

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>

namespace mini_redis {

namespace {
// How many slots ahead rehash prefetches entries.
constexpr size_t kRehashPrefetch = 16;
// Grow when the table would be more than 3/4 full: short probe runs, ~11-21 bytes per key.
constexpr size_t kMinCapacity = 8;
bool overLoaded(size_t size, size_t capacity) {
    return size * 4 > capacity * 3;
}
}  // namespace

KeyTable::~KeyTable() {
    clear();
}

KeyTable::Entry* KeyTable::newEntry(std::string_view key, std::string_view value, size_t& bytes) {
    void* block = std::malloc(sizeof(Entry) + key.size() + value.size());
    if (block == nullptr) throw std::bad_alloc();
    Entry* e = static_cast<Entry*>(block);
    e->key_len = static_cast<uint32_t>(key.size());
    e->value_len = static_cast<uint32_t>(value.size());
    std::memcpy(e->bytes(), key.data(), key.size());
    if (!value.empty()) std::memcpy(e->bytes() + key.size(), value.data(), value.size());
    bytes += malloc_usable_size(block);
    return e;
}

void KeyTable::freeEntry(Entry* e) {
    entry_bytes_ -= malloc_usable_size(e);
    std::free(e);
}

size_t KeyTable::probe(std::string_view key, uint64_t hash, bool& found) const {
    assert(hash == hashOf(key));
    const size_t mask = slots_.size() - 1;
    const uintptr_t tag = tagOf(hash);
    size_t i = static_cast<size_t>(hash) & mask;
    while (true) {
        uintptr_t slot = slots_[i];
        if (slot == 0) {
            found = false;
            return i;
        }
        if ((slot >> kTagShift) == tag && keyOf(entryOf(slot)) == key) {
            found = true;
            return i;
        }
        i = (i + 1) & mask;
    }
}

std::optional<std::string_view> KeyTable::find(std::string_view key, uint64_t hash) const {
    if (size_ == 0) return std::nullopt;
    bool found = false;
    size_t i = probe(key, hash, found);
    if (!found) return std::nullopt;
    return valueOf(entryOf(slots_[i]));
}

void KeyTable::growIfNeeded() {
    if (slots_.empty()) {
        slots_.assign(kMinCapacity, 0);
    } else if (overLoaded(size_ + 1, slots_.size())) {
        rehash(slots_.size() * 2);
    }
}

void KeyTable::rehash(size_t capacity) {
    std::vector<uintptr_t> old(capacity, 0);
    old.swap(slots_);
    const size_t mask = capacity - 1;
    for (size_t j = 0; j < old.size(); ++j) {
        // Every entry is a cache miss, and the keyed hash is long enough that the CPU would
        // not reach the next miss on its own: ask for one a few slots ahead.
        if (j + kRehashPrefetch < old.size() && old[j + kRehashPrefetch] != 0)
            __builtin_prefetch(entryOf(old[j + kRehashPrefetch]));
        uintptr_t slot = old[j];
        if (slot == 0) continue;
        // The tag keeps only 16 bits: the full hash is recomputed from the key.
        uint64_t hash = hashOf(keyOf(entryOf(slot)));
        size_t i = static_cast<size_t>(hash) & mask;
        while (slots_[i] != 0) i = (i + 1) & mask;
        slots_[i] = slot;
    }
}

bool KeyTable::put(std::string_view key, uint64_t hash, std::string_view value) {
    growIfNeeded();
    bool found = false;
    size_t i = probe(key, hash, found);
    if (found) {
        Entry* e = entryOf(slots_[i]);
        size_t need = sizeof(Entry) + key.size() + value.size();
        size_t have = malloc_usable_size(e);
        // Reuse the block when it fits and is not much too big (a big value overwritten by a
        // small one gives its memory back).
        if (have >= need && have <= 2 * need + 32) {
            e->value_len = static_cast<uint32_t>(value.size());
            if (!value.empty()) std::memcpy(e->bytes() + key.size(), value.data(), value.size());
            return false;
        }
        freeEntry(e);
        slots_[i] = makeSlot(newEntry(key, value, entry_bytes_), hash);
        return false;
    }
    slots_[i] = makeSlot(newEntry(key, value, entry_bytes_), hash);
    ++size_;
    return true;
}

std::string_view KeyTable::append(std::string_view key, uint64_t hash, std::string_view suffix) {
    growIfNeeded();
    bool found = false;
    size_t i = probe(key, hash, found);
    if (!found) {
        Entry* e = newEntry(key, suffix, entry_bytes_);
        slots_[i] = makeSlot(e, hash);
        ++size_;
        return valueOf(e);
    }
    Entry* e = entryOf(slots_[i]);
    size_t old_value = e->value_len;
    size_t need = sizeof(Entry) + key.size() + old_value + suffix.size();
    if (malloc_usable_size(e) < need) {
        // Grow geometrically so repeated APPENDs stay amortised O(1).
        size_t before = malloc_usable_size(e);
        void* bigger = std::realloc(e, std::max(need, before * 2));
        if (bigger == nullptr) throw std::bad_alloc();
        e = static_cast<Entry*>(bigger);
        entry_bytes_ += malloc_usable_size(e) - before;
        slots_[i] = makeSlot(e, hash);
    }
    std::memcpy(e->bytes() + key.size() + old_value, suffix.data(), suffix.size());
    e->value_len = static_cast<uint32_t>(old_value + suffix.size());
    return valueOf(e);
}

bool KeyTable::erase(std::string_view key, uint64_t hash) {
    if (size_ == 0) return false;
    bool found = false;
    size_t i = probe(key, hash, found);
    if (!found) return false;
    freeEntry(entryOf(slots_[i]));
    --size_;
    // Backward-shift deletion: pull later members of the probe run into the hole, so lookups
    // never need tombstones.
    const size_t mask = slots_.size() - 1;
    size_t hole = i;
    size_t j = i;
    while (true) {
        j = (j + 1) & mask;
        uintptr_t slot = slots_[j];
        if (slot == 0) break;
        size_t home = static_cast<size_t>(hashOf(keyOf(entryOf(slot)))) & mask;
        // Move it if its home is not cyclically within (hole, j].
        bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!stays) {
            slots_[hole] = slot;
            hole = j;
        }
    }
    slots_[hole] = 0;
    if (size_ == 0) std::vector<uintptr_t>().swap(slots_);  // an empty table holds no memory
    return true;
}

KeyTable::ProbeStats KeyTable::probeStats() const {
    ProbeStats stats;
    const size_t mask = slots_.size() - 1;
    for (size_t i = 0; i < slots_.size(); ++i) {
        if (slots_[i] == 0) continue;
        size_t home = static_cast<size_t>(hashOf(keyOf(entryOf(slots_[i])))) & mask;
        size_t probes = ((i - home) & mask) + 1;
        stats.longest = std::max(stats.longest, probes);
        stats.total += probes;
    }
    return stats;
}

void KeyTable::clear() {
    for (uintptr_t& slot : slots_) {
        if (slot != 0) std::free(entryOf(slot));
        slot = 0;
    }
    std::vector<uintptr_t>().swap(slots_);
    size_ = 0;
    entry_bytes_ = 0;
}

}  // namespace mini_redis
