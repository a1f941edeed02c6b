// Open addressing with linear probing and backward-shift deletion (no tombstones).
#include "key_table.h"

#include <malloc.h>

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>

namespace mini_redis {

// The header is packed: 9 bytes, then the expiry (8 bytes, only when it has one), the key and
// the value. A key without a TTL pays nothing for expiry. A collection's value is its pointer
// (8 bytes), and value_len then holds what the table counted for it (accountedBytes), in units
// of 8 bytes: up to 32 GiB, more is counted as 32 GiB.
struct __attribute__((packed)) KeyTable::Entry {
    uint32_t key_len;
    uint32_t value_len;  // a string's length; for a collection, its counted bytes / 8
    uint8_t meta;  // bits 0-2 ValueType, bits 3-4 StringEncoding, bit 7 has an expiry
};

namespace {
constexpr uint8_t kMetaExpire = 0x80;
constexpr size_t kHeader = sizeof(KeyTable::Entry);
static_assert(sizeof(void*) == 8, "values of collections hold a pointer in 8 bytes");
// How many slots ahead rehash prefetches entries.
constexpr size_t kRehashPrefetch = 16;
constexpr size_t kMinCapacity = 8;
// Grow when the table would be more than 3/4 full: short probe runs, ~11-21 bytes per key.
bool overLoaded(size_t size, size_t capacity) {
    return size * 4 > capacity * 3;
}
size_t expireBytes(const KeyTable::Entry* e) {
    return (e->meta & kMetaExpire) ? sizeof(int64_t) : 0;
}
const char* keyStart(const KeyTable::Entry* e) {
    return reinterpret_cast<const char*>(e) + kHeader + expireBytes(e);
}
}  // namespace

std::string_view KeyTable::key(const Entry* e) {
    return {keyStart(e), e->key_len};
}
std::string_view KeyTable::value(const Entry* e) {
    const size_t len = type(e) == ValueType::String ? e->value_len : sizeof(Collection*);
    return {keyStart(e) + e->key_len, len};
}
char* KeyTable::mutableValue(Entry* e) {
    return const_cast<char*>(keyStart(e)) + e->key_len;
}
void KeyTable::markRaw(Entry* e) {
    e->meta = static_cast<uint8_t>((e->meta & ~0x18) |
                                   (static_cast<uint8_t>(StringEncoding::Raw) << 3));
}
ValueType KeyTable::type(const Entry* e) {
    return static_cast<ValueType>(e->meta & 0x7);
}
StringEncoding KeyTable::encoding(const Entry* e) {
    return static_cast<StringEncoding>((e->meta >> 3) & 0x3);
}
bool KeyTable::hasExpire(const Entry* e) {
    return (e->meta & kMetaExpire) != 0;
}
int64_t KeyTable::expireAt(const Entry* e) {
    if (!hasExpire(e)) return kNoExpiry;
    int64_t at = 0;
    std::memcpy(&at, reinterpret_cast<const char*>(e) + kHeader, sizeof at);
    return at;
}
Collection* KeyTable::collection(const Entry* e) {
    if (type(e) == ValueType::String) return nullptr;
    Collection* c = nullptr;
    std::memcpy(&c, value(e).data(), sizeof c);
    return c;
}
size_t KeyTable::allocatedBytes(const Entry* e) {
    return malloc_usable_size(const_cast<Entry*>(e));
}

uintptr_t KeyTable::makeSlot(Entry* e, uint64_t hash) {
    return reinterpret_cast<uintptr_t>(e) | (tagOf(hash) << kTagShift) |
           (hasExpire(e) ? kExpireBit : 0);
}

KeyTable::~KeyTable() {
    clear();
}

KeyTable::Entry* KeyTable::newEntry(std::string_view key, ValueType type, StringEncoding enc,
                                    int64_t expire_at, std::string_view value_bytes) {
    const size_t exp = expire_at == kNoExpiry ? 0 : sizeof(int64_t);
    void* block = std::malloc(kHeader + exp + key.size() + value_bytes.size());
    if (block == nullptr) throw std::bad_alloc();
    Entry* e = static_cast<Entry*>(block);
    assert((reinterpret_cast<uintptr_t>(e) & kExpireBit) == 0);
    e->key_len = static_cast<uint32_t>(key.size());
    e->value_len = static_cast<uint32_t>(value_bytes.size());
    e->meta = static_cast<uint8_t>(static_cast<uint8_t>(type) |
                                   (static_cast<uint8_t>(enc) << 3) | (exp ? kMetaExpire : 0));
    char* p = static_cast<char*>(block) + kHeader;
    if (exp) {
        std::memcpy(p, &expire_at, sizeof expire_at);
        p += exp;
    }
    if (!key.empty()) std::memcpy(p, key.data(), key.size());
    if (!value_bytes.empty()) std::memcpy(p + key.size(), value_bytes.data(), value_bytes.size());
    entry_bytes_ += malloc_usable_size(block);
    if (exp) ++expires_;
    return e;
}

size_t KeyTable::accountedBytes(const Entry* e) {
    return type(e) == ValueType::String ? 0 : size_t{e->value_len} * 8;
}

void KeyTable::countCollection(Entry* e) {
    const size_t units = (collection(e)->memoryBytes() + 7) / 8;
    e->value_len = static_cast<uint32_t>(std::min<size_t>(units, UINT32_MAX));
    collection_bytes_ += accountedBytes(e);
}

void KeyTable::dispose(Collection* c) {
    if (c == nullptr) return;
    if (reclaimer_ != nullptr && c->length() > kLazyFreeThreshold) {
        reclaimer_->give(c);
    } else {
        delete c;
    }
}

void KeyTable::recount(Entry* e) {
    if (type(e) == ValueType::String) return;
    uncountCollection(e);
    countCollection(e);
}

void KeyTable::freeEntry(Entry* e, bool destroy) {
    if (destroy) {
        if (Collection* c = collection(e)) {
            uncountCollection(e);
            dispose(c);
        }
    }
    if (hasExpire(e)) --expires_;
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
        if ((slot >> kTagShift) == tag && KeyTable::key(entryOf(slot)) == key) {
            found = true;
            return i;
        }
        i = (i + 1) & mask;
    }
}

KeyTable::Entry* KeyTable::find(std::string_view key, uint64_t hash) const {
    if (size_ == 0) return nullptr;
    bool found = false;
    size_t i = probe(key, hash, found);
    return found ? entryOf(slots_[i]) : nullptr;
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
        uint64_t hash = hashOf(key(entryOf(slot)));
        size_t i = static_cast<size_t>(hash) & mask;
        while (slots_[i] != 0) i = (i + 1) & mask;
        slots_[i] = slot;
    }
    expire_cursor = 0;
}

KeyTable::Entry* KeyTable::place(size_t i, uint64_t hash, Entry* fresh, Entry* old) {
    if (old != nullptr) {
        freeEntry(old, true);
    } else {
        ++size_;
    }
    slots_[i] = makeSlot(fresh, hash);
    return fresh;
}

KeyTable::Entry* KeyTable::putString(std::string_view key, uint64_t hash, std::string_view value,
                                     StringEncoding enc, int64_t expire_at, bool* created) {
    growIfNeeded();
    bool found = false;
    size_t i = probe(key, hash, found);
    if (created != nullptr) *created = !found;
    Entry* old = found ? entryOf(slots_[i]) : nullptr;
    if (old != nullptr && type(old) == ValueType::String &&
        hasExpire(old) == (expire_at != kNoExpiry)) {
        // Reuse the block when it fits and is not much too big (a big value overwritten by a
        // small one gives its memory back).
        size_t need = kHeader + expireBytes(old) + key.size() + value.size();
        size_t have = malloc_usable_size(old);
        if (have >= need && have <= 2 * need + 32) {
            old->value_len = static_cast<uint32_t>(value.size());
            old->meta = static_cast<uint8_t>((old->meta & ~0x18) | (static_cast<uint8_t>(enc) << 3));
            if (expire_at != kNoExpiry) {
                std::memcpy(reinterpret_cast<char*>(old) + kHeader, &expire_at, sizeof expire_at);
            }
            if (!value.empty()) std::memcpy(mutableValue(old), value.data(), value.size());
            return old;
        }
    }
    return place(i, hash, newEntry(key, ValueType::String, enc, expire_at, value), old);
}

KeyTable::Entry* KeyTable::putCollection(std::string_view key, uint64_t hash, ValueType type,
                                         Collection* owned, int64_t expire_at, bool* created) {
    assert(type != ValueType::String && owned != nullptr);
    growIfNeeded();
    bool found = false;
    size_t i = probe(key, hash, found);
    if (created != nullptr) *created = !found;
    Entry* old = found ? entryOf(slots_[i]) : nullptr;
    std::string_view ptr(reinterpret_cast<const char*>(&owned), sizeof owned);
    Entry* e = place(i, hash, newEntry(key, type, StringEncoding::Auto, expire_at, ptr), old);
    countCollection(e);
    return e;
}

KeyTable::Entry* KeyTable::setExpire(std::string_view key, uint64_t hash, int64_t expire_at) {
    bool found = false;
    if (size_ == 0) return nullptr;
    size_t i = probe(key, hash, found);
    if (!found) return nullptr;
    Entry* e = entryOf(slots_[i]);
    if (hasExpire(e) == (expire_at != kNoExpiry)) {
        if (expire_at != kNoExpiry) {
            std::memcpy(reinterpret_cast<char*>(e) + kHeader, &expire_at, sizeof expire_at);
        }
        return e;
    }
    // The layout changes: a new block, the same value (a collection pointer moves with it).
    Entry* fresh = newEntry(key, type(e), encoding(e), expire_at, value(e));
    if (type(e) != ValueType::String) fresh->value_len = e->value_len;  // still counted
    freeEntry(e, false);
    slots_[i] = makeSlot(fresh, hash);
    return fresh;
}

KeyTable::Entry* KeyTable::resizeString(std::string_view key, uint64_t hash, size_t new_len) {
    bool found = false;
    if (size_ == 0) return nullptr;
    size_t i = probe(key, hash, found);
    if (!found) return nullptr;
    Entry* e = entryOf(slots_[i]);
    assert(type(e) == ValueType::String);
    const size_t old_len = e->value_len;
    const size_t prefix = kHeader + expireBytes(e) + e->key_len;
    const size_t need = prefix + new_len;
    const size_t before = malloc_usable_size(e);
    if (before < need) {
        // Grow geometrically so repeated APPENDs stay amortised O(1).
        void* bigger = std::realloc(e, std::max(need, std::min(before * 2, need + (1u << 20))));
        if (bigger == nullptr) throw std::bad_alloc();
        e = static_cast<Entry*>(bigger);
        entry_bytes_ += malloc_usable_size(e) - before;
        slots_[i] = makeSlot(e, hash);
    }
    if (new_len > old_len) std::memset(mutableValue(e) + old_len, 0, new_len - old_len);
    e->value_len = static_cast<uint32_t>(new_len);
    e->meta = static_cast<uint8_t>((e->meta & ~0x18) |
                                   (static_cast<uint8_t>(StringEncoding::Raw) << 3));
    return e;
}

void KeyTable::removeSlot(size_t i) {
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
        size_t home = static_cast<size_t>(hashOf(key(entryOf(slot)))) & mask;
        // Move it if its home is not cyclically within (hole, j].
        bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!stays) {
            slots_[hole] = slot;
            hole = j;
        }
    }
    slots_[hole] = 0;
    if (size_ == 0) {
        std::vector<uintptr_t>().swap(slots_);  // an empty table holds no memory
        expire_cursor = 0;
    }
}

bool KeyTable::erase(std::string_view key, uint64_t hash) {
    if (size_ == 0) return false;
    bool found = false;
    size_t i = probe(key, hash, found);
    if (!found) return false;
    freeEntry(entryOf(slots_[i]), true);
    removeSlot(i);
    return true;
}

KeyTable::Entry* KeyTable::detach(std::string_view key, uint64_t hash) {
    if (size_ == 0) return nullptr;
    bool found = false;
    size_t i = probe(key, hash, found);
    if (!found) return nullptr;
    Entry* e = entryOf(slots_[i]);
    if (hasExpire(e)) --expires_;
    entry_bytes_ -= malloc_usable_size(e);
    uncountCollection(e);
    removeSlot(i);
    return e;
}

KeyTable::Entry* KeyTable::adopt(std::string_view key, uint64_t hash, Entry* detached) {
    growIfNeeded();
    bool found = false;
    size_t i = probe(key, hash, found);
    assert(!found);
    (void)found;
    Entry* fresh =
        newEntry(key, type(detached), encoding(detached), expireAt(detached), value(detached));
    std::free(detached);  // its collection, if any, now belongs to `fresh`
    if (type(fresh) != ValueType::String) countCollection(fresh);
    ++size_;
    slots_[i] = makeSlot(fresh, hash);
    return fresh;
}

KeyTable::ProbeStats KeyTable::probeStats() const {
    ProbeStats stats;
    const size_t mask = slots_.size() - 1;
    for (size_t i = 0; i < slots_.size(); ++i) {
        if (slots_[i] == 0) continue;
        size_t home = static_cast<size_t>(hashOf(key(entryOf(slots_[i])))) & mask;
        size_t probes = ((i - home) & mask) + 1;
        stats.longest = std::max(stats.longest, probes);
        stats.total += probes;
    }
    return stats;
}

void KeyTable::clear() {
    for (uintptr_t& slot : slots_) {
        if (slot != 0) {
            Entry* e = entryOf(slot);
            dispose(collection(e));
            std::free(e);
        }
        slot = 0;
    }
    std::vector<uintptr_t>().swap(slots_);
    size_ = 0;
    expires_ = 0;
    entry_bytes_ = 0;
    collection_bytes_ = 0;
    expire_cursor = 0;
}

void KeyTable::swap(KeyTable& other) {
    std::swap(slots_, other.slots_);
    std::swap(size_, other.size_);
    std::swap(expires_, other.expires_);
    std::swap(entry_bytes_, other.entry_bytes_);
    std::swap(collection_bytes_, other.collection_bytes_);
    std::swap(expire_cursor, other.expire_cursor);
}

}  // namespace mini_redis
