// Long doubles as INCRBYFLOAT and HINCRBYFLOAT read and write them (Redis's string2ld and
// ld2string with LD_STR_HUMAN).
#pragma once

#include <cstddef>
#include <string_view>

namespace mini_redis {

// Redis's MAX_LONG_DOUBLE_CHARS: the longest float text these read or write.
inline constexpr size_t kMaxLongDoubleChars = 5 * 1024;

// Redis's string2ld: the whole text is one strtold number, with no leading space, no NaN, and
// no overflow or underflow to zero (an infinity written as "inf" is accepted). Any thread.
bool parseLongDouble(std::string_view s, long double& out);

// Redis's "human friendly" long double text: %.17Lf, then the trailing zeros after the point
// and a bare point trimmed, and "-0" written "0". Never an exponent. Returns the length written
// into buf (kMaxLongDoubleChars bytes). Any thread.
size_t formatLongDouble(long double v, char* buf);

// INCRBYFLOAT's and HINCRBYFLOAT's sum: value + incr, written by formatLongDouble into buf
// (kMaxLongDoubleChars bytes) and viewed by `text`. False, with nothing written, when the sum
// is NaN or infinite (Redis stores neither). Any thread.
bool addLongDouble(long double value, long double incr, char* buf, std::string_view& text);

}  // namespace mini_redis
