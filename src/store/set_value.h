// A set's value: an intset while it can be one, else a hash table of members (Redis 7.0).
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "form_word.h"
#include "intset.h"
#include "member_table.h"
#include "value.h"

namespace mini_redis {

// Not thread-safe: guarded by its key's shard, as every Collection.
//
// Two forms, as Redis 7.0 encodes sets:
// - "intset": every member is a canonical 64-bit integer (the text Redis's string2ll accepts:
//   no '+', no leading zeros, no "-0", no spaces) and there are at most
//   set-max-intset-entries of them. Sorted, one block (intset.h).
// - "hashtable": anything else (member_table.h). A set never goes back to an intset, even if
//   it shrinks or loses its last non-integer member (as in Redis 7.0).
//
// Members are handed out as string_views valid until the next change; an intset member is
// written as text into a caller's IntText first. A "position" names one member until the next
// change: an index into the intset, or a slot of the table.
class SetValue final : public Collection {
  public:
    // Room for the text of any int64.
    struct IntText {
        char buf[24];
    };
    using Random = std::mt19937_64;

    // An empty set in the compact form.
    SetValue() = default;
    SetValue(const SetValue& other);
    SetValue& operator=(const SetValue&) = delete;
    ~SetValue() override;

    // An empty set in the form a first member calls for (Redis's setTypeCreate): an intset for
    // a canonical integer, else a hash table.
    static std::unique_ptr<SetValue> forMember(std::string_view first);
    // An empty set in the table form, sized for `expected` members.
    static std::unique_ptr<SetValue> withTable(size_t expected);

    size_t memoryBytes() const override;
    std::string_view encoding() const override { return isIntset() ? "intset" : "hashtable"; }
    Collection* clone() const override { return new SetValue(*this); }
    size_t length() const override { return table() ? table()->size() : ints().size(); }

    bool isIntset() const { return table() == nullptr; }

    // Adds `member`; false when it was already there. Switches to the table form when the
    // member is not a canonical integer, or when the intset would pass `max_intset_entries`
    // members (Redis's set-max-intset-entries, read when the member is added).
    bool add(std::string_view member, int64_t max_intset_entries);
    // Removes `member`; false when it was not there.
    bool remove(std::string_view member);
    bool contains(std::string_view member) const;

    // Calls fn(member) for every member: ascending integers for an intset, table order
    // otherwise. The view is valid during the call; fn must not change the set. When fn
    // returns bool, false stops the walk.
    template <class Fn>
    void forEach(Fn&& fn) const {
        if (table()) {
            for (size_t i = 0, n = table()->slotCount(); i < n; ++i) {
                if (table()->slotUsed(i) && !call(fn, table()->slotMember(i))) return;
            }
            return;
        }
        IntText text;
        for (size_t i = 0, n = ints().size(); i < n; ++i) {
            if (!call(fn, format(ints().at(i), text))) return;
        }
    }

    // A uniformly random member's position (the set must not be empty).
    size_t randomPosition(Random& rng) const;
    // The member at a position.
    std::string_view memberAt(size_t pos, IntText& text) const;

    // SRANDMEMBER key count, as Redis 7.0 answers it: appends `count` members to `out`. With
    // `distinct` (a positive count) they are different members, all of them when count >=
    // length(); without (a negative count) each is drawn independently.
    void randomMembers(size_t count, bool distinct, Random& rng,
                       std::vector<std::string>& out) const;
    // SPOP: removes `count` distinct random members (at most length()) and appends them to
    // `out`. Removing every member leaves an empty set (the caller deletes the key).
    void popRandom(size_t count, Random& rng, std::vector<std::string>& out);

    // One SSCAN call, as Redis's scanGenericCommand walks a set: an intset returns every
    // member and cursor 0 whatever the cursor; a table visits buckets from `cursor` until about
    // `count` members were returned (or 10 * count buckets), returning the next cursor (0: the
    // pass is over). fn(member) gets each, possibly twice across a pass, never missing one
    // present for the whole pass.
    template <class Fn>
    uint64_t scan(uint64_t cursor, size_t count, Fn&& fn) const {
        if (!table()) {
            forEach(fn);
            return 0;
        }
        size_t seen = 0;
        size_t budget = count * 10;
        do {
            cursor = table()->scanStep(cursor, [&](std::string_view m) {
                ++seen;
                fn(m);
            });
        } while (cursor != 0 && budget-- > 0 && seen < count);
        return cursor;
    }

    // Whether `s` is a canonical 64-bit integer (Redis's string2ll), and its value.
    static bool asInteger(std::string_view s, int64_t& out);
    static std::string_view format(int64_t v, IntText& text) {
        auto [end, ec] = std::to_chars(text.buf, text.buf + sizeof text.buf, v);
        (void)ec;
        return {text.buf, static_cast<size_t>(end - text.buf)};
    }

    // For tests: the intset's bytes per member (2, 4 or 8).
    size_t intsetWidth() const { return ints().width(); }

  private:
    // fn(member), and whether to go on.
    template <class Fn>
    static bool call(Fn& fn, std::string_view member) {
        if constexpr (std::is_same_v<std::invoke_result_t<Fn&, std::string_view>, bool>) {
            return fn(member);
        } else {
            fn(member);
            return true;
        }
    }
    // Moves every member into a table sized for `expected` members.
    void toTable(size_t expected);
    // Draws `count` distinct positions (count < length()).
    void distinctPositions(size_t count, Random& rng, std::vector<size_t>& out) const;

    IntSet& ints() { return form_.compact(); }
    const IntSet& ints() const { return form_.compact(); }
    MemberTable* table() const { return form_.big(); }

    FormWord<IntSet, MemberTable> form_;  // the members: an intset, or a table once converted
};

}  // namespace mini_redis
