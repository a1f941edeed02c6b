// A compact hash table from binary-safe keys to binary-safe values, for one store shard.
// Each key and its value live in one allocation; the table itself is an open-addressing array
// of tagged pointers. About 60 bytes per small key, against ~170 for unordered_map of strings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "key_hash.h"

namespace mini_redis {

// Not thread-safe: its Store shard's mutex guards it. Views it returns stay valid until the
// next change to the table.
class KeyTable {
  public:
    // The table hashes with `hash` (it recomputes hashes when it rehashes and deletes); every
    // `hash` argument below must be hashOf(key), which debug builds check.
    explicit KeyTable(const KeyHash& hash = KeyHash::process()) : hash_(hash) {}
    ~KeyTable();
    KeyTable(const KeyTable&) = delete;
    KeyTable& operator=(const KeyTable&) = delete;

    uint64_t hashOf(std::string_view key) const { return hash_(key); }

    // The value stored under `key`, if any. `hash` is the caller's hash of the key.
    std::optional<std::string_view> find(std::string_view key, uint64_t hash) const;
    // Stores `value` under `key`; returns whether the key is new.
    bool put(std::string_view key, uint64_t hash, std::string_view value);
    // Appends to the value (creating the key); returns the new value.
    std::string_view append(std::string_view key, uint64_t hash, std::string_view suffix);
    // Removes the key; returns whether it was there.
    bool erase(std::string_view key, uint64_t hash);

    size_t size() const { return size_; }
    // Heap bytes in use: entries (as the allocator sized them) plus the slot array.
    size_t memoryBytes() const { return entry_bytes_ + slots_.capacity() * sizeof(uintptr_t); }
    void clear();

    // How far entries sit from their home slots, as slots a successful lookup inspects: the
    // longest and the sum over all entries (sum / size() is the mean). For tests and
    // diagnostics: O(size), one hash per entry.
    struct ProbeStats {
        size_t longest = 0;
        size_t total = 0;
    };
    ProbeStats probeStats() const;

    // Calls fn(key, value) for every entry, in no particular order.
    template <class Fn>
    void forEach(Fn&& fn) const {
        for (uintptr_t slot : slots_) {
            if (slot != 0) {
                const Entry* e = entryOf(slot);
                fn(keyOf(e), valueOf(e));
            }
        }
    }

  private:
    // Laid out as [key_len][value_len][key bytes][value bytes], in one malloc block.
    struct Entry {
        uint32_t key_len;
        uint32_t value_len;
        char* bytes() { return reinterpret_cast<char*>(this + 1); }
        const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }
    };

    // A slot holds an Entry pointer with 16 bits of the key's hash in its unused top bits, so
    // most probes that miss never touch the entry. 0 = empty.
    static constexpr int kTagShift = 48;
    static constexpr uintptr_t kPointerMask = (uintptr_t{1} << kTagShift) - 1;
    static uintptr_t tagOf(uint64_t hash) { return static_cast<uintptr_t>(hash >> kTagShift); }
    static Entry* entryOf(uintptr_t slot) { return reinterpret_cast<Entry*>(slot & kPointerMask); }
    static uintptr_t makeSlot(Entry* e, uint64_t hash) {
        return reinterpret_cast<uintptr_t>(e) | (tagOf(hash) << kTagShift);
    }
    static std::string_view keyOf(const Entry* e) { return {e->bytes(), e->key_len}; }
    static std::string_view valueOf(const Entry* e) {
        return {e->bytes() + e->key_len, e->value_len};
    }

    static Entry* newEntry(std::string_view key, std::string_view value, size_t& bytes);
    void freeEntry(Entry* e);
    // The slot index holding `key`, or the empty slot where it would go.
    size_t probe(std::string_view key, uint64_t hash, bool& found) const;
    void growIfNeeded();
    void rehash(size_t capacity);

    KeyHash hash_;
    std::vector<uintptr_t> slots_;  // power-of-two size; empty until the first insert
    size_t size_ = 0;
    size_t entry_bytes_ = 0;
};

}  // namespace mini_redis
