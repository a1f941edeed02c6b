// Runs a batch of requests against the store: lookup, arity check, handler, in order.
#pragma once

#include "batch.h"
#include "command_table.h"
#include "server_stats.h"
#include "shared_config.h"
#include "store.h"

namespace mini_redis {

// Any thread; holds no state of its own between batches, so workers share one.
class CommandExecutor {
public:
    CommandExecutor(const CommandTable& table, Store& store, SharedConfig& config,
                    ServerStats& stats)
        : table_(table), store_(store), config_(config), stats_(stats) {}

    // Runs every request of the batch in order, appending one reply each to batch.reply.
    // Stops after QUIT (batch.close_after).
    void run(Batch& batch, WorkerStats& worker_stats) const;

private:
    const CommandTable& table_;
    Store& store_;
    SharedConfig& config_;
    ServerStats& stats_;
};

}  // namespace mini_redis
