// Loads an RDB file (versions 1 to 10, as Redis 7.0 reads them) into an empty store.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "store.h"
#include "value_codec.h"

namespace mini_redis {

struct RdbLoadResult {
    bool ok = false;
    std::string error;      // what is wrong and at which byte offset
    uint64_t keys = 0;      // keys loaded (expired ones skipped, as Redis does on a master)
    uint64_t consumed = 0;  // bytes the RDB took, through its checksum (when ok)
};

// What may follow the RDB's EOF opcode and checksum: nothing (a dump.rdb), or an AOF tail (an
// AOF file written with the RDB preamble, whose later commands follow the snapshot).
enum class RdbTrailing { Refuse, Allow };

// Called about every MiB read: false stops the load there (an error: "interrupted").
using RdbProgress = std::function<bool(uint64_t done_bytes, uint64_t total_bytes)>;

// Any thread (start-up, or a loading thread); keys go in through LockScopes of their own. The
// loader never reads past the input: a truncated or corrupt file gives an error naming the
// offset, a stream or module value an error naming its type. Collections are built under
// `limits` (the running configuration's, so encodings come out as Redis's would).
RdbLoadResult loadRdbFile(const std::string& path, Store& store, const RdbProgress& progress,
                          const CollectionLimits& limits = CollectionLimits());
RdbLoadResult loadRdbBytes(std::string_view bytes, Store& store, const RdbProgress& progress,
                           const CollectionLimits& limits = CollectionLimits(),
                           RdbTrailing trailing = RdbTrailing::Refuse);

}  // namespace mini_redis
