// Lookups, range replies and the shared pop of the sorted-set family.
#include "zset_helpers.h"

#include "errors.h"

namespace mini_redis {

ZSetValue::Limits zsetLimits(const CommandContext& ctx) {
    return {ctx.config.zset_max_listpack_entries, ctx.config.zset_max_listpack_value};
}

bool findZSet(CommandContext& ctx, std::string_view key, ZSetValue*& out, bool read) {
    Lookup l = ctx.scope.find(ctx.db(), key, ValueType::ZSet);
    if (read) {
        auto& counter = (l || l.wrong_type) ? ctx.worker_stats.keyspace_hits
                                            : ctx.worker_stats.keyspace_misses;
        counter.fetch_add(1, std::memory_order_relaxed);
    }
    if (l.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return false;
    }
    out = l ? static_cast<ZSetValue*>(KeyTable::collection(l.entry)) : nullptr;
    return true;
}

void replyMember(CommandContext& ctx, std::string_view member, double score, bool withscores) {
    if (withscores && ctx.reply.protocol() == 3) ctx.reply.arrayHeader(2);
    ctx.reply.bulk(member);
    if (withscores) ctx.reply.doubleValue(score);
}

void replyRangeHeader(CommandContext& ctx, size_t n, bool withscores) {
    ctx.reply.arrayHeader(withscores && ctx.reply.protocol() == 2 ? 2 * n : n);
}

void replyRange(CommandContext& ctx, ZSetValue::Cursor c, size_t n, bool reverse,
                bool withscores) {
    replyRangeHeader(ctx, n, withscores);
    for (size_t i = 0; i < n; ++i) {
        replyMember(ctx, c.member(), c.score(), withscores);
        reverse ? c.prev() : c.next();
    }
}

bool popMembers(CommandContext& ctx, std::span<const std::string_view> keys, bool max,
                int64_t count, PopShape shape) {
    // The first existing key; one of another type stops the search with WRONGTYPE.
    ZSetValue* z = nullptr;
    std::string_view key;
    for (std::string_view k : keys) {
        if (!findZSet(ctx, k, z, false)) return false;
        if (z != nullptr) {
            key = k;
            break;
        }
    }
    if (z == nullptr) {
        shape.nil_when_empty ? ctx.reply.nilArray() : ctx.reply.arrayHeader(0);
        return false;
    }
    if (count == 0) {  // after the type check, as Redis
        ctx.reply.arrayHeader(0);
        return false;
    }
    const size_t len = z->length();
    const size_t n = count < 0 ? 1 : (static_cast<uint64_t>(count) > len ? len : static_cast<size_t>(count));
    if (shape.emit_key) {
        ctx.reply.arrayHeader(shape.nested ? 2 : 2 * n + 1);
        ctx.reply.bulk(key);
        if (shape.nested) ctx.reply.arrayHeader(n);
    } else {
        ctx.reply.arrayHeader(shape.nested ? n : 2 * n);
    }
    ZSetValue::Cursor c = z->at(max ? len - 1 : 0);
    for (size_t i = 0; i < n; ++i) {
        if (shape.nested) ctx.reply.arrayHeader(2);
        ctx.reply.bulk(c.member());
        ctx.reply.doubleValue(c.score());
        max ? c.prev() : c.next();
    }
    z->removeRanks(max ? len - n : 0, n);
    ctx.scope.notify(keyspace_events::kZset, max ? "zpopmax" : "zpopmin", ctx.db(), key);
    ctx.scope.modified(ctx.db(), key);
    return true;
}

}  // namespace mini_redis
