// The string family: GET, SET and its variants, MGET/MSET, INCR and friends, APPEND, STRLEN.
#include <string>

#include "command_args.h"
#include "command_context.h"
#include "errors.h"

namespace mini_redis {

namespace {

void countLookup(CommandContext& ctx, bool hit) {
    auto& counter = hit ? ctx.worker_stats.keyspace_hits : ctx.worker_stats.keyspace_misses;
    counter.fetch_add(1, std::memory_order_relaxed);
}

// What a set variant answers.
enum class SetReply {
    Ok,        // +OK, or nil when the condition failed (SET)
    Flag,      // :1 stored / :0 not (SETNX)
    Previous,  // the old value or nil (GETSET, SET ... GET)
};

// The one generic set behind SET, SETNX and GETSET.
void setGeneric(CommandContext& ctx, std::string_view key, std::string_view value,
                SetCondition cond, SetReply kind) {
    if (kind == SetReply::Previous) {
        std::string previous;
        bool had = false;
        ctx.store.set(key, value, cond, &previous, &had);
        had ? ctx.reply.bulk(previous) : ctx.reply.nil();
        return;
    }
    bool stored = ctx.store.set(key, value, cond);
    if (kind == SetReply::Flag) {
        ctx.reply.integer(stored ? 1 : 0);
    } else if (stored) {
        ctx.reply.ok();
    } else {
        ctx.reply.nil();
    }
}

// The one generic increment behind INCR, DECR, INCRBY and DECRBY.
void incrGeneric(CommandContext& ctx, int64_t delta) {
    IncrResult r = ctx.store.incrBy(ctx.argv[1], delta);
    switch (r.status) {
        case IncrStatus::Ok:
            ctx.reply.integer(r.value);
            break;
        case IncrStatus::NotInteger:
            ctx.reply.error(errors::kNotInteger);
            break;
        case IncrStatus::Overflow:
            ctx.reply.error(errors::kOverflow);
            break;
    }
}

void getCommand(CommandContext& ctx) {
    Reply& reply = ctx.reply;
    bool hit = ctx.store.read(ctx.argv[1], [&reply](std::string_view v) { reply.bulk(v); });
    if (!hit) reply.nil();
    countLookup(ctx, hit);
}

// SET key value [NX | XX] [GET]
void setCommand(CommandContext& ctx) {
    SetCondition cond = SetCondition::Always;
    bool get = false;
    for (size_t i = 3; i < ctx.argv.size(); ++i) {
        std::string_view opt = ctx.argv[i];
        if (equalsNoCase(opt, "nx") && cond != SetCondition::IfPresent) {
            cond = SetCondition::IfAbsent;
        } else if (equalsNoCase(opt, "xx") && cond != SetCondition::IfAbsent) {
            cond = SetCondition::IfPresent;
        } else if (equalsNoCase(opt, "get")) {
            get = true;
        } else if (equalsNoCase(opt, "ex") || equalsNoCase(opt, "px") ||
                   equalsNoCase(opt, "exat") || equalsNoCase(opt, "pxat") ||
                   equalsNoCase(opt, "keepttl")) {
            ctx.reply.error("ERR key expiry (EX/PX/EXAT/PXAT/KEEPTTL) is not supported yet");
            return;
        } else {
            ctx.reply.error(errors::kSyntax);
            return;
        }
    }
    setGeneric(ctx, ctx.argv[1], ctx.argv[2], cond, get ? SetReply::Previous : SetReply::Ok);
}

void setnxCommand(CommandContext& ctx) {
    setGeneric(ctx, ctx.argv[1], ctx.argv[2], SetCondition::IfAbsent, SetReply::Flag);
}

void getsetCommand(CommandContext& ctx) {
    setGeneric(ctx, ctx.argv[1], ctx.argv[2], SetCondition::Always, SetReply::Previous);
}

void getdelCommand(CommandContext& ctx) {
    std::string value;
    bool hit = ctx.store.take(ctx.argv[1], value);
    hit ? ctx.reply.bulk(value) : ctx.reply.nil();
    countLookup(ctx, hit);
}

void mgetCommand(CommandContext& ctx) {
    auto keys = ctx.argv.subspan(1);
    ctx.reply.arrayHeader(keys.size());
    uint64_t hits = 0;
    ctx.store.readMany(keys, [&](size_t, const std::string_view* value) {
        if (value != nullptr) {
            ctx.reply.bulk(*value);
            ++hits;
        } else {
            ctx.reply.nil();
        }
    });
    ctx.worker_stats.keyspace_hits.fetch_add(hits, std::memory_order_relaxed);
    ctx.worker_stats.keyspace_misses.fetch_add(keys.size() - hits, std::memory_order_relaxed);
}

// MSET and MSETNX share this; pairs are checked here since arity alone cannot say "even".
void msetGeneric(CommandContext& ctx, SetCondition cond) {
    if (ctx.argv.size() % 2 == 0) {
        std::string name(ctx.spec.name);
        ctx.reply.errorf(errors::kWrongArityFmt, name.c_str());
        return;
    }
    bool stored = ctx.store.setMany(ctx.argv.subspan(1), cond);
    if (cond == SetCondition::IfAbsent) {
        ctx.reply.integer(stored ? 1 : 0);
    } else {
        ctx.reply.ok();
    }
}

void msetCommand(CommandContext& ctx) {
    msetGeneric(ctx, SetCondition::Always);
}
void msetnxCommand(CommandContext& ctx) {
    msetGeneric(ctx, SetCondition::IfAbsent);
}

void incrCommand(CommandContext& ctx) {
    incrGeneric(ctx, 1);
}
void decrCommand(CommandContext& ctx) {
    incrGeneric(ctx, -1);
}

void incrbyCommand(CommandContext& ctx) {
    int64_t delta = 0;
    if (!parseInteger(ctx.argv[2], delta)) {
        ctx.reply.error(errors::kNotInteger);
        return;
    }
    incrGeneric(ctx, delta);
}

void decrbyCommand(CommandContext& ctx) {
    int64_t delta = 0;
    if (!parseInteger(ctx.argv[2], delta) || delta == INT64_MIN) {
        ctx.reply.error(delta == INT64_MIN ? errors::kDecrementOverflow : errors::kNotInteger);
        return;
    }
    incrGeneric(ctx, -delta);
}

void appendCommand(CommandContext& ctx) {
    auto len = ctx.store.append(ctx.argv[1], ctx.argv[2],
                                static_cast<size_t>(ctx.config.proto_max_bulk_len));
    len ? ctx.reply.integer(static_cast<int64_t>(*len)) : ctx.reply.error(errors::kStringTooLong);
}

void strlenCommand(CommandContext& ctx) {
    size_t len = 0;
    ctx.store.read(ctx.argv[1], [&len](std::string_view v) { len = v.size(); });
    ctx.reply.integer(static_cast<int64_t>(len));
}

}  // namespace

void registerStringCommands(CommandTable& t) {
    constexpr uint32_t kW = kCmdWrite;
    constexpr uint32_t kR = kCmdReadOnly;
    constexpr uint32_t kF = kCmdFast;
    t.add({"get", 2, kR | kF, 1, 1, 1, getCommand, "string", "key", "Get the value of a key"});
    t.add({"set", -3, kW, 1, 1, 1, setCommand, "string", "key value [NX|XX] [GET]",
           "Set the string value of a key"});
    t.add({"setnx", 3, kW | kF, 1, 1, 1, setnxCommand, "string", "key value",
           "Set the value of a key, only if the key does not exist"});
    t.add({"getset", 3, kW | kF, 1, 1, 1, getsetCommand, "string", "key value",
           "Set the value of a key and return its old value"});
    t.add({"getdel", 2, kW | kF, 1, 1, 1, getdelCommand, "string", "key",
           "Get the value of a key and delete the key"});
    t.add({"mget", -2, kR | kF, 1, -1, 1, mgetCommand, "string", "key [key ...]",
           "Get the values of all the given keys"});
    t.add({"mset", -3, kW, 1, -1, 2, msetCommand, "string", "key value [key value ...]",
           "Set multiple keys to multiple values"});
    t.add({"msetnx", -3, kW, 1, -1, 2, msetnxCommand, "string", "key value [key value ...]",
           "Set multiple keys to multiple values, only if none of the keys exist"});
    t.add({"incr", 2, kW | kF, 1, 1, 1, incrCommand, "string", "key",
           "Increment the integer value of a key by one"});
    t.add({"decr", 2, kW | kF, 1, 1, 1, decrCommand, "string", "key",
           "Decrement the integer value of a key by one"});
    t.add({"incrby", 3, kW | kF, 1, 1, 1, incrbyCommand, "string", "key increment",
           "Increment the integer value of a key by the given amount"});
    t.add({"decrby", 3, kW | kF, 1, 1, 1, decrbyCommand, "string", "key decrement",
           "Decrement the integer value of a key by the given number"});
    t.add({"append", 3, kW | kF, 1, 1, 1, appendCommand, "string", "key value",
           "Append a value to a key"});
    t.add({"strlen", 2, kR | kF, 1, 1, 1, strlenCommand, "string", "key",
           "Get the length of the value stored in a key"});
}

}  // namespace mini_redis
