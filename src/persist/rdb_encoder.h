// Appends RDB primitives to a buffer: lengths, strings (integer-encoded or LZF-compressed
// as Redis would), doubles, millisecond times.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mini_redis {

// Owned by its user; any thread (the forked child writes through one).
class RdbEncoder {
  public:
    explicit RdbEncoder(std::string& out, bool compression = true)
        : out_(out), compression_(compression) {}

    void byte(uint8_t b) { out_.push_back(static_cast<char>(b)); }
    // 6-bit, 14-bit, 32-bit or 64-bit length (big-endian beyond the first byte).
    void length(uint64_t n);
    // A string: as an 8/16/32-bit integer when it is the canonical text of one (and at most
    // 11 bytes), else LZF-compressed when compression is on, it is over 20 bytes and that saves
    // space, else raw.
    void string(std::string_view s);
    // A string never integer-encoded (listpack and intset blobs), but compressed as above.
    void blob(std::string_view s);
    // An integer as a string (AUX fields): integer-encoded when it fits 32 bits.
    void integerString(int64_t v);
    void binaryDouble(double d);  // 8 bytes, little-endian IEEE 754
    void millis(int64_t ms);      // 8 bytes, little-endian
    std::string& out() { return out_; }

  private:
    void raw(std::string_view s);
    bool tryInteger(std::string_view s);
    std::string& out_;
    bool compression_;
    std::string scratch_;
};

}  // namespace mini_redis
