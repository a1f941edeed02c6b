// The compact encodings older RDB files carry, read only: Redis's ziplist (lists, hashes and
// sorted sets before 7.0, quicklist v1 nodes) and zipmap (hashes before 2.6).
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace mini_redis {

// Any thread; stateless. Both parsers are bounds-checked: a malformed blob is an error, never
// a read past its end. fn gets each entry (integers as decimal text, valid during the call);
// fn returning false stops the walk (the parser then returns false with `error` empty).
class RedisZiplist {
  public:
    static bool parse(std::string_view bytes, const std::function<bool(std::string_view)>& fn,
                      std::string& error);
    // A zipmap's keys and values, alternating.
    static bool parseZipmap(std::string_view bytes, const std::function<bool(std::string_view)>& fn,
                            std::string& error);
};

}  // namespace mini_redis
