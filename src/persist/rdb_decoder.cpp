// RdbDecoder: the read side of rdb_encoder.cpp, plus the forms only older files use.
#include "rdb_decoder.h"

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "lzf_codec.h"

namespace mini_redis {

namespace {
// Strings longer than this are refused (Redis's proto-max-bulk-len cannot go past it either).
constexpr uint64_t kMaxString = 4ULL * 1024 * 1024 * 1024;
}  // namespace

bool RdbDecoder::fail(const std::string& what) {
    if (error_.empty()) error_ = what + " at offset " + std::to_string(base_ + pos_);
    return false;
}

bool RdbDecoder::byte(uint8_t& out) {
    if (!ok()) return false;
    if (pos_ >= in_.size()) return fail("unexpected end of file");
    out = static_cast<uint8_t>(in_[pos_++]);
    return true;
}

bool RdbDecoder::fixed(size_t n, std::string_view& out) {
    if (!ok()) return false;
    if (n > in_.size() - pos_) return fail("unexpected end of file");
    out = in_.substr(pos_, n);
    pos_ += n;
    return true;
}

bool RdbDecoder::length(uint64_t& out, bool* encoded) {
    if (encoded) *encoded = false;
    uint8_t b;
    if (!byte(b)) return false;
    switch (b >> 6) {
        case 0:
            out = b & 0x3f;
            return true;
        case 1: {
            uint8_t c;
            if (!byte(c)) return false;
            out = (uint64_t{b & 0x3fu} << 8) | c;
            return true;
        }
        case 2: {
            size_t n;
            if (b == 0x80)
                n = 4;
            else if (b == 0x81)
                n = 8;
            else
                return fail("bad length encoding");
            std::string_view v;
            if (!fixed(n, v)) return false;
            out = 0;
            for (char c : v) out = (out << 8) | static_cast<uint8_t>(c);
            return true;
        }
        default:
            if (!encoded) return fail("unexpected encoded string where a length belongs");
            *encoded = true;
            out = b & 0x3f;
            return true;
    }
}

bool RdbDecoder::string(std::string& out) {
    bool encoded;
    uint64_t n;
    if (!length(n, &encoded)) return false;
    if (!encoded) {
        if (n > kMaxString) return fail("string too long");
        std::string_view v;
        if (!fixed(static_cast<size_t>(n), v)) return false;
        out.assign(v);
        return true;
    }
    if (n <= 2) {  // 8, 16, 32-bit integer, little-endian
        const size_t w = size_t{1} << n;
        std::string_view v;
        if (!fixed(w, v)) return false;
        uint64_t u = 0;
        for (size_t i = 0; i < w; ++i)
            u |= static_cast<uint64_t>(static_cast<uint8_t>(v[i])) << (8 * i);
        if (w < 8 && (u & (uint64_t{1} << (8 * w - 1)))) u |= ~uint64_t{0} << (8 * w);
        out = std::to_string(static_cast<int64_t>(u));
        return true;
    }
    if (n == 3) {  // LZF: compressed length, original length, data
        uint64_t clen, len;
        if (!length(clen) || !length(len)) return false;
        if (len > kMaxString || clen > kMaxString) return fail("string too long");
        // LZF expands at most 264 bytes per 3-byte back reference: a larger claim is corrupt
        // (and must not make us allocate it).
        if (len > clen * 100 + 64) return fail("corrupt LZF-compressed string length");
        std::string_view v;
        if (!fixed(static_cast<size_t>(clen), v)) return false;
        if (!LzfCodec::decompress(v, static_cast<size_t>(len), out)) {
            return fail("corrupt LZF-compressed string");
        }
        return true;
    }
    return fail("unknown string encoding");
}

bool RdbDecoder::textDouble(double& out) {
    uint8_t n;
    if (!byte(n)) return false;
    if (n == 253)
        out = NAN;
    else if (n == 254)
        out = INFINITY;
    else if (n == 255)
        out = -INFINITY;
    else {
        std::string_view v;
        if (!fixed(n, v)) return false;
        std::string text(v);
        char* end = nullptr;
        out = std::strtod(text.c_str(), &end);
        if (end != text.c_str() + text.size()) return fail("bad double value");
    }
    return true;
}

bool RdbDecoder::binaryDouble(double& out) {
    std::string_view v;
    if (!fixed(8, v)) return false;
    uint64_t bits = 0;
    for (size_t i = 0; i < 8; ++i)
        bits |= static_cast<uint64_t>(static_cast<uint8_t>(v[i])) << (8 * i);
    std::memcpy(&out, &bits, 8);
    return true;
}

bool RdbDecoder::millis(int64_t& out) {
    std::string_view v;
    if (!fixed(8, v)) return false;
    uint64_t u = 0;
    for (size_t i = 0; i < 8; ++i)
        u |= static_cast<uint64_t>(static_cast<uint8_t>(v[i])) << (8 * i);
    out = static_cast<int64_t>(u);
    return true;
}

bool RdbDecoder::seconds(int64_t& out) {
    std::string_view v;
    if (!fixed(4, v)) return false;
    uint32_t u = 0;
    for (size_t i = 0; i < 4; ++i)
        u |= static_cast<uint32_t>(static_cast<uint8_t>(v[i])) << (8 * i);
    out = static_cast<int32_t>(u);
    return true;
}

}  // namespace mini_redis
