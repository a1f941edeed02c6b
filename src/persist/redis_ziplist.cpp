// Ziplist and zipmap readers, written from Redis's format descriptions.
#include "redis_ziplist.h"

#include <charconv>
#include <cstdint>

namespace mini_redis {

namespace {

uint64_t loadLE(const unsigned char* p, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
    return v;
}

}  // namespace

// Layout: [uint32 bytes][uint32 tail offset][uint16 count][entries][0xFF]; an entry is
// [previous entry's length: 1 byte, or 0xFE + uint32][encoding][data].
bool RedisZiplist::parse(std::string_view bytes, const std::function<bool(std::string_view)>& fn,
                         std::string& error) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const size_t size = bytes.size();
    if (size < 11 || loadLE(p, 4) != size) {
        error = "ziplist header does not match its length";
        return false;
    }
    size_t pos = 10;
    char text[24];
    auto bad = [&](const char* what) {
        error = std::string("ziplist ") + what + " at byte " + std::to_string(pos);
        return false;
    };
    while (true) {
        if (pos >= size) return bad("has no terminator");
        if (p[pos] == 0xFF) break;
        size_t q = pos;
        if (p[q] == 0xFE) {
            if (size - q < 5) return bad("prevlen runs past its end");
            q += 5;
        } else {
            q += 1;
        }
        if (q >= size) return bad("entry runs past its end");
        const unsigned char b = p[q];
        std::string_view v;
        size_t len = 0, head = 1;
        bool is_int = false;
        int64_t iv = 0;
        const size_t left = size - q;
        switch (b >> 6) {
            case 0:
                len = b & 0x3f;
                break;
            case 1:
                if (left < 2) return bad("entry runs past its end");
                head = 2, len = ((b & 0x3fu) << 8) | p[q + 1];
                break;
            case 2:
                if (left < 5) return bad("entry runs past its end");
                head = 5;
                len = (size_t{p[q + 1]} << 24) | (size_t{p[q + 2]} << 16) |
                      (size_t{p[q + 3]} << 8) | p[q + 4];
                break;
            default: {
                is_int = true;
                size_t n = 0;
                if (b == 0xC0)
                    n = 2;
                else if (b == 0xD0)
                    n = 4;
                else if (b == 0xE0)
                    n = 8;
                else if (b == 0xF0)
                    n = 3;
                else if (b == 0xFE)
                    n = 1;
                else if (b >= 0xF1 && b <= 0xFD)
                    iv = (b & 0x0f) - 1;
                else
                    return bad("entry with an unknown encoding");
                if (left < 1 + n) return bad("entry runs past its end");
                if (n > 0) {
                    uint64_t u = loadLE(p + q + 1, n);
                    if (n < 8 && (u & (uint64_t{1} << (8 * n - 1)))) u |= ~uint64_t{0} << (8 * n);
                    iv = static_cast<int64_t>(u);
                }
                head = 1 + n;
            }
        }
        if (head > left || len > left - head) return bad("entry runs past its end");
        if (is_int) {
            auto [end, ec] = std::to_chars(text, text + sizeof text, iv);
            (void)ec;
            v = std::string_view(text, static_cast<size_t>(end - text));
        } else {
            v = std::string_view(reinterpret_cast<const char*>(p + q + head), len);
        }
        if (!fn(v)) {
            error.clear();
            return false;
        }
        pos = q + head + len;
    }
    if (pos + 1 != size) return bad("has bytes after its terminator");
    return true;
}

// Layout: [count byte][key len][key][value len][free byte][value][free bytes]...[0xFF]; a
// length is one byte below 254, else 254 + uint32.
bool RedisZiplist::parseZipmap(std::string_view bytes,
                               const std::function<bool(std::string_view)>& fn,
                               std::string& error) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const size_t size = bytes.size();
    size_t pos = 1;
    auto bad = [&] {
        error = "zipmap malformed at byte " + std::to_string(pos);
        return false;
    };
    auto readLen = [&](size_t& out) {
        if (pos >= size) return false;
        if (p[pos] < 254) {
            out = p[pos++];
            return true;
        }
        if (p[pos] != 254 || size - pos < 5) return false;
        out = loadLE(p + pos + 1, 4);
        pos += 5;
        return true;
    };
    if (size < 2) return bad();
    while (true) {
        if (pos >= size) return bad();
        if (p[pos] == 0xFF) break;
        size_t klen, vlen;
        if (!readLen(klen) || klen > size - pos) return bad();
        std::string_view key(reinterpret_cast<const char*>(p + pos), klen);
        pos += klen;
        if (!readLen(vlen) || pos >= size) return bad();
        const size_t free = p[pos++];
        if (vlen > size - pos || free > size - pos - vlen) return bad();
        std::string_view value(reinterpret_cast<const char*>(p + pos), vlen);
        pos += vlen + free;
        if (!fn(key) || !fn(value)) {
            error.clear();
            return false;
        }
    }
    if (pos + 1 != size) return bad();
    return true;
}

}  // namespace mini_redis
