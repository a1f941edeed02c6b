// The compact form of a sorted set: one listpack of member, score pairs in (score, member)
// order (Redis 7.0's "listpack" encoding).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "listpack.h"

namespace mini_redis {

// Not thread-safe: owned by its ZSetValue. Positions are the byte offsets of entries; they
// stay valid until the next change.
//
// One listpack entry per member: [member bytes][score, 1-8 bytes][the score's length, 1 byte].
// A member and its score in one entry pay one length and one back length, not two of each:
// ten "member:N" with small integer scores take 128 bytes, as in Redis's listpack.
//
// A score is stored as Redis 7.0 stores it in a listpack: an integral score Redis's double2ll
// accepts (|score| <= 2^62, which also turns -0 into 0) is kept as an integer, anything else
// as a double. Here an integer that fits 7 bytes is its two's complement, little-endian, in
// as few bytes as hold it (1-7), and any other score the double's 8 raw bytes: a score of 8
// bytes is a double, any other length an integer.
class ZSetListpack {
  public:
    size_t size() const { return lp_.size(); }
    bool empty() const { return lp_.empty(); }
    size_t allocatedBytes() const { return lp_.allocatedBytes(); }

    size_t begin() const { return lp_.begin(); }
    size_t end() const { return lp_.end(); }
    size_t next(size_t pos) const { return lp_.next(pos); }
    size_t prev(size_t pos) const { return lp_.prev(pos); }
    std::string_view member(size_t pos) const { return memberOf(lp_.at(pos)); }
    double score(size_t pos) const { return scoreOf(lp_.at(pos)); }

    // The member's position, or end(); `score` (if given) gets its score.
    size_t find(std::string_view member, double* score = nullptr) const;
    // Adds a member not present at its place in the order.
    void insert(std::string_view member, double score);
    // Adds a member after every other (the caller keeps the order).
    void append(std::string_view member, double score);
    // Removes the pair at `pos`.
    void erase(size_t pos) { lp_.erase(pos, 1); }
    // Removes `n` pairs from rank `from`.
    void eraseRanks(size_t from, size_t n) { lp_.erase(seek(from), n); }
    // The position of rank `r` (end() when out of range).
    size_t seek(size_t r) const { return lp_.seek(static_cast<int64_t>(r)); }
    // The rank of the member at `pos`.
    size_t rankOf(size_t pos) const;

    // Pairs before the first with a score >= s (> s when `strict`).
    size_t scoreBound(double s, bool strict) const;
    // Redis's linear lex walk: the rank of the first pair at or after rank `from` whose
    // member is >= m (> m when `strict`); size() when none.
    size_t lexBound(std::string_view m, bool strict, size_t from) const;

    // Redis's double2ll: whether a score is an integer it stores as one, and which.
    static bool scoreAsInteger(double d, int64_t& out);
    // The score after a trip through a listpack (-0 becomes 0).
    static double storedScore(double d);

  private:
    // An entry's parts.
    static std::string_view memberOf(std::string_view entry) {
        return entry.substr(0, entry.size() - 1 - static_cast<uint8_t>(entry.back()));
    }
    static double scoreOf(std::string_view entry);
    // Inserts the entry for (member, score) before `pos`.
    void insertEntry(size_t pos, std::string_view member, double score);

    Listpack lp_;
};

}  // namespace mini_redis
