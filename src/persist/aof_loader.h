// Replays an AOF directory (base, then incr files in manifest order) through the real command
// executor, so that replay does exactly what the original commands did.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "aof_directory.h"
#include "command_executor.h"
#include "command_table.h"
#include "server_stats.h"
#include "store.h"
#include "value_codec.h"

namespace mini_redis {

struct AofLoadResult {
    bool ok = false;
    // One line naming the file and the offset (the server prints it and exits non-zero).
    std::string error;
    bool found = false;  // there was an AOF (else nothing was loaded)
    uint64_t commands = 0;
    bool truncated = false;  // a torn tail was cut off (aof-load-truncated)
};

// The loader's thread only (one at a time); the store must be empty and `progress.active`
// set, so that nothing but the replay changes it meanwhile (clients get -LOADING).
class AofLoader {
  public:
    AofLoader(const CommandTable& table, const CommandExecutor& executor, Store& store,
              LoadingStats& progress)
        : table_(table), executor_(executor), store_(store), progress_(progress) {}

    // Reads the manifest of `dir` (upgrading from `legacy_path`, the old single AOF, when
    // there is no manifest, as Redis 7.0 does) and replays every base and incr file in order.
    // A torn tail of the last file is cut off when `load_truncated` (a warning names the file
    // and offset and the file is truncated there), else it is an error; a torn tail of any
    // other file, corruption anywhere, an unknown command, a file the manifest names that is
    // missing: an error naming the file (and the offset).
    AofLoadResult load(AofDirectory& dir, const std::string& legacy_path, bool load_truncated);

    // Checked between batches: once set, load() stops with an error (a shutdown during
    // loading need not wait for the whole file).
    void setCancel(const std::atomic<bool>* cancel) { cancel_ = cancel; }
    // The encodings an RDB-preamble base's collections are built under (the configuration's).
    void setLimits(const CollectionLimits& limits) { limits_ = limits; }

  private:
    // Replays one file; `done_before` is the byte count of the files already loaded.
    bool replayFile(const std::string& path, const std::string& name, bool last,
                    bool load_truncated, uint64_t done_before, AofLoadResult& result);
    // Runs the batch's commands to the end (replies dropped), then empties it.
    void flush(Batch& batch);

    const CommandTable& table_;
    const CommandExecutor& executor_;
    Store& store_;
    LoadingStats& progress_;
    WorkerStats stats_;  // the replay's own counters: loading is not counted in INFO
    const std::atomic<bool>* cancel_ = nullptr;
    CollectionLimits limits_;
};

}  // namespace mini_redis
