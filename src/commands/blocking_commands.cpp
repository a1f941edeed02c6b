// The blocking family: BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP BZPOPMIN BZPOPMAX BZMPOP. Each
// tries its non-blocking form's path (list_pop.h, zset_helpers.h); finding nothing it asks to
// wait (ctx.block) and the reactor's BlockedClients runs it again when a key is ready.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "command_args.h"
#include "command_context.h"
#include "errors.h"
#include "list_pop.h"
#include "long_double_text.h"
#include "mpop_args.h"
#include "zset_helpers.h"

namespace mini_redis {

namespace {

using End = ListValue::End;

// Redis's timeout argument: seconds as a long double (fractions allowed), rounded up to whole
// milliseconds; 0 waits forever. Sets `deadline_ms` (absolute, 0 = forever) or replies the
// error and returns false. A timeout too large for milliseconds in 64 bits is "negative", as
// Redis's conversion makes it.
bool parseTimeout(CommandContext& ctx, std::string_view arg, int64_t& deadline_ms) {
    long double seconds = 0;
    if (!parseLongDouble(arg, seconds)) {
        ctx.reply.error(errors::kTimeoutNotFloat);
        return false;
    }
    const long double ms = std::ceil(seconds * 1000.0L);
    if (!(ms < 9223372036854775807.0L) || ms < 0) {
        ctx.reply.error(errors::kTimeoutNegative);
        return false;
    }
    const auto wait = static_cast<int64_t>(ms);
    if (wait == 0) {
        deadline_ms = 0;
        return true;
    }
    const int64_t now = ctx.scope.now();
    deadline_ms = wait > std::numeric_limits<int64_t>::max() - now
                      ? std::numeric_limits<int64_t>::max()
                      : now + wait;
    return true;
}

// Nothing to pop: wait for one of `keys` (inside EXEC, answer nil at once, as Redis does).
void blockOrNil(CommandContext& ctx, ValueType type, std::span<const std::string_view> keys,
                int64_t deadline_ms, bool nil_bulk) {
    if (ctx.block == nullptr) {
        nil_bulk ? ctx.reply.nil() : ctx.reply.nilArray();
        return;
    }
    BlockRequest& b = *ctx.block;
    b.db = ctx.db();
    b.type = type;
    b.deadline_ms = deadline_ms;
    b.keys.clear();
    for (std::string_view k : keys) b.keys.emplace_back(k);
}

// The first of `keys` holding a value of `type`. A key of another type answers WRONGTYPE
// (returns false) on a first try; on a retry it counts as empty. Null when none holds one.
bool firstOf(CommandContext& ctx, std::span<const std::string_view> keys, ValueType type,
             KeyTable::Entry*& found, std::string_view& found_key) {
    found = nullptr;
    for (std::string_view k : keys) {
        Lookup l = ctx.scope.find(ctx.db(), k, type);
        if (l.wrong_type) {
            if (ctx.retrying) continue;
            ctx.reply.error(errors::kWrongType);
            return false;
        }
        if (l) {
            found = l.entry;
            found_key = k;
            return true;
        }
    }
    return true;
}

// The first of `keys` holding `type` (true), or else the wait is asked for, or the error
// answered (false: nothing to pop now).
bool findOrWait(CommandContext& ctx, std::span<const std::string_view> keys, ValueType type,
                int64_t deadline, KeyTable::Entry*& e, std::string_view& key,
                bool nil_bulk = false) {
    if (!firstOf(ctx, keys, type, e, key)) return false;
    if (e != nullptr) return true;
    blockOrNil(ctx, type, keys, deadline, nil_bulk);
    return false;
}

// BLPOP/BRPOP key [key ...] timeout: [key, element] from the first non-empty list.
void blockingPop(CommandContext& ctx, End end) {
    int64_t deadline = 0;
    if (!parseTimeout(ctx, ctx.argv.back(), deadline)) return;
    auto keys = ctx.argv.subspan(1, ctx.argv.size() - 2);
    KeyTable::Entry* e = nullptr;
    std::string_view key;
    if (!findOrWait(ctx, keys, ValueType::List, deadline, e, key)) return;
    popAndReply(ctx, ctx.db(), key, *static_cast<ListValue*>(KeyTable::collection(e)), end, 1,
                PopReply::KeyAndSingle);
    // Every blocking pop is logged as its non-blocking form on the key it took from.
    ctx.scope.logAs(ctx.db(), {end == End::Head ? "LPOP" : "RPOP", key});
}

void blpopCommand(CommandContext& ctx) {
    blockingPop(ctx, End::Head);
}
void brpopCommand(CommandContext& ctx) {
    blockingPop(ctx, End::Tail);
}

// BLMOVE/BRPOPLPUSH: the element, moved. The destination's type is checked when the source
// has one: WRONGTYPE then ends the wait (on a retry too, as Redis answers).
void blockingMove(CommandContext& ctx, End from, End to, std::string_view timeout) {
    int64_t deadline = 0;
    if (!parseTimeout(ctx, timeout, deadline)) return;
    const int db = ctx.db();
    const std::string_view src_key = ctx.argv[1];
    const std::string_view dst_key = ctx.argv[2];
    KeyTable::Entry* e = nullptr;
    std::string_view key;
    if (!findOrWait(ctx, ctx.argv.subspan(1, 1), ValueType::List, deadline, e, key, true)) return;
    ListValue* src = static_cast<ListValue*>(KeyTable::collection(e));
    Lookup dst = ctx.scope.find(db, dst_key, ValueType::List);
    if (dst.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return;
    }
    moveAndReply(ctx, db, src_key, *src, from, dst_key, listOf(dst), to);
    ctx.scope.logAs(db, {"LMOVE", src_key, dst_key, from == End::Head ? "LEFT" : "RIGHT",
                         to == End::Head ? "LEFT" : "RIGHT"});
}

// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
void blmoveCommand(CommandContext& ctx) {
    End from, to;
    if (!parseListEnd(ctx.argv[3], from) || !parseListEnd(ctx.argv[4], to)) {
        ctx.reply.error(errors::kSyntax);
        return;
    }
    blockingMove(ctx, from, to, ctx.argv[5]);
}

// BRPOPLPUSH source destination timeout
void brpoplpushCommand(CommandContext& ctx) {
    blockingMove(ctx, End::Tail, End::Head, ctx.argv[3]);
}

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
void blmpopCommand(CommandContext& ctx) {
    MpopArgs a;
    if (const char* err = parseMpop(ctx.argv, 2, "left", "right", a)) {
        ctx.reply.error(err);
        return;
    }
    int64_t deadline = 0;  // read last, as Redis reads it
    if (!parseTimeout(ctx, ctx.argv[1], deadline)) return;
    KeyTable::Entry* e = nullptr;
    std::string_view key;
    if (!findOrWait(ctx, a.keys, ValueType::List, deadline, e, key)) return;
    popAndReply(ctx, ctx.db(), key, *static_cast<ListValue*>(KeyTable::collection(e)),
                a.second ? End::Tail : End::Head, static_cast<size_t>(a.count),
                PopReply::KeyAndArray);
    ctx.scope.logAs(ctx.db(), {"LMPOP", "1", key, a.second ? "RIGHT" : "LEFT", "COUNT",
                               std::to_string(a.count)});
}

// BZPOPMIN/BZPOPMAX key [key ...] timeout: [key, member, score].
void blockingZPop(CommandContext& ctx, bool max) {
    int64_t deadline = 0;
    if (!parseTimeout(ctx, ctx.argv.back(), deadline)) return;
    auto keys = ctx.argv.subspan(1, ctx.argv.size() - 2);
    KeyTable::Entry* e = nullptr;
    std::string_view key;
    if (!findOrWait(ctx, keys, ValueType::ZSet, deadline, e, key)) return;
    PopShape shape;
    shape.emit_key = true;
    const std::string_view one[] = {key};
    popMembers(ctx, one, max, -1, shape);
    ctx.scope.logAs(ctx.db(), {max ? "ZPOPMAX" : "ZPOPMIN", key});
}

void bzpopminCommand(CommandContext& ctx) {
    blockingZPop(ctx, false);
}
void bzpopmaxCommand(CommandContext& ctx) {
    blockingZPop(ctx, true);
}

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
void bzmpopCommand(CommandContext& ctx) {
    MpopArgs a;
    if (const char* err = parseMpop(ctx.argv, 2, "min", "max", a)) {
        ctx.reply.error(err);
        return;
    }
    int64_t deadline = 0;  // read last, as Redis reads it
    if (!parseTimeout(ctx, ctx.argv[1], deadline)) return;
    KeyTable::Entry* e = nullptr;
    std::string_view key;
    if (!findOrWait(ctx, a.keys, ValueType::ZSet, deadline, e, key)) return;
    const std::string_view one[] = {key};
    popMembers(ctx, one, a.second, a.count, PopShape{true, true, true});
    ctx.scope.logAs(ctx.db(), {"ZMPOP", "1", key, a.second ? "MAX" : "MIN", "COUNT",
                               std::to_string(a.count)});
}

// The key finder for numkeys at argv[2] (BLMPOP, BZMPOP): mpopKeys shifted by the timeout.
void blockingMpopKeys(std::span<const std::string_view> argv, std::vector<size_t>& out) {
    if (argv.size() < 2) return;
    const size_t before = out.size();
    mpopKeys(argv.subspan(1), out);
    for (size_t i = before; i < out.size(); ++i) ++out[i];
}

}  // namespace

void registerBlockingCommands(CommandTable& t) {
    constexpr uint32_t kWB = kCmdWrite | kCmdBlocking;
    t.add({"blpop", -3, kWB, 1, -2, 1, blpopCommand, "list", "key [key ...] timeout",
           "Remove and get the first element in a list, or block until one is available"});
    t.add({"brpop", -3, kWB, 1, -2, 1, brpopCommand, "list", "key [key ...] timeout",
           "Remove and get the last element in a list, or block until one is available"});
    t.add({"blmove", 6, kWB, 1, 2, 1, blmoveCommand, "list",
           "source destination LEFT|RIGHT LEFT|RIGHT timeout",
           "Pop an element from a list, push it to another list and return it; or block until "
           "one is available"});
    t.add({"brpoplpush", 4, kWB, 1, 2, 1, brpoplpushCommand, "list", "source destination timeout",
           "Pop an element from a list, push it to another list and return it; or block until "
           "one is available"});
    t.add({"blmpop", -5, kWB, 0, 0, 0, blmpopCommand, "list",
           "timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]",
           "Pop elements from a list, or block until one is available", blockingMpopKeys});
    t.add({"bzpopmin", -3, kWB | kCmdFast, 1, -2, 1, bzpopminCommand, "sorted-set",
           "key [key ...] timeout",
           "Remove and return the member with the lowest score from one or more sorted sets, or "
           "block until one is available"});
    t.add({"bzpopmax", -3, kWB | kCmdFast, 1, -2, 1, bzpopmaxCommand, "sorted-set",
           "key [key ...] timeout",
           "Remove and return the member with the highest score from one or more sorted sets, or "
           "block until one is available"});
    t.add({"bzmpop", -5, kWB, 0, 0, 0, bzmpopCommand, "sorted-set",
           "timeout numkeys key [key ...] MIN|MAX [COUNT count]",
           "Remove and return members with scores in a sorted set or block until one is "
           "available", blockingMpopKeys});
}

}  // namespace mini_redis
