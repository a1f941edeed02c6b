// The sorted-set family, algebra: ZUNION ZINTER ZDIFF (WEIGHTS, AGGREGATE, WITHSCORES), their
// STORE forms and ZINTERCARD, as Redis 7.0's zunionInterDiffGenericCommand computes them
// (inputs by ascending size for union and intersection, the same order of float operations).
// A plain set is an input whose scores are all 1.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "command_args.h"
#include "errors.h"
#include "zset_helpers.h"
#include "zset_range.h"
#include "zset_set_source.h"

namespace mini_redis {

namespace {

namespace ev = keyspace_events;

enum class SetOp {
    Union,  // ZUNION, ZUNIONSTORE
    Inter,  // ZINTER, ZINTERSTORE, ZINTERCARD
    Diff,   // ZDIFF, ZDIFFSTORE
};
enum class Aggregate {
    Sum,  // the default
    Min,
    Max,
};

// One input key: a sorted set, a plain set, or absent (an empty input).
struct Input {
    const ZSetValue* zset = nullptr;
    const Collection* set = nullptr;
    double weight = 1.0;

    size_t length() const {
        if (zset != nullptr) return zset->length();
        return set != nullptr ? set_source::length(set) : 0;
    }
    // fn(member, score) for every member.
    template <class Fn>
    void forEach(Fn&& fn) const {
        if (zset != nullptr) {
            for (auto c = zset->at(0); c.valid(); c.next()) fn(c.member(), c.score());
        } else if (set != nullptr) {
            set_source::forEach(set, [&](std::string_view m) { fn(m, 1.0); });
        }
    }
    bool find(std::string_view member, double& score) const {
        if (zset != nullptr) return zset->score(member, score);
        if (set == nullptr || !set_source::contains(set, member)) return false;
        score = 1.0;
        return true;
    }
    bool sameAs(const Input& other) const {
        return (zset != nullptr && zset == other.zset) || (set != nullptr && set == other.set);
    }
};

void aggregate(double& target, double value, Aggregate how) {
    switch (how) {
        case Aggregate::Sum:
            target += value;
            if (std::isnan(target)) target = 0.0;  // inf + -inf: Redis's convention is 0
            break;
        case Aggregate::Min:
            target = value < target ? value : target;
            break;
        case Aggregate::Max:
            target = value > target ? value : target;
            break;
    }
}

// A weighted score (inf * 0 counts as 0, as in Redis).
double weighted(double score, double weight) {
    const double v = weight * score;
    return std::isnan(v) ? 0.0 : v;
}

// The members and scores of the result, into `out` (the large form; a STORE compacts it).
void compute(std::vector<Input>& in, SetOp op, Aggregate how, ZSetValue& out) {
    const ZSetValue::Limits no_listpack{0, 0};
    if (op == SetOp::Inter) {
        if (in[0].length() == 0) return;
        in[0].forEach([&](std::string_view m, double s0) {
            double score = weighted(s0, in[0].weight);
            for (size_t j = 1; j < in.size(); ++j) {
                double v = 0;
                if (in[j].sameAs(in[0])) {
                    v = s0;
                } else if (!in[j].find(m, v)) {
                    return;
                }
                aggregate(score, v * in[j].weight, how);
            }
            out.add(m, score, 0, no_listpack);
        });
    } else if (op == SetOp::Union) {
        std::unordered_map<std::string, double> acc;
        acc.reserve(in.back().length());
        for (const Input& input : in) {
            input.forEach([&](std::string_view m, double s) {
                const double score = weighted(s, input.weight);
                auto [it, fresh] = acc.try_emplace(std::string(m), score);
                if (!fresh) aggregate(it->second, score, how);
            });
        }
        for (const auto& [m, s] : acc) out.add(m, s, 0, no_listpack);
    } else {
        in[0].forEach([&](std::string_view m, double s0) {
            double unused = 0;
            for (size_t j = 1; j < in.size(); ++j) {
                if (in[j].sameAs(in[0]) || in[j].find(m, unused)) return;
            }
            out.add(m, s0, 0, no_listpack);
        });
    }
}

// ZINTERCARD: how many members every input holds, stopping at `limit` (0: no limit).
size_t interCard(std::vector<Input>& in, size_t limit) {
    size_t count = 0;
    auto inAll = [&](std::string_view m) {
        double unused = 0;
        for (size_t j = 1; j < in.size(); ++j) {
            if (!in[j].sameAs(in[0]) && !in[j].find(m, unused)) return false;
        }
        return true;
    };
    if (in[0].zset != nullptr) {
        // A sorted set is walked by cursor, so the limit stops the walk itself.
        for (auto c = in[0].zset->at(0); c.valid(); c.next()) {
            if (inAll(c.member()) && ++count == limit) break;
        }
    } else {
        in[0].forEach([&](std::string_view m, double) {
            if ((limit == 0 || count < limit) && inAll(m)) ++count;
        });
    }
    return count;
}

// Redis's zunionInterDiffGenericCommand. With `store` the result goes to argv[1].
void algebraGeneric(CommandContext& ctx, bool store, size_t numkeys_at, SetOp op,
                    bool card_only) {
    const auto& argv = ctx.argv;
    int64_t setnum = 0;
    if (!parseInteger(argv[numkeys_at], setnum)) {
        ctx.reply.error(errors::kNotInteger);
        return;
    }
    if (setnum < 1) {
        const std::string name(ctx.spec.name);
        ctx.reply.errorf(errors::kNeedInputKeyFmt, name.c_str());
        return;
    }
    if (static_cast<uint64_t>(setnum) > argv.size() - numkeys_at - 1) {
        ctx.reply.error(errors::kSyntax);
        return;
    }
    // The inputs, looked up (WRONGTYPE before any option is read, as in Redis).
    std::vector<Input> in(static_cast<size_t>(setnum));
    size_t j = numkeys_at + 1;
    for (size_t i = 0; i < in.size(); ++i, ++j) {
        KeyTable::Entry* e = nullptr;
        {
            LockScope::ReadLookups read(ctx.scope);  // a *STORE's sources too: keymiss
            e = ctx.scope.find(ctx.db(), argv[j]);
        }
        auto& counter = e ? ctx.worker_stats.keyspace_hits : ctx.worker_stats.keyspace_misses;
        counter.fetch_add(1, std::memory_order_relaxed);
        if (e == nullptr) continue;
        const ValueType type = KeyTable::type(e);
        if (type == ValueType::ZSet) {
            in[i].zset = static_cast<const ZSetValue*>(KeyTable::collection(e));
        } else if (type == ValueType::Set) {
            in[i].set = KeyTable::collection(e);
        } else {
            ctx.reply.error(errors::kWrongType);
            return;
        }
    }
    Aggregate how = Aggregate::Sum;
    bool withscores = false;
    int64_t limit = 0;
    while (j < argv.size()) {
        const size_t remaining = argv.size() - j;
        const bool weights_ok = op != SetOp::Diff && !card_only;
        if (weights_ok && remaining >= in.size() + 1 && equalsNoCase(argv[j], "weights")) {
            ++j;
            for (size_t i = 0; i < in.size(); ++i, ++j) {
                if (!parseScore(argv[j], in[i].weight)) {
                    ctx.reply.error(errors::kWeightNotFloat);
                    return;
                }
            }
        } else if (weights_ok && remaining >= 2 && equalsNoCase(argv[j], "aggregate")) {
            std::string_view what = argv[j + 1];
            if (equalsNoCase(what, "sum")) {
                how = Aggregate::Sum;
            } else if (equalsNoCase(what, "min")) {
                how = Aggregate::Min;
            } else if (equalsNoCase(what, "max")) {
                how = Aggregate::Max;
            } else {
                ctx.reply.error(errors::kSyntax);
                return;
            }
            j += 2;
        } else if (!store && !card_only && equalsNoCase(argv[j], "withscores")) {
            withscores = true;
            ++j;
        } else if (card_only && remaining >= 2 && equalsNoCase(argv[j], "limit")) {
            if (!parseInteger(argv[j + 1], limit) || limit < 0) {
                ctx.reply.error(errors::kLimitNegative);
                return;
            }
            j += 2;
        } else {
            ctx.reply.error(errors::kSyntax);
            return;
        }
    }
    // Smallest first (a stable sort, as glibc's qsort is here): the intersection walks the
    // smallest, and sums add in the same order as Redis's.
    if (op != SetOp::Diff) {
        std::stable_sort(in.begin(), in.end(), [](const Input& a, const Input& b) {
            return a.length() < b.length();
        });
    }
    if (card_only) {
        ctx.reply.integer(static_cast<int64_t>(interCard(in, static_cast<size_t>(limit))));
        return;
    }
    auto out = std::make_unique<ZSetValue>(false);
    compute(in, op, how, *out);
    if (!store) {
        const size_t n = out->length();
        if (n == 0) {
            ctx.reply.arrayHeader(0);
            return;
        }
        replyRange(ctx, out->at(0), n, false, withscores);
        return;
    }
    const size_t n = out->length();
    if (n == 0) {
        if (ctx.scope.remove(ctx.db(), argv[1]))
            ctx.scope.notify(ev::kGeneric, "del", ctx.db(), argv[1]);
    } else {
        out->compactIfFits(zsetLimits(ctx));
        ctx.scope.setCollection(ctx.db(), argv[1], ValueType::ZSet, std::move(out));
        const char* event = op == SetOp::Union   ? "zunionstore"
                            : op == SetOp::Inter ? "zinterstore"
                                                 : "zdiffstore";
        ctx.scope.notify(ev::kZset, event, ctx.db(), argv[1]);
    }
    ctx.reply.integer(static_cast<int64_t>(n));
}

void zunionCommand(CommandContext& ctx) {
    algebraGeneric(ctx, false, 1, SetOp::Union, false);
}
void zinterCommand(CommandContext& ctx) {
    algebraGeneric(ctx, false, 1, SetOp::Inter, false);
}
void zdiffCommand(CommandContext& ctx) {
    algebraGeneric(ctx, false, 1, SetOp::Diff, false);
}
void zintercardCommand(CommandContext& ctx) {
    algebraGeneric(ctx, false, 1, SetOp::Inter, true);
}
void zunionstoreCommand(CommandContext& ctx) {
    algebraGeneric(ctx, true, 2, SetOp::Union, false);
}
void zinterstoreCommand(CommandContext& ctx) {
    algebraGeneric(ctx, true, 2, SetOp::Inter, false);
}
void zdiffstoreCommand(CommandContext& ctx) {
    algebraGeneric(ctx, true, 2, SetOp::Diff, false);
}

// Keys of the reply forms: argv[2 .. 2 + numkeys); of the STORE forms: the destination, then
// argv[3 .. 3 + numkeys). Clamped to argv; none when numkeys is not a positive integer.
void numkeysSources(std::span<const std::string_view> argv, size_t at, std::vector<size_t>& out) {
    int64_t n = 0;
    if (argv.size() <= at || !parseInteger(argv[at], n) || n < 1) return;
    for (size_t i = at + 1; i < argv.size() && i <= at + static_cast<uint64_t>(n); ++i) {
        out.push_back(i);
    }
}
void sourceKeys(std::span<const std::string_view> argv, std::vector<size_t>& out) {
    numkeysSources(argv, 1, out);
}
void storeKeys(std::span<const std::string_view> argv, std::vector<size_t>& out) {
    out.push_back(1);
    numkeysSources(argv, 2, out);
}

}  // namespace

void registerZSetAlgebraCommands(CommandTable& t) {
    constexpr uint32_t kW = kCmdWrite;
    constexpr uint32_t kR = kCmdReadOnly;
    t.add({"zunion", -3, kR, 0, 0, 0, zunionCommand, "sorted-set",
           "numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX] "
           "[WITHSCORES]",
           "Add multiple sorted sets", sourceKeys});
    t.add({"zinter", -3, kR, 0, 0, 0, zinterCommand, "sorted-set",
           "numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX] "
           "[WITHSCORES]",
           "Intersect multiple sorted sets", sourceKeys});
    t.add({"zdiff", -3, kR, 0, 0, 0, zdiffCommand, "sorted-set",
           "numkeys key [key ...] [WITHSCORES]", "Subtract multiple sorted sets", sourceKeys});
    t.add({"zintercard", -3, kR, 0, 0, 0, zintercardCommand, "sorted-set",
           "numkeys key [key ...] [LIMIT limit]",
           "Intersect multiple sorted sets and return the cardinality of the result",
           sourceKeys});
    t.add({"zunionstore", -4, kW, 1, 1, 1,
           zunionstoreCommand, "sorted-set",
           "destination numkeys key [key ...] [WEIGHTS weight [weight ...]] "
           "[AGGREGATE SUM|MIN|MAX]",
           "Add multiple sorted sets and store the resulting sorted set in a new key",
           storeKeys});
    t.add({"zinterstore", -4, kW, 1, 1, 1,
           zinterstoreCommand, "sorted-set",
           "destination numkeys key [key ...] [WEIGHTS weight [weight ...]] "
           "[AGGREGATE SUM|MIN|MAX]",
           "Intersect multiple sorted sets and store the resulting sorted set in a new key",
           storeKeys});
    t.add({"zdiffstore", -4, kW, 1, 1, 1,
           zdiffstoreCommand, "sorted-set",
           "destination numkeys key [key ...]",
           "Subtract multiple sorted sets and store the resulting sorted set in a new key",
           storeKeys});
}

}  // namespace mini_redis
