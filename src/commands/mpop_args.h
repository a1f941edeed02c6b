// The arguments LMPOP and ZMPOP share (and their blocking forms to come): numkeys key [key ...]
// <where> [COUNT count], read as Redis 7.0's lmpopGenericCommand and zmpopGenericCommand read
// them. The <where> word (LEFT|RIGHT, MIN|MAX) is the caller's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace mini_redis {

// Any thread (pure functions). Each parser returns nullptr, or the error text to reply
// (errors.h); the caller checks <where> between the two, as Redis does.

// Reads argv[numkeys_at] as numkeys (a positive integer, kNumkeysNotPositive) and checks that
// the keys and the <where> word after them fit in argv (kSyntax). The keys then stand at
// argv[numkeys_at + 1 .. numkeys_at + numkeys], <where> right after them.
const char* parseMpopNumkeys(std::span<const std::string_view> argv, size_t numkeys_at,
                             size_t& numkeys);

// Reads the options after <where>: at most one COUNT with a positive count
// (kCountNotPositive); anything else is kSyntax. `count` is 1 without COUNT.
const char* parseMpopCount(std::span<const std::string_view> options, int64_t& count);

// The whole of it, for LMPOP, BLMPOP, ZMPOP and BZMPOP: numkeys at argv[numkeys_at], the keys,
// <where> (one of `first`/`second`, any case: `max_or_right` says which), then the options,
// checked in Redis's order. Returns nullptr or the error text.
struct MpopArgs {
    std::span<const std::string_view> keys;
    bool second = false;  // <where> was `second` (RIGHT, MAX)
    int64_t count = 1;
};
const char* parseMpop(std::span<const std::string_view> argv, size_t numkeys_at,
                      std::string_view first, std::string_view second, MpopArgs& out);

// The command table's key finder for numkeys at argv[1]: the argv indexes of the keys,
// clamped to argv; none for a bad numkeys (the handler then replies the error).
void mpopKeys(std::span<const std::string_view> argv, std::vector<size_t>& out);

}  // namespace mini_redis
