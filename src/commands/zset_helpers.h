// What the sorted-set command files share: limits from the config, the typed lookup, item
// replies, the one pop behind ZPOPMIN/ZPOPMAX/ZMPOP (and the blocking forms to come), and the
// registration of the family's other files.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "command_context.h"
#include "zset_value.h"

namespace mini_redis {

// zset-max-listpack-entries/value of this batch's config snapshot.
ZSetValue::Limits zsetLimits(const CommandContext& ctx);

// The sorted set under `key`, through the lock scope's lookup: false after replying WRONGTYPE;
// otherwise `out` is the set, or nullptr when the key is absent. `read` counts a keyspace hit
// or miss, as Redis's lookupKeyRead does (writes count nothing).
bool findZSet(CommandContext& ctx, std::string_view key, ZSetValue*& out, bool read);

// One member in a range reply: the member, then its score with `withscores` (a [member,
// score] pair array in RESP3).
void replyMember(CommandContext& ctx, std::string_view member, double score, bool withscores);
// The array header for `n` members (twice as many items with scores in RESP2).
void replyRangeHeader(CommandContext& ctx, size_t n, bool withscores);
// `n` members from `c` on, towards higher ranks or (with `reverse`) lower ones.
void replyRange(CommandContext& ctx, ZSetValue::Cursor c, size_t n, bool reverse,
                bool withscores);

// How a pop answers (Redis's genericZpopCommand flags).
struct PopShape {
    bool emit_key = false;       // the key first (ZMPOP, BZPOPMIN)
    bool nested = false;         // [member, score] pairs as arrays
    bool nil_when_empty = false;  // nothing to pop: a null array rather than an empty one
};
// Pops up to `count` members (-1: one, the plain ZPOPMIN form) from the lowest (or with
// `max` the highest) scores of the first of `keys` that exists, and replies. A key of another
// type before it answers WRONGTYPE. Returns whether anything was popped.
bool popMembers(CommandContext& ctx, std::span<const std::string_view> keys, bool max,
                int64_t count, PopShape shape);

// The family's other files (zset_commands.cpp's registration calls them).
void registerZSetRangeCommands(CommandTable& table);
void registerZSetAlgebraCommands(CommandTable& table);

}  // namespace mini_redis
