// What a key holds: the value types, their names, and the owned object behind a collection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mini_redis {

// The type of a key's value. Stored in each key's entry (key_table.h); a new type slots in
// here, in typeName, and in the family that implements it.
enum class ValueType : uint8_t {
    String = 0,  // bytes, stored inline in the key's entry
    List = 1,    // the families below keep a Collection object (value bytes hold its pointer)
    Hash = 2,
    Set = 3,
    ZSet = 4,
};

// TYPE's answer.
inline std::string_view typeName(ValueType t) {
    switch (t) {
        case ValueType::String: return "string";
        case ValueType::List: return "list";
        case ValueType::Hash: return "hash";
        case ValueType::Set: return "set";
        case ValueType::ZSet: return "zset";
    }
    return "none";
}

// How a string was last written, for OBJECT ENCODING (Redis's int/embstr/raw depend on the
// command that wrote it, not only on the bytes).
enum class StringEncoding : uint8_t {
    Auto = 0,    // SET and friends: "int" if it reads as a 64-bit integer, else embstr/raw by size
    Raw = 1,     // APPEND, SETRANGE, SETBIT: "raw" whatever the bytes
    NoInt = 2,   // INCRBYFLOAT: never "int", embstr/raw by size
    Copied = 3,  // COPY of an Auto string: like Auto, but never Redis's shared integer object
};

// Absolute expiry times are Unix milliseconds; this means "no TTL".
inline constexpr int64_t kNoExpiry = -1;

// A collection's value (lists, hashes, sets, sorted sets). The key's entry owns it: it is
// deleted when the key is removed or overwritten (a big one on the store's reclaimer thread,
// off the request path). Not thread-safe: guarded by its shard.
//
// Contract for the families: memoryBytes() and length() are O(1) (kept as the value changes);
// after changing a value in place a command calls LockScope::modified(db, key), which counts
// the new size into used_memory and deletes the key if length() became 0 (an emptied
// collection is no key, as in Redis).
class Collection {
  public:
    virtual ~Collection() = default;
    // Heap bytes held (this object included), for used_memory and MEMORY USAGE.
    virtual size_t memoryBytes() const = 0;
    // OBJECT ENCODING's answer (listpack, quicklist, hashtable, intset, skiplist).
    virtual std::string_view encoding() const = 0;
    // A deep copy (COPY).
    virtual Collection* clone() const = 0;
    // Elements held (LLEN, HLEN, SCARD, ZCARD).
    virtual size_t length() const = 0;
    // No data here: a small hash, set or sorted set is this vtable pointer plus one word
    // (form_word.h), 16 bytes like Redis's robj. What the key table last counted for it is
    // kept in the key's entry.
};

// A collection with more elements than this is freed on the reclaimer thread (Redis's
// LAZYFREE_THRESHOLD idea): freeing it element by element could stall the shard's clients.
inline constexpr size_t kLazyFreeThreshold = 64;

}  // namespace mini_redis
