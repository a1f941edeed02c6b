// Writes a whole RDB snapshot (Redis 7.0, version 10) of a store to a file descriptor.
#pragma once

#include <string>

#include "rdb_format.h"
#include "store.h"

namespace mini_redis {

// Takes no lock: the caller holds every shard (SAVE: a LockScope after lockAll()) or is a
// child forked while the parent held them all (BGSAVE). Writes header, AUX fields, each
// non-empty database (SELECTDB, RESIZEDB, keys with their expiry times), EOF and the CRC-64
// (8 zero bytes when opts.checksum is off). False with `error` set on a write failure.
bool writeRdb(int fd, Store& store, const RdbOptions& opts, std::string* error);

// The same snapshot into memory (tests, and the AOF's RDB preamble if it wants it).
std::string rdbBytes(Store& store, const RdbOptions& opts);

}  // namespace mini_redis
