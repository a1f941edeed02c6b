// The list family, inside the list: LLEN LINDEX LRANGE LPOS (reads) and LSET LINSERT LREM
// LTRIM (edits). Pushes, pops and moves are in list_commands.cpp.
#include <charconv>
#include <cstring>
#include <string>
#include <vector>

#include "command_args.h"
#include "command_context.h"
#include "errors.h"
#include "list_pop.h"

namespace mini_redis {

namespace {

namespace ev = keyspace_events;

using End = ListValue::End;

// Redis counts a read command's lookup as a hit when the key exists (of any type).
void countLookup(CommandContext& ctx, const Lookup& l) {
    auto& counter =
        (l || l.wrong_type) ? ctx.worker_stats.keyspace_hits : ctx.worker_stats.keyspace_misses;
    counter.fetch_add(1, std::memory_order_relaxed);
}

// The list at argv[1] for a read: counts the lookup, replies WRONGTYPE itself (then `failed`).
ListValue* readList(CommandContext& ctx, bool& failed) {
    Lookup l = ctx.scope.find(ctx.db(), ctx.argv[1], ValueType::List);
    countLookup(ctx, l);
    failed = l.wrong_type;
    if (failed) ctx.reply.error(errors::kWrongType);
    return listOf(l);
}

// The list at argv[1] for a write (no hit counted), as readList.
ListValue* writeList(CommandContext& ctx, bool& failed) {
    Lookup l = ctx.scope.find(ctx.db(), ctx.argv[1], ValueType::List);
    failed = l.wrong_type;
    if (failed) ctx.reply.error(errors::kWrongType);
    return listOf(l);
}

// Parses an index argument; replies the error itself.
bool parseIndex(CommandContext& ctx, std::string_view arg, int64_t& out) {
    if (parseInteger(arg, out)) return true;
    ctx.reply.error(errors::kNotInteger);
    return false;
}

// A start/stop pair (negative from the end) resolved against a list of `len` elements, as
// LRANGE and LTRIM resolve it. False when the range is empty; else [start, start + n).
bool resolveRange(int64_t start, int64_t stop, size_t len, size_t& first, size_t& n) {
    const auto llen = static_cast<int64_t>(len);
    if (start < 0) start += llen;
    if (stop < 0) stop += llen;
    if (start < 0) start = 0;
    if (start > stop || start >= llen) return false;
    if (stop >= llen) stop = llen - 1;
    first = static_cast<size_t>(start);
    n = static_cast<size_t>(stop - start + 1);
    return true;
}

// An index (negative from the end) resolved against `len`; false when out of range.
bool resolveIndex(int64_t index, size_t len, size_t& out) {
    const auto llen = static_cast<int64_t>(len);
    if (index < 0) index += llen;
    if (index < 0 || index >= llen) return false;
    out = static_cast<size_t>(index);
    return true;
}

// LRANGE's elements as bulk strings, written straight from the nodes into the reply buffer
// (a bulk string is framed the same in RESP2 and RESP3): the buffer grows once per run of
// elements by a bound on their frames, is written through a pointer, and is cut back to what
// was written at the end. This is the list's hottest read path; Reply::bulk per element costs
// about twice as much.
class BulkRunWriter {
  public:
    explicit BulkRunWriter(std::string& out) : out_(out), used_(out.size()) {}
    ~BulkRunWriter() { out_.resize(used_); }
    BulkRunWriter(const BulkRunWriter&) = delete;
    BulkRunWriter& operator=(const BulkRunWriter&) = delete;

    // Room for `count` frames of at most `payload` bytes of elements in all: "$", the length's
    // digits (no more than payload's), CRLF, the bytes, CRLF.
    void reserveRun(size_t count, size_t payload) {
        out_.resize(used_ + payload + count * (5 + digits(payload)));
    }
    void write(std::string_view v) {
        char* p = out_.data() + used_;
        const size_t len = v.size();
        *p++ = '$';
        if (len < 10) {
            *p++ = static_cast<char>('0' + len);
        } else {
            p = std::to_chars(p, p + 20, len).ptr;
        }
        *p++ = '\r';
        *p++ = '\n';
        std::memcpy(p, v.data(), len);
        p += len;
        *p++ = '\r';
        *p++ = '\n';
        used_ = static_cast<size_t>(p - out_.data());
    }

  private:
    static size_t digits(size_t n) {
        size_t d = 1;
        while (n >= 10) {
            n /= 10;
            ++d;
        }
        return d;
    }
    std::string& out_;
    size_t used_;  // bytes of out_ written so far
};

void llenCommand(CommandContext& ctx) {
    bool failed = false;
    ListValue* list = readList(ctx, failed);
    if (!failed) ctx.reply.integer(list ? static_cast<int64_t>(list->length()) : 0);
}

// LINDEX key index: the key is looked up before the index is parsed (an absent key is nil).
void lindexCommand(CommandContext& ctx) {
    bool failed = false;
    ListValue* list = readList(ctx, failed);
    if (failed) return;
    if (list == nullptr) {
        ctx.reply.nil();
        return;
    }
    int64_t index = 0;
    if (!parseIndex(ctx, ctx.argv[2], index)) return;
    size_t at = 0;
    resolveIndex(index, list->length(), at) ? ctx.reply.bulk(list->at(at)) : ctx.reply.nil();
}

// LRANGE key start stop: the numbers are parsed before the key is looked up.
void lrangeCommand(CommandContext& ctx) {
    int64_t start = 0, stop = 0;
    if (!parseIndex(ctx, ctx.argv[2], start) || !parseIndex(ctx, ctx.argv[3], stop)) return;
    bool failed = false;
    ListValue* list = readList(ctx, failed);
    if (failed) return;
    size_t first = 0, n = 0;
    if (list == nullptr || !resolveRange(start, stop, list->length(), first, n)) {
        ctx.reply.arrayHeader(0);
        return;
    }
    ctx.reply.arrayHeader(n);
    BulkRunWriter out(ctx.reply.buffer());
    list->forRange(
        first, n, [&](size_t count, size_t payload) { out.reserveRun(count, payload); },
        [&](std::string_view v) { out.write(v); });
}

// LSET key index element
void lsetCommand(CommandContext& ctx) {
    bool failed = false;
    ListValue* list = writeList(ctx, failed);
    if (failed) return;
    if (list == nullptr) {
        ctx.reply.error(errors::kNoSuchKey);
        return;
    }
    int64_t index = 0;
    if (!parseIndex(ctx, ctx.argv[2], index)) return;
    size_t at = 0;
    if (!resolveIndex(index, list->length(), at)) {
        ctx.reply.error(errors::kIndexOutOfRange);
        return;
    }
    list->set(at, ctx.argv[3]);
    ctx.scope.notify(ev::kList, "lset", ctx.db(), ctx.argv[1]);
    ctx.scope.modified(ctx.db(), ctx.argv[1]);
    ctx.reply.ok();
}

// LINSERT key BEFORE|AFTER pivot element: the new length, -1 without the pivot, 0 without the
// key.
void linsertCommand(CommandContext& ctx) {
    bool after = false;
    if (equalsNoCase(ctx.argv[2], "after")) {
        after = true;
    } else if (!equalsNoCase(ctx.argv[2], "before")) {
        ctx.reply.error(errors::kSyntax);
        return;
    }
    bool failed = false;
    ListValue* list = writeList(ctx, failed);
    if (failed) return;
    if (list == nullptr) {
        ctx.reply.integer(0);
        return;
    }
    if (!list->insert(ctx.argv[3], after, ctx.argv[4])) {
        ctx.reply.integer(-1);
        return;
    }
    ctx.reply.integer(static_cast<int64_t>(list->length()));
    ctx.scope.notify(ev::kList, "linsert", ctx.db(), ctx.argv[1]);
    ctx.scope.modified(ctx.db(), ctx.argv[1]);
}

// LREM key count element
void lremCommand(CommandContext& ctx) {
    int64_t count = 0;
    if (!parseIndex(ctx, ctx.argv[2], count)) return;
    bool failed = false;
    ListValue* list = writeList(ctx, failed);
    if (failed) return;
    const size_t removed = list ? list->remove(ctx.argv[3], count) : 0;
    ctx.reply.integer(static_cast<int64_t>(removed));
    if (removed > 0) {
        ctx.scope.notify(ev::kList, "lrem", ctx.db(), ctx.argv[1]);
        ctx.scope.modified(ctx.db(), ctx.argv[1]);
    }
}

// LTRIM key start stop: always a change for WATCH when the list exists, as in Redis.
void ltrimCommand(CommandContext& ctx) {
    int64_t start = 0, stop = 0;
    if (!parseIndex(ctx, ctx.argv[2], start) || !parseIndex(ctx, ctx.argv[3], stop)) return;
    bool failed = false;
    ListValue* list = writeList(ctx, failed);
    if (failed) return;
    if (list != nullptr) {
        const size_t len = list->length();
        size_t first = 0, n = 0;
        if (!resolveRange(start, stop, len, first, n)) {
            first = len;
            n = 0;
        }
        list->erase(first + n, len - first - n);
        list->erase(0, first);
        ctx.scope.notify(ev::kList, "ltrim", ctx.db(), ctx.argv[1]);
        ctx.scope.modified(ctx.db(), ctx.argv[1]);
    }
    ctx.reply.ok();
}

// LPOS's options, parsed as Redis parses them: in order, each error as it is met.
struct LposArgs {
    int64_t rank = 1;
    int64_t count = 0;
    int64_t maxlen = 0;
    bool has_count = false;
};

bool parseLpos(CommandContext& ctx, LposArgs& a) {
    const size_t argc = ctx.argv.size();
    for (size_t j = 3; j < argc; ++j) {
        const std::string_view opt = ctx.argv[j];
        const bool more = j + 1 < argc;
        if (more && equalsNoCase(opt, "rank")) {
            if (!parseIndex(ctx, ctx.argv[++j], a.rank)) return false;
            if (a.rank == 0) {
                ctx.reply.error(errors::kLposRankZero);
                return false;
            }
        } else if (more && equalsNoCase(opt, "count")) {
            if (!parseInteger(ctx.argv[++j], a.count) || a.count < 0) {
                ctx.reply.error(errors::kLposCountNegative);
                return false;
            }
            a.has_count = true;
        } else if (more && equalsNoCase(opt, "maxlen")) {
            if (!parseInteger(ctx.argv[++j], a.maxlen) || a.maxlen < 0) {
                ctx.reply.error(errors::kLposMaxlenNegative);
                return false;
            }
        } else {
            ctx.reply.error(errors::kSyntax);
            return false;
        }
    }
    return true;
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
//
// A negative RANK searches from the tail. Redis negates it in a signed long, so RANK
// -9223372036854775808 stays negative there: every match qualifies and COUNT never stops the
// search (its "matches - rank + 1 >= count" wraps); that is kept here as `every_match`.
void lposCommand(CommandContext& ctx) {
    LposArgs a;
    if (!parseLpos(ctx, a)) return;
    bool failed = false;
    ListValue* list = readList(ctx, failed);
    if (failed) return;
    if (list == nullptr) {
        a.has_count ? ctx.reply.arrayHeader(0) : ctx.reply.nil();
        return;
    }
    const End from = a.rank < 0 ? End::Tail : End::Head;
    const bool every_match = a.rank == INT64_MIN;
    const uint64_t rank = every_match ? 1 : static_cast<uint64_t>(a.rank < 0 ? -a.rank : a.rank);
    const auto count = static_cast<uint64_t>(a.count);
    const auto maxlen = static_cast<uint64_t>(a.maxlen);
    const size_t len = list->length();
    std::vector<int64_t> found;
    uint64_t matches = 0;
    uint64_t index = 0;
    const std::string_view element = ctx.argv[2];
    list->walk(from, [&](std::string_view v) {
        if (maxlen != 0 && index >= maxlen) return false;
        if (v == element && ++matches >= rank) {
            found.push_back(static_cast<int64_t>(from == End::Head ? index : len - 1 - index));
            if (!a.has_count) return false;
            if (!every_match && count != 0 && matches - rank + 1 >= count) return false;
        }
        ++index;
        return true;
    });
    if (!a.has_count) {
        found.empty() ? ctx.reply.nil() : ctx.reply.integer(found[0]);
        return;
    }
    ctx.reply.arrayHeader(found.size());
    for (int64_t i : found) ctx.reply.integer(i);
}

}  // namespace

void registerListRangeCommands(CommandTable& t) {
    constexpr uint32_t kW = kCmdWrite;
    constexpr uint32_t kR = kCmdReadOnly;
    t.add({"llen", 2, kR | kCmdFast, 1, 1, 1, llenCommand, "list", "key",
           "Get the length of a list"});
    t.add({"lindex", 3, kR, 1, 1, 1, lindexCommand, "list", "key index",
           "Get an element from a list by its index"});
    t.add({"lrange", 4, kR, 1, 1, 1, lrangeCommand, "list", "key start stop",
           "Get a range of elements from a list"});
    t.add({"lpos", -3, kR, 1, 1, 1, lposCommand, "list",
           "key element [RANK rank] [COUNT num-matches] [MAXLEN len]",
           "Return the index of matching elements on a list"});
    t.add({"lset", 4, kW, 1, 1, 1, lsetCommand, "list", "key index element",
           "Set the value of an element in a list by its index"});
    t.add({"linsert", 5, kW, 1, 1, 1, linsertCommand, "list", "key BEFORE|AFTER pivot element",
           "Insert an element before or after another element in a list"});
    t.add({"lrem", 4, kW, 1, 1, 1, lremCommand, "list", "key count element",
           "Remove elements from a list"});
    t.add({"ltrim", 4, kW, 1, 1, 1, ltrimCommand, "list", "key start stop",
           "Trim a list to the specified range"});
}

}  // namespace mini_redis
