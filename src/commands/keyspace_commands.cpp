// The keyspace family: DEL, UNLINK, EXISTS, TYPE, TOUCH, KEYS, SCAN, RANDOMKEY, DBSIZE, RENAME,
// RENAMENX, MOVE, COPY, SWAPDB, FLUSHDB, FLUSHALL. Replies and error texts are Redis 7.0's.
#include <climits>
#include <string>
#include <vector>

#include "command_args.h"
#include "command_context.h"
#include "errors.h"
#include "glob.h"
#include "scan_args.h"

namespace mini_redis {

namespace {

namespace ev = keyspace_events;

void delCommand(CommandContext& ctx) {
    int64_t removed = 0;
    for (size_t i = 1; i < ctx.argv.size(); ++i) {
        if (ctx.scope.remove(ctx.db(), ctx.argv[i])) {
            ++removed;
            ctx.scope.notify(ev::kGeneric, "del", ctx.db(), ctx.argv[i]);
        }
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

void touchCommand(CommandContext& ctx) {
    // No LRU/LFU clock to refresh: TOUCH only counts, as EXISTS does.
    int64_t found = 0;
    for (size_t i = 1; i < ctx.argv.size(); ++i) {
        if (ctx.scope.find(ctx.db(), ctx.argv[i]) != nullptr) ++found;
    }
    ctx.reply.integer(found);
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

// SCAN cursor [MATCH pattern] [COUNT n] [TYPE type]. Like Redis, one call returns about COUNT
// keys (counted before MATCH and TYPE filter them), visiting at most 10 * COUNT buckets.
void scanCommand(CommandContext& ctx) {
    uint64_t cursor = 0;
    if (!parseScanCursor(ctx.argv[1], cursor)) {
        ctx.reply.error(errors::kInvalidCursor);
        return;
    }
    int64_t count = 10;
    std::string_view pattern;
    bool use_pattern = false;
    std::string_view type;
    bool use_type = false;
    for (size_t i = 2; i < ctx.argv.size(); i += 2) {
        const bool has_value = i + 1 < ctx.argv.size();
        std::string_view opt = ctx.argv[i];
        if (equalsNoCase(opt, "count") && has_value) {
            if (!parseInteger(ctx.argv[i + 1], count)) {
                ctx.reply.error(errors::kNotInteger);
                return;
            }
            if (count < 1) {
                ctx.reply.error(errors::kSyntax);
                return;
            }
        } else if (equalsNoCase(opt, "match") && has_value) {
            pattern = ctx.argv[i + 1];
            use_pattern = pattern != "*";
        } else if (equalsNoCase(opt, "type") && has_value) {
            // Redis 7.0 compares names case-insensitively; an unknown name matches nothing.
            type = ctx.argv[i + 1];
            use_type = true;
        } else {
            ctx.reply.error(errors::kSyntax);
            return;
        }
    }
    const size_t want = static_cast<size_t>(count);
    std::vector<std::string> keys;
    size_t seen = 0;
    auto visit = [&](std::string_view key, const KeyTable::Entry* e) {
        ++seen;
        if (use_type && !equalsNoCase(type, typeName(KeyTable::type(e)))) return;
        if (use_pattern && !globMatch(pattern, key)) return;
        keys.emplace_back(key);
    };
    for (int round = 0; round < 10; ++round) {
        cursor = ctx.scope.scan(ctx.db(), cursor, want, visit);
        if (cursor == 0 || seen >= want) break;
    }
    ctx.reply.arrayHeader(2);
    ctx.reply.bulk(std::to_string(cursor));
    ctx.reply.arrayHeader(keys.size());
    for (const auto& key : keys) ctx.reply.bulk(key);
}

void randomkeyCommand(CommandContext& ctx) {
    std::string key;
    if (ctx.scope.randomKey(ctx.db(), key)) {
        ctx.reply.bulk(key);
    } else {
        ctx.reply.nil();
    }
}

void dbsizeCommand(CommandContext& ctx) {
    ctx.reply.integer(static_cast<int64_t>(ctx.scope.dbSize(ctx.db())));
}

// A database index as Redis's getIntFromObjectOrReply reads it (MOVE, COPY ... DB): an integer
// that fits an int, then the range check. Writes the error and returns false on failure.
bool parseDbIndex(CommandContext& ctx, std::string_view arg, int& out) {
    int64_t v = 0;
    if (!parseInteger(arg, v)) {
        ctx.reply.error(errors::kNotInteger);
        return false;
    }
    if (v < INT_MIN || v > INT_MAX) {
        ctx.reply.error(errors::kIntOutOfRange);
        return false;
    }
    if (v < 0 || v >= ctx.store.databases()) {
        ctx.reply.error(errors::kDbIndexOutOfRange);
        return false;
    }
    out = static_cast<int>(v);
    return true;
}

// RENAME and RENAMENX. The value moves with its TTL; the destination's old value is deleted.
// Renaming a key to itself answers OK (RENAME) or 0 (RENAMENX) if it exists.
void renameGeneric(CommandContext& ctx, bool nx) {
    const std::string_view from = ctx.argv[1];
    const std::string_view to = ctx.argv[2];
    if (ctx.scope.find(ctx.db(), from) == nullptr) {
        ctx.reply.error(errors::kNoSuchKey);
        return;
    }
    if (from == to) {
        nx ? ctx.reply.integer(0) : ctx.reply.ok();
        return;
    }
    if (ctx.scope.find(ctx.db(), to) != nullptr) {
        if (nx) {
            ctx.reply.integer(0);
            return;
        }
        ctx.scope.remove(ctx.db(), to);
    }
    ctx.scope.move(ctx.db(), from, ctx.db(), to);
    ctx.scope.notify(ev::kGeneric, "rename_from", ctx.db(), from);
    ctx.scope.notify(ev::kGeneric, "rename_to", ctx.db(), to);
    nx ? ctx.reply.integer(1) : ctx.reply.ok();
}

void renameCommand(CommandContext& ctx) {
    renameGeneric(ctx, false);
}

void renamenxCommand(CommandContext& ctx) {
    renameGeneric(ctx, true);
}

// MOVE key db: 0 when the key is absent here or present there.
void moveCommand(CommandContext& ctx) {
    int to = 0;
    if (!parseDbIndex(ctx, ctx.argv[2], to)) return;
    if (to == ctx.db()) {
        ctx.reply.error(errors::kSameObject);
        return;
    }
    const std::string_view key = ctx.argv[1];
    if (ctx.scope.find(ctx.db(), key) == nullptr || ctx.scope.find(to, key) != nullptr) {
        ctx.reply.integer(0);
        return;
    }
    ctx.scope.move(ctx.db(), key, to, key);
    ctx.scope.notify(ev::kGeneric, "move_from", ctx.db(), key);
    ctx.scope.notify(ev::kGeneric, "move_to", to, key);
    ctx.reply.integer(1);
}

// COPY source destination [DB index] [REPLACE]: options parsed left to right (the last DB
// wins), then the same-object check, then existence. The copy keeps the source's TTL.
void copyCommand(CommandContext& ctx) {
    int to_db = ctx.db();
    bool replace = false;
    for (size_t i = 3; i < ctx.argv.size(); ++i) {
        if (equalsNoCase(ctx.argv[i], "replace")) {
            replace = true;
        } else if (equalsNoCase(ctx.argv[i], "db") && i + 1 < ctx.argv.size()) {
            if (!parseDbIndex(ctx, ctx.argv[i + 1], to_db)) return;
            ++i;
        } else {
            ctx.reply.error(errors::kSyntax);
            return;
        }
    }
    const std::string_view from = ctx.argv[1];
    const std::string_view to = ctx.argv[2];
    if (to_db == ctx.db() && from == to) {
        ctx.reply.error(errors::kSameObject);
        return;
    }
    bool absent = false;
    {
        LockScope::ReadLookups read(ctx.scope);  // the source only: keymiss, as Redis
        absent = ctx.scope.find(ctx.db(), from) == nullptr;
    }
    if (absent || (ctx.scope.find(to_db, to) != nullptr && !replace)) {
        ctx.reply.integer(0);
        return;
    }
    // A replaced destination is deleted first, as Redis does (so "new" is reported for it).
    if (replace) ctx.scope.remove(to_db, to);
    ctx.scope.copy(ctx.db(), from, to_db, to);
    ctx.scope.notify(ev::kGeneric, "copy_to", to_db, to);
    ctx.reply.integer(1);
}

// SWAPDB a b: every shard locked, so no client sees one database swapped and another not.
void swapdbCommand(CommandContext& ctx) {
    int64_t ids[2] = {0, 0};
    const char* invalid[2] = {errors::kInvalidFirstDbIndex, errors::kInvalidSecondDbIndex};
    for (int i = 0; i < 2; ++i) {
        if (!parseInteger(ctx.argv[static_cast<size_t>(i) + 1], ids[i]) || ids[i] < INT_MIN ||
            ids[i] > INT_MAX) {
            ctx.reply.error(invalid[i]);
            return;
        }
    }
    for (int64_t id : ids) {
        if (id < 0 || id >= ctx.store.databases()) {
            ctx.reply.error(errors::kDbIndexOutOfRange);
            return;
        }
    }
    ctx.scope.lockAll();
    ctx.scope.swapDb(static_cast<int>(ids[0]), static_cast<int>(ids[1]));
    ctx.reply.ok();
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
    registerDumpCommands(t);
    t.add({"del", -2, kCmdWrite, 1, -1, 1, delCommand, "keyspace", "key [key ...]",
           "Delete keys; returns how many existed"});
    t.add({"unlink", -2, kCmdWrite | kCmdFast, 1, -1, 1, delCommand, "keyspace", "key [key ...]",
           "Delete keys (same as DEL here)"});
    t.add({"exists", -2, kCmdReadOnly | kCmdFast, 1, -1, 1, existsCommand, "keyspace",
           "key [key ...]", "Count how many of the given keys exist"});
    t.add({"type", 2, kCmdReadOnly | kCmdFast, 1, 1, 1, typeCommand, "keyspace", "key",
           "Determine the type stored at key"});
    t.add({"touch", -2, kCmdReadOnly | kCmdFast, 1, -1, 1, touchCommand, "keyspace",
           "key [key ...]", "Count how many of the given keys exist (no access time is kept)"});
    t.add({"keys", 2, kCmdReadOnly | kK, 0, 0, 0, keysCommand, "keyspace", "pattern",
           "Find all keys matching the given glob pattern"});
    t.add({"scan", -2, kCmdReadOnly | kK, 0, 0, 0, scanCommand, "keyspace",
           "cursor [MATCH pattern] [COUNT count] [TYPE type]",
           "Incrementally iterate the keys of the current database"});
    t.add({"randomkey", 1, kCmdReadOnly | kK, 0, 0, 0, randomkeyCommand, "keyspace", "",
           "Return a random key of the current database"});
    t.add({"rename", 3, kCmdWrite, 1, 2, 1, renameCommand, "keyspace", "key newkey",
           "Rename a key, overwriting the destination"});
    t.add({"renamenx", 3, kCmdWrite | kCmdFast, 1, 2, 1, renamenxCommand, "keyspace", "key newkey",
           "Rename a key only if the new name does not exist"});
    t.add({"move", 3, kCmdWrite | kCmdFast, 1, 1, 1, moveCommand, "keyspace", "key db",
           "Move a key to another database"});
    t.add({"copy", -3, kCmdWrite, 1, 2, 1, copyCommand, "keyspace",
           "source destination [DB destination-db] [REPLACE]", "Copy a key's value and TTL"});
    t.add({"swapdb", 3, kCmdWrite | kCmdFast | kK, 0, 0, 0, swapdbCommand, "server",
           "index1 index2", "Swap the contents of two databases"});
    t.add({"dbsize", 1, kCmdReadOnly | kCmdFast | kK, 0, 0, 0, dbsizeCommand, "server", "",
           "Return the number of keys in the selected database"});
    t.add({"flushdb", -1, kCmdWrite | kK, 0, 0, 0, flushdbCommand, "server", "[ASYNC|SYNC]",
           "Remove all keys from the current database"});
    t.add({"flushall", -1, kCmdWrite | kK, 0, 0, 0, flushallCommand, "server", "[ASYNC|SYNC]",
           "Remove all keys from all databases"});
}

}  // namespace mini_redis
