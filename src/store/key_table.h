// A compact hash table from binary-safe keys to typed values with an optional expiry, for one
// database of one store shard. Each key, its value and its expiry (only when it has one) live
// in one allocation; the table itself is an open-addressing array of tagged pointers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "key_hash.h"
#include "reclaimer.h"
#include "value.h"

namespace mini_redis {

// Not thread-safe: its Store shard's mutex guards it. Entry pointers it returns stay valid
// until the next change to the table (any put/erase/setExpire/resize may move entries).
class KeyTable {
  public:
    // One key's allocation: [header][expiry, only if it has one][key][value]. Opaque outside;
    // read it through the static accessors below.
    struct Entry;

    // The table hashes with `hash` (it recomputes hashes when it rehashes and deletes); every
    // `hash` argument below must be hashOf(key), which debug builds check.
    // Big collections it deletes go to `reclaimer` when one is given (else freed inline).
    explicit KeyTable(const KeyHash& hash = KeyHash::process(), Reclaimer* reclaimer = nullptr)
        : hash_(hash), reclaimer_(reclaimer) {}
    ~KeyTable();
    KeyTable(const KeyTable&) = delete;
    KeyTable& operator=(const KeyTable&) = delete;

    uint64_t hashOf(std::string_view key) const { return hash_(key); }

    // The entry stored under `key`, or nullptr. Expiry is not applied here (the store's lookup
    // does that).
    Entry* find(std::string_view key, uint64_t hash) const;

    // Stores a string under `key`, replacing whatever was there (a collection is deleted).
    // Returns the entry; `created` (if given) says whether the key is new.
    Entry* putString(std::string_view key, uint64_t hash, std::string_view value,
                     StringEncoding enc, int64_t expire_at, bool* created = nullptr);
    // Stores a collection under `key` (taking ownership), replacing whatever was there.
    Entry* putCollection(std::string_view key, uint64_t hash, ValueType type,
                         Collection* owned, int64_t expire_at, bool* created = nullptr);
    // Changes an existing key's expiry (kNoExpiry removes it); returns the possibly moved entry.
    Entry* setExpire(std::string_view key, uint64_t hash, int64_t expire_at);
    // Resizes an existing string value in place or by reallocation (growth is zero-filled and
    // amortised), keeping its type and expiry and marking it Raw; returns the entry, whose
    // bytes are writable through mutableValue().
    Entry* resizeString(std::string_view key, uint64_t hash, size_t new_len);
    // Removes the key and frees its value; returns whether it was there.
    bool erase(std::string_view key, uint64_t hash);
    // Counts a collection changed in place at its new memoryBytes() (LockScope::modified).
    void recount(Entry* e);

    // Moving a value to another key or table without copying a collection: detach() takes the
    // entry out of this table (the caller owns it), then another table's adopt() makes it the
    // value of `key` there (which must be absent) and frees the detached block.
    Entry* detach(std::string_view key, uint64_t hash);
    Entry* adopt(std::string_view key, uint64_t hash, Entry* detached);
    // Frees a detached entry and its value.
    void freeDetached(Entry* detached) {
        dispose(collection(detached));  // detach() already stopped counting it
        std::free(detached);
    }

    static std::string_view key(const Entry* e);
    static std::string_view value(const Entry* e);  // a string's bytes
    static char* mutableValue(Entry* e);
    // Marks a string Raw in place (Redis unshares a string a bit command touches even when no
    // bit changes: only OBJECT ENCODING sees it, so no write is reported).
    static void markRaw(Entry* e);
    static ValueType type(const Entry* e);
    static StringEncoding encoding(const Entry* e);
    static int64_t expireAt(const Entry* e);  // kNoExpiry if none
    static bool hasExpire(const Entry* e);
    static Collection* collection(const Entry* e);  // nullptr for strings
    // Bytes the allocator gave this entry (MEMORY USAGE), not counting a collection.
    static size_t allocatedBytes(const Entry* e);

    size_t size() const { return size_; }
    size_t expires() const { return expires_; }  // keys with a TTL
    // Heap bytes in use: entries (as the allocator sized them), the collections they own and
    // the slot array.
    size_t memoryBytes() const {
        return entry_bytes_ + collection_bytes_ + slots_.capacity() * sizeof(uintptr_t);
    }
    void clear();
    void swap(KeyTable& other);

    // Slot-level access, for SCAN, RANDOMKEY and the active expire cycle. slotCount() is 0 or
    // a power of two; slotEntry(i) is nullptr for an empty slot.
    size_t slotCount() const { return slots_.size(); }
    Entry* slotEntry(size_t i) const { return entryOf(slots_[i]); }
    bool slotHasExpire(size_t i) const { return (slots_[i] & kExpireBit) != 0; }
    size_t homeSlot(const Entry* e) const {
        return static_cast<size_t>(hashOf(key(e))) & (slots_.size() - 1);
    }

    // Where the active expire cycle resumes in this table (a slot index).
    size_t expire_cursor = 0;

    // How far entries sit from their home slots (longest, and the sum over all entries).
    struct ProbeStats {
        size_t longest = 0;
        size_t total = 0;
    };
    ProbeStats probeStats() const;

    // Calls fn(entry) for every entry, in no particular order; fn must not change the table.
    template <class Fn>
    void forEach(Fn&& fn) const {
        for (uintptr_t slot : slots_) {
            if (slot != 0) fn(entryOf(slot));
        }
    }

  private:
    // A slot holds an Entry pointer with 16 bits of the key's hash in its unused top bits (so
    // most probes that miss never touch the entry) and, in bit 0, whether the key has a TTL
    // (so the expire cycle can skip keys without one touching only the slot array). 0 = empty.
    static constexpr int kTagShift = 48;
    static constexpr uintptr_t kExpireBit = 1;
    static constexpr uintptr_t kPointerMask = ((uintptr_t{1} << kTagShift) - 1) & ~kExpireBit;
    static uintptr_t tagOf(uint64_t hash) { return static_cast<uintptr_t>(hash >> kTagShift); }
    static Entry* entryOf(uintptr_t slot) { return reinterpret_cast<Entry*>(slot & kPointerMask); }
    static uintptr_t makeSlot(Entry* e, uint64_t hash);

    Entry* newEntry(std::string_view key, ValueType type, StringEncoding enc, int64_t expire_at,
                    std::string_view value_bytes);
    // Frees the block; with `destroy`, also the collection it owns.
    void freeEntry(Entry* e, bool destroy);
    // Counts the collection of `e` at its memoryBytes() (remembered in the entry), or stops
    // counting it (when it is deleted or given away).
    void countCollection(Entry* e);
    void uncountCollection(const Entry* e) { collection_bytes_ -= accountedBytes(e); }
    static size_t accountedBytes(const Entry* e);
    // Deletes a collection: inline, or on the reclaimer when it is big.
    void dispose(Collection* c);
    // The slot index holding `key`, or the empty slot where it would go.
    size_t probe(std::string_view key, uint64_t hash, bool& found) const;
    // Puts a fresh entry in slot i (replacing `old` there, if any).
    Entry* place(size_t i, uint64_t hash, Entry* fresh, Entry* old);
    void growIfNeeded();
    void rehash(size_t capacity);
    void removeSlot(size_t i);

    KeyHash hash_;
    std::vector<uintptr_t> slots_;  // power-of-two size; empty until the first insert
    size_t size_ = 0;
    size_t expires_ = 0;
    size_t entry_bytes_ = 0;
    size_t collection_bytes_ = 0;  // sum of the owned collections' accountedBytes()
    Reclaimer* reclaimer_;
};

}  // namespace mini_redis
