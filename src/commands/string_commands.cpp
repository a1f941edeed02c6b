// The string family: GET, SET and its variants (SETNX SETEX PSETEX GETSET GETEX GETDEL),
// MGET/MSET/MSETNX, INCR and friends, APPEND, STRLEN. Ranges, floats and bits are in
// string_range_commands.cpp and bit_commands.cpp.
#include <charconv>
#include <climits>
#include <cstring>
#include <string>

#include "command_args.h"
#include "command_context.h"
#include "errors.h"
#include "expire_args.h"

namespace mini_redis {

namespace {

namespace ev = keyspace_events;

void countLookup(CommandContext& ctx, bool hit) {
    auto& counter = hit ? ctx.worker_stats.keyspace_hits : ctx.worker_stats.keyspace_misses;
    counter.fetch_add(1, std::memory_order_relaxed);
}

enum class SetCondition {
    Always,     // SET
    IfAbsent,   // SET NX, SETNX
    IfPresent,  // SET XX
};

// What a set variant answers.
enum class SetReply {
    Ok,        // +OK, or nil when the condition failed (SET, SETEX)
    Flag,      // :1 stored / :0 not (SETNX)
    Previous,  // the old value or nil (GETSET, SET ... GET)
};

// The one generic set behind SET, SETNX, SETEX, PSETEX and GETSET. `expire_at` is absolute
// (kNoExpiry: none); with `keep_ttl` an existing key keeps its TTL.
void setGeneric(CommandContext& ctx, std::string_view key, std::string_view value,
                SetCondition cond, int64_t expire_at, bool keep_ttl, SetReply kind) {
    KeyTable::Entry* cur = nullptr;
    {
        LockScope::ReadLookups read(ctx.scope, kind == SetReply::Previous);  // keymiss, as Redis
        cur = ctx.scope.find(ctx.db(), key);
    }
    if (kind == SetReply::Previous && cur != nullptr &&
        KeyTable::type(cur) != ValueType::String) {
        ctx.reply.error(errors::kWrongType);
        return;
    }
    const bool exists = cur != nullptr;
    if ((cond == SetCondition::IfAbsent && exists) ||
        (cond == SetCondition::IfPresent && !exists)) {
        if (kind == SetReply::Flag) {
            ctx.reply.integer(0);
        } else if (kind == SetReply::Previous && exists) {
            ctx.reply.bulk(KeyTable::value(cur));
        } else {
            ctx.reply.nil();
        }
        return;
    }
    if (keep_ttl && exists) expire_at = KeyTable::expireAt(cur);
    if (kind == SetReply::Previous) {
        // The reply is written before the store changes, while the old bytes are still there.
        exists ? ctx.reply.bulk(KeyTable::value(cur)) : ctx.reply.nil();
    }
    ctx.scope.setString(ctx.db(), key, value, expire_at);
    ctx.scope.notify(ev::kString, "set", ctx.db(), key);
    if (expire_at != kNoExpiry && !keep_ttl) {
        ctx.scope.notify(ev::kGeneric, "expire", ctx.db(), key);
        // A relative TTL replays as the absolute time it gave (Redis 7's form).
        ctx.scope.logAs(ctx.db(), {"SET", key, value, "PXAT", std::to_string(expire_at)});
    } else if (kind != SetReply::Ok || cond != SetCondition::Always || keep_ttl) {
        // SETNX, GETSET, SET ... NX/XX/GET/KEEPTTL: what they did is a plain SET (keeping the
        // TTL where it was kept).
        if (keep_ttl && expire_at != kNoExpiry) {
            ctx.scope.logAs(ctx.db(), {"SET", key, value, "KEEPTTL"});
        } else {
            ctx.scope.logAs(ctx.db(), {"SET", key, value});
        }
    }
    if (kind == SetReply::Flag) {
        ctx.reply.integer(1);
    } else if (kind == SetReply::Ok) {
        ctx.reply.ok();
    }
}

// The one generic increment behind INCR, DECR, INCRBY and DECRBY. The key keeps its TTL.
void incrGeneric(CommandContext& ctx, int64_t delta) {
    Lookup cur = ctx.scope.find(ctx.db(), ctx.argv[1], ValueType::String);
    if (cur.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return;
    }
    int64_t value = 0;
    if (cur && !parseInteger(KeyTable::value(cur.entry), value)) {
        ctx.reply.error(errors::kNotInteger);
        return;
    }
    int64_t next = 0;
    if (__builtin_add_overflow(value, delta, &next)) {
        ctx.reply.error(errors::kOverflow);
        return;
    }
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, next);
    (void)ec;
    const int64_t ttl = cur ? KeyTable::expireAt(cur.entry) : kNoExpiry;
    ctx.scope.setString(ctx.db(), ctx.argv[1], std::string_view(buf, static_cast<size_t>(end - buf)),
                        ttl);
    ctx.scope.notify(ev::kString, "incrby", ctx.db(), ctx.argv[1]);  // INCR, DECR, ... alike
    ctx.reply.integer(next);
}

// The prologue GET, GETEX and GETDEL share: looks the key up as a string, counts the hit or
// miss, and answers WRONGTYPE or nil itself; returns the entry when there is a value (the
// caller replies with it).
KeyTable::Entry* readString(CommandContext& ctx) {
    Lookup cur = ctx.scope.find(ctx.db(), ctx.argv[1], ValueType::String);
    if (cur.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return nullptr;
    }
    countLookup(ctx, static_cast<bool>(cur));
    if (!cur) ctx.reply.nil();
    return cur.entry;
}

void getCommand(CommandContext& ctx) {
    if (KeyTable::Entry* e = readString(ctx)) ctx.reply.bulk(KeyTable::value(e));
}

// SET key value [NX | XX] [GET] [EX s | PX ms | EXAT ts | PXAT ms-ts | KEEPTTL]
void setCommand(CommandContext& ctx) {
    ExpireArgs args;
    if (!args.parse(ctx, 3, ExpireArgs::kForSet)) return;
    int64_t at = kNoExpiry;
    if (args.hasTime() && !args.absoluteMs(ctx, at)) return;
    SetCondition cond = args.nx   ? SetCondition::IfAbsent
                        : args.xx ? SetCondition::IfPresent
                                  : SetCondition::Always;
    setGeneric(ctx, ctx.argv[1], ctx.argv[2], cond, at, args.keep_ttl,
               args.get ? SetReply::Previous : SetReply::Ok);
}

void setnxCommand(CommandContext& ctx) {
    setGeneric(ctx, ctx.argv[1], ctx.argv[2], SetCondition::IfAbsent, kNoExpiry, false,
               SetReply::Flag);
}

// SETEX key seconds value / PSETEX key milliseconds value
void setexGeneric(CommandContext& ctx, ExpireArgs::Unit unit) {
    ExpireArgs args;
    args.unit = unit;
    args.time_arg = ctx.argv[2];
    int64_t at = kNoExpiry;
    if (!args.absoluteMs(ctx, at)) return;
    setGeneric(ctx, ctx.argv[1], ctx.argv[3], SetCondition::Always, at, false, SetReply::Ok);
}
void setexCommand(CommandContext& ctx) {
    setexGeneric(ctx, ExpireArgs::Unit::Seconds);
}
void psetexCommand(CommandContext& ctx) {
    setexGeneric(ctx, ExpireArgs::Unit::Milliseconds);
}

void getsetCommand(CommandContext& ctx) {
    setGeneric(ctx, ctx.argv[1], ctx.argv[2], SetCondition::Always, kNoExpiry, false,
               SetReply::Previous);
}

// GETEX key [EX s | PX ms | EXAT ts | PXAT ms-ts | PERSIST]
void getexCommand(CommandContext& ctx) {
    ExpireArgs args;
    if (!args.parse(ctx, 2, ExpireArgs::kForGetex)) return;
    // Redis's order: options, then the key (absent: nil, whatever the time), then the time.
    KeyTable::Entry* e = nullptr;
    {
        LockScope::ReadLookups read(ctx.scope);  // a read lookup in Redis: keymiss
        e = readString(ctx);
    }
    if (e == nullptr) return;
    int64_t at = kNoExpiry;
    if (args.hasTime() && !args.absoluteMs(ctx, at)) return;
    ctx.reply.bulk(KeyTable::value(e));
    if (args.hasTime()) {
        // A time already past deletes the key, as Redis does.
        if (at <= ctx.scope.now()) {
            ctx.scope.remove(ctx.db(), ctx.argv[1]);
            ctx.scope.notify(ev::kGeneric, "del", ctx.db(), ctx.argv[1]);
            ctx.scope.logAs(ctx.db(), {"DEL", ctx.argv[1]});
        } else {
            ctx.scope.setExpire(ctx.db(), ctx.argv[1], at);
            ctx.scope.notify(ev::kGeneric, "expire", ctx.db(), ctx.argv[1]);
            ctx.scope.logAs(ctx.db(), {"PEXPIREAT", ctx.argv[1], std::to_string(at)});
        }
    } else if (args.persist && KeyTable::hasExpire(e)) {
        ctx.scope.setExpire(ctx.db(), ctx.argv[1], kNoExpiry);
        ctx.scope.notify(ev::kGeneric, "persist", ctx.db(), ctx.argv[1]);
        ctx.scope.logAs(ctx.db(), {"PERSIST", ctx.argv[1]});
    }
}

void getdelCommand(CommandContext& ctx) {
    KeyTable::Entry* e = nullptr;
    {
        LockScope::ReadLookups read(ctx.scope);  // a read lookup in Redis: keymiss
        e = readString(ctx);
    }
    if (e == nullptr) return;
    ctx.reply.bulk(KeyTable::value(e));
    ctx.scope.remove(ctx.db(), ctx.argv[1]);
    ctx.scope.notify(ev::kGeneric, "del", ctx.db(), ctx.argv[1]);
}

void mgetCommand(CommandContext& ctx) {
    auto keys = ctx.argv.subspan(1);
    ctx.reply.arrayHeader(keys.size());
    uint64_t hits = 0;
    for (std::string_view key : keys) {
        Lookup cur = ctx.scope.find(ctx.db(), key, ValueType::String);
        if (cur) {
            ctx.reply.bulk(KeyTable::value(cur.entry));
            ++hits;
        } else {
            ctx.reply.nil();  // absent or not a string, as Redis answers
        }
    }
    ctx.worker_stats.keyspace_hits.fetch_add(hits, std::memory_order_relaxed);
    ctx.worker_stats.keyspace_misses.fetch_add(keys.size() - hits, std::memory_order_relaxed);
}

// MSET and MSETNX share this; pairs are checked here since arity alone cannot say "even".
void msetGeneric(CommandContext& ctx, bool only_if_none) {
    if (ctx.argv.size() % 2 == 0) {
        std::string name(ctx.spec.name);
        ctx.reply.errorf(errors::kWrongArityFmt, name.c_str());
        return;
    }
    if (only_if_none) {
        for (size_t i = 1; i < ctx.argv.size(); i += 2) {
            if (ctx.scope.find(ctx.db(), ctx.argv[i]) != nullptr) {
                ctx.reply.integer(0);
                return;
            }
        }
    }
    for (size_t i = 1; i < ctx.argv.size(); i += 2) {
        ctx.scope.setString(ctx.db(), ctx.argv[i], ctx.argv[i + 1]);
        ctx.scope.notify(ev::kString, "set", ctx.db(), ctx.argv[i]);
    }
    only_if_none ? ctx.reply.integer(1) : ctx.reply.ok();
}

void msetCommand(CommandContext& ctx) {
    msetGeneric(ctx, false);
}
void msetnxCommand(CommandContext& ctx) {
    msetGeneric(ctx, true);
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
    std::string_view key = ctx.argv[1];
    std::string_view suffix = ctx.argv[2];
    Lookup cur = ctx.scope.find(ctx.db(), key, ValueType::String);
    if (cur.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return;
    }
    if (!cur) {
        ctx.scope.setString(ctx.db(), key, suffix);
        ctx.scope.notify(ev::kString, "append", ctx.db(), key);
        ctx.reply.integer(static_cast<int64_t>(suffix.size()));
        return;
    }
    const size_t before = KeyTable::value(cur.entry).size();
    if (before + suffix.size() > static_cast<size_t>(ctx.config.proto_max_bulk_len)) {
        ctx.reply.error(errors::kStringTooLong);
        return;
    }
    KeyTable::Entry* e = ctx.scope.resizeString(ctx.db(), key, before + suffix.size());
    if (!suffix.empty()) std::memcpy(KeyTable::mutableValue(e) + before, suffix.data(), suffix.size());
    ctx.scope.notify(ev::kString, "append", ctx.db(), key);
    ctx.reply.integer(static_cast<int64_t>(before + suffix.size()));
}

void strlenCommand(CommandContext& ctx) {
    Lookup cur = ctx.scope.find(ctx.db(), ctx.argv[1], ValueType::String);
    if (cur.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return;
    }
    ctx.reply.integer(cur ? static_cast<int64_t>(KeyTable::value(cur.entry).size()) : 0);
}

}  // namespace

void registerStringCommands(CommandTable& t) {
    constexpr uint32_t kW = kCmdWrite;
    constexpr uint32_t kR = kCmdReadOnly;
    constexpr uint32_t kF = kCmdFast;
    t.add({"get", 2, kR | kF, 1, 1, 1, getCommand, "string", "key", "Get the value of a key"});
    t.add({"set", -3, kW, 1, 1, 1, setCommand, "string",
           "key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT "
           "unix-time-milliseconds|KEEPTTL]",
           "Set the string value of a key"});
    t.add({"setnx", 3, kW | kF, 1, 1, 1, setnxCommand, "string", "key value",
           "Set the value of a key, only if the key does not exist"});
    t.add({"setex", 4, kW, 1, 1, 1, setexCommand, "string", "key seconds value",
           "Set the value and expiration of a key"});
    t.add({"psetex", 4, kW, 1, 1, 1, psetexCommand, "string", "key milliseconds value",
           "Set the value and expiration in milliseconds of a key"});
    t.add({"getset", 3, kW | kF, 1, 1, 1, getsetCommand, "string", "key value",
           "Set the value of a key and return its old value"});
    t.add({"getex", -2, kW | kF, 1, 1, 1, getexCommand, "string",
           "key [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|"
           "PERSIST]",
           "Get the value of a key and optionally set its expiration"});
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
