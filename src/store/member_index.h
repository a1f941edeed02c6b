// The by-name half of a large sorted set: an open-addressing table of ZMember pointers, so a
// member's score is one probe away (ZSCORE, ZADD, ZREM, the algebra's lookups).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "key_hash.h"
#include "zset_member.h"

namespace mini_redis {

// Not thread-safe: owned by its ZSetValue. It does not own the members (the sorted set frees
// them). Linear probing with backward-shift deletion, as KeyTable: a slot holds a member
// pointer with 16 bits of its hash in the unused top bits (most missed probes never touch the
// member), 0 = empty. The full hash is recomputed from the name when needed (rehash, delete).
// Load stays between 1/8 and 3/4: 8 to 21 bytes of slots per member.
class MemberIndex {
  public:
    explicit MemberIndex(const KeyHash& hash = KeyHash::process()) : hash_(hash) {}
    MemberIndex(const MemberIndex&) = delete;
    MemberIndex& operator=(const MemberIndex&) = delete;

    size_t size() const { return size_; }
    // Bytes of the slot array.
    size_t memoryBytes() const { return slots_.capacity() * sizeof(uintptr_t); }

    ZMember* find(std::string_view name) const;
    // Adds a member whose name is not in the table yet.
    void insert(ZMember* m);
    // Removes a member that is in the table.
    void erase(const ZMember* m);
    // Makes room for `n` members without rehashing on the way.
    void reserve(size_t n);
    // Forgets every member (frees the slots, not the members).
    void clear();

    // One step of a scan (Redis's dictScan cursor: the bucket bits reversed, so a pass that
    // spans a grow or a shrink misses nothing present throughout): calls fn(member) for the
    // members whose home slot is the cursor's bucket and returns the next cursor, 0 at the end.
    template <class Fn>
    uint64_t scanStep(uint64_t cursor, Fn&& fn) const {
        if (size_ == 0) return 0;
        const size_t mask = slots_.size() - 1;
        const size_t bucket = static_cast<size_t>(cursor) & mask;
        for (size_t i = bucket; slots_[i] != 0; i = (i + 1) & mask) {
            const ZMember* m = memberOf(slots_[i]);
            if ((hash_(m->name()) & mask) == bucket) fn(m);
        }
        return nextCursor(cursor, mask);
    }

    // Slot-level access for random picks: slotCount() is 0 or a power of two.
    size_t slotCount() const { return slots_.size(); }
    const ZMember* slotMember(size_t i) const { return memberOf(slots_[i]); }

  private:
    static constexpr int kTagShift = 48;
    static constexpr uintptr_t kPointerMask = (uintptr_t{1} << kTagShift) - 1;
    static ZMember* memberOf(uintptr_t slot) {
        return reinterpret_cast<ZMember*>(slot & kPointerMask);
    }
    static uintptr_t makeSlot(const ZMember* m, uint64_t hash) {
        return reinterpret_cast<uintptr_t>(m) | ((hash >> kTagShift) << kTagShift);
    }
    static uint64_t nextCursor(uint64_t cursor, size_t mask);
    void rehash(size_t capacity);

    KeyHash hash_;
    std::vector<uintptr_t> slots_;  // power-of-two size; empty while the index is
    size_t size_ = 0;
};

}  // namespace mini_redis
