// The introspection family: OBJECT (ENCODING, REFCOUNT, IDLETIME, FREQ, HELP) and MEMORY (USAGE,
// HELP). Replies and error texts are Redis 7.0's; what we cannot know (access times, access
// frequency, allocator reports) is answered honestly rather than invented.
#include <cctype>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "command_args.h"
#include "command_context.h"
#include "errors.h"

namespace mini_redis {

namespace {

// Redis keeps one shared object for each integer 0..9999 (OBJ_SHARED_INTEGERS) and reports
// its refcount as INT_MAX (OBJ_SHARED_REFCOUNT).
constexpr int64_t kSharedIntegers = 10000;
constexpr int64_t kSharedRefcount = 2147483647;
// Longest string Redis stores as embstr (OBJ_ENCODING_EMBSTR_SIZE_LIMIT).
constexpr size_t kEmbstrLimit = 44;

// Whether Redis would hold this string as an "int" object, and the integer if so: written by
// a command that tries the integer encoding (StringEncoding::Auto) and read back by
// string2l's rules (base 10, no sign but '-', no leading zeros or spaces, at most 20 chars).
bool intEncoded(const KeyTable::Entry* e, int64_t& n) {
    const StringEncoding enc = KeyTable::encoding(e);
    return (enc == StringEncoding::Auto || enc == StringEncoding::Copied) &&
           parseInteger(KeyTable::value(e), n);
}

std::string_view encodingOf(const KeyTable::Entry* e) {
    if (const Collection* c = KeyTable::collection(e)) return c->encoding();
    int64_t n = 0;
    if (KeyTable::encoding(e) == StringEncoding::Raw) return "raw";
    if (intEncoded(e, n)) return "int";
    return KeyTable::value(e).size() <= kEmbstrLimit ? "embstr" : "raw";
}

int64_t refcountOf(const KeyTable::Entry* e) {
    int64_t n = 0;
    // A COPY duplicates the object, so it is never the shared one.
    if (KeyTable::collection(e) == nullptr && intEncoded(e, n) && n >= 0 &&
        n < kSharedIntegers && KeyTable::encoding(e) == StringEncoding::Auto)
        return kSharedRefcount;
    return 1;
}

// Arity of a subcommand as Redis's table has it (counting OBJECT and the subcommand): false,
// with Redis's error ("object|encoding"), when argc does not match.
bool subcommandArityOk(CommandContext& ctx, const char* container, std::string_view sub,
                       size_t want) {
    if (ctx.argv.size() == want) return true;
    std::string name = std::string(container) + "|";
    for (char c : sub) name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ctx.reply.errorf(errors::kWrongArityFmt, name.c_str());
    return false;
}

void unknownSubcommand(CommandContext& ctx, const char* container) {
    std::string sub(ctx.argv[1]);
    ctx.reply.errorf(errors::kUnknownSubcommandFmt, sub.c_str(), container);
}

// OBJECT <subcommand> key. A missing key answers nil for every subcommand.
void objectCommand(CommandContext& ctx) {
    const std::string_view sub = ctx.argv[1];
    const bool encoding = equalsNoCase(sub, "encoding");
    const bool refcount = equalsNoCase(sub, "refcount");
    const bool idletime = equalsNoCase(sub, "idletime");
    const bool freq = equalsNoCase(sub, "freq");
    if (equalsNoCase(sub, "help")) {
        if (!subcommandArityOk(ctx, "object", sub, 2)) return;
        ctx.reply.lines({
            "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "ENCODING <key>",
            "    Return the kind of internal representation used in order to store the value",
            "    associated with a <key>.",
            "FREQ <key>",
            "    Return the access frequency index of the <key>. The returned integer is",
            "    proportional to the logarithm of the recent access frequency of the key.",
            "IDLETIME <key>",
            "    Return the idle time of the <key>, that is the approximated number of",
            "    seconds elapsed since the last access to the key.",
            "REFCOUNT <key>",
            "    Return the number of references of the value associated with the specified",
            "    <key>.",
            "HELP",
            "    Prints this help.",
        });
        return;
    }
    if (!encoding && !refcount && !idletime && !freq) {
        unknownSubcommand(ctx, "OBJECT");
        return;
    }
    if (!subcommandArityOk(ctx, "object", sub, 3)) return;
    const KeyTable::Entry* e = ctx.scope.find(ctx.db(), ctx.argv[2]);
    if (e == nullptr) {
        ctx.reply.nil();
    } else if (encoding) {
        ctx.reply.bulk(encodingOf(e));
    } else if (refcount) {
        ctx.reply.integer(refcountOf(e));
    } else if (idletime) {
        // No per-key access clock is kept (maxmemory-policy is noeviction, nothing is evicted):
        // every key reads as just used.
        ctx.reply.integer(0);
    } else {
        // Redis answers this unless an LFU policy is selected, which ours never is.
        ctx.reply.error(errors::kLfuNotSelected);
    }
}

// Bytes a key costs: its entry block as the allocator sized it (key, value bytes, expiry and
// header in one allocation), a collection's heap bytes, and the key's slot in the table.
int64_t usageOf(const KeyTable::Entry* e) {
    size_t bytes = KeyTable::allocatedBytes(e) + sizeof(uintptr_t);
    if (const Collection* c = KeyTable::collection(e)) bytes += c->memoryBytes();
    return static_cast<int64_t>(bytes);
}

// MEMORY USAGE key [SAMPLES count] | MEMORY HELP. SAMPLES is checked as Redis checks it and
// otherwise ignored: collections report their exact size, no sampling is needed. DOCTOR,
// STATS, MALLOC-STATS and PURGE are not offered (they answer "unknown subcommand").
void memoryCommand(CommandContext& ctx) {
    const std::string_view sub = ctx.argv[1];
    if (equalsNoCase(sub, "help")) {
        if (!subcommandArityOk(ctx, "memory", sub, 2)) return;
        ctx.reply.lines({
            "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "USAGE <key> [SAMPLES <count>]",
            "    Return memory in bytes used by <key> and its value. Nested values are",
            "    sampled up to <count> times (default: 5, 0 means sample all).",
            "HELP",
            "    Prints this help.",
        });
        return;
    }
    if (!equalsNoCase(sub, "usage")) {
        unknownSubcommand(ctx, "MEMORY");
        return;
    }
    if (ctx.argv.size() < 3) {
        ctx.reply.errorf(errors::kWrongArityFmt, "memory|usage");
        return;
    }
    for (size_t i = 3; i < ctx.argv.size(); ++i) {
        if (equalsNoCase(ctx.argv[i], "samples") && i + 1 < ctx.argv.size()) {
            int64_t samples = 0;
            if (!parseInteger(ctx.argv[i + 1], samples)) {
                ctx.reply.error(errors::kNotInteger);
                return;
            }
            if (samples < 0) {
                ctx.reply.error(errors::kSyntax);
                return;
            }
            ++i;
        } else {
            ctx.reply.error(errors::kSyntax);
            return;
        }
    }
    const KeyTable::Entry* e = ctx.scope.find(ctx.db(), ctx.argv[2]);
    e == nullptr ? ctx.reply.nil() : ctx.reply.integer(usageOf(e));
}

// Both commands name their key after the subcommand, so first/last/step (which COMMAND INFO
// reports as 0 0 0, as Redis does for these containers) cannot say where it is.
void keyAfterSubcommand(std::span<const std::string_view> argv, std::vector<size_t>& out) {
    if (argv.size() >= 3 && !equalsNoCase(argv[1], "help")) out.push_back(2);
}

}  // namespace

void registerObjectCommands(CommandTable& t) {
    t.add({"object", -2, kCmdReadOnly, 0, 0, 0, objectCommand, "keyspace",
           "ENCODING|REFCOUNT|IDLETIME|FREQ key | HELP", "Inspect the internals of a key's value",
           keyAfterSubcommand});
    t.add({"memory", -2, kCmdReadOnly, 0, 0, 0, memoryCommand, "server",
           "USAGE key [SAMPLES count] | HELP", "Report the memory a key and its value use",
           keyAfterSubcommand});
}

}  // namespace mini_redis
