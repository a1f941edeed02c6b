// The one place start-up loading calls the RDB loader (rdb_loader.h, the RDB part of issue 11):
// an AOF base written with the RDB preamble, and dir/dbfilename when appendonly is off. Until
// that loader is in the tree, both report that RDB loading is not supported yet.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "store.h"

namespace mini_redis {

using LoadProgress = std::function<void(uint64_t done_bytes, uint64_t total_bytes)>;

// Whether this build can load RDB files at all.
bool rdbLoaderAvailable();

// Loads an RDB image (a whole file's bytes) into `store`. False with `*error` on failure.
bool loadRdbBase(std::string_view bytes, Store& store, const LoadProgress& progress,
                 std::string* error);

// Loads the RDB file at `path` into `store`. False with `*error` on failure.
bool loadRdbPath(const std::string& path, Store& store, const LoadProgress& progress,
                 std::string* error);

}  // namespace mini_redis
