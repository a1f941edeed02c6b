// Redis's intset byte format (SET_INTSET in RDB files and DUMP payloads): build and parse.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace mini_redis {

// Any thread; stateless. Layout: [uint32 width: 2, 4 or 8][uint32 count][count members,
// ascending, little-endian, each `width` bytes].
class RedisIntset {
  public:
    // `sorted` ascending, distinct; `width` at least what the members need (2, 4 or 8).
    static std::string build(const std::vector<int64_t>& sorted, size_t width);
    // Calls fn(member) in order; false, with `error`, when malformed (bad width, length,
    // order).
    static bool parse(std::string_view bytes, const std::function<void(int64_t)>& fn,
                      std::string& error);
};

}  // namespace mini_redis
