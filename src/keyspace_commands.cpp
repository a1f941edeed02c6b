// The keyspace family: DEL, UNLINK, EXISTS, TYPE, KEYS, DBSIZE, FLUSHDB, FLUSHALL.
#include "command_args.h"
#include "command_context.h"
#include "errors.h"
#include "glob.h"

namespace mini_redis {

namespace {

void delCommand(CommandContext& ctx) {
    int64_t removed = 0;
    for (size_t i = 1; i < ctx.argv.size(); ++i) {
        if (ctx.scope.remove(ctx.db(), ctx.argv[i])) ++removed;
    }
    ctx.reply.integer(removed);
}

void existsCommand(CommandContext& ctx) {
    // Redis counts a key once per mention: EXISTS k k answers 2 when k exists.
    int64_t found = 0;
    for (size_t i = 1; i < ctx.argv.size(); ++i) {
        if (ctx.scope.find(ctx.db(), ctx.argv[i]) != nullptr) ++found;
    }
    ctx.reply.integer(found);
}

void typeCommand(CommandContext& ctx) {
    KeyTable::Entry* e = ctx.scope.find(ctx.db(), ctx.argv[1]);
    ctx.reply.simple(e != nullptr ? typeName(KeyTable::type(e)) : "none");
}

void keysCommand(CommandContext& ctx) {
    std::vector<std::string> keys;
    std::string_view pattern = ctx.argv[1];
    const bool all = pattern == "*";
    ctx.scope.forEachKey(ctx.db(), [&](std::string_view key, const KeyTable::Entry*) {
        if (all || globMatch(pattern, key)) keys.emplace_back(key);
    });
    ctx.reply.arrayHeader(keys.size());
    for (const auto& key : keys) ctx.reply.bulk(key);
}

void dbsizeCommand(CommandContext& ctx) {
    ctx.reply.integer(static_cast<int64_t>(ctx.scope.dbSize(ctx.db())));
}

// FLUSHDB / FLUSHALL [ASYNC | SYNC]: both run synchronously, with every shard locked, so no
// client sees a half-flushed keyspace.
bool flushArgsOk(CommandContext& ctx) {
    if (ctx.argv.size() > 2 || (ctx.argv.size() == 2 && !equalsNoCase(ctx.argv[1], "async") &&
                                !equalsNoCase(ctx.argv[1], "sync"))) {
        ctx.reply.error(errors::kSyntax);
        return false;
    }
    return true;
}

void flushdbCommand(CommandContext& ctx) {
    if (!flushArgsOk(ctx)) return;
    ctx.scope.lockAll();
    ctx.scope.flushDb(ctx.db());
    ctx.reply.ok();
}

void flushallCommand(CommandContext& ctx) {
    if (!flushArgsOk(ctx)) return;
    ctx.scope.lockAll();
    ctx.scope.flushAll();
    ctx.reply.ok();
}

}  // namespace

void registerKeyspaceCommands(CommandTable& t) {
    constexpr uint32_t kK = kCmdKeyspace;
    t.add({"del", -2, kCmdWrite, 1, -1, 1, delCommand, "keyspace", "key [key ...]",
           "Delete keys; returns how many existed"});
    t.add({"unlink", -2, kCmdWrite | kCmdFast, 1, -1, 1, delCommand, "keyspace", "key [key ...]",
           "Delete keys (same as DEL here)"});
    t.add({"exists", -2, kCmdReadOnly | kCmdFast, 1, -1, 1, existsCommand, "keyspace",
           "key [key ...]", "Count how many of the given keys exist"});
    t.add({"type", 2, kCmdReadOnly | kCmdFast, 1, 1, 1, typeCommand, "keyspace", "key",
           "Determine the type stored at key"});
    t.add({"keys", 2, kCmdReadOnly | kK, 0, 0, 0, keysCommand, "keyspace", "pattern",
           "Find all keys matching the given glob pattern"});
    t.add({"dbsize", 1, kCmdReadOnly | kCmdFast | kK, 0, 0, 0, dbsizeCommand, "server", "",
           "Return the number of keys in the selected database"});
    t.add({"flushdb", -1, kCmdWrite | kK, 0, 0, 0, flushdbCommand, "server", "[ASYNC|SYNC]",
           "Remove all keys from the current database"});
    t.add({"flushall", -1, kCmdWrite | kK, 0, 0, 0, flushallCommand, "server", "[ASYNC|SYNC]",
           "Remove all keys from all databases"});
}

}  // namespace mini_redis
