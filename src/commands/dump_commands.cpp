// DUMP and RESTORE (the keyspace family registers them): values in Redis 7.0's serialization,
// so payloads move both ways between mini-redis and Redis. Replies and errors are Redis's.
#include <string>

#include "command_args.h"
#include "command_context.h"
#include "dump_payload.h"
#include "errors.h"

namespace mini_redis {

namespace {

namespace ev = keyspace_events;

void dumpCommand(CommandContext& ctx) {
    KeyTable::Entry* e = ctx.scope.find(ctx.db(), ctx.argv[1]);
    if (e == nullptr) {
        ctx.reply.nil();
        return;
    }
    ctx.reply.bulk(DumpPayload::make(e));
}

// RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f], checked in Redis's order:
// options, the existing key, the TTL, the footer, the value.
void restoreCommand(CommandContext& ctx) {
    const auto& argv = ctx.argv;
    bool replace = false, absttl = false, idle = false, freq = false;
    for (size_t j = 4; j < argv.size(); ++j) {
        const bool more = j + 1 < argv.size();
        if (equalsNoCase(argv[j], "replace")) {
            replace = true;
        } else if (equalsNoCase(argv[j], "absttl")) {
            absttl = true;
        } else if (equalsNoCase(argv[j], "idletime") && more && !freq) {
            int64_t v;
            if (!parseInteger(argv[j + 1], v)) return ctx.reply.error(errors::kNotInteger);
            if (v < 0) return ctx.reply.error(errors::kInvalidIdletime);
            idle = true;  // no LRU clock here: accepted, not kept
            ++j;
        } else if (equalsNoCase(argv[j], "freq") && more && !idle) {
            int64_t v;
            if (!parseInteger(argv[j + 1], v)) return ctx.reply.error(errors::kNotInteger);
            if (v < 0 || v > 255) return ctx.reply.error(errors::kInvalidFreq);
            freq = true;  // no LFU counter here: accepted, not kept
            ++j;
        } else {
            return ctx.reply.error(errors::kSyntax);
        }
    }
    const std::string_view key = argv[1];
    if (!replace && ctx.scope.find(ctx.db(), key) != nullptr) {
        return ctx.reply.error(errors::kBusyKey);
    }
    int64_t ttl;
    if (!parseInteger(argv[2], ttl)) return ctx.reply.error(errors::kNotInteger);
    if (ttl < 0) return ctx.reply.error(errors::kInvalidTtl);
    if (!DumpPayload::verify(argv[3])) return ctx.reply.error(errors::kDumpPayload);
    DecodedValue value;
    if (!DumpPayload::read(argv[3], CollectionLimits::fromConfig(ctx.config), value)) {
        return ctx.reply.error(errors::kBadDataFormat);
    }
    bool deleted = replace && ctx.scope.remove(ctx.db(), key);
    int64_t at = kNoExpiry;
    if (ttl > 0) {
        at = absttl ? ttl : ttl + ctx.scope.now();
        if (at <= ctx.scope.now()) {
            // Already expired: the key is gone (deleted if it was replaced), as Redis does.
            if (deleted) {
                ctx.scope.notify(ev::kGeneric, "del", ctx.db(), key);
                ctx.scope.logAs(ctx.db(), {"DEL", key});
            }
            return ctx.reply.ok();
        }
    }
    if (value.type == ValueType::String) {
        ctx.scope.setString(ctx.db(), key, value.str, at);
    } else {
        ctx.scope.setCollection(ctx.db(), key, value.type, std::move(value.coll), at);
    }
    ctx.scope.notify(ev::kGeneric, "restore", ctx.db(), key);
    // Logged with the absolute time (ABSTTL) and REPLACE: a replay later gives the same key.
    if (at != kNoExpiry) {
        ctx.scope.logAs(ctx.db(), {"RESTORE", key, std::to_string(at), argv[3], "REPLACE", "ABSTTL"});
    } else {
        ctx.scope.logAs(ctx.db(), {"RESTORE", key, "0", argv[3], "REPLACE"});
    }
    ctx.reply.ok();
}

}  // namespace

void registerDumpCommands(CommandTable& t) {
    t.add({"dump", 2, kCmdReadOnly, 1, 1, 1, dumpCommand, "keyspace", "key",
           "A key's value in Redis's serialization format"});
    t.add({"restore", -4, kCmdWrite, 1, 1, 1, restoreCommand, "keyspace",
           "key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]",
           "Create a key from a DUMP payload"});
}

}  // namespace mini_redis
