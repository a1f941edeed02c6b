// LZF compression of RDB strings, through Debian's liblzf (the format Redis writes).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mini_redis {

// Any thread; stateless.
class LzfCodec {
  public:
    // Compresses `in` into `out` (replaced) when that saves at least 4 bytes, as Redis asks
    // (output bound len - 4); false when it would not, or `in` is 4 bytes or less.
    static bool compress(std::string_view in, std::string& out);
    // Decompresses `in` to exactly `expected_len` bytes into `out`; false on corrupt input or
    // a length that does not match.
    static bool decompress(std::string_view in, size_t expected_len, std::string& out);
};

}  // namespace mini_redis
