// The large form of a hash: an open-addressing table of field/value pairs, each pair in one
// allocation (no per-pair node, no separate strings).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string_view>

#include "key_hash.h"

namespace mini_redis {

// Not thread-safe: its owner (a HashValue, guarded by its key's shard) decides.
//
// Layout: a power-of-two array of slots, linear probing, backward-shift deletion (no
// tombstones), so every probe run is unbroken: a field whose home slot is b sits between b and
// the first empty slot after it. A slot holds a pointer to the pair's block with 16 bits of the
// field's hash in its unused top bits (most missed probes never touch a block). A block is
// [field length, varint][value length, varint][field][value]: for short strings 2 bytes of
// overhead per pair, where Redis's dict pays a 24-byte dictEntry and two sds headers.
//
// Size policy: at most 3/4 full (grows by doubling), shrinks when under 1/8 full: a growing
// table costs 10.7 to 21 bytes of slots per pair (Redis's dict: 8 to 16, plus its entries).
//
// Slots are named by index ("positions"); any change may move pairs between slots, and any
// change of a pair's value may move its block: positions and string_views stay valid only
// until the next change.
class FieldTable {
  public:
    using Random = std::mt19937_64;

    // Sized so that `expected` pairs fit without growing.
    explicit FieldTable(size_t expected = 0);
    FieldTable(const FieldTable& other);
    FieldTable& operator=(const FieldTable&) = delete;
    ~FieldTable();

    size_t size() const { return size_; }
    // Heap bytes: the slot array and every block, as the allocator sized them (this object not
    // included: its owner counts it).
    size_t memoryBytes() const { return capacity_ * sizeof(uintptr_t) + block_bytes_; }

    // The value of `field`, or nullopt.
    std::optional<std::string_view> get(std::string_view field) const;
    // Stores `value` under `field`; true when the field is new.
    bool set(std::string_view field, std::string_view value);
    // Removes `field`; false when it was not there.
    bool erase(std::string_view field);

    // Slot-level access (iteration, scans, random picks).
    size_t slotCount() const { return capacity_; }
    bool slotUsed(size_t i) const { return slots_[i] != 0; }
    std::string_view fieldAt(size_t i) const;
    std::string_view valueAt(size_t i) const;

    // A used slot chosen uniformly among the pairs (the table must not be empty).
    size_t randomSlot(Random& rng) const;

    // One step of a scan: visits bucket (cursor & mask), that is every pair whose home slot it
    // is, calling fn(field, value), and returns the next cursor in reverse-binary order (0 when
    // the pass is over). See field_table.cpp for why a pair present for a whole pass is never
    // missed, across growth and shrinking.
    template <class Fn>
    uint64_t scanStep(uint64_t cursor, Fn&& fn) const {
        if (capacity_ == 0) return 0;
        const uint64_t mask = capacity_ - 1;
        const size_t home = static_cast<size_t>(cursor & mask);
        for (size_t i = home; slots_[i] != 0; i = (i + 1) & mask) {
            if (homeOf(i) == home) fn(fieldAt(i), valueAt(i));
        }
        return nextCursor(cursor, mask);
    }

    // The cursor after `cursor` when buckets are walked in reverse-binary order under `mask`.
    static uint64_t nextCursor(uint64_t cursor, uint64_t mask);

  private:
    static constexpr int kTagShift = 48;
    static constexpr uintptr_t kPointerMask = (uintptr_t{1} << kTagShift) - 1;
    static uintptr_t tagOf(uint64_t hash) { return static_cast<uintptr_t>(hash >> kTagShift); }
    static char* blockOf(uintptr_t slot) { return reinterpret_cast<char*>(slot & kPointerMask); }
    static uint64_t hashOf(std::string_view field) { return KeyHash::process()(field); }

    // A fresh block holding the pair; counts its bytes.
    char* newBlock(std::string_view field, std::string_view value);
    void freeBlock(char* block);
    // Gives the pair in slot i (whose field is `field`) a new value.
    void replaceValue(size_t i, std::string_view field, std::string_view value);
    // The slot holding `field`, or the empty slot where it would go.
    size_t probe(std::string_view field, uint64_t hash, bool& found) const;
    // The home slot of the pair in slot i (its hash recomputed).
    size_t homeOf(size_t i) const {
        return static_cast<size_t>(hashOf(fieldAt(i))) & (capacity_ - 1);
    }
    void rehash(size_t capacity);
    void removeSlot(size_t i);

    std::unique_ptr<uintptr_t[]> slots_;  // capacity_ slots, 0 = empty
    size_t capacity_ = 0;                 // 0 or a power of two
    size_t size_ = 0;
    size_t block_bytes_ = 0;  // allocator sizes of the blocks
};

}  // namespace mini_redis
