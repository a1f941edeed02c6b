// SAVE, BGSAVE, LASTSAVE and SHUTDOWN (registered with the server family): the handlers parse
// and reply; RdbService (persist/) does the saving. Replies and errors are Redis 7.0's.
#include <string>

#include "command_args.h"
#include "command_context.h"
#include "errors.h"
#include "append_only_file.h"
#include "rdb_service.h"

namespace mini_redis {

namespace {

void saveCommand(CommandContext& ctx) {
    RdbService* rdb = ctx.clients ? ctx.clients->rdbService() : nullptr;
    if (rdb == nullptr) return ctx.reply.error("ERR");
    std::string err = rdb->save(ctx.config);
    if (!err.empty()) return ctx.reply.error(err);
    ctx.reply.ok();
}

// BGSAVE [SCHEDULE]. Inside EXEC it is only scheduled, as in Redis (no fork mid-transaction).
void bgsaveCommand(CommandContext& ctx) {
    bool schedule = false;
    if (ctx.argv.size() > 1) {
        if (ctx.argv.size() > 2 || !equalsNoCase(ctx.argv[1], "schedule")) {
            return ctx.reply.error(errors::kSyntax);
        }
        schedule = true;
    }
    RdbService* rdb = ctx.clients ? ctx.clients->rdbService() : nullptr;
    if (rdb == nullptr) return ctx.reply.error("ERR");
    const bool in_exec = ctx.tx && ctx.tx->inMulti();
    std::string err;
    switch (rdb->bgsave(ctx.config, schedule, &err, in_exec)) {
        case RdbService::BgsaveResult::Started:
            return ctx.reply.simple("Background saving started");
        case RdbService::BgsaveResult::Scheduled:
            return ctx.reply.simple("Background saving scheduled");
        case RdbService::BgsaveResult::InProgress:
            return ctx.reply.error(errors::kBgsaveInProgress);
        case RdbService::BgsaveResult::OtherChild:
            return ctx.reply.error(errors::kBgsaveOtherChild);
        case RdbService::BgsaveResult::Failed:
            return ctx.reply.error("ERR");
    }
}

// BGREWRITEAOF: Redis 7.0's replies. While another child (a BGSAVE) runs, or inside EXEC,
// the rewrite is scheduled for when it can fork.
void bgrewriteaofCommand(CommandContext& ctx) {
    AppendOnlyFile* aof = ctx.clients ? ctx.clients->appendOnlyFile() : nullptr;
    if (aof == nullptr || !aof->enabled()) {
        return ctx.reply.error(errors::kBgrewriteAofOff);
    }
    if (aof->rewriting()) return ctx.reply.error(errors::kBgrewriteInProgress);
    const bool in_exec = ctx.tx && ctx.tx->inMulti();
    if (in_exec || aof->childRunning()) {
        aof->schedule();
        return ctx.reply.simple("Background append only file rewriting scheduled");
    }
    std::string err = aof->rewrite();
    if (!err.empty()) return ctx.reply.error(errors::kBgrewriteFailed);
    ctx.reply.simple("Background append only file rewriting started");
}

void lastsaveCommand(CommandContext& ctx) {
    ctx.reply.integer(ctx.stats.rdb.last_save_unix.load(std::memory_order_relaxed));
}

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. There are no replicas to wait for, so NOW
// changes nothing and no shutdown is ever pending for ABORT. On success nothing is answered:
// the connection closes and the server shuts down.
void shutdownCommand(CommandContext& ctx) {
    bool save = false, nosave = false, force = false, abort = false;
    for (size_t i = 1; i < ctx.argv.size(); ++i) {
        if (equalsNoCase(ctx.argv[i], "nosave")) {
            nosave = true;
        } else if (equalsNoCase(ctx.argv[i], "save")) {
            save = true;
        } else if (equalsNoCase(ctx.argv[i], "now")) {
        } else if (equalsNoCase(ctx.argv[i], "force")) {
            force = true;
        } else if (equalsNoCase(ctx.argv[i], "abort")) {
            abort = true;
        } else {
            return ctx.reply.error(errors::kSyntax);
        }
    }
    if ((save && nosave) || (abort && ctx.argv.size() > 2)) return ctx.reply.error(errors::kSyntax);
    if (abort) return ctx.reply.error(errors::kNoShutdownInProgress);
    RdbService* rdb = ctx.clients ? ctx.clients->rdbService() : nullptr;
    if (rdb == nullptr) return ctx.reply.error(errors::kShutdownErrors);
    const bool want_save = save || (!nosave && !ctx.config.save.empty());
    if (want_save) {
        if (!rdb->saveForShutdown(ctx.config).empty() && !force) {
            return ctx.reply.error(errors::kShutdownErrors);
        }
    } else {
        rdb->abortBgsave(ctx.config);
    }
    ctx.clients->requestShutdown(want_save);
    ctx.close_after = true;
}

}  // namespace

void registerPersistenceCommands(CommandTable& t) {
    constexpr uint32_t kReactorAdmin = kCmdReactor | kCmdAdmin;
    t.add({"save", 1, kReactorAdmin | kCmdNoMulti, 0, 0, 0, saveCommand, "server", "",
           "Save the dataset to disk, synchronously"});
    t.add({"bgsave", -1, kReactorAdmin, 0, 0, 0, bgsaveCommand, "server", "[SCHEDULE]",
           "Save the dataset to disk in a forked child"});
    t.add({"bgrewriteaof", 1, kReactorAdmin, 0, 0, 0, bgrewriteaofCommand, "server", "",
           "Asynchronously rewrite the append-only file"});
    t.add({"lastsave", 1, kCmdLoading | kCmdStale | kCmdFast, 0, 0, 0, lastsaveCommand, "server",
           "", "The Unix time of the last successful save"});
    t.add({"shutdown", -1, kReactorAdmin | kCmdNoMulti | kCmdLoading | kCmdStale, 0, 0, 0,
           shutdownCommand, "server", "[NOSAVE|SAVE] [NOW] [FORCE] [ABORT]",
           "Save (as configured) and stop the server"});
}

}  // namespace mini_redis
