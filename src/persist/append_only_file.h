// The append-only file's life on the reactor: opened once start-up loading is done, turned on
// and off by CONFIG SET appendonly, rewritten in a forked child (BGREWRITEAOF, the growth
// rule), closed at shutdown; and what INFO persistence says about it.
#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "aof_directory.h"
#include "aof_log.h"
#include "aof_status.h"
#include "child_process.h"
#include "config.h"
#include "store.h"

namespace mini_redis {

// Reactor thread only (the AofLog it owns has its own writer thread).
//
// REWRITE RULE (a crash at any point leaves a directory that loads the same data):
//  1. With every shard locked, a new incr file is created and a manifest naming it (next to
//     the old base and incrs) is persisted; the log switches to it; the child is forked.
//     Every record appended before the switch is of a write the child's snapshot holds;
//     every one after it goes to the new incr.
//  2. The child writes the snapshot as an RDB-format base (Redis's aof-use-rdb-preamble) to
//     a temp file and syncs it.
//  3. On the child's success, AofDirectory::installRewrite() renames it to the next base
//     and persists a manifest of that base and the new incr (the old files become history,
//     then are deleted). On failure the temp file goes, and the directory stays as step 1
//     left it, which loads the same data.
class AppendOnlyFile {
  public:
    // `status` is what INFO persistence reads (kept current here).
    AppendOnlyFile(Store& store, ChildProcess& child, AofStatus& status);
    ~AppendOnlyFile();
    AppendOnlyFile(const AppendOnlyFile&) = delete;
    AppendOnlyFile& operator=(const AppendOnlyFile&) = delete;

    // Called on the writer thread after each sync under appendfsync always (the server
    // posts the reply release to the loop). Set before open().
    void setSyncedCallback(std::function<void()> cb) { synced_cb_ = std::move(cb); }

    // Start-up, once loading is done: when appendonly is on, opens dir/appenddirname (its
    // manifest, already read by the loader or new) and starts recording into a new incr
    // file; a directory with no base gets one by a rewrite. Returns an error text.
    std::string open(const Config& config);
    // A config change (CONFIG SET, SIGHUP): appendonly on (a rewrite makes the base, writes
    // are recorded from now on) or off (everything is synced, the file closed), appendfsync.
    // Returns an error text (for CONFIG SET).
    std::string apply(const Config& config);
    // BGREWRITEAOF. `held`: the caller's scope when it holds every shard already. Returns
    // "" when started, else the reason (already running).
    std::string rewrite(LockScope* held = nullptr);
    // Once a second: the automatic rewrite (auto-aof-rewrite-percentage/min-size), and a
    // rewrite that was scheduled while another child ran.
    void cron(const Config& config);
    // Shutdown: every record written and synced, the file closed. False if that failed.
    bool close();

    bool enabled() const { return enabled_; }
    AofLog& log() { return log_; }
    // Asks for a rewrite as soon as no child runs (BGREWRITEAOF while a BGSAVE runs).
    void schedule() { scheduled_ = true; }
    bool rewriting() const { return child_.running() && child_.purpose() == ChildProcess::Purpose::Aof; }
    bool scheduled() const { return scheduled_; }
    // Another child (a BGSAVE) runs: a rewrite now would be scheduled.
    bool childRunning() const { return child_.running(); }

  private:
    // Start-up: starts recording into the last incr file (or a new one). False on error.
    bool startLogging(std::string* error);
    // Publishes the rewrite state to status_.
    void publish();
    void rewriteDone(bool ok, const std::string& temp_path, int64_t started_ms);
    FsyncPolicy policyOf(const Config& config) const;

    Store& store_;
    ChildProcess& child_;
    AofStatus& status_;
    std::function<void()> synced_cb_;
    AofLog log_;
    std::unique_ptr<AofDirectory> dir_;
    std::string dir_path_;       // dir/appenddirname, as opened
    FsyncPolicy policy_ = FsyncPolicy::EverySec;
    bool enabled_ = false;       // appendonly, as applied
    bool scheduled_ = false;     // a rewrite waits for the running child
    uint64_t consecutive_failures_ = 0;
    uint64_t base_size_ = 0;            // the base file's size after the last rewrite
    int64_t fail_backoff_from_ms_ = 0;  // an automatic rewrite failed then
    int64_t apply_retry_ms_ = 0;        // turning on failed: not tried again before this
};

}  // namespace mini_redis
