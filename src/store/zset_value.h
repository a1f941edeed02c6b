// A sorted set's value: a listpack while small, else a score tree plus a member index.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "form_word.h"
#include "member_index.h"
#include "score_tree.h"
#include "value.h"
#include "zset_listpack.h"

namespace mini_redis {

// Not thread-safe: guarded by its key's shard, as every Collection.
//
// Two forms, as Redis 7.0 encodes sorted sets:
// - "listpack" (ZSetListpack): pairs in order in one block. Integral scores are stored as
//   integers, so -0 becomes 0 there, as in Redis.
// - "skiplist" (named as Redis names it): a ScoreTree ordering ZMember records and a
//   MemberIndex finding them by name; each member is one allocation both point at. Ranks,
//   inserts, deletes and range bounds are O(log n), a score by name O(1).
// add() moves a listpack to the large form when a new member would pass the limits (Redis's
// zset-max-listpack-entries/value, read then); the large form goes back to a listpack only
// through compactIfFits() (what Redis does to a STORE command's destination).
//
// Order: by score, then by member bytes (zsetLess). Ranks are 0-based, ascending.
class ZSetValue final : public Collection {
  public:
    // Redis's zset-max-listpack-entries and zset-max-listpack-value.
    struct Limits {
        int64_t max_entries = 128;
        int64_t max_value = 64;
    };
    // ZADD's options (Redis's ZADD_IN_*).
    enum AddFlag : unsigned {
        kAddNx = 1,
        kAddXx = 2,
        kAddGt = 4,
        kAddLt = 8,
        kAddIncr = 16,
    };
    // What add() did.
    enum class AddResult {
        Added,    // a new member
        Updated,  // its score changed
        Same,     // present, score unchanged (still counts as processed: INCR answers it)
        Skipped,  // nothing done: NX and present, XX and absent, or GT/LT refused it
        NotANumber,  // the score (or the increment's result) is NaN; nothing changed
    };
    using Random = std::mt19937_64;

    // An empty set in the listpack form, or in the large form.
    explicit ZSetValue(bool compact = true);
    ZSetValue(const ZSetValue& other);
    ZSetValue& operator=(const ZSetValue&) = delete;
    ~ZSetValue() override;

    // The empty set ZADD creates for its first member (Redis 7.0's rule: the large form when
    // listpacks are off or that member is too long for one).
    static std::unique_ptr<ZSetValue> forFirstMember(std::string_view member,
                                                     const Limits& limits);

    size_t memoryBytes() const override;
    std::string_view encoding() const override { return big() ? "skiplist" : "listpack"; }
    Collection* clone() const override { return new ZSetValue(*this); }
    size_t length() const override { return big() ? big()->tree.size() : lp().size(); }
    bool compact() const { return big() == nullptr; }

    // Reads.
    bool score(std::string_view member, double& out) const;
    std::optional<size_t> rank(std::string_view member) const;
    // Members before the first one whose score is >= s (> s when `strict`).
    size_t scoreBound(double s, bool strict) const;
    // Members before the first one, at rank `from` or later, whose name is >= m (> m). Exact
    // when every score is equal (what lex ranges are for); otherwise each form answers as
    // Redis's does (a listpack walks from `from`; the tree searches by name).
    size_t lexBound(std::string_view m, bool strict, size_t from) const;

    // A place in the order, walkable both ways; invalid past either end. Valid until the
    // next change to the set.
    class Cursor {
      public:
        bool valid() const { return lp_ != nullptr ? pos_ != kNowhere : tpos_.valid(); }
        std::string_view member() const;
        double score() const;
        void next();
        void prev();

      private:
        friend class ZSetValue;
        static constexpr size_t kNowhere = SIZE_MAX;
        const ZSetListpack* lp_ = nullptr;  // set for the listpack form
        size_t pos_ = kNowhere;
        ScoreTree::Pos tpos_;
    };
    // The place of rank `r` (invalid when r >= length()).
    Cursor at(size_t r) const;

    // Writes.
    // Redis's zsetAdd: adds `member` or updates its score as `flags` allow; with kAddIncr the
    // score is an increment. `result_score` gets the member's score after the call (when it
    // was processed). Converts to the large form first when a new member passes `limits`.
    AddResult add(std::string_view member, double score, unsigned flags, const Limits& limits,
                  double* result_score = nullptr);
    bool remove(std::string_view member);
    // Removes ranks [from, from + n).
    void removeRanks(size_t from, size_t n);
    // Moves a large set back to a listpack when it is within the limits (STORE commands).
    void compactIfFits(const Limits& limits);
    // Moves a listpack to the large form.
    void convertToLarge();

    // ZRANDMEMBER: the places of `count` random members, each drawn independently, or with
    // `distinct` all different (count < length()).
    std::vector<Cursor> randomMembers(size_t count, bool distinct, Random& rng) const;

    // One ZSCAN call: a listpack returns every member and cursor 0; the large form walks the
    // index's buckets from `cursor` until about `count` members came out (or 10 * count
    // buckets) and returns the next cursor (0 when the pass is over). fn(member, score).
    template <class Fn>
    uint64_t scan(uint64_t cursor, size_t count, Fn&& fn) const {
        if (!big()) {
            for (Cursor c = at(0); c.valid(); c.next()) fn(c.member(), c.score());
            return 0;
        }
        size_t seen = 0;
        size_t budget = count * 10;
        do {
            cursor = big()->index.scanStep(cursor, [&](const ZMember* m) {
                ++seen;
                fn(m->name(), m->score);
            });
        } while (cursor != 0 && budget-- > 0 && seen < count);
        return cursor;
    }

    // Checks the large form's invariants against each other (tests).
    void verify() const;

  private:
    struct Large {
        Large() = default;
        Large(const Large&) = delete;  // the records are shared: ZSetValue's copy makes new ones
        Large& operator=(const Large&) = delete;
        ~Large();  // frees the member records

        MemberIndex index;
        ScoreTree tree;
        size_t member_bytes = 0;  // allocations of the ZMember records
    };

    ZMember* newMember(std::string_view name, double score);

    ZSetListpack& lp() { return form_.compact(); }
    const ZSetListpack& lp() const { return form_.compact(); }
    Large* big() const { return form_.big(); }

    FormWord<ZSetListpack, Large> form_;  // a listpack, or the large form once converted
};

}  // namespace mini_redis
