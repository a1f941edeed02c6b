// The string family's ranges and arithmetic beyond integers: GETRANGE (and its alias SUBSTR),
// SETRANGE, INCRBYFLOAT and LCS, answering as Redis 7.0 does, edge cases included.
#include <algorithm>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "command_args.h"
#include "command_context.h"
#include "errors.h"
#include "long_double_text.h"

namespace mini_redis {

namespace {

namespace ev = keyspace_events;

// ---- Store-free operations (no RESP in them) ----------------------------------------------

// GETRANGE's slice of `s` for inclusive [start, end], negative indexes counting from the end;
// Redis clamps rather than rejects, so an out-of-range start or end never fails.
std::string_view rangeOf(std::string_view s, int64_t start, int64_t end) {
    const auto len = static_cast<int64_t>(s.size());
    // Both negative with start after end: empty, before clamping could turn it into [0, 0].
    if (start < 0 && end < 0 && start > end) return {};
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= len) end = len - 1;
    if (start > end || len == 0) return {};
    return s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1));
}

// Whether offset + len stays within proto-max-bulk-len (and does not overflow).
bool fitsBulkLen(const CommandContext& ctx, int64_t offset, size_t len) {
    int64_t total = 0;
    return !__builtin_add_overflow(offset, static_cast<int64_t>(len), &total) &&
           total <= ctx.config.proto_max_bulk_len;
}

// One common run of LCS IDX: inclusive ranges in a and in b.
struct LcsMatch {
    uint32_t a_start, a_end, b_start, b_end;
};

// The LCS of a and b by Redis's dynamic programme and back-tracking (so ties resolve as Redis
// resolves them): the common subsequence and, when `matches` is given, its contiguous runs from
// the end of the strings backwards, as LCS IDX lists them. Returns false when the table cannot
// be allocated.
bool longestCommon(std::string_view a, std::string_view b, std::string* text,
                   std::vector<LcsMatch>* matches, uint32_t& length) {
    const auto alen = static_cast<uint32_t>(a.size());
    const auto blen = static_cast<uint32_t>(b.size());
    const size_t width = static_cast<size_t>(blen) + 1;
    std::unique_ptr<uint32_t[]> table(new (std::nothrow) uint32_t[(alen + size_t{1}) * width]);
    if (!table) return false;
    auto at = [&](uint32_t i, uint32_t j) -> uint32_t& { return table[i * width + j]; };
    for (uint32_t i = 0; i <= alen; ++i) {
        for (uint32_t j = 0; j <= blen; ++j) {
            if (i == 0 || j == 0) {
                at(i, j) = 0;
            } else if (a[i - 1] == b[j - 1]) {
                at(i, j) = at(i - 1, j - 1) + 1;
            } else {
                at(i, j) = std::max(at(i - 1, j), at(i, j - 1));
            }
        }
    }
    length = at(alen, blen);
    if (text == nullptr && matches == nullptr) return true;
    if (text != nullptr) text->assign(length, '\0');
    uint32_t idx = length;
    bool open = false;  // a run is being tracked
    LcsMatch run{};
    uint32_t i = alen, j = blen;
    while (i > 0 && j > 0) {
        bool emit = false;
        if (a[i - 1] == b[j - 1]) {
            if (text != nullptr) (*text)[idx - 1] = a[i - 1];
            if (!open) {
                run = {i - 1, i - 1, j - 1, j - 1};
                open = true;
            } else if (run.a_start == i && run.b_start == j) {
                --run.a_start;  // contiguous: extend the run backwards
                --run.b_start;
            } else {
                emit = true;
            }
            // A run touching the start of either string ends here.
            if (run.a_start == 0 || run.b_start == 0) emit = true;
            --idx;
            --i;
            --j;
        } else {
            if (at(i - 1, j) > at(i, j - 1)) {
                --i;
            } else {
                --j;
            }
            if (open) emit = true;
        }
        if (emit) {
            if (matches != nullptr) matches->push_back(run);
            open = false;
        }
    }
    return true;
}

// ---- Handlers -------------------------------------------------------------------------------

// GETRANGE key start end (and SUBSTR). The indexes are parsed before the key is looked up.
void getrangeCommand(CommandContext& ctx) {
    int64_t start = 0, end = 0;
    if (!parseInteger(ctx.argv[2], start) || !parseInteger(ctx.argv[3], end)) {
        ctx.reply.error(errors::kNotInteger);
        return;
    }
    Lookup cur = ctx.scope.find(ctx.db(), ctx.argv[1], ValueType::String);
    if (cur.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return;
    }
    ctx.reply.bulk(cur ? rangeOf(KeyTable::value(cur.entry), start, end) : std::string_view());
}

// SETRANGE key offset value: zero-pads, keeps the TTL. An empty value changes nothing (and
// creates nothing); a result longer than proto-max-bulk-len is refused.
void setrangeCommand(CommandContext& ctx) {
    std::string_view key = ctx.argv[1];
    std::string_view value = ctx.argv[3];
    int64_t offset = 0;
    if (!parseInteger(ctx.argv[2], offset)) {
        ctx.reply.error(errors::kNotInteger);
        return;
    }
    if (offset < 0) {
        ctx.reply.error(errors::kOffsetOutOfRange);
        return;
    }
    Lookup cur = ctx.scope.find(ctx.db(), key, ValueType::String);
    if (cur.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return;
    }
    const size_t before = cur ? KeyTable::value(cur.entry).size() : 0;
    if (value.empty()) {
        ctx.reply.integer(static_cast<int64_t>(before));
        return;
    }
    if (!fitsBulkLen(ctx, offset, value.size())) {
        ctx.reply.error(errors::kStringTooLong);
        return;
    }
    const auto at = static_cast<size_t>(offset);
    const size_t after = std::max(before, at + value.size());
    if (!cur) {
        std::string bytes(after, '\0');
        bytes.replace(at, value.size(), value);
        ctx.scope.setString(ctx.db(), key, bytes, kNoExpiry, StringEncoding::Raw);
    } else {
        KeyTable::Entry* e = ctx.scope.resizeString(ctx.db(), key, after);
        std::memcpy(KeyTable::mutableValue(e) + at, value.data(), value.size());
    }
    ctx.scope.notify(ev::kString, "setrange", ctx.db(), key);
    ctx.reply.integer(static_cast<int64_t>(after));
}

// INCRBYFLOAT key increment: long double arithmetic, Redis's text, TTL kept, never "int".
void incrbyfloatCommand(CommandContext& ctx) {
    std::string_view key = ctx.argv[1];
    Lookup cur = ctx.scope.find(ctx.db(), key, ValueType::String);
    if (cur.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return;
    }
    long double value = 0, incr = 0;
    if ((cur && !parseLongDouble(KeyTable::value(cur.entry), value)) ||
        !parseLongDouble(ctx.argv[2], incr)) {
        ctx.reply.error(errors::kNotFloat);
        return;
    }
    char buf[kMaxLongDoubleChars];
    std::string_view text;
    if (!addLongDouble(value, incr, buf, text)) {
        ctx.reply.error(errors::kNanOrInfinity);
        return;
    }
    const int64_t ttl = cur ? KeyTable::expireAt(cur.entry) : kNoExpiry;
    ctx.scope.setString(ctx.db(), key, text, ttl, StringEncoding::NoInt);
    ctx.scope.notify(ev::kString, "incrbyfloat", ctx.db(), key);
    // The sum as computed here, not the increment: a replay gives the same text (Redis's form).
    ctx.scope.logAs(ctx.db(), {"SET", key, text, "KEEPTTL"});
    ctx.reply.bulk(text);
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]. Both keys are looked up before
// the options are parsed (so a wrong type wins over a syntax error); absent keys are "".
void lcsCommand(CommandContext& ctx) {
    // The first two finds may delete expired keys; the third changes nothing, so both entries
    // stay valid from there on.
    ctx.scope.find(ctx.db(), ctx.argv[1]);
    KeyTable::Entry* eb = ctx.scope.find(ctx.db(), ctx.argv[2]);
    ctx.scope.setReadLookups(false);  // a second look at a: one keymiss per key, as Redis
    KeyTable::Entry* ea = ctx.scope.find(ctx.db(), ctx.argv[1]);
    if ((ea != nullptr && KeyTable::type(ea) != ValueType::String) ||
        (eb != nullptr && KeyTable::type(eb) != ValueType::String)) {
        ctx.reply.error(errors::kLcsNotStrings);
        return;
    }
    std::string_view a = ea != nullptr ? KeyTable::value(ea) : std::string_view();
    std::string_view b = eb != nullptr ? KeyTable::value(eb) : std::string_view();

    bool want_len = false, want_idx = false, with_match_len = false;
    int64_t min_match_len = 0;
    for (size_t i = 3; i < ctx.argv.size(); ++i) {
        std::string_view opt = ctx.argv[i];
        const bool more = i + 1 < ctx.argv.size();
        if (equalsNoCase(opt, "idx")) {
            want_idx = true;
        } else if (equalsNoCase(opt, "len")) {
            want_len = true;
        } else if (equalsNoCase(opt, "withmatchlen")) {
            with_match_len = true;
        } else if (equalsNoCase(opt, "minmatchlen") && more) {
            if (!parseInteger(ctx.argv[++i], min_match_len)) {
                ctx.reply.error(errors::kNotInteger);
                return;
            }
            if (min_match_len < 0) min_match_len = 0;
        } else {
            ctx.reply.error(errors::kSyntax);
            return;
        }
    }
    if (want_idx && want_len) {
        ctx.reply.error(errors::kLcsLenAndIdx);
        return;
    }
    if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1) {
        ctx.reply.error(errors::kLcsStringTooLong);
        return;
    }
    // The table is (|a|+1) x (|b|+1) 32-bit cells; Redis refuses one bigger than a bulk string.
    const unsigned long long cells = (a.size() + 1ULL) * (b.size() + 1ULL);
    if (cells * sizeof(uint32_t) > static_cast<unsigned long long>(ctx.config.proto_max_bulk_len)) {
        ctx.reply.error(errors::kLcsOverBulkLen);
        return;
    }
    std::string text;
    std::vector<LcsMatch> matches;
    uint32_t length = 0;
    if (!longestCommon(a, b, want_len || want_idx ? nullptr : &text, want_idx ? &matches : nullptr,
                       length)) {
        ctx.reply.error(errors::kLcsNoMemory);
        return;
    }
    if (want_len) {
        ctx.reply.integer(length);
        return;
    }
    if (!want_idx) {
        ctx.reply.bulk(text);
        return;
    }
    // A map of two: RESP3's `%2`, flattened by the encoder to four elements in RESP2.
    size_t shown = 0;
    for (const LcsMatch& m : matches) {
        if (min_match_len == 0 || m.a_end - m.a_start + 1 >= min_match_len) ++shown;
    }
    ctx.reply.mapHeader(2);
    ctx.reply.bulk("matches");
    ctx.reply.arrayHeader(shown);
    for (const LcsMatch& m : matches) {
        const int64_t match_len = m.a_end - m.a_start + 1;
        if (min_match_len != 0 && match_len < min_match_len) continue;
        ctx.reply.arrayHeader(with_match_len ? 3 : 2);
        ctx.reply.arrayHeader(2);
        ctx.reply.integer(m.a_start);
        ctx.reply.integer(m.a_end);
        ctx.reply.arrayHeader(2);
        ctx.reply.integer(m.b_start);
        ctx.reply.integer(m.b_end);
        if (with_match_len) ctx.reply.integer(match_len);
    }
    ctx.reply.bulk("len");
    ctx.reply.integer(length);
}

}  // namespace

void registerStringRangeCommands(CommandTable& t) {
    constexpr uint32_t kW = kCmdWrite;
    constexpr uint32_t kR = kCmdReadOnly;
    constexpr uint32_t kF = kCmdFast;
    t.add({"getrange", 4, kR, 1, 1, 1, getrangeCommand, "string", "key start end",
           "Get a substring of the string stored at a key"});
    t.add({"substr", 4, kR, 1, 1, 1, getrangeCommand, "string", "key start end",
           "Get a substring of the string stored at a key (GETRANGE's old name)"});
    t.add({"setrange", 4, kW, 1, 1, 1, setrangeCommand, "string", "key offset value",
           "Overwrite part of a string at key starting at the specified offset"});
    t.add({"incrbyfloat", 3, kW | kF, 1, 1, 1, incrbyfloatCommand, "string", "key increment",
           "Increment the float value of a key by the given amount"});
    t.add({"lcs", -3, kR, 1, 2, 1, lcsCommand, "string",
           "key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]",
           "Find the longest common substring"});
}

}  // namespace mini_redis
