// The set family, one set at a time: SADD SREM SMOVE SISMEMBER SMISMEMBER SCARD SMEMBERS
// SPOP SRANDMEMBER SSCAN. The set algebra (SINTER SUNION SDIFF, their STORE forms and
// SINTERCARD) is in set_algebra_commands.cpp. Replies and error texts are Redis 7.0's.
#include <algorithm>
#include <string>
#include <vector>

#include "command_args.h"
#include "command_context.h"
#include "errors.h"
#include "glob.h"
#include "random_count.h"
#include "scan_args.h"
#include "set_value.h"

namespace mini_redis {

namespace {

namespace ev = keyspace_events;

SetValue::Random& rng() {
    thread_local SetValue::Random r{std::random_device{}()};
    return r;
}

SetValue* setOf(const Lookup& l) {
    return static_cast<SetValue*>(KeyTable::collection(l.entry));
}

// Redis's lookupKeyRead counts a hit or a miss (INFO keyspace_hits/misses); writes do not.
void countLookup(CommandContext& ctx, bool hit) {
    auto& counter = hit ? ctx.worker_stats.keyspace_hits : ctx.worker_stats.keyspace_misses;
    counter.fetch_add(1, std::memory_order_relaxed);
}

// A read of argv[1] as a set: null with WRONGTYPE already answered, or with `absent` set.
SetValue* readSet(CommandContext& ctx, bool& absent) {
    Lookup l = ctx.scope.find(ctx.db(), ctx.argv[1], ValueType::Set);
    absent = false;
    if (l.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return nullptr;
    }
    countLookup(ctx, static_cast<bool>(l));
    if (!l) absent = true;
    return l ? setOf(l) : nullptr;
}

void replyMembers(CommandContext& ctx, const std::vector<std::string>& members, bool as_set) {
    as_set ? ctx.reply.setHeader(members.size()) : ctx.reply.arrayHeader(members.size());
    for (const std::string& m : members) ctx.reply.bulk(m);
}

// SADD key member [member ...]
void saddCommand(CommandContext& ctx) {
    Lookup l = ctx.scope.find(ctx.db(), ctx.argv[1], ValueType::Set);
    if (l.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return;
    }
    const int64_t max_ints = ctx.config.set_max_intset_entries;
    int64_t added = 0;
    if (!l) {
        // The first member picks the form, as Redis's setTypeCreate.
        auto set = SetValue::forMember(ctx.argv[2]);
        for (size_t i = 2; i < ctx.argv.size(); ++i) added += set->add(ctx.argv[i], max_ints);
        ctx.scope.setCollection(ctx.db(), ctx.argv[1], ValueType::Set, std::move(set));
    } else {
        SetValue* set = setOf(l);
        for (size_t i = 2; i < ctx.argv.size(); ++i) added += set->add(ctx.argv[i], max_ints);
        if (added > 0) ctx.scope.modified(ctx.db(), ctx.argv[1]);
    }
    if (added > 0) ctx.scope.notify(ev::kSet, "sadd", ctx.db(), ctx.argv[1]);
    ctx.reply.integer(added);
}

// SREM key member [member ...]
void sremCommand(CommandContext& ctx) {
    Lookup l = ctx.scope.find(ctx.db(), ctx.argv[1], ValueType::Set);
    if (l.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return;
    }
    int64_t removed = 0;
    if (l) {
        SetValue* set = setOf(l);
        for (size_t i = 2; i < ctx.argv.size() && set->length() > 0; ++i)
            removed += set->remove(ctx.argv[i]);
        if (removed > 0) {
            ctx.scope.notify(ev::kSet, "srem", ctx.db(), ctx.argv[1]);
            ctx.scope.modified(ctx.db(), ctx.argv[1]);  // deletes an emptied set
        }
    }
    ctx.reply.integer(removed);
}

// SMOVE source destination member. A missing source answers 0 before any type check of the
// destination; a source equal to the destination only says whether the member is there.
void smoveCommand(CommandContext& ctx) {
    const std::string_view src_key = ctx.argv[1], dst_key = ctx.argv[2], member = ctx.argv[3];
    Lookup src = ctx.scope.find(ctx.db(), src_key, ValueType::Set);
    Lookup dst = ctx.scope.find(ctx.db(), dst_key, ValueType::Set);
    if (!src && !src.wrong_type) {
        ctx.reply.integer(0);
        return;
    }
    if (src.wrong_type || dst.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return;
    }
    SetValue* src_set = setOf(src);
    if (src_key == dst_key) {
        ctx.reply.integer(src_set->contains(member) ? 1 : 0);
        return;
    }
    if (!src_set->remove(member)) {
        ctx.reply.integer(0);
        return;
    }
    // The destination's collection outlives the source's entry being deleted here.
    SetValue* dst_set = dst ? setOf(dst) : nullptr;
    ctx.scope.notify(ev::kSet, "srem", ctx.db(), src_key);
    ctx.scope.modified(ctx.db(), src_key);
    const int64_t max_ints = ctx.config.set_max_intset_entries;
    if (dst_set == nullptr) {
        auto set = SetValue::forMember(member);
        set->add(member, max_ints);
        ctx.scope.setCollection(ctx.db(), dst_key, ValueType::Set, std::move(set));
        ctx.scope.notify(ev::kSet, "sadd", ctx.db(), dst_key);
    } else if (dst_set->add(member, max_ints)) {
        ctx.scope.modified(ctx.db(), dst_key);
        ctx.scope.notify(ev::kSet, "sadd", ctx.db(), dst_key);
    }
    ctx.reply.integer(1);
}

void sismemberCommand(CommandContext& ctx) {
    bool absent = false;
    SetValue* set = readSet(ctx, absent);
    if (set == nullptr && !absent) return;
    ctx.reply.integer(set != nullptr && set->contains(ctx.argv[2]) ? 1 : 0);
}

// SMISMEMBER key member [member ...]
void smismemberCommand(CommandContext& ctx) {
    bool absent = false;
    SetValue* set = readSet(ctx, absent);
    if (set == nullptr && !absent) return;
    ctx.reply.arrayHeader(ctx.argv.size() - 2);
    for (size_t i = 2; i < ctx.argv.size(); ++i)
        ctx.reply.integer(set != nullptr && set->contains(ctx.argv[i]) ? 1 : 0);
}

void scardCommand(CommandContext& ctx) {
    bool absent = false;
    SetValue* set = readSet(ctx, absent);
    if (set == nullptr && !absent) return;
    ctx.reply.integer(set != nullptr ? static_cast<int64_t>(set->length()) : 0);
}

// SMEMBERS key: a RESP3 set (Redis answers it as a one-key SINTER).
void smembersCommand(CommandContext& ctx) {
    bool absent = false;
    SetValue* set = readSet(ctx, absent);
    if (set == nullptr) {
        if (absent) ctx.reply.setHeader(0);
        return;
    }
    ctx.reply.setHeader(set->length());
    set->forEach([&](std::string_view m) { ctx.reply.bulk(m); });
}

// What a random SPOP took, as the deterministic removals that replay it: SREMs of at most
// 1,024 members each (so no record grows without bound).
void logPopped(CommandContext& ctx, const std::vector<std::string>& popped) {
    if (!ctx.scope.logging()) return;
    constexpr size_t kPerRecord = 1024;
    std::vector<std::string_view> argv;
    for (size_t from = 0; from < popped.size(); from += kPerRecord) {
        argv.assign({"SREM", ctx.argv[1]});
        for (size_t i = from; i < popped.size() && i < from + kPerRecord; ++i) {
            argv.push_back(popped[i]);
        }
        ctx.scope.logAs(ctx.db(), argv);
    }
}

// SPOP key count: the count is parsed before the key is looked at.
void spopWithCount(CommandContext& ctx) {
    int64_t count = 0;
    if (!parseInteger(ctx.argv[2], count) || count < 0) {
        ctx.reply.error(errors::kOutOfRangeValue);
        return;
    }
    Lookup l = ctx.scope.find(ctx.db(), ctx.argv[1], ValueType::Set);
    if (l.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return;
    }
    if (!l || count == 0) {
        ctx.reply.setHeader(0);
        return;
    }
    std::vector<std::string> popped;
    setOf(l)->popRandom(static_cast<size_t>(count), rng(), popped);
    ctx.scope.notify(ev::kSet, "spop", ctx.db(), ctx.argv[1]);
    ctx.scope.modified(ctx.db(), ctx.argv[1]);  // deletes the key when it took every member
    logPopped(ctx, popped);
    replyMembers(ctx, popped, true);
}

// SPOP key [count]
void spopCommand(CommandContext& ctx) {
    if (ctx.argv.size() == 3) {
        spopWithCount(ctx);
        return;
    }
    if (ctx.argv.size() > 3) {
        ctx.reply.error(errors::kSyntax);
        return;
    }
    Lookup l = ctx.scope.find(ctx.db(), ctx.argv[1], ValueType::Set);
    if (l.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return;
    }
    if (!l) {
        ctx.reply.nil();
        return;
    }
    std::vector<std::string> popped;
    setOf(l)->popRandom(1, rng(), popped);
    ctx.scope.notify(ev::kSet, "spop", ctx.db(), ctx.argv[1]);
    ctx.scope.modified(ctx.db(), ctx.argv[1]);
    logPopped(ctx, popped);
    ctx.reply.bulk(popped.front());
}

// SRANDMEMBER key [count]: a positive count gives distinct members (all of them when it
// passes the cardinality), a negative one draws |count| times independently.
void srandmemberCommand(CommandContext& ctx) {
    if (ctx.argv.size() > 3) {
        ctx.reply.error(errors::kSyntax);
        return;
    }
    const bool with_count = ctx.argv.size() == 3;
    int64_t count = 0;
    if (with_count) {
        if (const char* err = parseRandomCount(ctx.argv[2], count)) {
            ctx.reply.error(err);
            return;
        }
    }
    bool absent = false;
    SetValue* set = readSet(ctx, absent);
    if (set == nullptr) {
        if (!absent) return;
        with_count ? ctx.reply.arrayHeader(0) : ctx.reply.nil();
        return;
    }
    if (!with_count) {
        SetValue::IntText text;
        ctx.reply.bulk(set->memberAt(set->randomPosition(rng()), text));
        return;
    }
    const bool distinct = count >= 0;
    const uint64_t n = distinct ? static_cast<uint64_t>(count) : static_cast<uint64_t>(-count);
    if (const char* err = checkRandomDraws(count)) {
        ctx.reply.error(err);
        return;
    }
    if (!distinct) {
        // Drawn straight into the reply: a big count costs the reply's bytes and no more.
        SetValue::IntText text;
        ctx.reply.arrayHeader(n);
        for (uint64_t i = 0; i < n; ++i)
            ctx.reply.bulk(set->memberAt(set->randomPosition(rng()), text));
        return;
    }
    std::vector<std::string> members;
    set->randomMembers(std::min<uint64_t>(n, set->length()), true, rng(), members);
    replyMembers(ctx, members, false);
}

// SSCAN key cursor [MATCH pattern] [COUNT count]. As Redis: the cursor is checked first, then
// the key (a missing one answers an empty scan whatever the options), then the options.
void sscanCommand(CommandContext& ctx) {
    auto open = [&](SetValue*& out) {
        bool absent = false;
        out = readSet(ctx, absent);
        return out != nullptr || absent;
    };
    SetValue* set = nullptr;
    uint64_t cursor = 0;
    ScanOptions opts;
    if (!beginKeyScan(ctx, open, set, cursor, opts)) return;
    std::vector<std::string> found;
    cursor = set->scan(cursor, static_cast<size_t>(opts.count), [&](std::string_view m) {
        if (!opts.use_pattern || globMatch(opts.pattern, m)) found.emplace_back(m);
    });
    ctx.reply.arrayHeader(2);
    ctx.reply.bulk(std::to_string(cursor));
    replyMembers(ctx, found, false);
}

}  // namespace

void registerSetCommands(CommandTable& t) {
    constexpr uint32_t kW = kCmdWrite;
    constexpr uint32_t kR = kCmdReadOnly;
    constexpr uint32_t kF = kCmdFast;
    t.add({"sadd", -3, kW | kF, 1, 1, 1, saddCommand, "set", "key member [member ...]",
           "Add one or more members to a set"});
    t.add({"srem", -3, kW | kF, 1, 1, 1, sremCommand, "set", "key member [member ...]",
           "Remove one or more members from a set"});
    t.add({"smove", 4, kW | kF, 1, 2, 1, smoveCommand, "set", "source destination member",
           "Move a member from one set to another"});
    t.add({"sismember", 3, kR | kF, 1, 1, 1, sismemberCommand, "set", "key member",
           "Determine if a given value is a member of a set"});
    t.add({"smismember", -3, kR | kF, 1, 1, 1, smismemberCommand, "set", "key member [member ...]",
           "Returns the membership associated with the given elements for a set"});
    t.add({"scard", 2, kR | kF, 1, 1, 1, scardCommand, "set", "key",
           "Get the number of members in a set"});
    t.add({"smembers", 2, kR, 1, 1, 1, smembersCommand, "set", "key",
           "Get all the members in a set"});
    t.add({"spop", -2, kW | kF, 1, 1, 1, spopCommand, "set", "key [count]",
           "Remove and return one or multiple random members from a set"});
    t.add({"srandmember", -2, kR, 1, 1, 1, srandmemberCommand, "set", "key [count]",
           "Get one or multiple random members from a set"});
    t.add({"sscan", -3, kR, 1, 1, 1, sscanCommand, "set",
           "key cursor [MATCH pattern] [COUNT count]", "Incrementally iterate Set elements"});
    registerSetAlgebraCommands(t);
}

}  // namespace mini_redis
