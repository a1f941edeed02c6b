// The varint length encodings shared by the packed forms (Listpack, FieldTable's pair blocks).
#pragma once

#include <cstddef>

namespace mini_redis::varint {

// Any thread (pure functions). Callers guarantee the buffer holds the bytes read or written:
// at most size(n) bytes, which is 10 for a 64-bit size_t.

// Bytes the varint for `n` takes, forwards or backwards.
inline size_t size(size_t n) {
    size_t bytes = 1;
    while (n >= 0x80) {
        n >>= 7;
        ++bytes;
    }
    return bytes;
}

// Forward varint: 7 bits per byte, low bits first, high bit = more follows. Returns its size.
inline size_t put(char* at, size_t n) {
    size_t i = 0;
    while (n >= 0x80) {
        at[i++] = static_cast<char>((n & 0x7f) | 0x80);
        n >>= 7;
    }
    at[i++] = static_cast<char>(n);
    return i;
}

// Reads the forward varint at `at` into `n`; returns its size.
inline size_t get(const char* at, size_t& n) {
    n = 0;
    size_t i = 0;
    int shift = 0;
    while (true) {
        auto b = static_cast<unsigned char>(at[i++]);
        n |= static_cast<size_t>(b & 0x7f) << shift;
        if ((b & 0x80) == 0) return i;
        shift += 7;
    }
}

// Backward varint: written so that reading from its last byte towards the start gives low bits
// first; the high bit of a byte says another byte precedes it. Returns its size.
inline size_t putBack(char* at, size_t n) {
    const size_t len = size(n);
    for (size_t i = 0; i < len; ++i) {
        auto b = static_cast<unsigned char>(n & 0x7f);
        n >>= 7;
        if (i + 1 < len) b |= 0x80;
        at[len - 1 - i] = static_cast<char>(b);
    }
    return len;
}

// Reads the back varint that ends just before `end`; returns the value and sets `bytes` to
// its size.
inline size_t getBack(const char* end, size_t& bytes) {
    size_t n = 0;
    int shift = 0;
    bytes = 0;
    while (true) {
        auto b = static_cast<unsigned char>(*(end - 1 - bytes));
        ++bytes;
        n |= static_cast<size_t>(b & 0x7f) << shift;
        if ((b & 0x80) == 0) return n;
        shift += 7;
    }
}

}  // namespace mini_redis::varint
