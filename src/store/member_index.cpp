// Linear probing with backward-shift deletion; grows at 3/4 load, shrinks under 1/8.
#include "member_index.h"

#include <cassert>

namespace mini_redis {

namespace {
constexpr size_t kMinCapacity = 8;
bool overLoaded(size_t size, size_t capacity) {
    return size * 4 > capacity * 3;
}
uint64_t reverseBits(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
    v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
    v = ((v >> 4) & 0x0f0f0f0f0f0f0f0full) | ((v & 0x0f0f0f0f0f0f0f0full) << 4);
    return __builtin_bswap64(v);
}
}  // namespace

ZMember* MemberIndex::find(std::string_view name) const {
    if (size_ == 0) return nullptr;
    const uint64_t hash = hash_(name);
    const size_t mask = slots_.size() - 1;
    const uintptr_t tag = hash >> kTagShift;
    for (size_t i = static_cast<size_t>(hash) & mask;; i = (i + 1) & mask) {
        const uintptr_t slot = slots_[i];
        if (slot == 0) return nullptr;
        if ((slot >> kTagShift) == tag && memberOf(slot)->name() == name) return memberOf(slot);
    }
}

void MemberIndex::insert(ZMember* m) {
    if (slots_.empty()) {
        slots_.assign(kMinCapacity, 0);
    } else if (overLoaded(size_ + 1, slots_.size())) {
        rehash(slots_.size() * 2);
    }
    const uint64_t hash = hash_(m->name());
    const size_t mask = slots_.size() - 1;
    size_t i = static_cast<size_t>(hash) & mask;
    while (slots_[i] != 0) {
        assert(memberOf(slots_[i]) != m);
        i = (i + 1) & mask;
    }
    slots_[i] = makeSlot(m, hash);
    ++size_;
}

void MemberIndex::erase(const ZMember* m) {
    const uint64_t hash = hash_(m->name());
    const size_t mask = slots_.size() - 1;
    size_t hole = static_cast<size_t>(hash) & mask;
    while (memberOf(slots_[hole]) != m) {
        assert(slots_[hole] != 0);
        hole = (hole + 1) & mask;
    }
    --size_;
    // Backward shift: pull later members of the probe run into the hole, unless their home
    // is cyclically within (hole, j].
    for (size_t j = (hole + 1) & mask; slots_[j] != 0; j = (j + 1) & mask) {
        const size_t home = static_cast<size_t>(hash_(memberOf(slots_[j])->name())) & mask;
        const bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!stays) {
            slots_[hole] = slots_[j];
            hole = j;
        }
    }
    slots_[hole] = 0;
    if (size_ == 0) {
        clear();
    } else if (slots_.size() > kMinCapacity && size_ * 8 < slots_.size()) {
        rehash(slots_.size() / 2);
    }
}

void MemberIndex::reserve(size_t n) {
    size_t capacity = kMinCapacity;
    while (overLoaded(n, capacity)) capacity *= 2;
    if (capacity > slots_.size()) rehash(capacity);
}

void MemberIndex::clear() {
    std::vector<uintptr_t>().swap(slots_);
    size_ = 0;
}

void MemberIndex::rehash(size_t capacity) {
    std::vector<uintptr_t> old(capacity, 0);
    old.swap(slots_);
    const size_t mask = capacity - 1;
    for (uintptr_t slot : old) {
        if (slot == 0) continue;
        size_t i = static_cast<size_t>(hash_(memberOf(slot)->name())) & mask;
        while (slots_[i] != 0) i = (i + 1) & mask;
        slots_[i] = slot;
    }
}

uint64_t MemberIndex::nextCursor(uint64_t v, size_t mask) {
    // Increment the reversed cursor: set the bits above the mask, reverse, add one, reverse.
    v |= ~static_cast<uint64_t>(mask);
    v = reverseBits(v);
    ++v;
    return reverseBits(v);
}

}  // namespace mini_redis
