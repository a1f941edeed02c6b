// A hash's value: a listpack of field/value pairs while small, else a FieldTable (Redis 7.0).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string_view>
#include <utility>
#include <vector>

#include "field_table.h"
#include "form_word.h"
#include "listpack.h"
#include "value.h"

namespace mini_redis {

// The two thresholds, as CONFIG has them (read by the command that changes the hash).
struct HashLimits {
    int64_t max_listpack_entries = 512;  // hash-max-listpack-entries
    int64_t max_listpack_value = 64;     // hash-max-listpack-value (bytes of a field or value)
};

// Not thread-safe: guarded by its key's shard, as every Collection.
//
// Two forms, as Redis 7.0 encodes hashes:
// - "listpack": one block of field, value, field, value... in insertion order (a field keeps
//   its place when its value changes).
// - "hashtable": a FieldTable, once a set made the hash hold more than max_listpack_entries
//   pairs or a field or value longer than max_listpack_value bytes. Never back, even if the
//   hash shrinks (as in Redis 7.0).
//
// Fields and values are handed out as string_views valid until the next change. Arguments
// must not point into the hash itself.
class HashValue final : public Collection {
  public:
    using Random = std::mt19937_64;

    HashValue() = default;
    HashValue(const HashValue& other);
    HashValue& operator=(const HashValue&) = delete;
    ~HashValue() override = default;

    size_t memoryBytes() const override;
    std::string_view encoding() const override { return table() ? "hashtable" : "listpack"; }
    Collection* clone() const override { return new HashValue(*this); }
    size_t length() const override { return table() ? table()->size() : list().size() / 2; }

    bool isListpack() const { return table() == nullptr; }

    // The value of `field` (HGET; also SORT's BY/GET key->field), or nullopt.
    std::optional<std::string_view> get(std::string_view field) const;
    bool contains(std::string_view field) const { return get(field).has_value(); }
    // Stores `value` under `field`; true when the field is new. Converts to the table form
    // when the field or value is longer than the limit, or when the pairs would pass it.
    bool set(std::string_view field, std::string_view value, const HashLimits& limits);
    // Removes `field`; false when it was not there.
    bool erase(std::string_view field);

    // Calls fn(field, value) for every pair: insertion order for a listpack, table order
    // otherwise. fn must not change the hash.
    template <class Fn>
    void forEach(Fn&& fn) const {
        if (table()) {
            for (size_t i = 0, n = table()->slotCount(); i < n; ++i) {
                if (table()->slotUsed(i)) fn(table()->fieldAt(i), table()->valueAt(i));
            }
            return;
        }
        for (size_t pos = list().begin(), end = list().end(); pos < end;) {
            const size_t vpos = list().next(pos);
            fn(list().at(pos), list().at(vpos));
            pos = list().next(vpos);
        }
    }

    // One HSCAN call, as Redis's scanGenericCommand walks a hash: a listpack returns every pair
    // and cursor 0 whatever the cursor; a table visits buckets from `cursor` until it returned
    // `count` elements (a field and a value count one each, as Redis counts) or visited
    // 10 * count buckets, and returns the next cursor (0: the pass is over). A pair present
    // for the whole pass is returned at least once (see FieldTable::nextCursor).
    template <class Fn>
    uint64_t scan(uint64_t cursor, size_t count, Fn&& fn) const {
        if (!table()) {
            forEach(fn);
            return 0;
        }
        size_t elements = 0;
        size_t budget = count * 10;
        do {
            cursor = table()->scanStep(cursor, [&](std::string_view f, std::string_view v) {
                elements += 2;
                fn(f, v);
            });
        } while (cursor != 0 && budget-- > 0 && elements < count);
        return cursor;
    }

    // One uniformly random pair (the hash must not be empty).
    std::pair<std::string_view, std::string_view> randomPair(Random& rng) const;
    // HRANDFIELD's pairs, calling fn(field, value) for each: with `distinct` (a positive
    // count), min(count, length()) different pairs (all of them, in forEach order, when count
    // >= length()); without (a negative count), `count` independent uniform draws.
    template <class Fn>
    void randomPairs(size_t count, bool distinct, Random& rng, Fn&& fn) const {
        if (count == 0 || length() == 0) return;
        if (distinct && count >= length()) {
            forEach(fn);
            return;
        }
        if (table() && !distinct) {
            while (count-- > 0) {
                const size_t i = table()->randomSlot(rng);
                fn(table()->fieldAt(i), table()->valueAt(i));
            }
            return;
        }
        std::vector<size_t> where;  // listpack positions of fields, or table slots
        if (distinct) {
            distinctPicks(count, rng, where);
        } else {
            fieldPositions(where);
            std::uniform_int_distribution<size_t> any(0, where.size() - 1);
            while (count-- > 0) {
                const size_t pos = where[any(rng)];
                fn(list().at(pos), list().at(list().next(pos)));
            }
            return;
        }
        for (size_t at : where) {
            if (table()) {
                fn(table()->fieldAt(at), table()->valueAt(at));
            } else {
                fn(list().at(at), list().at(list().next(at)));
            }
        }
    }

  private:
    // Moves every pair into a table sized for `expected` pairs.
    void toTable(size_t expected);
    // The listpack position of every field, in order.
    void fieldPositions(std::vector<size_t>& out) const;
    // `count` (< length()) distinct pairs: listpack positions in order, or table slots.
    void distinctPicks(size_t count, Random& rng, std::vector<size_t>& out) const;

    Listpack& list() { return form_.compact(); }
    const Listpack& list() const { return form_.compact(); }
    FieldTable* table() const { return form_.big(); }

    FormWord<Listpack, FieldTable> form_;  // the pairs: a listpack, or a table once converted
};

}  // namespace mini_redis
