// The arguments of the SCAN family (SCAN, HSCAN, and the other collection scans): the cursor
// and the MATCH/COUNT options, parsed as Redis 7.0's scanGenericCommand parses them.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "command_context.h"
#include "errors.h"

namespace mini_redis {

// A cursor as Redis 7.0 reads it (strtoul): a leading '+' or '-' and leading zeros are
// accepted, a negative number wraps, an empty string is 0; a leading space, trailing bytes or
// overflow are not. The copy stops at a NUL byte as Redis's C string does. Any thread.
bool parseScanCursor(std::string_view arg, uint64_t& out);

// [MATCH pattern] [COUNT count], any number of times, the last one winning.
struct ScanOptions {
    int64_t count = 10;
    std::string_view pattern;  // meaningful when use_pattern
    bool use_pattern = false;  // false for no MATCH or MATCH "*"
};

// Parses `args` (the options after the cursor) of a key's scan (HSCAN, SSCAN, ZSCAN: no TYPE).
// Returns nullptr, or the error text to reply (errors.h). Any thread.
const char* parseScanOptions(std::span<const std::string_view> args, ScanOptions& out);

// The start of a key's scan (HSCAN, SSCAN, ZSCAN: key cursor [options]) in Redis's order: the
// cursor, then the key, then the options. `open(value)` looks the key up: false once it has
// replied (WRONGTYPE), else `value` is the collection or null when the key is absent, which
// answers an empty scan whatever the options. True when the caller goes on to scan `value`
// from `cursor` with `opts`; false once the reply is written. The handler's thread.
template <class T, class Open>
bool beginKeyScan(CommandContext& ctx, Open&& open, T*& value, uint64_t& cursor,
                  ScanOptions& opts) {
    if (!parseScanCursor(ctx.argv[2], cursor)) {
        ctx.reply.error(errors::kInvalidCursor);
        return false;
    }
    if (!open(value)) return false;
    if (value == nullptr) {
        ctx.reply.arrayHeader(2);
        ctx.reply.bulk("0");
        ctx.reply.arrayHeader(0);
        return false;
    }
    if (const char* err = parseScanOptions(ctx.argv.subspan(3), opts)) {
        ctx.reply.error(err);
        return false;
    }
    return true;
}

}  // namespace mini_redis
