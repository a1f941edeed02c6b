// The member table: linear probing, backward-shift deletion, a reverse-binary scan cursor.
#include "member_table.h"

#include <malloc.h>

#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>

#include "key_hash.h"

namespace mini_redis {

namespace {

constexpr size_t kMinCapacity = 8;

// Grow when the table would be more than 3/4 full; shrink when under 1/8.
bool overLoaded(size_t size, size_t capacity) {
    return size * 4 > capacity * 3;
}
bool underLoaded(size_t size, size_t capacity) {
    return capacity > kMinCapacity && size * 8 < capacity;
}
// The capacity a table of `size` members is rebuilt at: at most half full.
size_t capacityFor(size_t size) {
    size_t c = kMinCapacity;
    while (c < size * 2) c *= 2;
    return c;
}

uint64_t reverseBits(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    return __builtin_bswap64(v);
}

}  // namespace

std::string_view MemberTable::memberOf(uintptr_t slot) {
    const auto* p = reinterpret_cast<const unsigned char*>(slot & kPointerMask);
    size_t len = 0;
    int shift = 0;
    while (true) {
        const unsigned char b = *p++;
        len |= static_cast<size_t>(b & 0x7f) << shift;
        if ((b & 0x80) == 0) break;
        shift += 7;
    }
    return {reinterpret_cast<const char*>(p), len};
}

uint64_t MemberTable::hashOf(std::string_view member) {
    return KeyHash::process()(member);
}

// The SCAN cursor, as Redis's dictScan and the keyspace SCAN (lock_scope.cpp) keep it. A
// "bucket" is not a slot: with linear probing a member may sit a few slots after its home slot
// (hash & mask), and deletions shift members back. A step over bucket b returns the members
// whose HOME is b, found by probing from slot b to the next empty slot (a probe run never
// crosses an empty slot), so what a bucket holds depends only on the hashes and the table size.
//
// The cursor walks buckets in reverse-binary order: it increments the bit-reversed cursor
// under the mask. The buckets that share the low bits of a bucket of a smaller table are then
// visited one after another, so after a growth (bucket b splits into b and b + old size) the
// cursor still stands before every unvisited part, and after a shrink the merged bucket holds
// at worst members already returned (duplicates, never misses).
uint64_t MemberTable::nextCursor(uint64_t v, uint64_t mask) {
    v |= ~mask;
    v = reverseBits(v);
    ++v;
    return reverseBits(v);
}

MemberTable::MemberTable(size_t expected) {
    if (expected > 0) slots_.assign(capacityFor(expected), 0);
}

MemberTable::~MemberTable() {
    clear();
}

MemberTable::MemberTable(const MemberTable& other) : slots_(other.slots_.size(), 0) {
    // Same capacity and same hashes: every member goes to the slot it has there.
    for (size_t i = 0; i < other.slots_.size(); ++i) {
        const uintptr_t slot = other.slots_[i];
        if (slot == 0) continue;
        const void* src = reinterpret_cast<const void*>(slot & kPointerMask);
        const std::string_view m = memberOf(slot);
        const size_t used =
            static_cast<size_t>(m.data() + m.size() - static_cast<const char*>(src));
        void* copy = std::malloc(used);
        if (copy == nullptr) throw std::bad_alloc();
        std::memcpy(copy, src, used);
        slots_[i] = reinterpret_cast<uintptr_t>(copy) | (slot & ~kPointerMask);
        member_bytes_ += malloc_usable_size(copy);
        ++size_;
    }
}

MemberTable::MemberTable(MemberTable&& other) noexcept
    : slots_(std::move(other.slots_)), size_(other.size_), member_bytes_(other.member_bytes_) {
    other.slots_.clear();
    other.size_ = 0;
    other.member_bytes_ = 0;
}

MemberTable& MemberTable::operator=(MemberTable&& other) noexcept {
    if (this != &other) {
        clear();
        slots_ = std::move(other.slots_);
        size_ = other.size_;
        member_bytes_ = other.member_bytes_;
        other.slots_.clear();
        other.size_ = 0;
        other.member_bytes_ = 0;
    }
    return *this;
}

size_t MemberTable::probe(std::string_view member, uint64_t hash, bool& found) const {
    const size_t mask = slots_.size() - 1;
    const uintptr_t tag = tagOf(hash);
    size_t i = static_cast<size_t>(hash) & mask;
    while (true) {
        const uintptr_t slot = slots_[i];
        if (slot == 0) {
            found = false;
            return i;
        }
        if ((slot >> kTagShift) == tag && memberOf(slot) == member) {
            found = true;
            return i;
        }
        i = (i + 1) & mask;
    }
}

bool MemberTable::contains(std::string_view member) const {
    if (size_ == 0) return false;
    bool found = false;
    probe(member, hashOf(member), found);
    return found;
}

bool MemberTable::insert(std::string_view member) {
    if (slots_.empty()) {
        slots_.assign(kMinCapacity, 0);
    } else if (overLoaded(size_ + 1, slots_.size())) {
        // Grown only for a member that is new (a lookup first), as a duplicate adds nothing.
        if (contains(member)) return false;
        rehash(slots_.size() * 2);
    }
    const uint64_t hash = hashOf(member);
    bool found = false;
    const size_t i = probe(member, hash, found);
    if (found) return false;
    unsigned char len_bytes[10];
    size_t n = member.size(), k = 0;
    while (n >= 0x80) {
        len_bytes[k++] = static_cast<unsigned char>((n & 0x7f) | 0x80);
        n >>= 7;
    }
    len_bytes[k++] = static_cast<unsigned char>(n);
    char* block = static_cast<char*>(std::malloc(k + member.size()));
    if (block == nullptr) throw std::bad_alloc();
    std::memcpy(block, len_bytes, k);
    if (!member.empty()) std::memcpy(block + k, member.data(), member.size());
    member_bytes_ += malloc_usable_size(block);
    slots_[i] = reinterpret_cast<uintptr_t>(block) | (tagOf(hash) << kTagShift);
    ++size_;
    return true;
}

void MemberTable::freeMember(uintptr_t slot) {
    void* block = reinterpret_cast<void*>(slot & kPointerMask);
    member_bytes_ -= malloc_usable_size(block);
    std::free(block);
}

void MemberTable::eraseSlot(size_t i) {
    assert(slots_[i] != 0);
    freeMember(slots_[i]);
    --size_;
    // Backward-shift deletion: pull later members of the probe run into the hole, so lookups
    // never need tombstones.
    const size_t mask = slots_.size() - 1;
    size_t hole = i;
    size_t j = i;
    while (true) {
        j = (j + 1) & mask;
        const uintptr_t slot = slots_[j];
        if (slot == 0) break;
        const size_t home = homeOf(slot);
        // Move it if its home is not cyclically within (hole, j].
        const bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!stays) {
            slots_[hole] = slot;
            hole = j;
        }
    }
    slots_[hole] = 0;
    if (size_ == 0) {
        std::vector<uintptr_t>().swap(slots_);
    } else if (underLoaded(size_, slots_.size())) {
        rehash(capacityFor(size_));
    }
}

bool MemberTable::erase(std::string_view member) {
    if (size_ == 0) return false;
    bool found = false;
    const size_t i = probe(member, hashOf(member), found);
    if (!found) return false;
    eraseSlot(i);
    return true;
}

void MemberTable::rehash(size_t capacity) {
    std::vector<uintptr_t> old(capacity, 0);
    old.swap(slots_);
    const size_t mask = capacity - 1;
    for (uintptr_t slot : old) {
        if (slot == 0) continue;
        // The tag keeps only 16 bits: the full hash is recomputed from the member.
        size_t i = static_cast<size_t>(hashOf(memberOf(slot))) & mask;
        while (slots_[i] != 0) i = (i + 1) & mask;
        slots_[i] = slot;
    }
}

void MemberTable::clear() {
    for (uintptr_t slot : slots_) {
        if (slot != 0) std::free(reinterpret_cast<void*>(slot & kPointerMask));
    }
    std::vector<uintptr_t>().swap(slots_);
    size_ = 0;
    member_bytes_ = 0;
}

}  // namespace mini_redis
