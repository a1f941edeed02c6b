// Redis's listpack byte format (as RDB files and DUMP payloads carry it): a builder and a
// bounds-checked parser. Not our in-memory Listpack (store/listpack.h), which is laid out
// differently: values are converted entry by entry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace mini_redis {

// Any thread; a builder is owned by its user.
//
// Layout: [uint32 total bytes][uint16 count, 65535 = unknown][entries][0xFF]. An entry is
// [encoding+data][back length]: integers in the smallest of 7/13/16/24/32/64-bit forms (a
// string that is a canonical 64-bit integer is stored as one, as Redis does), strings with a
// 6-, 12- or 32-bit length; the back length is the size of the first part in 1-5 bytes.
class RedisListpack {
  public:
    RedisListpack() { buf_.assign(6, '\0'); }
    void append(std::string_view v);
    void appendInteger(int64_t v);
    size_t count() const { return count_; }
    // The finished bytes (header filled in, terminator added); the builder is then spent.
    std::string finish();

    // Calls fn(entry) for each entry (integers as their decimal text, valid during the call).
    // False, with `error` set, when the bytes are not a well-formed listpack; fn returning
    // false stops the walk (and parse returns false with `error` empty).
    static bool parse(std::string_view bytes, const std::function<bool(std::string_view)>& fn,
                      std::string& error);

  private:
    void appendEntry(const char* data, size_t len);
    std::string buf_;
    size_t count_ = 0;
};

}  // namespace mini_redis
