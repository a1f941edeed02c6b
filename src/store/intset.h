// Sorted distinct 64-bit integers in one heap block (Redis's intset): the compact form of sets.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mini_redis {

// Not thread-safe: its owner (a SetValue, guarded by its shard) decides.
//
// Layout of the block: [uint32 width][uint32 count][count members, ascending]. Every member is
// stored in the same width, the narrowest of 2, 4 or 8 bytes that holds them all; inserting a
// member that does not fit widens every member (an "upgrade"), and nothing ever narrows them
// again (as in Redis). Members are found by binary search; inserts and erases move the tail.
// The block is sized for its members, with slack up to the allocator's size class (growth
// reallocates only when that is used up) and returned when half of it goes unused.
class IntSet {
  public:
    IntSet() = default;
    ~IntSet();
    IntSet(const IntSet& other);
    IntSet& operator=(const IntSet& other);
    IntSet(IntSet&& other) noexcept : block_(other.block_) { other.block_ = nullptr; }
    IntSet& operator=(IntSet&& other) noexcept;

    size_t size() const { return block_ == nullptr ? 0 : header()[1]; }
    bool empty() const { return size() == 0; }
    // Bytes per member: 2, 4 or 8 (2 while empty and never used).
    size_t width() const { return block_ == nullptr ? 2 : header()[0]; }
    // Bytes the allocator gave the block (for memoryBytes()).
    size_t allocatedBytes() const;

    // The i-th smallest member (i < size()).
    int64_t at(size_t i) const;
    bool contains(int64_t v) const;
    // Adds `v`; false when it was already there.
    bool insert(int64_t v);
    // Removes `v`; false when it was not there.
    bool erase(int64_t v);
    // Removes the member at index i (i < size()).
    void eraseAt(size_t i);
    // Removes the members whose flag is set (`drop` has size() flags), in one pass.
    void eraseFlagged(const bool* drop);
    void clear();

    // The width that holds v.
    static size_t widthFor(int64_t v);

  private:
    static constexpr size_t kHeader = 8;
    uint32_t* header() const { return reinterpret_cast<uint32_t*>(block_); }
    char* data() const { return block_ + kHeader; }
    // Index of `v`, or where it would go (found says which).
    size_t search(int64_t v, bool& found) const;
    // Makes the block hold `count` members of `width` bytes (keeping the first bytes as they are).
    void reserve(size_t count, size_t width);
    // Gives memory back when more than half of the block is unused.
    void maybeShrink();
    // Rewrites every member from the current width to `width` (wider).
    void upgrade(size_t width);
    void set(size_t i, int64_t v);

    char* block_ = nullptr;  // nullptr when empty and never used
};

}  // namespace mini_redis
