// The expiry family: EXPIRE PEXPIRE EXPIREAT PEXPIREAT (NX XX GT LT), TTL PTTL EXPIRETIME
// PEXPIRETIME, PERSIST.
#include <climits>
#include <string>

#include "command_args.h"
#include "command_context.h"
#include "errors.h"

namespace mini_redis {

namespace {

namespace ev = keyspace_events;

enum class Base { Relative, Absolute };
enum class Unit { Seconds, Milliseconds };

// The one generic expire behind EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT, with Redis's order of
// checks: options, then the number, then overflow, then the key.
void expireGeneric(CommandContext& ctx, Base base, Unit unit) {
    bool nx = false, xx = false, gt = false, lt = false;
    for (size_t i = 3; i < ctx.argv.size(); ++i) {
        std::string_view opt = ctx.argv[i];
        if (equalsNoCase(opt, "nx")) {
            nx = true;
        } else if (equalsNoCase(opt, "xx")) {
            xx = true;
        } else if (equalsNoCase(opt, "gt")) {
            gt = true;
        } else if (equalsNoCase(opt, "lt")) {
            lt = true;
        } else {
            std::string o(opt);
            ctx.reply.errorf(errors::kUnsupportedOptionFmt, o.c_str());
            return;
        }
    }
    if (nx && (xx || gt || lt)) {
        ctx.reply.error(errors::kExpireOptionsNxXxGtLt);
        return;
    }
    if (gt && lt) {
        ctx.reply.error(errors::kExpireOptionsGtLt);
        return;
    }
    int64_t when = 0;
    if (!parseInteger(ctx.argv[2], when)) {
        ctx.reply.error(errors::kNotInteger);
        return;
    }
    // Negative times are allowed (they delete the key); only overflow is an error.
    std::string name(ctx.spec.name);
    if (unit == Unit::Seconds) {
        if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000) {
            ctx.reply.errorf(errors::kInvalidExpireFmt, name.c_str());
            return;
        }
        when *= 1000;
    }
    const int64_t basetime = base == Base::Relative ? ctx.scope.now() : 0;
    if (when > LLONG_MAX - basetime) {
        ctx.reply.errorf(errors::kInvalidExpireFmt, name.c_str());
        return;
    }
    when += basetime;
    KeyTable::Entry* e = ctx.scope.find(ctx.db(), ctx.argv[1]);
    if (e == nullptr) {
        ctx.reply.integer(0);
        return;
    }
    const int64_t current = KeyTable::expireAt(e);
    // No TTL counts as an infinite one for GT and LT.
    if ((nx && current != kNoExpiry) || (xx && current == kNoExpiry) ||
        (gt && (current == kNoExpiry || when <= current)) ||
        (lt && current != kNoExpiry && when >= current)) {
        ctx.reply.integer(0);
        return;
    }
    // Logged as what happened, in absolute time: a replay later must give the same key.
    if (when <= ctx.scope.now()) {
        ctx.scope.remove(ctx.db(), ctx.argv[1]);
        ctx.scope.notify(ev::kGeneric, "del", ctx.db(), ctx.argv[1]);
        ctx.scope.logAs(ctx.db(), {"DEL", ctx.argv[1]});
    } else {
        ctx.scope.setExpire(ctx.db(), ctx.argv[1], when);
        ctx.scope.notify(ev::kGeneric, "expire", ctx.db(), ctx.argv[1]);
        ctx.scope.logAs(ctx.db(), {"PEXPIREAT", ctx.argv[1], std::to_string(when)});
    }
    ctx.reply.integer(1);
}

void expireCommand(CommandContext& ctx) {
    expireGeneric(ctx, Base::Relative, Unit::Seconds);
}
void pexpireCommand(CommandContext& ctx) {
    expireGeneric(ctx, Base::Relative, Unit::Milliseconds);
}
void expireatCommand(CommandContext& ctx) {
    expireGeneric(ctx, Base::Absolute, Unit::Seconds);
}
void pexpireatCommand(CommandContext& ctx) {
    expireGeneric(ctx, Base::Absolute, Unit::Milliseconds);
}

enum class TtlForm { TtlSeconds, TtlMs, AtSeconds, AtMs };

// The one generic reader behind TTL, PTTL, EXPIRETIME and PEXPIRETIME: -2 absent, -1 no TTL.
void ttlGeneric(CommandContext& ctx, TtlForm form) {
    KeyTable::Entry* e = ctx.scope.find(ctx.db(), ctx.argv[1]);
    if (e == nullptr) {
        ctx.reply.integer(-2);
        return;
    }
    const int64_t at = KeyTable::expireAt(e);
    if (at == kNoExpiry) {
        ctx.reply.integer(-1);
        return;
    }
    const int64_t left = std::max<int64_t>(at - ctx.scope.now(), 0);
    switch (form) {
        case TtlForm::TtlSeconds: ctx.reply.integer((left + 500) / 1000); break;
        case TtlForm::TtlMs: ctx.reply.integer(left); break;
        case TtlForm::AtSeconds: ctx.reply.integer(at / 1000); break;
        case TtlForm::AtMs: ctx.reply.integer(at); break;
    }
}

void ttlCommand(CommandContext& ctx) {
    ttlGeneric(ctx, TtlForm::TtlSeconds);
}
void pttlCommand(CommandContext& ctx) {
    ttlGeneric(ctx, TtlForm::TtlMs);
}
void expiretimeCommand(CommandContext& ctx) {
    ttlGeneric(ctx, TtlForm::AtSeconds);
}
void pexpiretimeCommand(CommandContext& ctx) {
    ttlGeneric(ctx, TtlForm::AtMs);
}

void persistCommand(CommandContext& ctx) {
    KeyTable::Entry* e = ctx.scope.find(ctx.db(), ctx.argv[1]);
    if (e == nullptr || !KeyTable::hasExpire(e)) {
        ctx.reply.integer(0);
        return;
    }
    ctx.scope.setExpire(ctx.db(), ctx.argv[1], kNoExpiry);
    ctx.scope.notify(ev::kGeneric, "persist", ctx.db(), ctx.argv[1]);
    ctx.reply.integer(1);
}

}  // namespace

void registerExpireCommands(CommandTable& t) {
    constexpr uint32_t kW = kCmdWrite | kCmdFast;
    constexpr uint32_t kR = kCmdReadOnly | kCmdFast;
    t.add({"expire", -3, kW, 1, 1, 1, expireCommand, "generic", "key seconds [NX|XX|GT|LT]",
           "Set a key's time to live in seconds"});
    t.add({"pexpire", -3, kW, 1, 1, 1, pexpireCommand, "generic",
           "key milliseconds [NX|XX|GT|LT]", "Set a key's time to live in milliseconds"});
    t.add({"expireat", -3, kW, 1, 1, 1, expireatCommand, "generic",
           "key unix-time-seconds [NX|XX|GT|LT]", "Set the expiration for a key as a UNIX timestamp"});
    t.add({"pexpireat", -3, kW, 1, 1, 1, pexpireatCommand, "generic",
           "key unix-time-milliseconds [NX|XX|GT|LT]",
           "Set the expiration for a key as a UNIX timestamp specified in milliseconds"});
    t.add({"ttl", 2, kR, 1, 1, 1, ttlCommand, "generic", "key", "Get the time to live for a key in seconds"});
    t.add({"pttl", 2, kR, 1, 1, 1, pttlCommand, "generic", "key",
           "Get the time to live for a key in milliseconds"});
    t.add({"expiretime", 2, kR, 1, 1, 1, expiretimeCommand, "generic", "key",
           "Get the expiration Unix timestamp for a key"});
    t.add({"pexpiretime", 2, kR, 1, 1, 1, pexpiretimeCommand, "generic", "key",
           "Get the expiration Unix timestamp for a key in milliseconds"});
    t.add({"persist", 2, kW, 1, 1, 1, persistCommand, "generic", "key",
           "Remove the expiration from a key"});
}

}  // namespace mini_redis
