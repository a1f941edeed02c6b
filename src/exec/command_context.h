// What a command handler gets: its arguments, the store, a reply to write, the session.
#pragma once

#include <span>
#include <string_view>

#include "block_request.h"
#include "client_directory.h"
#include "client_session.h"
#include "command_table.h"
#include "config.h"
#include "reply.h"
#include "server_stats.h"
#include "shared_config.h"
#include "slow_log.h"
#include "lock_scope.h"
#include "store.h"
#include "transaction.h"

namespace mini_redis {

class CommandExecutor;

// Lives on a worker's stack for one request. Handlers parse argv (the name is argv[0]), call
// store operations, and turn their status into exactly one reply.
struct CommandContext {
    std::span<const std::string_view> argv;
    const CommandSpec& spec;
    Store& store;
    Reply& reply;
    ClientSession& session;
    const Config& config;  // snapshot taken for this batch
    SharedConfig& shared_config;
    ServerStats& stats;
    WorkerStats& worker_stats;
    const CommandTable& table;
    SlowLog& slowlog;
    ClientDirectory* clients;  // non-null only for kCmdReactor commands, on the reactor
    // Holds the shards of every key of this command (or of the whole EXEC); empty for
    // kCmdKeyspace commands outside EXEC. Every key operation goes through it.
    LockScope& scope;
    // The connection's MULTI/WATCH state; null until it first uses either.
    std::unique_ptr<Transaction>& tx;
    const CommandExecutor& executor;
    bool close_after = false;  // set by QUIT: nothing after it runs, the connection closes
    // Where a blocking command that found nothing asks to wait (blockOn()); null inside
    // EXEC, where it answers at once as Redis does.
    BlockRequest* block = nullptr;
    // The command is a blocked one tried again (Batch::retrying).
    bool retrying = false;

    int db() const { return session.db; }
};

}  // namespace mini_redis
