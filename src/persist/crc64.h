// Redis's CRC-64 (Jones polynomial, reflected, no final xor): the checksum of RDB files and of
// DUMP payloads.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mini_redis {

// Any thread (the table is built once, thread-safely). crc64(0, "123456789") == 0xe9c6d914c4b8d9ca.
class Crc64 {
  public:
    // Continues `crc` over `len` bytes (start with 0).
    static uint64_t update(uint64_t crc, const void* data, size_t len);
};

}  // namespace mini_redis
