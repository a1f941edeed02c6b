// Reads RDB primitives from a byte range, bounds-checked: every read either succeeds or sets
// an error naming the offset, and nothing reads past the range.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mini_redis {

// Owned by its user; any thread. After the first failure every read fails (the first error
// is kept), so callers may check ok() once after a group of reads.
class RdbDecoder {
  public:
    // `base` is added to offsets in messages (the position of `bytes` in its file).
    explicit RdbDecoder(std::string_view bytes, uint64_t base = 0) : in_(bytes), base_(base) {}

    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }
    size_t pos() const { return pos_; }
    size_t remaining() const { return in_.size() - pos_; }
    bool atEnd() const { return pos_ >= in_.size(); }
    // Records a failure at the current offset (keeps the first).
    bool fail(const std::string& what);

    bool byte(uint8_t& out);
    bool fixed(size_t n, std::string_view& out);  // n raw bytes
    // A length; `encoded` (if given) says it was an integer/LZF string marker instead (then
    // `out` is the marker's low 6 bits).
    bool length(uint64_t& out, bool* encoded = nullptr);
    // A string in any of its forms (raw, 8/16/32-bit integer, LZF), into `out`.
    bool string(std::string& out);
    // An old-style double (ZSET v1): a length byte then its text (253 nan, 254 inf, 255 -inf).
    bool textDouble(double& out);
    bool binaryDouble(double& out);
    bool millis(int64_t& out);
    bool seconds(int64_t& out);  // 4 bytes, little-endian

  private:
    std::string_view in_;
    uint64_t base_;
    size_t pos_ = 0;
    std::string error_;
};

}  // namespace mini_redis
