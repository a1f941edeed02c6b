// Sorted-set arguments as Redis 7.0 reads them: scores, score ranges ("(1.5", "-inf"), lex
// ranges ("[a", "(b", "-", "+"), and the rank span a range covers in a given set.
#pragma once

#include <cstddef>
#include <string_view>

#include "zset_value.h"

namespace mini_redis {

// A score as Redis's getDoubleFromObject reads it (ZADD, ZINCRBY, WEIGHTS): strtod over the
// whole argument, no leading space, no NaN, no overflow or underflow to zero. Any thread.
bool parseScore(std::string_view arg, double& out);

// min and max of ZRANGEBYSCORE and friends ("(" = exclusive).
struct ScoreRange {
    double min = 0, max = 0;
    bool minex = false, maxex = false;
};
// Redis's zslParseRange: strtod after an optional '(' up to the first NUL; anything left over
// or NaN fails ("min or max is not a float"). Overflow is +-inf, an empty number is 0.
bool parseScoreRange(std::string_view min, std::string_view max, ScoreRange& out);

// One end of a lex range: '-' (before everything), '+' (after everything), or "[x" / "(x".
struct LexBound {
    enum class Kind {
        MinusInf,  // "-"
        PlusInf,   // "+"
        Value,     // "[x" (inclusive) or "(x" (exclusive)
    };
    Kind kind = Kind::MinusInf;
    std::string_view value;  // points into the argument
    bool exclusive = false;
};
struct LexRange {
    LexBound min, max;
};
// Redis's zslParseLexRange ("min or max not valid string range item" when false).
bool parseLexRange(std::string_view min, std::string_view max, LexRange& out);

// The ranks [begin, end) of the members of `z` a range covers (begin == end when none).
struct RankSpan {
    size_t begin = 0, end = 0;
    size_t size() const { return end - begin; }
};
RankSpan scoreSpan(const ZSetValue& z, const ScoreRange& range);
RankSpan lexSpan(const ZSetValue& z, const LexRange& range);

}  // namespace mini_redis
