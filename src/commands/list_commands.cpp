// The list family, ends of the list: LPUSH RPUSH LPUSHX RPUSHX, LPOP RPOP, LMOVE RPOPLPUSH and
// LMPOP, with the pop and move paths they share (list_pop.h). Reads and edits inside a list
// are in list_range_commands.cpp.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "command_args.h"
#include "command_context.h"
#include "errors.h"
#include "list_pop.h"
#include "mpop_args.h"

namespace mini_redis {

using End = ListValue::End;

namespace {
namespace ev = keyspace_events;
const char* popEvent(End end) {
    return end == End::Head ? "lpop" : "rpop";
}
const char* pushEvent(End end) {
    return end == End::Head ? "lpush" : "rpush";
}
}  // namespace

bool parseListEnd(std::string_view arg, End& end) {
    if (equalsNoCase(arg, "left")) {
        end = End::Head;
    } else if (equalsNoCase(arg, "right")) {
        end = End::Tail;
    } else {
        return false;
    }
    return true;
}

void popAndReply(CommandContext& ctx, int db, std::string_view key, ListValue& list, End end,
                 size_t count, PopReply shape) {
    const size_t n = std::min(count, list.length());
    if (shape == PopReply::KeyAndArray || shape == PopReply::KeyAndSingle) {
        ctx.reply.arrayHeader(2);
        ctx.reply.bulk(key);
    }
    if (shape == PopReply::Array || shape == PopReply::KeyAndArray) ctx.reply.arrayHeader(n);
    list.pop(end, n, [&](std::string_view v) { ctx.reply.bulk(v); });
    if (n > 0) ctx.scope.notify(ev::kList, popEvent(end), db, key);
    ctx.scope.modified(db, key);
}

void moveAndReply(CommandContext& ctx, int db, std::string_view src_key, ListValue& src, End from,
                  std::string_view dst_key, ListValue* dst, End to) {
    if (dst == &src) {
        // A rotation: the element's bytes must leave the node before they go back in.
        std::string v;
        src.pop(from, 1, [&](std::string_view e) { v.assign(e); });
        ctx.reply.bulk(v);
        src.push(to, v);
        // Redis reports the push before the pop (here and below).
        ctx.scope.notify(ev::kList, pushEvent(to), db, src_key);
        ctx.scope.notify(ev::kList, popEvent(from), db, src_key);
        ctx.scope.modified(db, src_key);
        return;
    }
    std::unique_ptr<ListValue> fresh;
    if (dst == nullptr) {
        fresh = std::make_unique<ListValue>(ctx.config.list_max_listpack_size);
        dst = fresh.get();
    }
    src.pop(from, 1, [&](std::string_view e) {
        ctx.reply.bulk(e);
        dst->push(to, e);
    });
    if (fresh) {
        ctx.scope.setCollection(db, dst_key, ValueType::List, std::move(fresh));
    } else {
        ctx.scope.modified(db, dst_key);
    }
    ctx.scope.notify(ev::kList, pushEvent(to), db, dst_key);
    ctx.scope.notify(ev::kList, popEvent(from), db, src_key);
    ctx.scope.modified(db, src_key);
}

namespace {

// LPUSH/RPUSH key element [element ...], and the X forms that push only onto an existing list.
void pushGeneric(CommandContext& ctx, End end, bool only_existing) {
    const int db = ctx.db();
    const std::string_view key = ctx.argv[1];
    Lookup l = ctx.scope.find(db, key, ValueType::List);
    if (l.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return;
    }
    ListValue* list = listOf(l);
    if (list == nullptr) {
        if (only_existing) {
            ctx.reply.integer(0);
            return;
        }
        auto fresh = std::make_unique<ListValue>(ctx.config.list_max_listpack_size);
        for (size_t i = 2; i < ctx.argv.size(); ++i) fresh->push(end, ctx.argv[i]);
        ctx.reply.integer(static_cast<int64_t>(fresh->length()));
        ctx.scope.setCollection(db, key, ValueType::List, std::move(fresh));
        ctx.scope.notify(ev::kList, pushEvent(end), db, key);
        return;
    }
    for (size_t i = 2; i < ctx.argv.size(); ++i) list->push(end, ctx.argv[i]);
    ctx.reply.integer(static_cast<int64_t>(list->length()));
    ctx.scope.notify(ev::kList, pushEvent(end), db, key);
    ctx.scope.modified(db, key);
}

void lpushCommand(CommandContext& ctx) {
    pushGeneric(ctx, End::Head, false);
}
void rpushCommand(CommandContext& ctx) {
    pushGeneric(ctx, End::Tail, false);
}
void lpushxCommand(CommandContext& ctx) {
    pushGeneric(ctx, End::Head, true);
}
void rpushxCommand(CommandContext& ctx) {
    pushGeneric(ctx, End::Tail, true);
}

// LPOP/RPOP key [count]. Without a count: one bulk, or nil; with one: an array, or a nil array
// when the key is absent.
void popGeneric(CommandContext& ctx, End end) {
    if (ctx.argv.size() > 3) {
        ctx.reply.errorf(errors::kWrongArityFmt, std::string(ctx.spec.name).c_str());
        return;
    }
    const bool has_count = ctx.argv.size() == 3;
    int64_t count = 1;
    if (has_count && (!parseInteger(ctx.argv[2], count) || count < 0)) {
        ctx.reply.error(errors::kOutOfRangeValue);
        return;
    }
    Lookup l = ctx.scope.find(ctx.db(), ctx.argv[1], ValueType::List);
    if (l.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return;
    }
    ListValue* list = listOf(l);
    if (list == nullptr) {
        has_count ? ctx.reply.nilArray() : ctx.reply.nil();
        return;
    }
    if (count == 0) {
        ctx.reply.arrayHeader(0);
        return;
    }
    popAndReply(ctx, ctx.db(), ctx.argv[1], *list, end, static_cast<size_t>(count),
                has_count ? PopReply::Array : PopReply::Single);
}

void lpopCommand(CommandContext& ctx) {
    popGeneric(ctx, End::Head);
}
void rpopCommand(CommandContext& ctx) {
    popGeneric(ctx, End::Tail);
}

// LMOVE/RPOPLPUSH source destination: nil when the source is absent (the destination's type
// is then not looked at), WRONGTYPE when either holds another type.
void moveGeneric(CommandContext& ctx, End from, End to) {
    const int db = ctx.db();
    const std::string_view src_key = ctx.argv[1];
    const std::string_view dst_key = ctx.argv[2];
    Lookup src = ctx.scope.find(db, src_key, ValueType::List);
    if (src.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return;
    }
    ListValue* src_list = listOf(src);  // taken before the next lookup, which may expire a key
    if (src_list == nullptr) {
        ctx.reply.nil();
        return;
    }
    Lookup dst = ctx.scope.find(db, dst_key, ValueType::List);
    if (dst.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return;
    }
    moveAndReply(ctx, db, src_key, *src_list, from, dst_key, listOf(dst), to);
}

// LMOVE source destination LEFT|RIGHT LEFT|RIGHT
void lmoveCommand(CommandContext& ctx) {
    End from, to;
    if (!parseListEnd(ctx.argv[3], from) || !parseListEnd(ctx.argv[4], to)) {
        ctx.reply.error(errors::kSyntax);
        return;
    }
    moveGeneric(ctx, from, to);
}

void rpoplpushCommand(CommandContext& ctx) {
    moveGeneric(ctx, End::Tail, End::Head);
}

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: pops from the first non-empty list.
void lmpopCommand(CommandContext& ctx) {
    MpopArgs a;
    if (const char* err = parseMpop(ctx.argv, 1, "left", "right", a)) {
        ctx.reply.error(err);
        return;
    }
    const End end = a.second ? End::Tail : End::Head;
    const int64_t count = a.count;
    for (std::string_view key : a.keys) {
        Lookup l = ctx.scope.find(ctx.db(), key, ValueType::List);
        if (l.wrong_type) {
            ctx.reply.error(errors::kWrongType);
            return;
        }
        if (ListValue* list = listOf(l)) {
            popAndReply(ctx, ctx.db(), key, *list, end, static_cast<size_t>(count),
                        PopReply::KeyAndArray);
            return;
        }
    }
    ctx.reply.nilArray();
}

}  // namespace

void registerListCommands(CommandTable& t) {
    constexpr uint32_t kW = kCmdWrite;
    constexpr uint32_t kF = kCmdFast;
    t.add({"lpush", -3, kW | kF, 1, 1, 1, lpushCommand, "list", "key element [element ...]",
           "Prepend one or multiple elements to a list"});
    t.add({"rpush", -3, kW | kF, 1, 1, 1, rpushCommand, "list", "key element [element ...]",
           "Append one or multiple elements to a list"});
    t.add({"lpushx", -3, kW | kF, 1, 1, 1, lpushxCommand, "list", "key element [element ...]",
           "Prepend an element to a list, only if the list exists"});
    t.add({"rpushx", -3, kW | kF, 1, 1, 1, rpushxCommand, "list", "key element [element ...]",
           "Append an element to a list, only if the list exists"});
    t.add({"lpop", -2, kW | kF, 1, 1, 1, lpopCommand, "list", "key [count]",
           "Remove and get the first elements in a list"});
    t.add({"rpop", -2, kW | kF, 1, 1, 1, rpopCommand, "list", "key [count]",
           "Remove and get the last elements in a list"});
    t.add({"lmove", 5, kW, 1, 2, 1, lmoveCommand, "list",
           "source destination LEFT|RIGHT LEFT|RIGHT",
           "Pop an element from a list, push it to another list and return it"});
    t.add({"rpoplpush", 3, kW, 1, 2, 1, rpoplpushCommand, "list", "source destination",
           "Remove the last element in a list, prepend it to another list and return it"});
    t.add({"lmpop", -4, kW, 0, 0, 0, lmpopCommand, "list",
           "numkeys key [key ...] LEFT|RIGHT [COUNT count]", "Pop elements from a list", mpopKeys});
}

}  // namespace mini_redis
