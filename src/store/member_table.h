// A hash table of distinct byte strings, one allocation per member: the large form of sets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace mini_redis {

// Not thread-safe: its owner (a SetValue, guarded by its shard) decides.
//
// Open addressing with linear probing and backward-shift deletion (no tombstones), hashed with
// the process's keyed hash (key_hash.h: members are client-chosen, so flooding one probe run
// must not be possible). A slot is the member's pointer with 16 bits of its hash in the unused
// top bits, so most probes that miss never touch the member. A member is one block:
// [length, varint][bytes]. Per member that is the 8-byte slot (1.3 to 2.7 slots per member at
// the fill kept below) plus the block: well under Redis's dictEntry + sds + bucket pointer.
//
// Fill: grows past 3/4, shrinks (on erase) below 1/8, so a random slot is a member with
// probability at least 1/8 (randomSlot) and an emptied table gives its memory back.
//
// Slots are the table's positions: slotCount() is 0 or a power of two; slotMember(i) is valid
// for a used slot. Any insert or erase may move members to other slots.
class MemberTable {
  public:
    MemberTable() = default;
    // Sized for `expected` members without growing.
    explicit MemberTable(size_t expected);
    ~MemberTable();
    MemberTable(const MemberTable& other);
    MemberTable& operator=(const MemberTable& other) = delete;
    MemberTable(MemberTable&& other) noexcept;
    MemberTable& operator=(MemberTable&& other) noexcept;

    size_t size() const { return size_; }
    // Heap bytes: the slot array and every member's block, as the allocator sized them.
    size_t memoryBytes() const { return slots_.capacity() * sizeof(uintptr_t) + member_bytes_; }

    bool contains(std::string_view member) const;
    // Adds a copy of `member`; false when it was already there.
    bool insert(std::string_view member);
    // Removes `member`; false when it was not there.
    bool erase(std::string_view member);

    size_t slotCount() const { return slots_.size(); }
    bool slotUsed(size_t i) const { return slots_[i] != 0; }
    std::string_view slotMember(size_t i) const { return memberOf(slots_[i]); }
    // Removes the member in used slot i.
    void eraseSlot(size_t i);
    // A used slot picked uniformly among members; `random` yields 64 random bits per call.
    // The table must not be empty.
    template <class Random>
    size_t randomSlot(Random&& random) const {
        const size_t mask = slots_.size() - 1;
        while (true) {
            const size_t i = static_cast<size_t>(random()) & mask;
            if (slots_[i] != 0) return i;
        }
    }

    // Calls fn(member) for every member, in slot order; fn must not change the table.
    template <class Fn>
    void forEach(Fn&& fn) const {
        for (uintptr_t slot : slots_) {
            if (slot != 0) fn(memberOf(slot));
        }
    }

    // One SCAN step (Redis's reverse-binary cursor over buckets, see member_table.cpp): calls
    // fn(member) for the members of one bucket and returns the next cursor, 0 when the pass
    // is over. A member present for a whole pass is returned at least once, however the table
    // grows or shrinks between steps.
    template <class Fn>
    uint64_t scanStep(uint64_t cursor, Fn&& fn) const {
        if (slots_.empty()) return 0;
        const uint64_t mask = slots_.size() - 1;
        const size_t home = static_cast<size_t>(cursor & mask);
        for (size_t i = home; slots_[i] != 0; i = (i + 1) & mask) {
            if (homeOf(slots_[i]) == home) fn(memberOf(slots_[i]));
        }
        return nextCursor(cursor, mask);
    }

    void clear();

  private:
    static constexpr int kTagShift = 48;
    static constexpr uintptr_t kPointerMask = (uintptr_t{1} << kTagShift) - 1;
    static uintptr_t tagOf(uint64_t hash) { return static_cast<uintptr_t>(hash >> kTagShift); }
    static std::string_view memberOf(uintptr_t slot);
    static uint64_t hashOf(std::string_view member);
    size_t homeOf(uintptr_t slot) const {
        return static_cast<size_t>(hashOf(memberOf(slot))) & (slots_.size() - 1);
    }
    static uint64_t nextCursor(uint64_t cursor, uint64_t mask);
    // The slot holding `member`, or the empty slot where it would go.
    size_t probe(std::string_view member, uint64_t hash, bool& found) const;
    void rehash(size_t capacity);
    void freeMember(uintptr_t slot);

    std::vector<uintptr_t> slots_;  // power-of-two size; empty when the table is
    size_t size_ = 0;
    size_t member_bytes_ = 0;  // malloc_usable_size of every member block
};

}  // namespace mini_redis
