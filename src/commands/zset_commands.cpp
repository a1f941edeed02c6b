// The sorted-set family, single members and pops: ZADD ZINCRBY ZSCORE ZMSCORE ZCARD ZCOUNT
// ZLEXCOUNT ZRANK ZREVRANK ZREM ZPOPMIN ZPOPMAX ZMPOP ZRANDMEMBER ZSCAN. Ranges are in
// zset_range_commands.cpp, ZUNION/ZINTER/ZDIFF in zset_algebra_commands.cpp.
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "command_args.h"
#include "errors.h"
#include "glob.h"
#include "mpop_args.h"
#include "random_count.h"
#include "scan_args.h"
#include "zset_helpers.h"
#include "zset_range.h"

namespace mini_redis {

namespace {

namespace ev = keyspace_events;

// ZADD and ZINCRBY (Redis's zaddGenericCommand: ZINCRBY is ZADD with INCR, and its options
// are parsed the same way, so "ZINCRBY key nx member" is a syntax error as in Redis).
void zaddGeneric(CommandContext& ctx, unsigned flags) {
    const auto& argv = ctx.argv;
    size_t idx = 2;
    bool ch = false;
    for (; idx < argv.size(); ++idx) {
        std::string_view opt = argv[idx];
        if (equalsNoCase(opt, "nx")) {
            flags |= ZSetValue::kAddNx;
        } else if (equalsNoCase(opt, "xx")) {
            flags |= ZSetValue::kAddXx;
        } else if (equalsNoCase(opt, "ch")) {
            ch = true;
        } else if (equalsNoCase(opt, "incr")) {
            flags |= ZSetValue::kAddIncr;
        } else if (equalsNoCase(opt, "gt")) {
            flags |= ZSetValue::kAddGt;
        } else if (equalsNoCase(opt, "lt")) {
            flags |= ZSetValue::kAddLt;
        } else {
            break;
        }
    }
    const bool incr = flags & ZSetValue::kAddIncr, nx = flags & ZSetValue::kAddNx;
    const bool xx = flags & ZSetValue::kAddXx, gt = flags & ZSetValue::kAddGt;
    const bool lt = flags & ZSetValue::kAddLt;
    const size_t args = argv.size() - idx;
    if (args % 2 != 0 || args == 0) {
        ctx.reply.error(errors::kSyntax);
        return;
    }
    const size_t elements = args / 2;
    if (nx && xx) {
        ctx.reply.error(errors::kZAddXxAndNx);
        return;
    }
    if ((gt && nx) || (lt && nx) || (gt && lt)) {
        ctx.reply.error(errors::kZAddGtLtNx);
        return;
    }
    if (incr && elements > 1) {
        ctx.reply.error(errors::kZAddIncrPair);
        return;
    }
    // Every score first: a bad one changes nothing.
    std::vector<double> scores(elements);
    for (size_t j = 0; j < elements; ++j) {
        if (!parseScore(argv[idx + 2 * j], scores[j])) {
            ctx.reply.error(errors::kNotFloat);
            return;
        }
    }
    ZSetValue* z = nullptr;
    if (!findZSet(ctx, argv[1], z, false)) return;
    const ZSetValue::Limits limits = zsetLimits(ctx);
    std::unique_ptr<ZSetValue> fresh;
    size_t added = 0, updated = 0, processed = 0;
    double score = 0;
    bool nan = false;
    if (z == nullptr && !xx) {
        fresh = ZSetValue::forFirstMember(argv[idx + 1], limits);
        z = fresh.get();
    }
    for (size_t j = 0; z != nullptr && j < elements; ++j) {
        double result = 0;
        auto outcome = z->add(argv[idx + 2 * j + 1], scores[j], flags, limits, &result);
        if (outcome == ZSetValue::AddResult::NotANumber) {
            nan = true;
            break;
        }
        if (outcome == ZSetValue::AddResult::Added) ++added;
        if (outcome == ZSetValue::AddResult::Updated) ++updated;
        if (outcome != ZSetValue::AddResult::Skipped) {
            ++processed;
            score = result;
        }
    }
    if (nan) {
        ctx.reply.error(errors::kScoreNaN);
    } else if (incr) {
        processed ? ctx.reply.doubleValue(score) : ctx.reply.nil();
    } else {
        ctx.reply.integer(static_cast<int64_t>(ch ? added + updated : added));
    }
    if (fresh) {
        if (fresh->length() > 0) {
            ctx.scope.setCollection(ctx.db(), argv[1], ValueType::ZSet, std::move(fresh));
        }
    } else if (added + updated > 0) {
        ctx.scope.modified(ctx.db(), argv[1]);
    }
    if (added + updated > 0)
        ctx.scope.notify(ev::kZset, incr ? "zincr" : "zadd", ctx.db(), argv[1]);
}

void zaddCommand(CommandContext& ctx) {
    zaddGeneric(ctx, 0);
}

void zincrbyCommand(CommandContext& ctx) {
    zaddGeneric(ctx, ZSetValue::kAddIncr);
}

void zscoreCommand(CommandContext& ctx) {
    ZSetValue* z = nullptr;
    if (!findZSet(ctx, ctx.argv[1], z, true)) return;
    double s = 0;
    if (z != nullptr && z->score(ctx.argv[2], s)) {
        ctx.reply.doubleValue(s);
    } else {
        ctx.reply.nil();
    }
}

void zmscoreCommand(CommandContext& ctx) {
    ZSetValue* z = nullptr;
    if (!findZSet(ctx, ctx.argv[1], z, true)) return;
    ctx.reply.arrayHeader(ctx.argv.size() - 2);
    for (size_t i = 2; i < ctx.argv.size(); ++i) {
        double s = 0;
        if (z != nullptr && z->score(ctx.argv[i], s)) {
            ctx.reply.doubleValue(s);
        } else {
            ctx.reply.nil();
        }
    }
}

void zcardCommand(CommandContext& ctx) {
    ZSetValue* z = nullptr;
    if (!findZSet(ctx, ctx.argv[1], z, true)) return;
    ctx.reply.integer(z != nullptr ? static_cast<int64_t>(z->length()) : 0);
}

void zcountCommand(CommandContext& ctx) {
    ScoreRange range;
    if (!parseScoreRange(ctx.argv[2], ctx.argv[3], range)) {
        ctx.reply.error(errors::kMinMaxNotFloat);
        return;
    }
    ZSetValue* z = nullptr;
    if (!findZSet(ctx, ctx.argv[1], z, true)) return;
    ctx.reply.integer(z != nullptr ? static_cast<int64_t>(scoreSpan(*z, range).size()) : 0);
}

void zlexcountCommand(CommandContext& ctx) {
    LexRange range;
    if (!parseLexRange(ctx.argv[2], ctx.argv[3], range)) {
        ctx.reply.error(errors::kMinMaxNotLex);
        return;
    }
    ZSetValue* z = nullptr;
    if (!findZSet(ctx, ctx.argv[1], z, true)) return;
    ctx.reply.integer(z != nullptr ? static_cast<int64_t>(lexSpan(*z, range).size()) : 0);
}

void rankGeneric(CommandContext& ctx, bool reverse) {
    ZSetValue* z = nullptr;
    if (!findZSet(ctx, ctx.argv[1], z, true)) return;
    auto r = z != nullptr ? z->rank(ctx.argv[2]) : std::nullopt;
    if (!r) {
        ctx.reply.nil();
        return;
    }
    ctx.reply.integer(static_cast<int64_t>(reverse ? z->length() - 1 - *r : *r));
}

void zrankCommand(CommandContext& ctx) {
    rankGeneric(ctx, false);
}

void zrevrankCommand(CommandContext& ctx) {
    rankGeneric(ctx, true);
}

void zremCommand(CommandContext& ctx) {
    ZSetValue* z = nullptr;
    if (!findZSet(ctx, ctx.argv[1], z, false)) return;
    int64_t deleted = 0;
    for (size_t i = 2; z != nullptr && i < ctx.argv.size(); ++i) {
        if (z->remove(ctx.argv[i])) ++deleted;
        if (z->length() == 0) break;
    }
    if (deleted > 0) {
        ctx.scope.notify(ev::kZset, "zrem", ctx.db(), ctx.argv[1]);
        ctx.scope.modified(ctx.db(), ctx.argv[1]);
    }
    ctx.reply.integer(deleted);
}

void popMinMax(CommandContext& ctx, bool max) {
    if (ctx.argv.size() > 3) {
        ctx.reply.error(errors::kSyntax);
        return;
    }
    int64_t count = -1;
    if (ctx.argv.size() == 3) {
        // Redis's getPositiveLongFromObjectOrReply gives its one text for both failures.
        if (!parseInteger(ctx.argv[2], count) || count < 0) {
            ctx.reply.error(errors::kOutOfRangeValue);
            return;
        }
    }
    PopShape shape;
    shape.nested = ctx.reply.protocol() == 3 && count != -1;
    popMembers(ctx, ctx.argv.subspan(1, 1), max, count, shape);
}

void zpopminCommand(CommandContext& ctx) {
    popMinMax(ctx, false);
}

void zpopmaxCommand(CommandContext& ctx) {
    popMinMax(ctx, true);
}

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
void zmpopCommand(CommandContext& ctx) {
    MpopArgs a;
    if (const char* err = parseMpop(ctx.argv, 1, "min", "max", a)) {
        ctx.reply.error(err);
        return;
    }
    PopShape shape{true, true, true};
    popMembers(ctx, a.keys, a.second, a.count, shape);
}

ZSetValue::Random& randomSource() {
    thread_local ZSetValue::Random rng{std::random_device{}()};
    return rng;
}

void zrandmemberWithCount(CommandContext& ctx, int64_t count, bool withscores) {
    ZSetValue* z = nullptr;
    if (!findZSet(ctx, ctx.argv[1], z, true)) return;
    if (z == nullptr || count == 0) {
        ctx.reply.arrayHeader(0);
        return;
    }
    const size_t size = z->length();
    if (count < 0 || count == 1) {
        // Independent draws, in chunks (a huge count is streamed, not held).
        const size_t n = count < 0 ? static_cast<size_t>(-count) : 1;
        replyRangeHeader(ctx, n, withscores);
        for (size_t done = 0; done < n;) {
            const size_t chunk = n - done < 1024 ? n - done : 1024;
            for (auto& c : z->randomMembers(chunk, false, randomSource())) {
                replyMember(ctx, c.member(), c.score(), withscores);
            }
            done += chunk;
        }
        return;
    }
    if (static_cast<uint64_t>(count) >= size) {
        // The whole set, highest rank first: Redis 7.0 answers this case with its reversed
        // rank range.
        replyRange(ctx, z->at(size - 1), size, true, withscores);
        return;
    }
    auto picks = z->randomMembers(static_cast<size_t>(count), true, randomSource());
    replyRangeHeader(ctx, picks.size(), withscores);
    for (auto& c : picks) replyMember(ctx, c.member(), c.score(), withscores);
}

// ZRANDMEMBER key [count [WITHSCORES]]
void zrandmemberCommand(CommandContext& ctx) {
    const auto& argv = ctx.argv;
    if (argv.size() >= 3) {
        int64_t count = 0;
        if (const char* err = parseRandomCount(argv[2], count)) {
            ctx.reply.error(err);
            return;
        }
        const bool withscores = argv.size() == 4;
        if (argv.size() > 4 || (withscores && !equalsNoCase(argv[3], "withscores"))) {
            ctx.reply.error(errors::kSyntax);
            return;
        }
        if (const char* err = withscores ? checkPairedRandomCount(count) : nullptr) {
            ctx.reply.error(err);
            return;
        }
        zrandmemberWithCount(ctx, count, withscores);
        return;
    }
    ZSetValue* z = nullptr;
    if (!findZSet(ctx, argv[1], z, true)) return;
    if (z == nullptr) {
        ctx.reply.nil();
        return;
    }
    ctx.reply.bulk(z->randomMembers(1, false, randomSource())[0].member());
}

// ZSCAN key cursor [MATCH pattern] [COUNT count]
void zscanCommand(CommandContext& ctx) {
    auto open = [&](ZSetValue*& out) { return findZSet(ctx, ctx.argv[1], out, true); };
    ZSetValue* z = nullptr;
    uint64_t cursor = 0;
    ScanOptions opts;
    if (!beginKeyScan(ctx, open, z, cursor, opts)) return;
    // Scores as each form prints them: a listpack holds integral ones as integers.
    const bool compact = z->compact();
    std::vector<std::pair<std::string, std::string>> items;
    cursor = z->scan(cursor, static_cast<size_t>(opts.count), [&](std::string_view m, double s) {
        if (opts.use_pattern && !globMatch(opts.pattern, m)) return;
        int64_t ll = 0;
        items.emplace_back(std::string(m), compact && ZSetListpack::scoreAsInteger(s, ll)
                                               ? std::to_string(ll)
                                               : Reply::formatDouble(s));
    });
    ctx.reply.arrayHeader(2);
    ctx.reply.bulk(std::to_string(cursor));
    ctx.reply.arrayHeader(2 * items.size());
    for (auto& [m, s] : items) {
        ctx.reply.bulk(m);
        ctx.reply.bulk(s);
    }
}

}  // namespace

void registerZSetCommands(CommandTable& t) {
    constexpr uint32_t kW = kCmdWrite;
    constexpr uint32_t kR = kCmdReadOnly;
    constexpr uint32_t kF = kCmdFast;
    t.add({"zadd", -4, kW | kF, 1, 1, 1, zaddCommand, "sorted-set",
           "key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]",
           "Add one or more members to a sorted set, or update its score if it already exists"});
    t.add({"zincrby", 4, kW | kF, 1, 1, 1, zincrbyCommand, "sorted-set", "key increment member",
           "Increment the score of a member in a sorted set"});
    t.add({"zscore", 3, kR | kF, 1, 1, 1, zscoreCommand, "sorted-set", "key member",
           "Get the score associated with the given member in a sorted set"});
    t.add({"zmscore", -3, kR | kF, 1, 1, 1, zmscoreCommand, "sorted-set",
           "key member [member ...]",
           "Get the score associated with the given members in a sorted set"});
    t.add({"zcard", 2, kR | kF, 1, 1, 1, zcardCommand, "sorted-set", "key",
           "Get the number of members in a sorted set"});
    t.add({"zcount", 4, kR | kF, 1, 1, 1, zcountCommand, "sorted-set", "key min max",
           "Count the members in a sorted set with scores within the given values"});
    t.add({"zlexcount", 4, kR | kF, 1, 1, 1, zlexcountCommand, "sorted-set", "key min max",
           "Count the number of members in a sorted set between a given lexicographical range"});
    t.add({"zrank", 3, kR | kF, 1, 1, 1, zrankCommand, "sorted-set", "key member",
           "Determine the index of a member in a sorted set"});
    t.add({"zrevrank", 3, kR | kF, 1, 1, 1, zrevrankCommand, "sorted-set", "key member",
           "Determine the index of a member in a sorted set, with scores ordered from high to "
           "low"});
    t.add({"zrem", -3, kW | kF, 1, 1, 1, zremCommand, "sorted-set", "key member [member ...]",
           "Remove one or more members from a sorted set"});
    t.add({"zpopmin", -2, kW | kF, 1, 1, 1, zpopminCommand, "sorted-set", "key [count]",
           "Remove and return members with the lowest scores in a sorted set"});
    t.add({"zpopmax", -2, kW | kF, 1, 1, 1, zpopmaxCommand, "sorted-set", "key [count]",
           "Remove and return members with the highest scores in a sorted set"});
    t.add({"zmpop", -4, kW, 0, 0, 0, zmpopCommand, "sorted-set",
           "numkeys key [key ...] MIN|MAX [COUNT count]",
           "Remove and return members with scores in a sorted set", mpopKeys});
    t.add({"zrandmember", -2, kR, 1, 1, 1, zrandmemberCommand, "sorted-set",
           "key [count [WITHSCORES]]", "Get one or multiple random elements from a sorted set"});
    t.add({"zscan", -3, kR, 1, 1, 1, zscanCommand, "sorted-set",
           "key cursor [MATCH pattern] [COUNT count]",
           "Incrementally iterate sorted sets elements and associated scores"});
    registerZSetRangeCommands(t);
    registerZSetAlgebraCommands(t);
}

}  // namespace mini_redis
