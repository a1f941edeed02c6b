// Redis's listpack encoding and decoding, written from its format description.
#include "redis_listpack.h"

#include <charconv>
#include <cstring>

#include "set_value.h"

namespace mini_redis {

namespace {

// Back length: the entry's encoding+data size, 7 bits a byte, read from its last byte backwards.
size_t encodeBacklen(uint64_t l, unsigned char* out) {
    if (l <= 127) {
        out[0] = static_cast<unsigned char>(l);
        return 1;
    }
    size_t n = l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
    for (size_t i = 0; i < n; ++i) {
        const size_t shift = 7 * (n - 1 - i);
        out[i] = static_cast<unsigned char>((l >> shift) & 127);
        if (i > 0) out[i] |= 128;
    }
    return n;
}

uint64_t loadLE(const unsigned char* p, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
    return v;
}

int64_t signExtend(uint64_t v, unsigned bits) {
    if (bits < 64 && (v & (uint64_t{1} << (bits - 1)))) v |= ~uint64_t{0} << bits;
    return static_cast<int64_t>(v);
}

}  // namespace

void RedisListpack::appendEntry(const char* data, size_t len) {
    buf_.append(data, len);
    unsigned char back[5];
    size_t n = encodeBacklen(len, back);
    buf_.append(reinterpret_cast<const char*>(back), n);
    ++count_;
}

void RedisListpack::appendInteger(int64_t v) {
    unsigned char e[9];
    size_t n;
    if (v >= 0 && v <= 127) {
        e[0] = static_cast<unsigned char>(v);
        n = 1;
    } else if (v >= -4096 && v <= 4095) {
        uint64_t u = static_cast<uint64_t>(v) & 0x1fff;
        e[0] = static_cast<unsigned char>(0xC0 | (u >> 8));
        e[1] = static_cast<unsigned char>(u & 0xff);
        n = 2;
    } else {
        size_t bytes;
        unsigned char tag;
        if (v >= -32768 && v <= 32767) {
            bytes = 2, tag = 0xF1;
        } else if (v >= -8388608 && v <= 8388607) {
            bytes = 3, tag = 0xF2;
        } else if (v >= INT32_MIN && v <= INT32_MAX) {
            bytes = 4, tag = 0xF3;
        } else {
            bytes = 8, tag = 0xF4;
        }
        e[0] = tag;
        uint64_t u = static_cast<uint64_t>(v);
        for (size_t i = 0; i < bytes; ++i) e[1 + i] = static_cast<unsigned char>(u >> (8 * i));
        n = 1 + bytes;
    }
    appendEntry(reinterpret_cast<const char*>(e), n);
}

void RedisListpack::append(std::string_view v) {
    int64_t iv;
    if (v.size() <= 20 && SetValue::asInteger(v, iv)) {
        appendInteger(iv);
        return;
    }
    std::string e;
    const size_t len = v.size();
    if (len < 64) {
        e.push_back(static_cast<char>(0x80 | len));
    } else if (len < 4096) {
        e.push_back(static_cast<char>(0xE0 | (len >> 8)));
        e.push_back(static_cast<char>(len & 0xff));
    } else {
        e.push_back(static_cast<char>(0xF0));
        for (int i = 0; i < 4; ++i) e.push_back(static_cast<char>((len >> (8 * i)) & 0xff));
    }
    e.append(v);
    appendEntry(e.data(), e.size());
}

std::string RedisListpack::finish() {
    buf_.push_back(static_cast<char>(0xFF));
    const uint32_t total = static_cast<uint32_t>(buf_.size());
    const uint16_t num = count_ > 65535 ? 65535 : static_cast<uint16_t>(count_);
    for (int i = 0; i < 4; ++i) buf_[i] = static_cast<char>((total >> (8 * i)) & 0xff);
    buf_[4] = static_cast<char>(num & 0xff);
    buf_[5] = static_cast<char>(num >> 8);
    return std::move(buf_);
}

bool RedisListpack::parse(std::string_view bytes, const std::function<bool(std::string_view)>& fn,
                          std::string& error) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const size_t size = bytes.size();
    if (size < 7) {
        error = "listpack shorter than its header";
        return false;
    }
    if (loadLE(p, 4) != size) {
        error = "listpack total bytes do not match its length";
        return false;
    }
    const size_t declared = loadLE(p + 4, 2);
    size_t pos = 6, seen = 0;
    char text[24];
    while (true) {
        if (pos >= size) {
            error = "listpack has no terminator";
            return false;
        }
        const unsigned char b = p[pos];
        if (b == 0xFF) break;
        size_t head, len;  // bytes of encoding, bytes of data
        bool is_int = true;
        int64_t iv = 0;
        const size_t left = size - pos;
        if ((b & 0x80) == 0) {
            head = 1, len = 0, iv = b;
        } else if ((b & 0xC0) == 0x80) {
            head = 1, len = b & 0x3f, is_int = false;
        } else if ((b & 0xE0) == 0xC0) {
            if (left < 2) break;
            head = 2, len = 0, iv = signExtend(((b & 0x1fu) << 8) | p[pos + 1], 13);
        } else if ((b & 0xF0) == 0xE0) {
            if (left < 2) break;
            head = 2, len = ((b & 0x0fu) << 8) | p[pos + 1], is_int = false;
        } else if (b == 0xF0) {
            if (left < 5) break;
            head = 5, len = loadLE(p + pos + 1, 4), is_int = false;
        } else if (b >= 0xF1 && b <= 0xF4) {
            const size_t n = b == 0xF1 ? 2 : b == 0xF2 ? 3 : b == 0xF3 ? 4 : 8;
            if (left < 1 + n) break;
            head = 1 + n, len = 0, iv = signExtend(loadLE(p + pos + 1, n), unsigned(8 * n));
        } else {
            error = "listpack entry with an unknown encoding at byte " + std::to_string(pos);
            return false;
        }
        if (len > left || head + len > left) break;
        const size_t entry = head + len;
        unsigned char back[5];
        const size_t backlen = encodeBacklen(entry, back);
        if (entry + backlen > left || std::memcmp(back, p + pos + entry, backlen) != 0) {
            error = "listpack entry with a wrong back length at byte " + std::to_string(pos);
            return false;
        }
        std::string_view v;
        if (is_int) {
            auto [end, ec] = std::to_chars(text, text + sizeof text, iv);
            (void)ec;
            v = std::string_view(text, static_cast<size_t>(end - text));
        } else {
            v = std::string_view(reinterpret_cast<const char*>(p + pos + head), len);
        }
        ++seen;
        if (!fn(v)) {
            error.clear();
            return false;
        }
        pos += entry + backlen;
    }
    if (pos >= size || p[pos] != 0xFF) {
        error = "listpack entry runs past its end at byte " + std::to_string(pos);
        return false;
    }
    if (pos + 1 != size) {
        error = "listpack has bytes after its terminator";
        return false;
    }
    if (declared != 65535 && declared != seen) {
        error = "listpack count does not match its entries";
        return false;
    }
    return true;
}

}  // namespace mini_redis
