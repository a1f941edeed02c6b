// Linear probing over pair blocks; the reverse-binary scan cursor.
#include "field_table.h"

#include <malloc.h>

#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>

#include "varint.h"

namespace mini_redis {

namespace {

constexpr size_t kMinCapacity = 8;

// A block's field and value.
struct Pair {
    std::string_view field, value;
};

Pair readBlock(const char* block) {
    size_t flen = 0, vlen = 0;
    size_t at = varint::get(block, flen);
    at += varint::get(block + at, vlen);
    return {{block + at, flen}, {block + at + flen, vlen}};
}

bool overLoaded(size_t size, size_t capacity) {
    return size * 4 > capacity * 3;
}

// The smallest table that holds `n` pairs without growing.
size_t capacityFor(size_t n) {
    size_t cap = kMinCapacity;
    while (overLoaded(n, cap)) cap *= 2;
    return cap;
}

uint64_t reverseBits(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
    v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
    v = ((v >> 4) & 0x0f0f0f0f0f0f0f0full) | ((v & 0x0f0f0f0f0f0f0f0full) << 4);
    return __builtin_bswap64(v);
}

}  // namespace

FieldTable::FieldTable(size_t expected) {
    if (expected > 0) rehash(capacityFor(expected));
}

FieldTable::FieldTable(const FieldTable& other) {
    if (other.capacity_ == 0) return;
    slots_.reset(new uintptr_t[other.capacity_]());
    capacity_ = other.capacity_;
    // Same capacity, same hashes: every pair goes to the slot it had, with its tag.
    for (size_t i = 0; i < capacity_; ++i) {
        if (other.slots_[i] == 0) continue;
        Pair p = readBlock(blockOf(other.slots_[i]));
        char* copy = newBlock(p.field, p.value);
        slots_[i] = reinterpret_cast<uintptr_t>(copy) | (other.slots_[i] & ~kPointerMask);
        ++size_;
    }
}

FieldTable::~FieldTable() {
    for (size_t i = 0; i < capacity_; ++i) {
        if (slots_[i] != 0) std::free(blockOf(slots_[i]));
    }
}

char* FieldTable::newBlock(std::string_view field, std::string_view value) {
    const size_t bytes =
        varint::size(field.size()) + varint::size(value.size()) + field.size() + value.size();
    char* block = static_cast<char*>(std::malloc(bytes));
    if (block == nullptr) throw std::bad_alloc();
    assert((reinterpret_cast<uintptr_t>(block) & ~kPointerMask) == 0);
    size_t at = varint::put(block, field.size());
    at += varint::put(block + at, value.size());
    if (!field.empty()) std::memcpy(block + at, field.data(), field.size());
    if (!value.empty()) std::memcpy(block + at + field.size(), value.data(), value.size());
    block_bytes_ += malloc_usable_size(block);
    return block;
}

void FieldTable::freeBlock(char* block) {
    block_bytes_ -= malloc_usable_size(block);
    std::free(block);
}

std::string_view FieldTable::fieldAt(size_t i) const {
    return readBlock(blockOf(slots_[i])).field;
}

std::string_view FieldTable::valueAt(size_t i) const {
    return readBlock(blockOf(slots_[i])).value;
}

size_t FieldTable::probe(std::string_view field, uint64_t hash, bool& found) const {
    const size_t mask = capacity_ - 1;
    const uintptr_t tag = tagOf(hash);
    for (size_t i = static_cast<size_t>(hash) & mask;; i = (i + 1) & mask) {
        const uintptr_t slot = slots_[i];
        if (slot == 0) {
            found = false;
            return i;
        }
        if ((slot >> kTagShift) == tag && readBlock(blockOf(slot)).field == field) {
            found = true;
            return i;
        }
    }
}

std::optional<std::string_view> FieldTable::get(std::string_view field) const {
    if (size_ == 0) return std::nullopt;
    bool found = false;
    const size_t i = probe(field, hashOf(field), found);
    if (!found) return std::nullopt;
    return valueAt(i);
}

bool FieldTable::set(std::string_view field, std::string_view value) {
    const uint64_t hash = hashOf(field);
    bool found = false;
    if (capacity_ != 0) {
        const size_t i = probe(field, hash, found);
        if (found) {
            replaceValue(i, field, value);
            return false;
        }
    }
    if (capacity_ == 0) {
        rehash(kMinCapacity);
    } else if (overLoaded(size_ + 1, capacity_)) {
        rehash(capacity_ * 2);
    }
    const size_t i = probe(field, hash, found);
    slots_[i] = reinterpret_cast<uintptr_t>(newBlock(field, value)) | (tagOf(hash) << kTagShift);
    ++size_;
    return true;
}

void FieldTable::replaceValue(size_t i, std::string_view field, std::string_view value) {
    char* old = blockOf(slots_[i]);
    const size_t header = static_cast<size_t>(readBlock(old).field.data() - old);
    const size_t new_header = varint::size(field.size()) + varint::size(value.size());
    const size_t need = new_header + field.size() + value.size();
    const size_t have = malloc_usable_size(old);
    // In place when the header keeps its size and the block fits without wasting much (a big
    // value overwritten by a small one gives its memory back); else a new block.
    if (header == new_header && have >= need && have <= 2 * need + 16) {
        varint::put(old + varint::size(field.size()), value.size());
        if (!value.empty()) std::memmove(old + header + field.size(), value.data(), value.size());
        return;
    }
    char* fresh = newBlock(field, value);
    freeBlock(old);
    slots_[i] = reinterpret_cast<uintptr_t>(fresh) | (slots_[i] & ~kPointerMask);
}

bool FieldTable::erase(std::string_view field) {
    if (size_ == 0) return false;
    bool found = false;
    const size_t i = probe(field, hashOf(field), found);
    if (!found) return false;
    freeBlock(blockOf(slots_[i]));
    removeSlot(i);
    if (size_ == 0) {
        slots_.reset();
        capacity_ = 0;
    } else if (capacity_ > kMinCapacity && size_ * 8 < capacity_) {
        rehash(capacityFor(size_ * 2));
    }
    return true;
}

void FieldTable::removeSlot(size_t i) {
    --size_;
    // Backward-shift deletion: pull later members of the probe run into the hole, so lookups
    // need no tombstones and every run stays unbroken.
    const size_t mask = capacity_ - 1;
    size_t hole = i;
    for (size_t j = (i + 1) & mask; slots_[j] != 0; j = (j + 1) & mask) {
        const size_t home = homeOf(j);
        // It may move to the hole unless its home is cyclically within (hole, j].
        const bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!stays) {
            slots_[hole] = slots_[j];
            hole = j;
        }
    }
    slots_[hole] = 0;
}

void FieldTable::rehash(size_t capacity) {
    std::unique_ptr<uintptr_t[]> old(new uintptr_t[capacity]());
    old.swap(slots_);
    const size_t old_capacity = capacity_;
    capacity_ = capacity;
    const size_t mask = capacity - 1;
    for (size_t j = 0; j < old_capacity; ++j) {
        const uintptr_t slot = old[j];
        if (slot == 0) continue;
        // The tag keeps only 16 bits: the full hash is recomputed from the field.
        size_t i = static_cast<size_t>(hashOf(readBlock(blockOf(slot)).field)) & mask;
        while (slots_[i] != 0) i = (i + 1) & mask;
        slots_[i] = slot;
    }
}

size_t FieldTable::randomSlot(Random& rng) const {
    assert(size_ > 0);
    // Rejection sampling over slots: uniform over pairs; the table is at least 1/8 full, so
    // about 8 draws at worst on average.
    while (true) {
        const size_t i = static_cast<size_t>(rng()) & (capacity_ - 1);
        if (slots_[i] != 0) return i;
    }
}

// Why a scan pass never misses a pair present for the whole pass (the argument of the
// keyspace SCAN in lock_scope.cpp, for one table).
//
// A "bucket" is a home slot: step b returns every pair whose home is b, found by walking the
// unbroken probe run from slot b, so which pairs a bucket holds depends only on their hashes
// and the table size, never on where insertions and deletions moved them. Buckets are visited
// in reverse-binary order: the cursor's bits reversed count up. When the table doubles between
// two steps, bucket b becomes b and b + oldsize; when it halves, b and b + newsize merge. In
// both cases the buckets that share the cursor's low bits (those the old and new sizes have in
// common) form one contiguous run of the reversed counter, so every bucket of the new size
// either was covered by buckets already visited or lies ahead of the cursor. A pair may come
// twice (after a shrink, a merged bucket is visited again in part), never not at all.
uint64_t FieldTable::nextCursor(uint64_t cursor, uint64_t mask) {
    cursor |= ~mask;
    cursor = reverseBits(cursor);
    ++cursor;
    return reverseBits(cursor);
}

}  // namespace mini_redis
