// The bridge to the RDB loader: compiled against rdb_loader.h when the tree has it.
#include "rdb_base.h"

#if __has_include("rdb_loader.h")
#include "rdb_loader.h"
#define MINI_REDIS_HAVE_RDB_LOADER 1
#else
#define MINI_REDIS_HAVE_RDB_LOADER 0
#endif

namespace mini_redis {

namespace {
[[maybe_unused]] constexpr const char* kNoRdb =
    "RDB base not supported yet (this build has no RDB loader)";
}  // namespace

bool rdbLoaderAvailable() {
    return MINI_REDIS_HAVE_RDB_LOADER != 0;
}

bool loadRdbBase(std::string_view bytes, Store& store, const LoadProgress& progress,
                 std::string* error) {
#if MINI_REDIS_HAVE_RDB_LOADER
    RdbLoadResult r = loadRdbBytes(bytes, store, progress);
    if (!r.ok && error) *error = r.error;
    return r.ok;
#else
    (void)bytes, (void)store, (void)progress;
    if (error) *error = kNoRdb;
    return false;
#endif
}

bool loadRdbPath(const std::string& path, Store& store, const LoadProgress& progress,
                 std::string* error) {
#if MINI_REDIS_HAVE_RDB_LOADER
    RdbLoadResult r = loadRdbFile(path, store, progress);
    if (!r.ok && error) *error = r.error;
    return r.ok;
#else
    (void)path, (void)store, (void)progress;
    if (error) *error = kNoRdb;
    return false;
#endif
}

}  // namespace mini_redis
