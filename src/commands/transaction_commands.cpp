// The transaction family: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
#include "command_context.h"
#include "command_executor.h"
#include "errors.h"

namespace mini_redis {

namespace {

Transaction& txOf(CommandContext& ctx) {
    if (!ctx.tx) ctx.tx = std::make_unique<Transaction>(ctx.store);
    return *ctx.tx;
}

void multiCommand(CommandContext& ctx) {
    Transaction& tx = txOf(ctx);
    if (tx.inMulti()) {
        ctx.reply.error(errors::kMultiNested);
        return;
    }
    tx.begin();
    ctx.reply.ok();
}

void execCommand(CommandContext& ctx) {
    if (!ctx.tx || !ctx.tx->inMulti()) {
        ctx.reply.error(errors::kExecWithoutMulti);
        return;
    }
    if (ctx.tx->aborted()) {
        ctx.tx->reset();
        ctx.reply.error(errors::kExecAbort);
        return;
    }
    ctx.executor.execQueued(ctx);
}

void discardCommand(CommandContext& ctx) {
    if (!ctx.tx || !ctx.tx->inMulti()) {
        ctx.reply.error(errors::kDiscardWithoutMulti);
        return;
    }
    ctx.tx->reset();
    ctx.reply.ok();
}

void watchCommand(CommandContext& ctx) {
    if (ctx.tx && ctx.tx->inMulti()) {
        ctx.reply.error(errors::kWatchInMulti);
        return;
    }
    Transaction& tx = txOf(ctx);
    for (size_t i = 1; i < ctx.argv.size(); ++i) tx.watch(ctx.scope, ctx.db(), ctx.argv[i]);
    ctx.reply.ok();
}

void unwatchCommand(CommandContext& ctx) {
    // Inside EXEC the scope already holds every watched key's shard (locking them again from
    // this thread would deadlock); outside, UNWATCH has no keys and its scope holds nothing.
    if (ctx.tx) ctx.tx->unwatchAll(ctx.scope.holdsNothing() ? nullptr : &ctx.scope);
    ctx.reply.ok();
}

}  // namespace

void registerTransactionCommands(CommandTable& t) {
    constexpr uint32_t kTx = kCmdFast | kCmdLoading | kCmdStale;
    t.add({"multi", 1, kTx | kCmdNoQueue, 0, 0, 0, multiCommand, "transactions", "",
           "Mark the start of a transaction block"});
    t.add({"exec", 1, kCmdLoading | kCmdStale | kCmdNoQueue, 0, 0, 0, execCommand,
           "transactions", "", "Execute all commands issued after MULTI"});
    t.add({"discard", 1, kTx | kCmdNoQueue, 0, 0, 0, discardCommand, "transactions", "",
           "Discard all commands issued after MULTI"});
    t.add({"watch", -2, kTx | kCmdNoQueue, 1, -1, 1, watchCommand, "transactions", "key [key ...]",
           "Watch the given keys to determine execution of the MULTI/EXEC block"});
    t.add({"unwatch", 1, kTx, 0, 0, 0, unwatchCommand, "transactions", "",
           "Forget about all watched keys"});
}

}  // namespace mini_redis
