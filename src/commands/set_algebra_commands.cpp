// The set algebra: SINTER SUNION SDIFF, their STORE forms, SINTERCARD. As Redis 7.0: every
// source is type-checked (a missing key is an empty set, another type is WRONGTYPE whatever
// came before it); a result is built as a fresh set that starts as an intset, so a stored
// destination is an intset when its members allow; an empty result deletes the destination.
#include <algorithm>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "command_args.h"
#include "command_context.h"
#include "errors.h"
#include "set_value.h"

namespace mini_redis {

namespace {

namespace ev = keyspace_events;

enum class SetOp {
    Inter,  // members of every source
    Union,  // members of any source
    Diff,   // members of the first source in none of the others
};

// Looks up every source in `keys` (nullptr for a missing one). False after answering
// WRONGTYPE. `reads` counts hits and misses, as Redis's lookupKeyRead does for the forms
// without a destination.
bool lookupSources(CommandContext& ctx, std::span<const std::string_view> keys, bool reads,
                   std::vector<const SetValue*>& out) {
    out.clear();
    for (std::string_view key : keys) {
        Lookup l = ctx.scope.find(ctx.db(), key, ValueType::Set);
        if (l.wrong_type) {
            ctx.reply.error(errors::kWrongType);
            return false;
        }
        if (reads) {
            auto& counter = l ? ctx.worker_stats.keyspace_hits : ctx.worker_stats.keyspace_misses;
            counter.fetch_add(1, std::memory_order_relaxed);
        }
        out.push_back(l ? static_cast<const SetValue*>(KeyTable::collection(l.entry)) : nullptr);
    }
    return true;
}

// Calls fn(member) for each member of the intersection of `sets` (none missing), walking the
// smallest set and probing the others; fn returns false to stop.
template <class Fn>
void intersect(std::vector<const SetValue*> sets, Fn&& fn) {
    std::sort(sets.begin(), sets.end(),
              [](const SetValue* a, const SetValue* b) { return a->length() < b->length(); });
    sets.front()->forEach([&](std::string_view m) {
        for (size_t j = 1; j < sets.size(); ++j) {
            if (!sets[j]->contains(m)) return true;
        }
        return fn(m);
    });
}

// The result of an operation as a new set (empty when there is nothing in it).
std::unique_ptr<SetValue> compute(SetOp op, const std::vector<const SetValue*>& sets,
                                  int64_t max_ints) {
    auto result = std::make_unique<SetValue>();
    switch (op) {
        case SetOp::Inter:
            if (std::find(sets.begin(), sets.end(), nullptr) != sets.end()) break;
            intersect(sets, [&](std::string_view m) {
                result->add(m, max_ints);
                return true;
            });
            break;
        case SetOp::Union:
            for (const SetValue* s : sets) {
                if (s != nullptr) s->forEach([&](std::string_view m) { result->add(m, max_ints); });
            }
            break;
        case SetOp::Diff:
            if (sets.front() == nullptr) break;
            sets.front()->forEach([&](std::string_view m) {
                for (size_t j = 1; j < sets.size(); ++j) {
                    if (sets[j] != nullptr && sets[j]->contains(m)) return;
                }
                result->add(m, max_ints);
            });
            break;
    }
    return result;
}

// SINTER / SUNION / SDIFF key [key ...]: the members as a RESP3 set.
void replyGeneric(CommandContext& ctx, SetOp op) {
    std::vector<const SetValue*> sets;
    if (!lookupSources(ctx, ctx.argv.subspan(1), true, sets)) return;
    if (op == SetOp::Inter) {
        // Straight from the smallest set, in its order, as Redis answers SINTER.
        if (std::find(sets.begin(), sets.end(), nullptr) != sets.end()) {
            ctx.reply.setHeader(0);
            return;
        }
        std::vector<std::string> members;
        intersect(sets, [&](std::string_view m) {
            members.emplace_back(m);
            return true;
        });
        ctx.reply.setHeader(members.size());
        for (const std::string& m : members) ctx.reply.bulk(m);
        return;
    }
    std::unique_ptr<SetValue> result = compute(op, sets, ctx.config.set_max_intset_entries);
    ctx.reply.setHeader(result->length());
    result->forEach([&](std::string_view m) { ctx.reply.bulk(m); });
}

// SINTERSTORE / SUNIONSTORE / SDIFFSTORE destination key [key ...]: the size of the result,
// which replaces the destination (any type, its TTL gone); an empty one deletes it.
void storeGeneric(CommandContext& ctx, SetOp op) {
    std::vector<const SetValue*> sets;
    {
        LockScope::ReadLookups read(ctx.scope);  // the sources: keymiss, as Redis
        if (!lookupSources(ctx, ctx.argv.subspan(2), false, sets)) return;
    }
    std::unique_ptr<SetValue> result = compute(op, sets, ctx.config.set_max_intset_entries);
    const auto size = static_cast<int64_t>(result->length());
    if (size > 0) {
        ctx.scope.setCollection(ctx.db(), ctx.argv[1], ValueType::Set, std::move(result));
        const char* event = op == SetOp::Inter   ? "sinterstore"
                            : op == SetOp::Union ? "sunionstore"
                                                 : "sdiffstore";
        ctx.scope.notify(ev::kSet, event, ctx.db(), ctx.argv[1]);
    } else if (ctx.scope.remove(ctx.db(), ctx.argv[1])) {
        ctx.scope.notify(ev::kGeneric, "del", ctx.db(), ctx.argv[1]);
    }
    ctx.reply.integer(size);
}

void sinterCommand(CommandContext& ctx) {
    replyGeneric(ctx, SetOp::Inter);
}
void sunionCommand(CommandContext& ctx) {
    replyGeneric(ctx, SetOp::Union);
}
void sdiffCommand(CommandContext& ctx) {
    replyGeneric(ctx, SetOp::Diff);
}
void sinterstoreCommand(CommandContext& ctx) {
    storeGeneric(ctx, SetOp::Inter);
}
void sunionstoreCommand(CommandContext& ctx) {
    storeGeneric(ctx, SetOp::Union);
}
void sdiffstoreCommand(CommandContext& ctx) {
    storeGeneric(ctx, SetOp::Diff);
}

// SINTERCARD's numkeys as Redis reads it: a positive 64-bit integer.
bool parseNumkeys(std::string_view arg, int64_t& n) {
    return parseInteger(arg, n) && n >= 1;
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]: the intersection's size, counting stops at
// a non-zero limit.
void sintercardCommand(CommandContext& ctx) {
    int64_t numkeys = 0;
    if (!parseNumkeys(ctx.argv[1], numkeys)) {
        ctx.reply.error(errors::kNumkeysNotPositive);
        return;
    }
    if (static_cast<uint64_t>(numkeys) > ctx.argv.size() - 2) {
        ctx.reply.error(errors::kNumkeysTooMany);
        return;
    }
    const size_t first_option = 2 + static_cast<size_t>(numkeys);
    int64_t limit = 0;
    for (size_t i = first_option; i < ctx.argv.size(); ++i) {
        if (equalsNoCase(ctx.argv[i], "limit") && i + 1 < ctx.argv.size()) {
            if (!parseInteger(ctx.argv[++i], limit) || limit < 0) {
                ctx.reply.error(errors::kLimitNegative);
                return;
            }
        } else {
            ctx.reply.error(errors::kSyntax);
            return;
        }
    }
    std::vector<const SetValue*> sets;
    if (!lookupSources(ctx, ctx.argv.subspan(2, static_cast<size_t>(numkeys)), true, sets)) return;
    int64_t count = 0;
    if (std::find(sets.begin(), sets.end(), nullptr) == sets.end()) {
        intersect(sets, [&](std::string_view) { return ++count != limit; });
    }
    ctx.reply.integer(count);
}

// SINTERCARD's keys for the lock scope: argv[2 .. 2 + numkeys), clamped to argv; none for a
// bad numkeys (the handler answers the error).
void sintercardKeys(std::span<const std::string_view> argv, std::vector<size_t>& out) {
    int64_t numkeys = 0;
    if (argv.size() < 2 || !parseNumkeys(argv[1], numkeys)) return;
    for (size_t i = 2; i < argv.size() && i - 2 < static_cast<uint64_t>(numkeys); ++i)
        out.push_back(i);
}

}  // namespace

void registerSetAlgebraCommands(CommandTable& t) {
    constexpr uint32_t kW = kCmdWrite;
    constexpr uint32_t kR = kCmdReadOnly;
    t.add({"sinter", -2, kR, 1, -1, 1, sinterCommand, "set", "key [key ...]",
           "Intersect multiple sets"});
    t.add({"sunion", -2, kR, 1, -1, 1, sunionCommand, "set", "key [key ...]", "Add multiple sets"});
    t.add({"sdiff", -2, kR, 1, -1, 1, sdiffCommand, "set", "key [key ...]",
           "Subtract multiple sets"});
    t.add({"sinterstore", -3, kW, 1, -1, 1, sinterstoreCommand, "set", "destination key [key ...]",
           "Intersect multiple sets and store the resulting set in a key"});
    t.add({"sunionstore", -3, kW, 1, -1, 1, sunionstoreCommand, "set", "destination key [key ...]",
           "Add multiple sets and store the resulting set in a key"});
    t.add({"sdiffstore", -3, kW, 1, -1, 1, sdiffstoreCommand, "set", "destination key [key ...]",
           "Subtract multiple sets and store the resulting set in a key"});
    t.add({"sintercard", -3, kR, 0, 0, 0, sintercardCommand, "set",
           "numkeys key [key ...] [LIMIT limit]",
           "Intersect multiple sets and return the cardinality of the result", sintercardKeys});
}

}  // namespace mini_redis
