// Parsing of the expiry options SET and GETEX share, and Redis's conversion of a relative or
// absolute time to absolute milliseconds with its overflow rules.
#pragma once

#include <cstdint>
#include <string_view>

namespace mini_redis {

struct CommandContext;

// Lives on a handler's stack. On a parse error it writes the error reply and returns false.
struct ExpireArgs {
    enum class Unit { Seconds, Milliseconds };
    // Which options a command takes.
    static constexpr int kForSet = 1;    // NX XX GET EX PX EXAT PXAT KEEPTTL
    static constexpr int kForGetex = 2;  // EX PX EXAT PXAT PERSIST

    bool nx = false, xx = false, get = false, keep_ttl = false, persist = false;
    bool absolute = false;  // EXAT/PXAT
    Unit unit = Unit::Seconds;
    std::string_view time_arg;  // the number after EX/PX/EXAT/PXAT; empty when none

    bool hasTime() const { return time_arg.data() != nullptr; }

    // Parses ctx.argv from index `from`, with Redis's rules for conflicting options (a repeated
    // option is allowed; EX after PX is a syntax error).
    bool parse(CommandContext& ctx, size_t from, int which);
    // The absolute expiry in Unix ms: the time must be a positive integer that does not
    // overflow once converted and added to now ("invalid expire time in '<cmd>' command").
    bool absoluteMs(CommandContext& ctx, int64_t& out) const;
};

}  // namespace mini_redis
