// The reactor's RDB snapshots: SAVE, BGSAVE (through ChildProcess), LASTSAVE, the save points
// checked by the cron, the save at shutdown, the start-up load, and the status INFO shows.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "child_process.h"
#include "config.h"
#include "rdb_format.h"
#include "rdb_status.h"
#include "store.h"

namespace mini_redis {

// Reactor thread only.
class RdbService {
  public:
    enum class BgsaveResult {
        Started,     // "+Background saving started"
        Scheduled,   // "+Background saving scheduled" (another child runs; SCHEDULE given)
        InProgress,  // a BGSAVE runs already
        OtherChild,  // another child (the AOF rewrite) runs and SCHEDULE was not given
        Failed,      // fork failed (error set)
    };

    RdbService(Store& store, ChildProcess& child, RdbStatus& status)
        : store_(store), child_(child), status_(status) {}

    // Start-up (the file itself is loaded by StartupLoader): the status before loading, and
    // once the dataset is in (rdb_last_load_keys_loaded, nothing unsaved).
    void startupStatus();
    void loadedStatus();

    // SAVE: writes the snapshot in the foreground with every shard locked. Empty on success.
    std::string save(const Config& config);
    // `in_exec`: asked inside EXEC, where Redis only schedules it.
    BgsaveResult bgsave(const Config& config, bool schedule, std::string* error,
                        bool in_exec = false);
    // Stops a running BGSAVE child and removes its temp file (shutdown without a save).
    void abortBgsave(const Config& config);
    // The cron (every 100 ms): a scheduled BGSAVE once no child runs, and the save points;
    // nothing while the dataset loads.
    void cron(const Config& config);
    // SHUTDOWN / SIGTERM: stops a running BGSAVE (its temp file removed) and saves in the
    // foreground; while the dataset loads it saves nothing (the files on disk hold more than
    // the store). Empty on success.
    std::string saveForShutdown(const Config& config);
    // Writes since the last successful save (rdb_changes_since_last_save).
    uint64_t dirty() const;
    const RdbStatus& status() const { return status_; }

    static std::string path(const Config& config) { return config.dir + "/" + config.dbfilename; }

  private:
    // Writes the snapshot to a temp file in the target's directory, fsyncs it, renames it over
    // the target and fsyncs the directory. Called in the child and by SAVE (shards held).
    static bool writeFile(Store& store, const std::string& dir, const std::string& target,
                          const RdbOptions& opts, std::string* error);
    void bgsaveDone(bool ok, int status, uint64_t changes_at_fork, int64_t started);

    Store& store_;
    ChildProcess& child_;
    RdbStatus& status_;
    bool scheduled_ = false;
    int64_t last_try_unix_ = 0;  // the last BGSAVE attempt (a failed one is retried after 5 s)
};

}  // namespace mini_redis
