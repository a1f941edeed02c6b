// Runs a batch of requests against the store: lookup, arity check, handler, in order.
#pragma once

#include "batch.h"
#include "lock_scope.h"
#include "reply.h"
#include "client_directory.h"
#include "command_table.h"
#include "server_stats.h"
#include "shared_config.h"
#include "slow_log.h"
#include "store.h"

namespace mini_redis {

struct CommandContext;

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
    // Stops at a blocking command that found nothing (batch.block set, `executed` left
    // pointing at it); batch.retrying runs that command again as a retry.
    void run(Batch& batch, WorkerStats& worker_stats, ClientDirectory* clients = nullptr) const;

    SlowLog& slowlog() const { return slowlog_; }

    // Whether write commands get -MISCONF now (Redis's writeCommandsDeniedByDiskError for RDB).
    bool writesDeniedByDiskError(const Config& config) const {
        return config.stop_writes_on_bgsave_error && !config.save.empty() &&
               !stats_.rdb.last_bgsave_ok.load(std::memory_order_relaxed);
    }
    // MISCONF's text when writes are refused for a disk error (the RDB's first, as Redis
    // checks), else empty.
    std::string diskErrorText(const Config& config) const;

    // EXEC: runs the transaction's queued requests in one scope over all their keys (every
    // shard if one of them walks the keyspace) and the watched keys, one reply each, unless a
    // watched key changed. The caller (EXEC's handler) has checked MULTI and EXECABORT.
    void execQueued(CommandContext& ctx) const;

  private:
    // Runs one request's handler in `scope` and records it in the slow log. Returns whether
    // the connection must close after it (QUIT).
    bool invoke(const CommandSpec& spec, std::span<const std::string_view> argv,
                LockScope& scope, Reply& reply, ClientSession& session,
                std::unique_ptr<Transaction>& tx, const Config& config,
                WorkerStats& worker_stats, ClientDirectory* clients, BlockRequest* block = nullptr,
                bool retrying = false) const;

    // CLIENT TRACKING: remembers the keys a tracking client's read-only command named.
    void trackKeys(const CommandSpec& spec, std::span<const std::string_view> argv,
                   LockScope& scope, const ClientSession& session, int8_t caching) const;

    const CommandTable& table_;
    Store& store_;
    SharedConfig& config_;
    ServerStats& stats_;
    mutable SlowLog slowlog_;
};

}  // namespace mini_redis
