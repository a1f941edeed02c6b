// The sorted-set family, ranges: ZRANGE (BYSCORE BYLEX REV LIMIT WITHSCORES) and its legacy
// forms ZREVRANGE ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX, ZRANGESTORE, and
// ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX.
#include <memory>

#include "command_args.h"
#include "errors.h"
#include "zset_helpers.h"
#include "zset_range.h"

namespace mini_redis {

namespace {

namespace ev = keyspace_events;

// What a ZRANGE variant ranges over: fixed by the legacy commands, chosen by ZRANGE's options.
enum class RangeType {
    Auto,   // ZRANGE / ZRANGESTORE before options: by rank unless BYSCORE or BYLEX
    Rank,   // start stop indexes
    Score,  // min max scores
    Lex,    // min max members
};
enum class Direction {
    Auto,     // forward unless REV
    Forward,  // low to high
    Reverse,  // high to low (the range is given as max min)
};

// The members a range picks: `count` of them from rank `first`, walking down with `reverse`.
struct Pick {
    size_t first = 0;
    size_t count = 0;
    bool reverse = false;
};

// A range's min and max as its type reads them; only the type's fields are meaningful.
struct Bounds {
    int64_t start = 0, end = 0;  // Rank
    ScoreRange scores;           // Score
    LexRange lex;                // Lex
};

// Parses min and max for `type` (Auto reads as Rank). nullptr, or the error text to reply.
const char* parseBounds(RangeType type, std::string_view min, std::string_view max, Bounds& out) {
    switch (type) {
        case RangeType::Auto:
        case RangeType::Rank:
            if (!parseInteger(min, out.start) || !parseInteger(max, out.end)) {
                return errors::kNotInteger;
            }
            return nullptr;
        case RangeType::Score:
            return parseScoreRange(min, max, out.scores) ? nullptr : errors::kMinMaxNotFloat;
        case RangeType::Lex:
            return parseLexRange(min, max, out.lex) ? nullptr : errors::kMinMaxNotLex;
    }
    return nullptr;
}

// Redis's rank sanitizing (negative counts from the end, clamped).
RankSpan rankSpan(int64_t start, int64_t end, size_t len) {
    const auto n = static_cast<int64_t>(len);
    if (start < 0) start += n;
    if (end < 0) end += n;
    if (start < 0) start = 0;
    if (start > end || start >= n) return {};
    if (end >= n) end = n - 1;
    return {static_cast<size_t>(start), static_cast<size_t>(end) + 1};
}

// The ranks of `z` the bounds of a `type` range cover, counted from the lowest score.
RankSpan boundsSpan(const ZSetValue& z, RangeType type, const Bounds& b) {
    switch (type) {
        case RangeType::Auto:
        case RangeType::Rank:
            return rankSpan(b.start, b.end, z.length());
        case RangeType::Score:
            return scoreSpan(z, b.scores);
        case RangeType::Lex:
            return lexSpan(z, b.lex);
    }
    return {};
}

// A score or lex span after LIMIT offset count (a negative offset picks nothing, a negative
// count means no limit, as Redis's walk does).
Pick limitSpan(RankSpan span, bool reverse, int64_t offset, int64_t limit) {
    Pick pick;
    pick.reverse = reverse;
    if (offset < 0 || static_cast<uint64_t>(offset) >= span.size()) return pick;
    pick.count = span.size() - static_cast<size_t>(offset);
    if (limit >= 0 && static_cast<uint64_t>(limit) < pick.count) pick.count = static_cast<size_t>(limit);
    pick.first = reverse ? span.end - 1 - static_cast<size_t>(offset)
                         : span.begin + static_cast<size_t>(offset);
    return pick;
}

// ZRANGESTORE's destination: built by adding each member in the order picked, starting from
// the form Redis starts from (a listpack unless a rank range is longer than the listpack
// limit), so it ends in the form Redis's does. An empty result deletes the destination.
void storeRange(CommandContext& ctx, std::string_view dst, const ZSetValue* src, Pick pick,
                RangeType type) {
    if (pick.count == 0) {
        if (ctx.scope.remove(ctx.db(), dst)) ctx.scope.notify(ev::kGeneric, "del", ctx.db(), dst);
        ctx.reply.integer(0);
        return;
    }
    const ZSetValue::Limits limits = zsetLimits(ctx);
    const bool large = type == RangeType::Rank &&
                       static_cast<int64_t>(pick.count) > limits.max_entries;
    auto out = std::make_unique<ZSetValue>(!large);
    ZSetValue::Cursor c = src->at(pick.first);
    for (size_t i = 0; i < pick.count; ++i) {
        out->add(c.member(), c.score(), 0, limits);
        pick.reverse ? c.prev() : c.next();
    }
    ctx.scope.setCollection(ctx.db(), dst, ValueType::ZSet, std::move(out));
    ctx.scope.notify(ev::kZset, "zrangestore", ctx.db(), dst);
    ctx.reply.integer(static_cast<int64_t>(pick.count));
}

// Redis's zrangeGenericCommand: the key is argv[key_at], then min max and options.
void zrangeGeneric(CommandContext& ctx, size_t key_at, bool store, RangeType type,
                   Direction dir) {
    const auto& argv = ctx.argv;
    size_t minidx = key_at + 1, maxidx = key_at + 2;
    bool withscores = false;
    int64_t offset = 0, limit = -1;
    for (size_t j = key_at + 3; j < argv.size(); ++j) {
        const size_t left = argv.size() - j - 1;
        if (!store && equalsNoCase(argv[j], "withscores")) {
            withscores = true;
        } else if (equalsNoCase(argv[j], "limit") && left >= 2) {
            if (!parseInteger(argv[j + 1], offset) || !parseInteger(argv[j + 2], limit)) {
                ctx.reply.error(errors::kNotInteger);
                return;
            }
            j += 2;
        } else if (dir == Direction::Auto && equalsNoCase(argv[j], "rev")) {
            dir = Direction::Reverse;
        } else if (type == RangeType::Auto && equalsNoCase(argv[j], "bylex")) {
            type = RangeType::Lex;
        } else if (type == RangeType::Auto && equalsNoCase(argv[j], "byscore")) {
            type = RangeType::Score;
        } else {
            ctx.reply.error(errors::kSyntax);
            return;
        }
    }
    if (dir == Direction::Auto) dir = Direction::Forward;
    if (type == RangeType::Auto) type = RangeType::Rank;
    const bool reverse = dir == Direction::Reverse;
    if (limit != -1 && type == RangeType::Rank) {
        ctx.reply.error(errors::kZRangeLimitNeedsBy);
        return;
    }
    if (withscores && type == RangeType::Lex) {
        ctx.reply.error(errors::kZRangeLexWithScores);
        return;
    }
    if (reverse && type != RangeType::Rank) std::swap(minidx, maxidx);
    Bounds bounds;
    if (const char* err = parseBounds(type, argv[minidx], argv[maxidx], bounds)) {
        ctx.reply.error(err);
        return;
    }
    ZSetValue* z = nullptr;
    {
        LockScope::ReadLookups read(ctx.scope);  // ZRANGESTORE's source too: keymiss
        if (!findZSet(ctx, argv[key_at], z, true)) return;
    }
    Pick pick;
    if (z != nullptr) {
        const RankSpan span = boundsSpan(*z, type, bounds);
        if (type != RangeType::Rank) {
            pick = limitSpan(span, reverse, offset, limit);
        } else if (span.size() > 0) {
            // A reversed rank range counts its ranks from the highest score.
            pick.count = span.size();
            pick.reverse = reverse;
            pick.first = reverse ? z->length() - 1 - span.begin : span.begin;
        }
    }
    if (store) {
        storeRange(ctx, argv[1], z, pick, type);
    } else if (pick.count == 0) {
        ctx.reply.arrayHeader(0);
    } else {
        replyRange(ctx, z->at(pick.first), pick.count, pick.reverse, withscores);
    }
}

void zrangeCommand(CommandContext& ctx) {
    zrangeGeneric(ctx, 1, false, RangeType::Auto, Direction::Auto);
}
void zrangestoreCommand(CommandContext& ctx) {
    zrangeGeneric(ctx, 2, true, RangeType::Auto, Direction::Auto);
}
void zrevrangeCommand(CommandContext& ctx) {
    zrangeGeneric(ctx, 1, false, RangeType::Rank, Direction::Reverse);
}
void zrangebyscoreCommand(CommandContext& ctx) {
    zrangeGeneric(ctx, 1, false, RangeType::Score, Direction::Forward);
}
void zrevrangebyscoreCommand(CommandContext& ctx) {
    zrangeGeneric(ctx, 1, false, RangeType::Score, Direction::Reverse);
}
void zrangebylexCommand(CommandContext& ctx) {
    zrangeGeneric(ctx, 1, false, RangeType::Lex, Direction::Forward);
}
void zrevrangebylexCommand(CommandContext& ctx) {
    zrangeGeneric(ctx, 1, false, RangeType::Lex, Direction::Reverse);
}

// ZREMRANGEBYRANK/SCORE/LEX key min max: the range is checked before the key is.
void zremrangeGeneric(CommandContext& ctx, RangeType type) {
    const auto& argv = ctx.argv;
    Bounds bounds;
    if (const char* err = parseBounds(type, argv[2], argv[3], bounds)) {
        ctx.reply.error(err);
        return;
    }
    ZSetValue* z = nullptr;
    if (!findZSet(ctx, argv[1], z, false)) return;
    RankSpan span;
    if (z != nullptr) span = boundsSpan(*z, type, bounds);
    if (span.size() > 0) {
        z->removeRanks(span.begin, span.size());
        const char* event = type == RangeType::Rank    ? "zremrangebyrank"
                            : type == RangeType::Score ? "zremrangebyscore"
                                                       : "zremrangebylex";
        ctx.scope.notify(ev::kZset, event, ctx.db(), argv[1]);
        ctx.scope.modified(ctx.db(), argv[1]);
    }
    ctx.reply.integer(static_cast<int64_t>(span.size()));
}

void zremrangebyrankCommand(CommandContext& ctx) {
    zremrangeGeneric(ctx, RangeType::Rank);
}
void zremrangebyscoreCommand(CommandContext& ctx) {
    zremrangeGeneric(ctx, RangeType::Score);
}
void zremrangebylexCommand(CommandContext& ctx) {
    zremrangeGeneric(ctx, RangeType::Lex);
}

}  // namespace

void registerZSetRangeCommands(CommandTable& t) {
    constexpr uint32_t kW = kCmdWrite;
    constexpr uint32_t kR = kCmdReadOnly;
    t.add({"zrange", -4, kR, 1, 1, 1, zrangeCommand, "sorted-set",
           "key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]",
           "Return a range of members in a sorted set"});
    t.add({"zrangestore", -5, kW, 1, 2, 1, zrangestoreCommand, "sorted-set",
           "dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]",
           "Store a range of members from sorted set into another key"});
    t.add({"zrevrange", -4, kR, 1, 1, 1, zrevrangeCommand, "sorted-set",
           "key start stop [WITHSCORES]",
           "Return a range of members in a sorted set, by index, with scores ordered from high "
           "to low"});
    t.add({"zrangebyscore", -4, kR, 1, 1, 1, zrangebyscoreCommand, "sorted-set",
           "key min max [WITHSCORES] [LIMIT offset count]",
           "Return a range of members in a sorted set, by score"});
    t.add({"zrevrangebyscore", -4, kR, 1, 1, 1, zrevrangebyscoreCommand, "sorted-set",
           "key max min [WITHSCORES] [LIMIT offset count]",
           "Return a range of members in a sorted set, by score, with scores ordered from high "
           "to low"});
    t.add({"zrangebylex", -4, kR, 1, 1, 1, zrangebylexCommand, "sorted-set",
           "key min max [LIMIT offset count]",
           "Return a range of members in a sorted set, by lexicographical range"});
    t.add({"zrevrangebylex", -4, kR, 1, 1, 1, zrevrangebylexCommand, "sorted-set",
           "key max min [LIMIT offset count]",
           "Return a range of members in a sorted set, by lexicographical range, ordered from "
           "higher to lower strings."});
    t.add({"zremrangebyrank", 4, kW, 1, 1, 1, zremrangebyrankCommand, "sorted-set",
           "key start stop",
           "Remove all members in a sorted set within the given indexes"});
    t.add({"zremrangebyscore", 4, kW, 1, 1, 1, zremrangebyscoreCommand, "sorted-set",
           "key min max", "Remove all members in a sorted set within the given scores"});
    t.add({"zremrangebylex", 4, kW, 1, 1, 1, zremrangebylexCommand, "sorted-set",
           "key min max",
           "Remove all members in a sorted set between the given lexicographical range"});
}

}  // namespace mini_redis
