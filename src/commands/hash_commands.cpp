// The hash family: HSET HSETNX HMSET HGET HMGET HDEL HLEN HEXISTS HSTRLEN HINCRBY
// HINCRBYFLOAT HKEYS HVALS HGETALL HRANDFIELD HSCAN, answering as Redis 7.0 does (checks in
// its order, its error texts, its RESP3 shapes). The value itself is HashValue (hash_value.h).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "command_args.h"
#include "command_context.h"
#include "errors.h"
#include "glob.h"
#include "hash_value.h"
#include "long_double_text.h"
#include "random_count.h"
#include "scan_args.h"

namespace mini_redis {

namespace {

HashLimits limitsOf(const CommandContext& ctx) {
    return {ctx.config.hash_max_listpack_entries, ctx.config.hash_max_listpack_value};
}

HashValue::Random& rng() {
    thread_local HashValue::Random r{std::random_device{}()};
    return r;
}

// A hash looked up for reading: `hash` is null when the key is absent. False after replying
// WRONGTYPE.
bool openForRead(CommandContext& ctx, std::string_view key, const HashValue*& hash) {
    Lookup l = ctx.scope.find(ctx.db(), key, ValueType::Hash);
    if (l.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return false;
    }
    hash = l ? static_cast<const HashValue*>(KeyTable::collection(l.entry)) : nullptr;
    return true;
}

// A hash for a command that may create it (Redis's hashTypeLookupWriteOrCreate): the stored
// one, or a fresh empty one that commit() stores. Nothing is stored until commit(). The
// handler's thread only; lives for one command.
class WriteTarget {
  public:
    // False after replying WRONGTYPE.
    bool open(CommandContext& ctx, std::string_view key) {
        Lookup l = ctx.scope.find(ctx.db(), key, ValueType::Hash);
        if (l.wrong_type) {
            ctx.reply.error(errors::kWrongType);
            return false;
        }
        if (l) {
            hash_ = static_cast<HashValue*>(KeyTable::collection(l.entry));
        } else {
            fresh_ = std::make_unique<HashValue>();
            hash_ = fresh_.get();
        }
        return true;
    }
    HashValue& operator*() { return *hash_; }
    HashValue* operator->() { return hash_; }
    // Stores a fresh hash, or reports the change of the stored one (which deletes the key if
    // it is now empty), then reports `event` (class h). Call once, only when something changed.
    void commit(CommandContext& ctx, std::string_view key, const char* event) {
        if (fresh_) {
            ctx.scope.setCollection(ctx.db(), key, ValueType::Hash, std::move(fresh_));
        } else {
            ctx.scope.modified(ctx.db(), key);
        }
        ctx.scope.notify(keyspace_events::kHash, event, ctx.db(), key);
    }

  private:
    HashValue* hash_ = nullptr;
    std::unique_ptr<HashValue> fresh_;
};

// ---- Writes ------------------------------------------------------------------------------

// HSET key field value [field value ...] answers the new fields; HMSET the same, +OK.
void hsetGeneric(CommandContext& ctx, bool hmset) {
    if (ctx.argv.size() % 2 == 1) {
        ctx.reply.errorf(errors::kWrongArityFmt, hmset ? "hmset" : "hset");
        return;
    }
    WriteTarget h;
    if (!h.open(ctx, ctx.argv[1])) return;
    const HashLimits limits = limitsOf(ctx);
    int64_t created = 0;
    for (size_t i = 2; i < ctx.argv.size(); i += 2) {
        if (h->set(ctx.argv[i], ctx.argv[i + 1], limits)) ++created;
    }
    h.commit(ctx, ctx.argv[1], "hset");
    if (hmset) {
        ctx.reply.ok();
    } else {
        ctx.reply.integer(created);
    }
}

void hsetCommand(CommandContext& ctx) {
    hsetGeneric(ctx, false);
}

void hmsetCommand(CommandContext& ctx) {
    hsetGeneric(ctx, true);
}

void hsetnxCommand(CommandContext& ctx) {
    WriteTarget h;
    if (!h.open(ctx, ctx.argv[1])) return;
    if (h->contains(ctx.argv[2])) {
        ctx.reply.integer(0);
        return;
    }
    h->set(ctx.argv[2], ctx.argv[3], limitsOf(ctx));
    h.commit(ctx, ctx.argv[1], "hset");
    ctx.reply.integer(1);
}

// HDEL key field [field ...]: how many were there.
void hdelCommand(CommandContext& ctx) {
    Lookup l = ctx.scope.find(ctx.db(), ctx.argv[1], ValueType::Hash);
    if (l.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return;
    }
    int64_t deleted = 0;
    if (l) {
        auto* h = static_cast<HashValue*>(KeyTable::collection(l.entry));
        for (size_t i = 2; i < ctx.argv.size() && h->length() > 0; ++i) {
            if (h->erase(ctx.argv[i])) ++deleted;
        }
        if (deleted > 0) {
            ctx.scope.notify(keyspace_events::kHash, "hdel", ctx.db(), ctx.argv[1]);
            ctx.scope.modified(ctx.db(), ctx.argv[1]);
        }
    }
    ctx.reply.integer(deleted);
}

// HINCRBY key field increment: the increment is read before the key (a bad one wins over
// WRONGTYPE), an absent field counts as 0.
void hincrbyCommand(CommandContext& ctx) {
    int64_t incr = 0;
    if (!parseInteger(ctx.argv[3], incr)) {
        ctx.reply.error(errors::kNotInteger);
        return;
    }
    WriteTarget h;
    if (!h.open(ctx, ctx.argv[1])) return;
    int64_t value = 0;
    if (std::optional<std::string_view> cur = h->get(ctx.argv[2])) {
        if (!parseInteger(*cur, value)) {
            ctx.reply.error(errors::kHashValueNotInteger);
            return;
        }
    }
    if (__builtin_add_overflow(value, incr, &value)) {
        ctx.reply.error(errors::kOverflow);
        return;
    }
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    (void)ec;
    h->set(ctx.argv[2], std::string_view(buf, static_cast<size_t>(end - buf)), limitsOf(ctx));
    h.commit(ctx, ctx.argv[1], "hincrby");
    ctx.reply.integer(value);
}

// HINCRBYFLOAT key field increment: long double arithmetic and INCRBYFLOAT's text.
void hincrbyfloatCommand(CommandContext& ctx) {
    long double incr = 0;
    if (!parseLongDouble(ctx.argv[3], incr)) {
        ctx.reply.error(errors::kNotFloat);
        return;
    }
    if (std::isnan(incr) || std::isinf(incr)) {
        ctx.reply.error(errors::kHashIncrNanOrInfinity);
        return;
    }
    WriteTarget h;
    if (!h.open(ctx, ctx.argv[1])) return;
    long double value = 0;
    if (std::optional<std::string_view> cur = h->get(ctx.argv[2])) {
        if (!parseLongDouble(*cur, value)) {
            ctx.reply.error(errors::kHashValueNotFloat);
            return;
        }
    }
    char buf[kMaxLongDoubleChars];
    std::string_view text;
    if (!addLongDouble(value, incr, buf, text)) {
        ctx.reply.error(errors::kNanOrInfinity);
        return;
    }
    h->set(ctx.argv[2], text, limitsOf(ctx));
    h.commit(ctx, ctx.argv[1], "hincrbyfloat");
    ctx.scope.logAs(ctx.db(), {"HSET", ctx.argv[1], ctx.argv[2], text});  // as computed here
    ctx.reply.bulk(text);
}

// ---- Reads -------------------------------------------------------------------------------

void hgetCommand(CommandContext& ctx) {
    const HashValue* h = nullptr;
    if (!openForRead(ctx, ctx.argv[1], h)) return;
    std::optional<std::string_view> v = h ? h->get(ctx.argv[2]) : std::nullopt;
    if (v) {
        ctx.reply.bulk(*v);
    } else {
        ctx.reply.nil();
    }
}

void hmgetCommand(CommandContext& ctx) {
    const HashValue* h = nullptr;
    if (!openForRead(ctx, ctx.argv[1], h)) return;
    ctx.reply.arrayHeader(ctx.argv.size() - 2);
    for (size_t i = 2; i < ctx.argv.size(); ++i) {
        std::optional<std::string_view> v = h ? h->get(ctx.argv[i]) : std::nullopt;
        if (v) {
            ctx.reply.bulk(*v);
        } else {
            ctx.reply.nil();
        }
    }
}

void hlenCommand(CommandContext& ctx) {
    const HashValue* h = nullptr;
    if (!openForRead(ctx, ctx.argv[1], h)) return;
    ctx.reply.integer(h ? static_cast<int64_t>(h->length()) : 0);
}

void hexistsCommand(CommandContext& ctx) {
    const HashValue* h = nullptr;
    if (!openForRead(ctx, ctx.argv[1], h)) return;
    ctx.reply.integer(h && h->contains(ctx.argv[2]) ? 1 : 0);
}

void hstrlenCommand(CommandContext& ctx) {
    const HashValue* h = nullptr;
    if (!openForRead(ctx, ctx.argv[1], h)) return;
    std::optional<std::string_view> v = h ? h->get(ctx.argv[2]) : std::nullopt;
    ctx.reply.integer(v ? static_cast<int64_t>(v->size()) : 0);
}

// HKEYS, HVALS and HGETALL: an array of fields or values, or a map of both (RESP2: flat).
void hgetallGeneric(CommandContext& ctx, bool fields, bool values) {
    const HashValue* h = nullptr;
    if (!openForRead(ctx, ctx.argv[1], h)) return;
    const size_t n = h ? h->length() : 0;
    if (fields && values) {
        ctx.reply.mapHeader(n);
    } else {
        ctx.reply.arrayHeader(n);
    }
    if (h == nullptr) return;
    h->forEach([&](std::string_view f, std::string_view v) {
        if (fields) ctx.reply.bulk(f);
        if (values) ctx.reply.bulk(v);
    });
}

void hkeysCommand(CommandContext& ctx) {
    hgetallGeneric(ctx, true, false);
}

void hvalsCommand(CommandContext& ctx) {
    hgetallGeneric(ctx, false, true);
}

void hgetallCommand(CommandContext& ctx) {
    hgetallGeneric(ctx, true, true);
}

// HRANDFIELD key [count [WITHVALUES]]. The count is checked first (a long, not LONG_MIN), then
// the syntax, then WITHVALUES's halved range, then the key. A negative count draws with
// repeats; RESP3 pairs each field with its value in a 2-array, RESP2 flattens them.
void hrandfieldCommand(CommandContext& ctx) {
    if (ctx.argv.size() == 2) {
        const HashValue* h = nullptr;
        if (!openForRead(ctx, ctx.argv[1], h)) return;
        if (h == nullptr) {
            ctx.reply.nil();
        } else {
            ctx.reply.bulk(h->randomPair(rng()).first);
        }
        return;
    }
    int64_t n = 0;
    if (const char* err = parseRandomCount(ctx.argv[2], n)) {
        ctx.reply.error(err);
        return;
    }
    if (ctx.argv.size() > 4 || (ctx.argv.size() == 4 && !equalsNoCase(ctx.argv[3], "withvalues"))) {
        ctx.reply.error(errors::kSyntax);
        return;
    }
    const bool withvalues = ctx.argv.size() == 4;
    if (const char* err = withvalues ? checkPairedRandomCount(n) : nullptr) {
        ctx.reply.error(err);
        return;
    }
    const HashValue* h = nullptr;
    if (!openForRead(ctx, ctx.argv[1], h)) return;
    if (h == nullptr || n == 0) {
        ctx.reply.arrayHeader(0);
        return;
    }
    if (const char* err = checkRandomDraws(n)) {
        ctx.reply.error(err);
        return;
    }
    const bool distinct = n > 0;
    const auto count = static_cast<size_t>(distinct ? n : -n);
    const size_t replies = distinct ? std::min(count, h->length()) : count;
    const bool resp3 = ctx.reply.protocol() == 3;
    ctx.reply.arrayHeader(withvalues && !resp3 ? replies * 2 : replies);
    h->randomPairs(count, distinct, rng(), [&](std::string_view f, std::string_view v) {
        if (withvalues && resp3) ctx.reply.arrayHeader(2);
        ctx.reply.bulk(f);
        if (withvalues) ctx.reply.bulk(v);
    });
}

// HSCAN key cursor [MATCH pattern] [COUNT count]. As Redis: the cursor is checked first, then
// the key (an absent one answers an empty scan whatever the options), then the options. A
// listpack hash comes whole, with cursor 0.
void hscanCommand(CommandContext& ctx) {
    auto open = [&](const HashValue*& out) { return openForRead(ctx, ctx.argv[1], out); };
    const HashValue* h = nullptr;
    uint64_t cursor = 0;
    ScanOptions opts;
    if (!beginKeyScan(ctx, open, h, cursor, opts)) return;
    std::vector<std::string_view> items;  // views into the hash, which nothing changes here
    cursor = h->scan(cursor, static_cast<size_t>(opts.count),
                     [&](std::string_view f, std::string_view v) {
                         if (opts.use_pattern && !globMatch(opts.pattern, f)) return;
                         items.push_back(f);
                         items.push_back(v);
                     });
    ctx.reply.arrayHeader(2);
    ctx.reply.bulk(std::to_string(cursor));
    ctx.reply.arrayHeader(items.size());
    for (std::string_view item : items) ctx.reply.bulk(item);
}

}  // namespace

void registerHashCommands(CommandTable& t) {
    constexpr uint32_t kW = kCmdWrite;
    constexpr uint32_t kR = kCmdReadOnly;
    constexpr uint32_t kF = kCmdFast;
    t.add({"hset", -4, kW | kF, 1, 1, 1, hsetCommand, "hash", "key field value [field value ...]",
           "Set the string value of a hash field"});
    t.add({"hsetnx", 4, kW | kF, 1, 1, 1, hsetnxCommand, "hash", "key field value",
           "Set the value of a hash field, only if the field does not exist"});
    t.add({"hmset", -4, kW | kF, 1, 1, 1, hmsetCommand, "hash", "key field value [field value ...]",
           "Set multiple hash fields to multiple values"});
    t.add({"hget", 3, kR | kF, 1, 1, 1, hgetCommand, "hash", "key field",
           "Get the value of a hash field"});
    t.add({"hmget", -3, kR | kF, 1, 1, 1, hmgetCommand, "hash", "key field [field ...]",
           "Get the values of all the given hash fields"});
    t.add({"hdel", -3, kW | kF, 1, 1, 1, hdelCommand, "hash", "key field [field ...]",
           "Delete one or more hash fields"});
    t.add({"hlen", 2, kR | kF, 1, 1, 1, hlenCommand, "hash", "key",
           "Get the number of fields in a hash"});
    t.add({"hexists", 3, kR | kF, 1, 1, 1, hexistsCommand, "hash", "key field",
           "Determine if a hash field exists"});
    t.add({"hstrlen", 3, kR | kF, 1, 1, 1, hstrlenCommand, "hash", "key field",
           "Get the length of the value of a hash field"});
    t.add({"hincrby", 4, kW | kF, 1, 1, 1, hincrbyCommand, "hash", "key field increment",
           "Increment the integer value of a hash field by the given number"});
    t.add({"hincrbyfloat", 4, kW | kF, 1, 1, 1, hincrbyfloatCommand, "hash", "key field increment",
           "Increment the float value of a hash field by the given amount"});
    t.add({"hkeys", 2, kR, 1, 1, 1, hkeysCommand, "hash", "key", "Get all the fields in a hash"});
    t.add({"hvals", 2, kR, 1, 1, 1, hvalsCommand, "hash", "key", "Get all the values in a hash"});
    t.add({"hgetall", 2, kR, 1, 1, 1, hgetallCommand, "hash", "key",
           "Get all the fields and values in a hash"});
    t.add({"hrandfield", -2, kR, 1, 1, 1, hrandfieldCommand, "hash", "key [count [WITHVALUES]]",
           "Get one or multiple random fields from a hash"});
    t.add({"hscan", -3, kR, 1, 1, 1, hscanCommand, "hash",
           "key cursor [MATCH pattern] [COUNT count]",
           "Incrementally iterate hash fields and associated values"});
}

}  // namespace mini_redis
