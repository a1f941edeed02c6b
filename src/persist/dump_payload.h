// DUMP's payload: one value in RDB serialization, then the RDB version (2 bytes) and a
// CRC-64 of everything before it (8 bytes), both little-endian, as Redis 7.0 frames it.
#pragma once

#include <string>
#include <string_view>

#include "key_table.h"
#include "value_codec.h"

namespace mini_redis {

// Any thread; stateless. The entry is read under its shard's lock (the caller's scope).
class DumpPayload {
  public:
    static std::string make(const KeyTable::Entry* e);
    // Whether the footer is sound: long enough, a version we read, a matching checksum.
    static bool verify(std::string_view payload);
    // Reads the value of a verified payload; false when it is malformed ("Bad data format").
    static bool read(std::string_view payload, const CollectionLimits& limits, DecodedValue& out);
};

}  // namespace mini_redis
