// The bit family: SETBIT GETBIT BITCOUNT BITPOS BITOP over string values, answering as Redis 7.0
// does. Bit 0 is the most significant bit of byte 0.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "command_args.h"
#include "command_context.h"
#include "errors.h"

namespace mini_redis {

namespace {

namespace ev = keyspace_events;

// ---- Store-free operations (no RESP in them) ----------------------------------------------

uint8_t byteAt(std::string_view s, size_t i) {
    return static_cast<uint8_t>(s[i]);
}

// Set bits among bits [first, last] of s (inclusive; last < 8 * s.size()).
int64_t countBits(std::string_view s, uint64_t first, uint64_t last) {
    const size_t b0 = first >> 3, b1 = last >> 3;
    int64_t n = 0;
    size_t i = b0;
    for (; i + 8 <= b1 + 1; i += 8) {
        uint64_t w;
        std::memcpy(&w, s.data() + i, sizeof w);
        n += __builtin_popcountll(w);
    }
    for (; i <= b1; ++i) n += __builtin_popcount(byteAt(s, i));
    // Take back the bits of the edge bytes that lie outside the range.
    const auto before = static_cast<unsigned>(first & 7);      // high bits of b0 to drop
    const auto after = static_cast<unsigned>(7 - (last & 7));  // low bits of b1 to drop
    if (before != 0) n -= __builtin_popcount(byteAt(s, b0) >> (8 - before));
    if (after != 0) n -= __builtin_popcount(byteAt(s, b1) & ((1u << after) - 1));
    return n;
}

// The first bit equal to `bit` among bits [first, last] of s (last < 8 * s.size()), or -1.
int64_t findBit(std::string_view s, uint64_t first, uint64_t last, int bit) {
    const uint8_t skip = bit ? 0x00 : 0xff;  // a byte with nothing to find
    const uint64_t skip_word = bit ? 0 : ~uint64_t{0};
    size_t i = first >> 3;
    const size_t b1 = last >> 3;
    while (i <= b1) {
        // Whole interior words with nothing to find are passed over eight bytes at a time.
        if (i > (first >> 3) && i + 8 <= b1) {
            uint64_t w;
            std::memcpy(&w, s.data() + i, sizeof w);
            if (w == skip_word) {
                i += 8;
                continue;
            }
        }
        uint8_t c = byteAt(s, i);
        if (c != skip || i == (first >> 3) || i == b1) {
            if (!bit) c = static_cast<uint8_t>(~c);
            // Mask off the bits outside [first, last] in the edge bytes.
            if (i == (first >> 3)) c &= static_cast<uint8_t>(0xff >> (first & 7));
            if (i == b1) c &= static_cast<uint8_t>(0xff << (7 - (last & 7)));
            if (c != 0) return static_cast<int64_t>(i * 8) + __builtin_clz(c) - 24;
        }
        ++i;
    }
    return -1;
}

// Redis's normalisation of a [start, end] range over `total` units (bytes or bits): negative
// indexes count from the end, then both are clamped into the value. False: the range is empty.
bool clampRange(int64_t total, int64_t& start, int64_t& end) {
    if (start < 0) start += total;
    if (end < 0) end += total;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= total) end = total - 1;
    return start <= end;
}

enum class BitOp { And, Or, Xor, Not };

// out[0, n) = out op src[0, n), eight bytes at a time where it can.
template <class Op>
void applyBytes(uint8_t* out, std::string_view src, Op op) {
    const size_t n = src.size();
    size_t j = 0;
    for (; j + 8 <= n; j += 8) {
        uint64_t a, b;
        std::memcpy(&a, out + j, sizeof a);
        std::memcpy(&b, src.data() + j, sizeof b);
        a = op(a, b);
        std::memcpy(out + j, &a, sizeof a);
    }
    for (; j < n; ++j)
        out[j] = static_cast<uint8_t>(op(uint64_t{out[j]}, uint64_t{byteAt(src, j)}));
}

// BITOP's result: as long as the longest source, a missing byte reading as zero.
std::string combine(BitOp op, const std::vector<std::string_view>& srcs) {
    size_t maxlen = 0;
    for (std::string_view s : srcs) maxlen = std::max(maxlen, s.size());
    std::string out(maxlen, '\0');
    if (maxlen == 0) return out;
    auto* r = reinterpret_cast<uint8_t*>(out.data());
    switch (op) {
        case BitOp::Not:
            std::memset(r, 0xff, maxlen);
            applyBytes(r, srcs[0], [](uint64_t a, uint64_t b) { return a ^ b; });
            break;
        case BitOp::And:
            // An absent source is an empty view with no data: memcpy must not see its null.
            if (!srcs[0].empty()) std::memcpy(r, srcs[0].data(), srcs[0].size());
            for (size_t k = 1; k < srcs.size(); ++k) {
                applyBytes(r, srcs[k], [](uint64_t a, uint64_t b) { return a & b; });
                std::memset(r + srcs[k].size(), 0, maxlen - srcs[k].size());
            }
            break;
        case BitOp::Or:
            for (std::string_view s : srcs) {
                applyBytes(r, s, [](uint64_t a, uint64_t b) { return a | b; });
            }
            break;
        case BitOp::Xor:
            for (std::string_view s : srcs) {
                applyBytes(r, s, [](uint64_t a, uint64_t b) { return a ^ b; });
            }
            break;
    }
    return out;
}

// ---- Argument parsing -----------------------------------------------------------------------

// A bit offset: a non-negative integer whose byte lies within proto-max-bulk-len (2^32-1 at
// the default 512 MB).
bool parseBitOffset(CommandContext& ctx, std::string_view arg, uint64_t& out) {
    int64_t v = 0;
    if (!parseInteger(arg, v) || v < 0 || (v >> 3) >= ctx.config.proto_max_bulk_len) {
        ctx.reply.error(errors::kBitOffset);
        return false;
    }
    out = static_cast<uint64_t>(v);
    return true;
}

// The optional BYTE|BIT unit; false (after a syntax error reply) on anything else.
bool parseUnit(CommandContext& ctx, std::string_view arg, bool& is_bit) {
    if (equalsNoCase(arg, "bit")) {
        is_bit = true;
    } else if (equalsNoCase(arg, "byte")) {
        is_bit = false;
    } else {
        ctx.reply.error(errors::kSyntax);
        return false;
    }
    return true;
}

// ---- Handlers -------------------------------------------------------------------------------

// SETBIT key offset value: answers the bit's old value. Grows the string (zero-filled) as
// needed and keeps its TTL; a bit already as asked changes nothing.
void setbitCommand(CommandContext& ctx) {
    std::string_view key = ctx.argv[1];
    uint64_t offset = 0;
    if (!parseBitOffset(ctx, ctx.argv[2], offset)) return;
    int64_t on = 0;
    if (!parseInteger(ctx.argv[3], on) || (on & ~int64_t{1}) != 0) {
        ctx.reply.error(errors::kBitNotInteger);
        return;
    }
    Lookup cur = ctx.scope.find(ctx.db(), key, ValueType::String);
    if (cur.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return;
    }
    const size_t byte = offset >> 3;
    const auto mask = static_cast<uint8_t>(1u << (7 - (offset & 7)));
    if (!cur) {
        std::string bytes(byte + 1, '\0');
        if (on) bytes[byte] = static_cast<char>(mask);
        ctx.scope.setString(ctx.db(), key, bytes, kNoExpiry, StringEncoding::Raw);
        ctx.scope.notify(ev::kString, "setbit", ctx.db(), key);
        ctx.reply.integer(0);
        return;
    }
    std::string_view old = KeyTable::value(cur.entry);
    const bool was = byte < old.size() && (byteAt(old, byte) & mask) != 0;
    if (byte >= old.size() || was != (on != 0)) {
        KeyTable::Entry* e = ctx.scope.resizeString(ctx.db(), key, std::max(old.size(), byte + 1));
        auto* p = reinterpret_cast<uint8_t*>(KeyTable::mutableValue(e)) + byte;
        *p = static_cast<uint8_t>(on ? (*p | mask) : (*p & ~mask));
        ctx.scope.notify(ev::kString, "setbit", ctx.db(), key);  // grown or changed, as Redis
    } else {
        KeyTable::markRaw(cur.entry);
    }
    ctx.reply.integer(was ? 1 : 0);
}

// GETBIT key offset: bits past the end (or of an absent key) read as 0.
void getbitCommand(CommandContext& ctx) {
    uint64_t offset = 0;
    if (!parseBitOffset(ctx, ctx.argv[2], offset)) return;
    Lookup cur = ctx.scope.find(ctx.db(), ctx.argv[1], ValueType::String);
    if (cur.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return;
    }
    const size_t byte = offset >> 3;
    std::string_view s = cur ? KeyTable::value(cur.entry) : std::string_view();
    const bool set = byte < s.size() && (byteAt(s, byte) & (1u << (7 - (offset & 7)))) != 0;
    ctx.reply.integer(set ? 1 : 0);
}

// BITCOUNT key [start end [BYTE|BIT]]. As in Redis 7.0 the key is looked up first: an absent
// key answers 0 whatever the other arguments are.
void bitcountCommand(CommandContext& ctx) {
    Lookup cur = ctx.scope.find(ctx.db(), ctx.argv[1], ValueType::String);
    if (cur.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return;
    }
    if (!cur) {
        ctx.reply.integer(0);
        return;
    }
    std::string_view s = KeyTable::value(cur.entry);
    const size_t argc = ctx.argv.size();
    if (argc == 2) {
        ctx.reply.integer(s.empty() ? 0 : countBits(s, 0, s.size() * 8 - 1));
        return;
    }
    if (argc != 4 && argc != 5) {
        ctx.reply.error(errors::kSyntax);
        return;
    }
    int64_t start = 0, end = 0;
    bool is_bit = false;
    if (!parseInteger(ctx.argv[2], start) || !parseInteger(ctx.argv[3], end)) {
        ctx.reply.error(errors::kNotInteger);
        return;
    }
    // Both negative with start after end: empty, before clamping could make it [0, 0] (and, as
    // in Redis 7.0, before the unit is even read).
    if (start < 0 && end < 0 && start > end) {
        ctx.reply.integer(0);
        return;
    }
    if (argc == 5 && !parseUnit(ctx, ctx.argv[4], is_bit)) return;
    const int64_t total = static_cast<int64_t>(s.size()) * (is_bit ? 8 : 1);
    if (!clampRange(total, start, end)) {
        ctx.reply.integer(0);
        return;
    }
    const auto first = static_cast<uint64_t>(is_bit ? start : start * 8);
    const auto last = static_cast<uint64_t>(is_bit ? end : end * 8 + 7);
    ctx.reply.integer(countBits(s, first, last));
}

// BITPOS key bit [start [end [BYTE|BIT]]]. An absent key is endless zeros. Looking for a 0
// with no end given, a value of all ones answers the first bit past its end; with an end
// given, -1.
void bitposCommand(CommandContext& ctx) {
    int64_t bit = 0;
    if (!parseInteger(ctx.argv[2], bit)) {
        ctx.reply.error(errors::kNotInteger);
        return;
    }
    if (bit != 0 && bit != 1) {
        ctx.reply.error(errors::kBitArgument);
        return;
    }
    Lookup cur = ctx.scope.find(ctx.db(), ctx.argv[1], ValueType::String);
    if (cur.wrong_type) {
        ctx.reply.error(errors::kWrongType);
        return;
    }
    if (!cur) {
        ctx.reply.integer(bit ? -1 : 0);
        return;
    }
    std::string_view s = KeyTable::value(cur.entry);
    const size_t argc = ctx.argv.size();
    if (argc > 6) {
        ctx.reply.error(errors::kSyntax);
        return;
    }
    int64_t start = 0, end = static_cast<int64_t>(s.size()) - 1;
    bool is_bit = false, end_given = false;
    if (argc >= 4) {
        if (!parseInteger(ctx.argv[3], start)) {
            ctx.reply.error(errors::kNotInteger);
            return;
        }
        if (argc == 6 && !parseUnit(ctx, ctx.argv[5], is_bit)) return;
        if (argc >= 5) {
            if (!parseInteger(ctx.argv[4], end)) {
                ctx.reply.error(errors::kNotInteger);
                return;
            }
            end_given = true;
        }
    }
    const int64_t total = static_cast<int64_t>(s.size()) * (is_bit ? 8 : 1);
    if (!clampRange(total, start, end)) {
        ctx.reply.integer(-1);  // an empty range holds neither a 0 nor a 1
        return;
    }
    const auto first = static_cast<uint64_t>(is_bit ? start : start * 8);
    const auto last = static_cast<uint64_t>(is_bit ? end : end * 8 + 7);
    int64_t pos = findBit(s, first, last, static_cast<int>(bit));
    if (pos < 0 && bit == 0 && !end_given) pos = static_cast<int64_t>(last) + 1;
    ctx.reply.integer(pos);
}

// BITOP AND|OR|XOR|NOT destkey key [key ...]: answers the result's length. Missing sources
// are empty; the result replaces destkey (whatever its type, with no TTL), and an empty result
// deletes it.
void bitopCommand(CommandContext& ctx) {
    std::string_view name = ctx.argv[1];
    BitOp op;
    if (equalsNoCase(name, "and")) {
        op = BitOp::And;
    } else if (equalsNoCase(name, "or")) {
        op = BitOp::Or;
    } else if (equalsNoCase(name, "xor")) {
        op = BitOp::Xor;
    } else if (equalsNoCase(name, "not")) {
        op = BitOp::Not;
    } else {
        ctx.reply.error(errors::kSyntax);
        return;
    }
    if (op == BitOp::Not && ctx.argv.size() != 4) {
        ctx.reply.error(errors::kBitopNotOneKey);
        return;
    }
    auto keys = ctx.argv.subspan(3);
    // First pass: the lookups that may delete expired keys, and the type check (read lookups,
    // as Redis's: keymiss for each absent source).
    LockScope::ReadLookups read(ctx.scope);
    for (std::string_view key : keys) {
        if (ctx.scope.find(ctx.db(), key, ValueType::String).wrong_type) {
            ctx.reply.error(errors::kWrongType);
            return;
        }
    }
    // Second pass changes nothing, so every view stays valid until the result is stored.
    ctx.scope.setReadLookups(false);  // the second pass reads them again, silently
    std::vector<std::string_view> srcs;
    srcs.reserve(keys.size());
    for (std::string_view key : keys) {
        Lookup cur = ctx.scope.find(ctx.db(), key, ValueType::String);
        srcs.push_back(cur ? KeyTable::value(cur.entry) : std::string_view());
    }
    std::string result = combine(op, srcs);
    if (result.empty()) {
        if (ctx.scope.remove(ctx.db(), ctx.argv[2])) {
            ctx.scope.notify(ev::kGeneric, "del", ctx.db(), ctx.argv[2]);
        }
    } else {
        ctx.scope.setString(ctx.db(), ctx.argv[2], result, kNoExpiry, StringEncoding::Raw);
        ctx.scope.notify(ev::kString, "set", ctx.db(), ctx.argv[2]);
    }
    ctx.reply.integer(static_cast<int64_t>(result.size()));
}

}  // namespace

void registerBitCommands(CommandTable& t) {
    constexpr uint32_t kW = kCmdWrite;
    constexpr uint32_t kR = kCmdReadOnly;
    constexpr uint32_t kF = kCmdFast;
    t.add({"setbit", 4, kW, 1, 1, 1, setbitCommand, "bitmap", "key offset value",
           "Sets or clears the bit at offset in the string value stored at key"});
    t.add({"getbit", 3, kR | kF, 1, 1, 1, getbitCommand, "bitmap", "key offset",
           "Returns the bit value at offset in the string value stored at key"});
    t.add({"bitcount", -2, kR, 1, 1, 1, bitcountCommand, "bitmap", "key [start end [BYTE|BIT]]",
           "Count set bits in a string"});
    t.add({"bitpos", -3, kR, 1, 1, 1, bitposCommand, "bitmap", "key bit [start [end [BYTE|BIT]]]",
           "Find first bit set or clear in a string"});
    t.add({"bitop", -4, kW, 2, -1, 1, bitopCommand, "bitmap",
           "AND|OR|XOR|NOT destkey key [key ...]", "Perform bitwise operations between strings"});
}

}  // namespace mini_redis
