// The keyspace family: DEL, UNLINK, EXISTS, TYPE, KEYS, DBSIZE, FLUSHDB, FLUSHALL.
#include "command_args.h"
#include "command_context.h"
#include "errors.h"

namespace mini_redis {

namespace {

void delCommand(CommandContext& ctx) {
    ctx.reply.integer(static_cast<int64_t>(ctx.store.erase(ctx.argv.subspan(1))));
}

void existsCommand(CommandContext& ctx) {
    // Redis counts a key once per mention: EXISTS k k answers 2 when k exists.
    ctx.reply.integer(static_cast<int64_t>(ctx.store.countExisting(ctx.argv.subspan(1))));
}

void typeCommand(CommandContext& ctx) {
    bool found = ctx.store.read(ctx.argv[1], [](std::string_view) {});
    ctx.reply.simple(found ? "string" : "none");
}

void keysCommand(CommandContext& ctx) {
    auto keys = ctx.store.keysMatching(ctx.argv[1]);
    ctx.reply.arrayHeader(keys.size());
    for (const auto& key : keys) ctx.reply.bulk(key);
}

void dbsizeCommand(CommandContext& ctx) {
    ctx.reply.integer(static_cast<int64_t>(ctx.store.size()));
}

// FLUSHDB / FLUSHALL [ASYNC | SYNC]: both flush synchronously (there is one database).
void flushCommand(CommandContext& ctx) {
    if (ctx.argv.size() > 2 || (ctx.argv.size() == 2 && !equalsNoCase(ctx.argv[1], "async") &&
                                !equalsNoCase(ctx.argv[1], "sync"))) {
        ctx.reply.error(errors::kSyntax);
        return;
    }
    ctx.store.clear();
    ctx.reply.ok();
}

}  // namespace

void registerKeyspaceCommands(CommandTable& t) {
    t.add({"del", -2, kCmdWrite, 1, -1, 1, delCommand, "keyspace", "key [key ...]",
           "Delete keys; returns how many existed"});
    t.add({"unlink", -2, kCmdWrite | kCmdFast, 1, -1, 1, delCommand, "keyspace", "key [key ...]",
           "Delete keys (same as DEL here)"});
    t.add({"exists", -2, kCmdReadOnly | kCmdFast, 1, -1, 1, existsCommand, "keyspace",
           "key [key ...]", "Count how many of the given keys exist"});
    t.add({"type", 2, kCmdReadOnly | kCmdFast, 1, 1, 1, typeCommand, "keyspace", "key",
           "Determine the type stored at key"});
    t.add({"keys", 2, kCmdReadOnly, 0, 0, 0, keysCommand, "keyspace", "pattern",
           "Find all keys matching the given glob pattern"});
    t.add({"dbsize", 1, kCmdReadOnly | kCmdFast, 0, 0, 0, dbsizeCommand, "server", "",
           "Return the number of keys"});
    t.add({"flushdb", -1, kCmdWrite, 0, 0, 0, flushCommand, "server", "[ASYNC|SYNC]",
           "Remove all keys from the current database"});
    t.add({"flushall", -1, kCmdWrite, 0, 0, 0, flushCommand, "server", "[ASYNC|SYNC]",
           "Remove all keys from all databases"});
}

}  // namespace mini_redis
