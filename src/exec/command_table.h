// The command table: every command declared exactly once, with arity, flags, key positions
// and handler, subcommands included. Families register themselves (string_commands.cpp, ...);
// nothing else lists commands, and HELP and COMMAND are generated from here.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mini_redis {

struct CommandContext;
using CommandHandler = void (*)(CommandContext&);
// Where a command's keys are when first/last/step cannot say (e.g. a count before the keys):
// appends the indexes into argv of every key.
using KeyFinder = void (*)(std::span<const std::string_view> argv, std::vector<size_t>& out);

enum CommandFlag : uint32_t {
    kCmdWrite = 1u << 0,       // may modify the keyspace
    kCmdReadOnly = 1u << 1,    // reads the keyspace only
    kCmdFast = 1u << 2,        // O(1) or O(log N)
    kCmdAdmin = 1u << 3,       // server administration
    kCmdNoAuth = 1u << 4,      // allowed before AUTH (for when requirepass is set)
    kCmdLoading = 1u << 5,     // allowed while loading
    kCmdStale = 1u << 6,       // allowed on a stale replica
    kCmdConnection = 1u << 7,  // about the connection itself, not the data
    kCmdReactor = 1u << 8,     // needs the reactor's view of clients: runs on the reactor thread
    // Touches keys not named in its arguments (KEYS, SCAN, FLUSHALL, SWAPDB...): it gets a scope
    // holding nothing and locks what it needs itself; an EXEC that queues one locks every shard.
    kCmdKeyspace = 1u << 9,
    // Runs at once even inside MULTI, never queued (MULTI, EXEC, DISCARD, WATCH, QUIT, RESET).
    kCmdNoQueue = 1u << 10,
    kCmdPubSub = 1u << 11,  // a pub/sub command (COMMAND INFO's "pubsub" flag)
    // May wait for a key (BLPOP, BZPOPMIN, ...): COMMAND INFO's "blocking" flag.
    kCmdBlocking = 1u << 12,
    // Refused inside MULTI (Redis's no-multi: SAVE, SHUTDOWN): the transaction is aborted.
    kCmdNoMulti = 1u << 13,
};

struct CommandSpec;
// Redis's "may replicate" test: a write, or PUBLISH (which Redis propagates). Such commands are
// refused to a MONITOR client and held by CLIENT PAUSE WRITE.
bool mayReplicate(const CommandSpec& spec);

struct CommandSpec {
    std::string_view name;              // lower case
    int arity;                          // +N exact, -N at least N; counts the command name
    uint32_t flags;                     // CommandFlag bits
    int first_key, last_key, key_step;  // key positions, as COMMAND INFO reports them
    CommandHandler handler;
    std::string_view group;         // "string", "keyspace", "connection", "server"
    std::string_view usage;         // arguments after the name, e.g. "key value"
    std::string_view summary;       // one line, for HELP and COMMAND DOCS
    KeyFinder find_keys = nullptr;  // overrides first/last/step when set
    // A container's subcommands (OBJECT ENCODING, CONFIG GET, ...), each a full spec named by
    // Redis's fullname ("object|encoding"), its arity and key positions counting the
    // container and the subcommand (argv[0] is still the container). When a family declares
    // them this points at its own array; in the table's copy it points at the table's copies.
    std::span<const CommandSpec> subcommands = {};
};

// Built once at start-up on the main thread, then read-only: any thread may read it.
//
// Subcommands: all() holds each container followed by its subcommands, so every spec, a
// subcommand's too, has its own index() (its own INFO counters). index_ maps every name to its
// position, subcommands under their fullname "container|sub". A request resolves as Redis
// resolves it: argv[0] names a top-level command (find(), which never matches a '|' name); if
// that is a container and argv has more than the name, argv[1] picks the subcommand by
// looking up "container|" + lower-cased argv[1] (findSubcommand()). Move-only: the table's
// containers point into its own storage.
class CommandTable {
  public:
    CommandTable() = default;
    CommandTable(CommandTable&&) = default;
    CommandTable& operator=(CommandTable&&) = default;
    CommandTable(const CommandTable&) = delete;
    CommandTable& operator=(const CommandTable&) = delete;

    // The table with every family registered. Throws std::logic_error on a duplicate name.
    static CommandTable build();

    // Adds a command and its subcommands. Throws std::logic_error on a duplicate name, a
    // subcommand not named "container|sub", a nested container, or a subcommand whose
    // kCmdReactor differs from its container's (the reactor routes by argv[0] alone).
    void add(const CommandSpec& spec);
    // Top-level command by name, case-insensitive; nullptr if unknown.
    const CommandSpec* find(std::string_view name) const;
    // The subcommand `sub` (case-insensitive) of `container`; nullptr if it has none such.
    const CommandSpec* findSubcommand(const CommandSpec& container, std::string_view sub) const;
    // A command or a subcommand by its fullname ("get", "config|get"), as COMMAND INFO and
    // COMMAND DOCS take them; case-insensitive, nullptr if unknown.
    const CommandSpec* findByFullName(std::string_view name) const;
    // The spec that runs this request (argv[0] is the name), as the dispatcher picks it: the
    // command, or for a container given arguments, its subcommand. nullptr when unknown.
    // `container` (if asked for) is set to the container whenever argv[1] was looked up, so
    // after a nullptr it tells an unknown subcommand from an unknown command.
    const CommandSpec* resolve(std::span<const std::string_view> argv,
                               const CommandSpec** container = nullptr) const;
    static bool isSubcommand(const CommandSpec& spec) {
        return spec.name.find('|') != std::string_view::npos;
    }
    // Every spec, subcommands included (each right after its container).
    const std::vector<CommandSpec>& all() const { return specs_; }
    // Top-level commands only (what COMMAND COUNT counts).
    size_t commandCount() const { return commands_; }
    // The position of a spec of this table in all(): the index of its per-command counters.
    size_t index(const CommandSpec& spec) const {
        return static_cast<size_t>(&spec - specs_.data());
    }
    // A cheap pre-check (by name length) before find() on the reactor's hot path: false means
    // the name is surely not a kCmdReactor command.
    bool mayRunOnReactor(std::string_view name) const {
        return name.size() < 32 && ((reactor_name_lengths_ >> name.size()) & 1u);
    }
    // Whether `argc` (counting the name) satisfies the arity.
    static bool arityOk(const CommandSpec& spec, size_t argc) {
        return spec.arity >= 0 ? argc == static_cast<size_t>(spec.arity)
                               : argc >= static_cast<size_t>(-spec.arity);
    }
    // The keys of one request (argv[0] is the name), as the lock scope needs them: from
    // find_keys, or from first/last/step (a negative last counts from the end). Arity must
    // already have been checked.
    static void keysOf(const CommandSpec& spec, std::span<const std::string_view> argv,
                       std::vector<std::string_view>& out);
    // Flag names as COMMAND INFO spells them.
    static std::vector<std::string_view> flagNames(uint32_t flags);

  private:
    std::vector<CommandSpec> specs_;
    // Transparent hash: find() looks names up by string_view, with no std::string per command.
    struct NameHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, size_t, NameHash, std::equal_to<>> index_;
    size_t commands_ = 0;                // top-level entries of specs_
    uint32_t reactor_name_lengths_ = 0;  // bit n set: some kCmdReactor command has n letters
};

// Family registration functions, one per *_commands.cpp file.
void registerStringCommands(CommandTable& table);
void registerStringRangeCommands(CommandTable& table);
void registerKeyspaceCommands(CommandTable& table);
void registerDumpCommands(CommandTable& table);  // called by registerKeyspaceCommands
void registerConnectionCommands(CommandTable& table);
void registerClientCommands(CommandTable& table);
void registerServerCommands(CommandTable& table);
void registerPersistenceCommands(CommandTable& table);  // called by registerServerCommands
void registerExpireCommands(CommandTable& table);
void registerListCommands(CommandTable& table);
void registerBlockingCommands(CommandTable& table);
void registerListRangeCommands(CommandTable& table);
void registerHashCommands(CommandTable& table);
void registerSetCommands(CommandTable& table);
void registerSetAlgebraCommands(CommandTable& table);  // called by registerSetCommands
void registerZSetCommands(CommandTable& table);
void registerSortCommands(CommandTable& table);
void registerTransactionCommands(CommandTable& table);
void registerBitCommands(CommandTable& table);
void registerObjectCommands(CommandTable& table);
void registerPubSubCommands(CommandTable& table);

inline bool mayReplicate(const CommandSpec& spec) {
    return (spec.flags & kCmdWrite) || spec.name == "publish";
}

}  // namespace mini_redis
