// Table-driven CRC-64/Jones, slicing by 8 (Redis writes one over every byte of an RDB file).
#include "crc64.h"

#include <array>
#include <cstring>

namespace mini_redis {

namespace {

// 0xad93d23594c935a9 with its bits reversed: the reflected form of Jones's polynomial.
constexpr uint64_t kReflectedPoly = 0x95ac9329ac4bc9b5ULL;

struct Tables {
    std::array<std::array<uint64_t, 256>, 8> t{};
    Tables() {
        for (uint64_t i = 0; i < 256; ++i) {
            uint64_t crc = i;
            for (int k = 0; k < 8; ++k) crc = (crc & 1) ? (crc >> 1) ^ kReflectedPoly : crc >> 1;
            t[0][i] = crc;
        }
        for (size_t i = 0; i < 256; ++i) {
            for (size_t s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
        }
    }
};

const Tables& tables() {
    static const Tables tables;
    return tables;
}

}  // namespace

uint64_t Crc64::update(uint64_t crc, const void* data, size_t len) {
    const auto& t = tables().t;
    const auto* p = static_cast<const unsigned char*>(data);
    while (len >= 8) {
        uint64_t word;
        std::memcpy(&word, p, 8);  // little-endian hosts only (x86-64, arm64)
        crc ^= word;
        crc = t[7][crc & 0xff] ^ t[6][(crc >> 8) & 0xff] ^ t[5][(crc >> 16) & 0xff] ^
              t[4][(crc >> 24) & 0xff] ^ t[3][(crc >> 32) & 0xff] ^ t[2][(crc >> 40) & 0xff] ^
              t[1][(crc >> 48) & 0xff] ^ t[0][crc >> 56];
        p += 8;
        len -= 8;
    }
    while (len-- > 0) crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return crc;
}

}  // namespace mini_redis
