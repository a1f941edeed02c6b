// A sequence of byte strings packed into one heap block (Redis's listpack idea): the compact
// form of small lists, hashes and sorted sets, and the node of a big list.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mini_redis {

// Not thread-safe: its owner (a collection, guarded by its shard) decides.
//
// Layout of the block: [uint32 used bytes][uint32 entry count][entries...]. One entry is
// [length, varint][bytes][back length]; the back length is the byte size of the first two
// parts written as a varint to be read backwards from its last byte, so an entry can be walked
// over from either end. Entries are named by their byte offset ("position"); end() is the
// position one past the last. Any insert or erase may move the block: positions stay valid
// (they are offsets), string_views into it do not.
class Listpack {
  public:
    Listpack() = default;
    ~Listpack();
    Listpack(const Listpack& other);
    Listpack& operator=(const Listpack& other);
    Listpack(Listpack&& other) noexcept : block_(other.block_) { other.block_ = nullptr; }
    Listpack& operator=(Listpack&& other) noexcept;

    size_t size() const { return block_ == nullptr ? 0 : header()[1]; }
    bool empty() const { return size() == 0; }
    // Bytes of the block in use, and as the allocator sized it (for memoryBytes()).
    size_t usedBytes() const { return block_ == nullptr ? 0 : header()[0]; }
    size_t allocatedBytes() const;

    static constexpr size_t kHeader = 8;
    size_t begin() const { return kHeader; }
    size_t end() const { return block_ == nullptr ? kHeader : header()[0]; }
    // The next or previous entry's position (prev of begin() is not allowed).
    size_t next(size_t pos) const;
    size_t prev(size_t pos) const;
    // The entry at `pos` (valid until the next change).
    std::string_view at(size_t pos) const;
    // The position of entry `index` (negative counts from the end, -1 = last); end() when out
    // of range. Walks from the nearer end.
    size_t seek(int64_t index) const;
    // The position of the first entry equal to `v` at or after `from`, looking at every
    // `step`-th entry (2 for the fields of field/value pairs); end() when none.
    size_t find(std::string_view v, size_t from, size_t step = 1) const;

    // Inserts `v` before `pos` (end() appends); returns the new entry's position.
    size_t insert(size_t pos, std::string_view v);
    // Inserts two entries (a field and its value, a member and its score) before `pos`.
    size_t insertPair(size_t pos, std::string_view a, std::string_view b);
    void pushBack(std::string_view v) { insert(end(), v); }
    void pushFront(std::string_view v) { insert(begin(), v); }
    // Replaces the entry at `pos`; returns its position (unchanged).
    size_t replace(size_t pos, std::string_view v);
    // Erases `n` entries starting at `pos`; returns the position of the entry after them.
    size_t erase(size_t pos, size_t n = 1);
    void clear();

    // Bytes an entry of `len` bytes takes in a block (for callers sizing nodes).
    static size_t entryBytes(size_t len);

  private:
    uint32_t* header() const { return reinterpret_cast<uint32_t*>(block_); }
    // Makes room for `grow` bytes at `pos` (moving the tail); `grow` may be negative.
    void resize(size_t pos, ptrdiff_t grow);
    static size_t writeEntry(char* at, std::string_view v);

    char* block_ = nullptr;  // nullptr when empty and never used
};

}  // namespace mini_redis
