// The introspection family: OBJECT (ENCODING, REFCOUNT, IDLETIME, FREQ, HELP) and MEMORY (USAGE,
// HELP). Replies and error texts are Redis 7.0's; what we cannot know (access times, access
// frequency, allocator reports) is answered honestly rather than invented.
#include <cstdint>
#include <string>

#include "allocator.h"
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
    if (KeyTable::collection(e) == nullptr && intEncoded(e, n) && n >= 0 && n < kSharedIntegers &&
        KeyTable::encoding(e) == StringEncoding::Auto)
        return kSharedRefcount;
    return 1;
}

void objectHelp(CommandContext& ctx) {
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
}

// OBJECT ENCODING|REFCOUNT|IDLETIME|FREQ key: a missing key answers nil for each of them.
const KeyTable::Entry* objectKey(CommandContext& ctx) {
    ctx.scope.setReadLookups(false);  // Redis's OBJECT and MEMORY USAGE report no keymiss
    const KeyTable::Entry* e = ctx.scope.find(ctx.db(), ctx.argv[2]);
    if (e == nullptr) ctx.reply.nil();
    return e;
}

void objectEncoding(CommandContext& ctx) {
    if (const KeyTable::Entry* e = objectKey(ctx)) ctx.reply.bulk(encodingOf(e));
}

void objectRefcount(CommandContext& ctx) {
    if (const KeyTable::Entry* e = objectKey(ctx)) ctx.reply.integer(refcountOf(e));
}

// No per-key access clock is kept (maxmemory-policy is noeviction, nothing is evicted): every
// key reads as just used.
void objectIdletime(CommandContext& ctx) {
    if (objectKey(ctx)) ctx.reply.integer(0);
}

// Redis answers this unless an LFU policy is selected, which ours never is.
void objectFreq(CommandContext& ctx) {
    if (objectKey(ctx)) ctx.reply.error(errors::kLfuNotSelected);
}

// Bytes a key costs: its entry block as the allocator sized it (key, value bytes, expiry and
// header in one allocation), a collection's heap bytes, and the key's slot in the table.
int64_t usageOf(const KeyTable::Entry* e) {
    size_t bytes = KeyTable::allocatedBytes(e) + sizeof(uintptr_t);
    if (const Collection* c = KeyTable::collection(e)) bytes += c->memoryBytes();
    return static_cast<int64_t>(bytes);
}

void memoryHelp(CommandContext& ctx) {
    ctx.reply.lines({
        "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
        "PURGE",
        "    Attempt to purge dirty pages for reclamation by the allocator.",
        "HELP",
        "    Prints this help.",
    });
}

// MEMORY USAGE key [SAMPLES count]. SAMPLES is checked as Redis checks it and otherwise
// ignored: collections report their exact size, no sampling is needed.
void memoryUsage(CommandContext& ctx) {
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
    ctx.scope.setReadLookups(false);
    const KeyTable::Entry* e = ctx.scope.find(ctx.db(), ctx.argv[2]);
    e == nullptr ? ctx.reply.nil() : ctx.reply.integer(usageOf(e));
}

// MEMORY PURGE: freed pages go back to the OS now (allocator.h), not after the decay delay.
void memoryPurge(CommandContext& ctx) {
    allocator::purge();
    ctx.reply.ok();
}

// Arities, flags and key positions as Redis 7.0's COMMAND INFO gives them (the key is argv[2]).
constexpr uint32_t kHelpFlags = kCmdLoading | kCmdStale;

const CommandSpec kObjectSubcommands[] = {
    {"object|encoding", 3, kCmdReadOnly, 2, 2, 1, objectEncoding, "keyspace", "key",
     "The internal encoding of a key's value"},
    {"object|refcount", 3, kCmdReadOnly, 2, 2, 1, objectRefcount, "keyspace", "key",
     "The reference count of a key's value"},
    {"object|idletime", 3, kCmdReadOnly, 2, 2, 1, objectIdletime, "keyspace", "key",
     "Seconds since a key was last accessed"},
    {"object|freq", 3, kCmdReadOnly, 2, 2, 1, objectFreq, "keyspace", "key",
     "The logarithmic access frequency of a key (LFU policies only)"},
    {"object|help", 2, kHelpFlags, 0, 0, 0, objectHelp, "keyspace", "",
     "Show helpful text about the different subcommands"},
};

// DOCTOR, STATS and MALLOC-STATS are not offered (they answer "unknown subcommand").
const CommandSpec kMemorySubcommands[] = {
    {"memory|usage", -3, kCmdReadOnly, 2, 2, 1, memoryUsage, "server", "key [SAMPLES count]",
     "Estimate the memory a key and its value use"},
    {"memory|purge", 2, 0, 0, 0, 0, memoryPurge, "server", "",
     "Ask the allocator to release freed memory"},
    {"memory|help", 2, kHelpFlags, 0, 0, 0, memoryHelp, "server", "",
     "Show helpful text about the different subcommands"},
};

}  // namespace

void registerObjectCommands(CommandTable& t) {
    t.add({"object", -2, 0, 0, 0, 0, nullptr, "keyspace",
           "ENCODING|REFCOUNT|IDLETIME|FREQ key | HELP", "Inspect the internals of a key's value",
           nullptr, kObjectSubcommands});
    t.add({"memory", -2, 0, 0, 0, 0, nullptr, "server", "USAGE key [SAMPLES count] | PURGE | HELP",
           "Report the memory a key and its value use", nullptr, kMemorySubcommands});
}

}  // namespace mini_redis
