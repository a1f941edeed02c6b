// The arguments of the SCAN family (SCAN, HSCAN, and the other collection scans): the cursor
// and the MATCH/COUNT options, parsed as Redis 7.0's scanGenericCommand parses them.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

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

}  // namespace mini_redis
