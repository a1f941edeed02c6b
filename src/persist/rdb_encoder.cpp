// RdbEncoder: Redis 7.0's rdbSaveLen / rdbSaveRawString / rdbSaveBinaryDoubleValue forms.
#include "rdb_encoder.h"

#include <cstring>

#include "lzf_codec.h"
#include "set_value.h"

namespace mini_redis {

void RdbEncoder::length(uint64_t n) {
    if (n < (1u << 6)) {
        byte(static_cast<uint8_t>(n));
    } else if (n < (1u << 14)) {
        byte(static_cast<uint8_t>(0x40 | (n >> 8)));
        byte(static_cast<uint8_t>(n & 0xff));
    } else if (n <= UINT32_MAX) {
        byte(0x80);
        for (int i = 3; i >= 0; --i) byte(static_cast<uint8_t>((n >> (8 * i)) & 0xff));
    } else {
        byte(0x81);
        for (int i = 7; i >= 0; --i) byte(static_cast<uint8_t>((n >> (8 * i)) & 0xff));
    }
}

bool RdbEncoder::tryInteger(std::string_view s) {
    int64_t v;
    if (s.size() > 11 || !SetValue::asInteger(s, v)) return false;
    if (v >= INT8_MIN && v <= INT8_MAX) {
        byte(0xC0);
        byte(static_cast<uint8_t>(v & 0xff));
    } else if (v >= INT16_MIN && v <= INT16_MAX) {
        byte(0xC1);
        for (int i = 0; i < 2; ++i) byte(static_cast<uint8_t>((v >> (8 * i)) & 0xff));
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
        byte(0xC2);
        for (int i = 0; i < 4; ++i) byte(static_cast<uint8_t>((v >> (8 * i)) & 0xff));
    } else {
        return false;
    }
    return true;
}

void RdbEncoder::raw(std::string_view s) {
    if (compression_ && s.size() > 20 && LzfCodec::compress(s, scratch_)) {
        byte(0xC3);
        length(scratch_.size());
        length(s.size());
        out_.append(scratch_);
        return;
    }
    length(s.size());
    out_.append(s);
}

void RdbEncoder::string(std::string_view s) {
    if (tryInteger(s)) return;
    raw(s);
}

void RdbEncoder::blob(std::string_view s) {
    raw(s);
}

void RdbEncoder::integerString(int64_t v) {
    std::string text = std::to_string(v);
    string(text);
}

void RdbEncoder::binaryDouble(double d) {
    uint64_t bits;
    std::memcpy(&bits, &d, 8);
    for (int i = 0; i < 8; ++i) byte(static_cast<uint8_t>((bits >> (8 * i)) & 0xff));
}

void RdbEncoder::millis(int64_t ms) {
    const auto u = static_cast<uint64_t>(ms);
    for (int i = 0; i < 8; ++i) byte(static_cast<uint8_t>((u >> (8 * i)) & 0xff));
}

}  // namespace mini_redis
