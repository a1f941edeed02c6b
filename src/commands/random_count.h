// The count argument of the random reads (SRANDMEMBER, HRANDFIELD, ZRANDMEMBER), read by one
// rule as Redis 7.0 reads it: a positive count asks for distinct members, a negative one for
// that many independent draws.
#pragma once

#include <cstdint>
#include <string_view>

namespace mini_redis {

// Any thread (pure functions). Each check returns nullptr, or the error text to reply
// (errors.h).

// A negative count draws this many at most (ours: Redis 7.0 tries to build any reply, and a
// count near 2^63 never ends). About 1 GiB of reply.
inline constexpr uint64_t kMaxRandomDraws = uint64_t{1} << 27;

// Redis's getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX): an integer (kNotInteger) other
// than LONG_MIN (kCountOutOfLongRange).
const char* parseRandomCount(std::string_view arg, int64_t& count);

// With WITHVALUES / WITHSCORES Redis doubles the count for the reply, so it must fit half
// that range (kValueOutOfRange).
const char* checkPairedRandomCount(int64_t count);

// A negative count past kMaxRandomDraws (kValueOutOfRange).
const char* checkRandomDraws(int64_t count);

}  // namespace mini_redis
