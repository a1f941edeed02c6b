// The value serialization shared by RDB files and DUMP/RESTORE: one writer and one reader per
// type, converting between our in-memory forms and Redis 7.0's byte forms.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "hash_value.h"
#include "key_table.h"
#include "rdb_decoder.h"
#include "rdb_encoder.h"
#include "zset_value.h"

namespace mini_redis {

struct Config;

// The compact-form limits a loaded value is built under (the running configuration's), so
// that OBJECT ENCODING after a round trip matches what the same settings give in Redis.
struct CollectionLimits {
    int64_t list_fill = -2;  // list-max-listpack-size
    HashLimits hash;
    int64_t set_max_intset_entries = 512;
    ZSetValue::Limits zset;
    static CollectionLimits fromConfig(const Config& c);
};

// A value read back: a string, or a collection of `type`.
struct DecodedValue {
    ValueType type = ValueType::String;
    std::string str;
    std::unique_ptr<Collection> coll;
};

// Any thread; stateless. The writer reads the entry without locking: the caller holds its
// shard (or is a forked child of the thread that did).
class ValueCodec {
  public:
    // The RDB type byte a value is written with (following its in-memory encoding).
    static uint8_t rdbType(const KeyTable::Entry* e);
    // The value's serialization (after the type byte and, in a file, the key).
    static void write(const KeyTable::Entry* e, RdbEncoder& enc);
    // Reads a value of RDB type `type`. False with the decoder's error set when it is
    // malformed or of a type we do not load (streams, modules: named in the error). An empty
    // collection is returned as a null `coll` (the caller skips the key, as Redis does).
    static bool read(uint8_t type, RdbDecoder& dec, const CollectionLimits& limits,
                     DecodedValue& out);
};

}  // namespace mini_redis
