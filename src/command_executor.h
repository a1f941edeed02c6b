// Runs a batch of requests against the store: lookup, arity check, handler, in order.
#pragma once

#include "batch.h"
#include "client_directory.h"
#include "command_table.h"
#include "server_stats.h"
#include "shared_config.h"
#include "slow_log.h"
#include "store.h"

namespace mini_redis {

// Any thread; holds no state of its own between batches, so workers share one.
class CommandExecutor {
  public:
    CommandExecutor(const CommandTable& table, Store& store, SharedConfig& config,
                    ServerStats& stats)
        : table_(table), store_(store), config_(config), stats_(stats) {}

    // A pass stops once this many reply bytes are waiting, so one batch of GETs cannot build
    // an unbounded reply; the rest runs in a later pass (Batch::unfinished()).
    static constexpr size_t kReplyChunkBytes = 4 * 1024 * 1024;

    // Runs the batch's requests in order from batch.executed on, appending one reply each.
    // Stops after QUIT (batch.close_after).
    // Commands flagged kCmdReactor get `clients` (the reactor passes itself); workers never
    // run them (the reactor keeps them out of batches).
    // Stops early, setting batch.overflow, once the replies pass the output hard limit.
    void run(Batch& batch, WorkerStats& worker_stats, ClientDirectory* clients = nullptr) const;

    SlowLog& slowlog() const { return slowlog_; }

  private:
    const CommandTable& table_;
    Store& store_;
    SharedConfig& config_;
    ServerStats& stats_;
    mutable SlowLog slowlog_;
};

}  // namespace mini_redis
