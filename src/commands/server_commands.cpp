// The server family: HELP, COMMAND, CONFIG, INFO, TIME, SLOWLOG.
#include <sys/time.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "command_args.h"
#include "command_context.h"
#include "errors.h"
#include "glob.h"
#include "info_report.h"
#include "keyspace_event_flags.h"

namespace mini_redis {

namespace {

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    }
    return out;
}

// The HELP line of a command or subcommand: "OBJECT ENCODING key -- summary".
std::string helpLine(const CommandSpec& spec) {
    std::string line = upper(spec.name);
    std::replace(line.begin(), line.end(), '|', ' ');
    if (!spec.usage.empty()) {
        line += ' ';
        line.append(spec.usage);
    }
    line += " -- ";
    line.append(spec.summary);
    return line;
}

// HELP [command ...]: one line per command and per subcommand (after its container), usage
// and purpose, generated from the table.
void helpCommand(CommandContext& ctx) {
    std::vector<const CommandSpec*> specs;
    auto add = [&](const CommandSpec& spec) {
        specs.push_back(&spec);
        for (const CommandSpec& sub : spec.subcommands) specs.push_back(&sub);
    };
    if (ctx.argv.size() >= 2) {
        for (size_t i = 1; i < ctx.argv.size(); ++i) {
            if (const CommandSpec* spec = ctx.table.findByFullName(ctx.argv[i])) add(*spec);
        }
    } else {
        for (const auto& spec : ctx.table.all()) {
            if (!CommandTable::isSubcommand(spec)) add(spec);
        }
    }
    ctx.reply.arrayHeader(specs.size());
    for (const CommandSpec* spec : specs) ctx.reply.simple(helpLine(*spec));
}

// One COMMAND INFO entry, as Redis 7.0 shapes it; a container's last element lists its
// subcommands' own entries (an array), anything else's is an empty set.
void commandInfo(Reply& reply, const CommandSpec& spec) {
    reply.arrayHeader(10);
    reply.bulk(spec.name);
    reply.integer(spec.arity);
    auto flags = CommandTable::flagNames(spec.flags);
    // Keys found by parsing the arguments (LMPOP's numkeys, ...): Redis's movablekeys.
    if (spec.find_keys != nullptr) flags.push_back("movablekeys");
    reply.setHeader(flags.size());  // sets in RESP3, as Redis 7.0 sends them
    for (auto f : flags) reply.simple(f);
    reply.integer(spec.first_key);
    reply.integer(spec.last_key);
    reply.integer(spec.key_step);
    reply.setHeader(0);  // ACL categories
    reply.setHeader(0);  // tips
    reply.setHeader(0);  // key specs
    if (spec.subcommands.empty()) {
        reply.setHeader(0);
        return;
    }
    reply.arrayHeader(spec.subcommands.size());
    for (const CommandSpec& sub : spec.subcommands) commandInfo(reply, sub);
}

void commandDocs(Reply& reply, const CommandSpec& spec) {
    reply.bulk(spec.name);
    reply.mapHeader(spec.subcommands.empty() ? 3 : 4);
    reply.bulk("summary");
    reply.bulk(spec.summary);
    reply.bulk("since");
    reply.bulk("1.0.0");
    reply.bulk("group");
    reply.bulk(spec.group);
    if (spec.subcommands.empty()) return;
    reply.bulk("subcommands");
    reply.mapHeader(spec.subcommands.size());  // name -> docs
    for (const CommandSpec& sub : spec.subcommands) commandDocs(reply, sub);
}

// The specs COMMAND INFO / DOCS name, by fullname ("config|get" too); nullptr if unknown.
std::vector<const CommandSpec*> commandsNamed(CommandContext& ctx) {
    std::vector<const CommandSpec*> specs;
    if (ctx.argv.size() == 2) {
        for (const auto& spec : ctx.table.all()) {
            if (!CommandTable::isSubcommand(spec)) specs.push_back(&spec);
        }
        return specs;
    }
    for (auto name : ctx.argv.subspan(2)) specs.push_back(ctx.table.findByFullName(name));
    return specs;
}

// COMMAND: every command's info (subcommands inside their container's).
void commandCommand(CommandContext& ctx) {
    ctx.reply.arrayHeader(ctx.table.commandCount());
    for (const auto& spec : ctx.table.all()) {
        if (!CommandTable::isSubcommand(spec)) commandInfo(ctx.reply, spec);
    }
}

// COMMAND COUNT: top-level commands, as Redis counts them.
void commandCount(CommandContext& ctx) {
    ctx.reply.integer(static_cast<int64_t>(ctx.table.commandCount()));
}

// COMMAND LIST [FILTERBY PATTERN pattern]: every name, subcommands' fullnames included.
void commandList(CommandContext& ctx) {
    std::string_view pattern = "*";
    if (ctx.argv.size() == 5 && equalsNoCase(ctx.argv[2], "filterby") &&
        equalsNoCase(ctx.argv[3], "pattern")) {
        pattern = ctx.argv[4];
    } else if (ctx.argv.size() != 2) {
        ctx.reply.error(errors::kSyntax);
        return;
    }
    std::vector<std::string_view> names;
    for (const auto& spec : ctx.table.all()) {
        if (globMatch(pattern, spec.name, /*nocase=*/true)) names.push_back(spec.name);
    }
    ctx.reply.arrayHeader(names.size());
    for (auto name : names) ctx.reply.bulk(name);
}

// COMMAND INFO [name ...]: a null for an unknown name.
void commandInfoCommand(CommandContext& ctx) {
    auto specs = commandsNamed(ctx);
    ctx.reply.arrayHeader(specs.size());
    for (const CommandSpec* spec : specs) spec ? commandInfo(ctx.reply, *spec) : ctx.reply.nil();
}

// COMMAND DOCS [name ...]: unknown names are left out.
void commandDocsCommand(CommandContext& ctx) {
    auto specs = commandsNamed(ctx);
    std::erase(specs, nullptr);
    ctx.reply.mapHeader(specs.size());  // name -> docs
    for (const CommandSpec* spec : specs) commandDocs(ctx.reply, *spec);
}

void commandHelp(CommandContext& ctx) {
    ctx.reply.lines({
        "COMMAND -- Return details about all commands.",
        "COMMAND COUNT -- Return the number of commands.",
        "COMMAND LIST [FILTERBY PATTERN <pattern>] -- Return the names of all commands.",
        "COMMAND INFO [<command-name> ...] -- Details about some commands.",
        "COMMAND DOCS [<command-name> ...] -- Documentary information.",
    });
}

// Redis settings that clients and tools ask about, with the values that describe mini-redis.
constexpr std::pair<std::string_view, std::string_view> kFixedSettings[] = {
    {"appendonly", "no"},
    {"databases", "1"},
    {"maxmemory", "0"},
    {"maxmemory-policy", "noeviction"},
};

void configGet(CommandContext& ctx) {
    std::vector<std::pair<std::string, std::string>> matches;
    auto settings = ctx.config.all();
    for (auto pattern : ctx.argv.subspan(2)) {
        auto add = [&](std::string_view name, std::string_view value) {
            if (!globMatch(pattern, name, /*nocase=*/true)) return;
            for (const auto& m : matches) {
                if (m.first == name) return;
            }
            matches.emplace_back(std::string(name), std::string(value));
        };
        for (const auto& [name, value] : settings) add(name, value);
        for (const auto& [name, value] : kFixedSettings) add(name, value);
    }
    ctx.reply.mapHeader(matches.size());
    for (const auto& [name, value] : matches) {
        ctx.reply.bulk(name);
        ctx.reply.bulk(value);
    }
}

// CONFIG SET name value [name value ...]: all or nothing, live settings only.
void configSet(CommandContext& ctx) {
    auto args = ctx.argv.subspan(2);  // at least two (arity)
    if (args.size() % 2 != 0) {
        ctx.reply.error(errors::kSyntax);
        return;
    }
    std::string failed;
    auto err = ctx.shared_config.update([&](Config& next) -> std::optional<std::string> {
        for (size_t i = 0; i < args.size(); i += 2) {
            std::string name(args[i]);
            for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            failed = name;
            if (!next.get(name))
                return std::string("Unknown option or number of arguments for CONFIG SET");
            if (!Config::isLive(name)) return std::string("can't set immutable config");
            if (name == "notify-keyspace-events" && !keyspace_events::parseFlags(args[i + 1])) {
                return std::string(keyspace_events::kInvalidFlags);  // Redis's text, unwrapped
            }
            if (auto e = next.set(name, args[i + 1])) return *e;
        }
        return std::nullopt;
    });
    if (err) {
        ctx.reply.error("ERR CONFIG SET failed (possibly related to argument '" + failed + "') - " +
                        *err);
        return;
    }
    Log::setLevel(ctx.shared_config.get()->loglevel);
    ctx.store.notifier().setFlags(ctx.shared_config.get()->notify_keyspace_events);
    ctx.reply.ok();
}

// Accepted for compatibility: the counters are not reset.
void configResetstat(CommandContext& ctx) {
    ctx.reply.ok();
}

void configHelp(CommandContext& ctx) {
    ctx.reply.lines({
        "CONFIG GET <pattern> [<pattern> ...] -- Return matching settings.",
        "CONFIG SET <name> <value> [...] -- Change live settings.",
        "CONFIG RESETSTAT -- Accepted for compatibility.",
    });
}

// INFO [section ...]: a verbatim string in RESP3, a bulk string in RESP2, as Redis sends it.
void infoCommand(CommandContext& ctx) {
    ctx.reply.verbatim("txt", InfoReport(ctx).build(ctx.argv.subspan(1)));
}

void timeCommand(CommandContext& ctx) {
    timeval tv{};
    gettimeofday(&tv, nullptr);
    ctx.reply.arrayHeader(2);
    ctx.reply.bulk(std::to_string(tv.tv_sec));
    ctx.reply.bulk(std::to_string(tv.tv_usec));
}

// SLOWLOG GET [count]: the newest entries. More than a count is refused as Redis refuses it.
void slowlogGet(CommandContext& ctx) {
    const size_t argc = ctx.argv.size();
    if (argc > 3) {
        std::string sub(ctx.argv[1].substr(0, ctx.argv[1].find('\0')).substr(0, 128));
        ctx.reply.errorf(errors::kSubcommandSyntaxFmt, sub.c_str(), "SLOWLOG");
        return;
    }
    int64_t count = 10;
    if (argc == 3 && (!parseInteger(ctx.argv[2], count) || count < -1)) {
        ctx.reply.error("ERR count should be greater than or equal to -1");
        return;
    }
    auto entries = ctx.slowlog.newest(count);
    ctx.reply.arrayHeader(entries.size());
    for (const auto& e : entries) {
        ctx.reply.arrayHeader(6);
        ctx.reply.integer(static_cast<int64_t>(e.id));
        ctx.reply.integer(e.unix_time);
        ctx.reply.integer(e.duration_us);
        ctx.reply.arrayHeader(e.args.size());
        for (const auto& a : e.args) ctx.reply.bulk(a);
        ctx.reply.bulk(e.peer);
        ctx.reply.bulk(e.client_name);
    }
}

void slowlogLen(CommandContext& ctx) {
    ctx.reply.integer(static_cast<int64_t>(ctx.slowlog.size()));
}

void slowlogReset(CommandContext& ctx) {
    ctx.slowlog.reset();
    ctx.reply.ok();
}

void slowlogHelp(CommandContext& ctx) {
    ctx.reply.lines({
        "SLOWLOG GET [<count>] -- The newest entries (default 10, -1 for all).",
        "SLOWLOG LEN -- Number of entries.",
        "SLOWLOG RESET -- Clear the log.",
    });
}

// Subcommands with Redis 7.0's arities and flags (COMMAND INFO command config slowlog).
constexpr uint32_t kAnyTime = kCmdLoading | kCmdStale;
constexpr uint32_t kAdmin = kCmdAdmin | kAnyTime;

const CommandSpec kCommandSubcommands[] = {
    {"command|count", 2, kAnyTime, 0, 0, 0, commandCount, "server", "", "The number of commands"},
    {"command|list", -2, kAnyTime, 0, 0, 0, commandList, "server", "[FILTERBY PATTERN pattern]",
     "The names of the commands, subcommands included"},
    {"command|info", -2, kAnyTime, 0, 0, 0, commandInfoCommand, "server", "[name ...]",
     "Details about some or all commands"},
    {"command|docs", -2, kAnyTime, 0, 0, 0, commandDocsCommand, "server", "[name ...]",
     "Documentary information about some or all commands"},
    {"command|help", 2, kAnyTime, 0, 0, 0, commandHelp, "server", "",
     "Show helpful text about the different subcommands"},
};

const CommandSpec kConfigSubcommands[] = {
    {"config|get", -3, kAdmin, 0, 0, 0, configGet, "server", "pattern [pattern ...]",
     "The settings matching the patterns"},
    {"config|set", -4, kAdmin, 0, 0, 0, configSet, "server", "name value [name value ...]",
     "Change live settings, all or none"},
    {"config|resetstat", 2, kAdmin, 0, 0, 0, configResetstat, "server", "",
     "Accepted for compatibility"},
    {"config|help", 2, kAnyTime, 0, 0, 0, configHelp, "server", "",
     "Show helpful text about the different subcommands"},
};

const CommandSpec kSlowlogSubcommands[] = {
    {"slowlog|get", -2, kAdmin, 0, 0, 0, slowlogGet, "server", "[count]",
     "The newest entries of the slow log"},
    {"slowlog|len", 2, kAdmin, 0, 0, 0, slowlogLen, "server", "",
     "The number of entries in the slow log"},
    {"slowlog|reset", 2, kAdmin, 0, 0, 0, slowlogReset, "server", "", "Clear the slow log"},
    {"slowlog|help", 2, kAnyTime, 0, 0, 0, slowlogHelp, "server", "",
     "Show helpful text about the different subcommands"},
};

}  // namespace

void registerServerCommands(CommandTable& t) {
    registerPersistenceCommands(t);
    t.add({"help", -1, kCmdFast | kCmdLoading | kCmdStale, 0, 0, 0, helpCommand, "server",
           "[command ...]", "List commands with their arguments and purpose"});
    t.add({"command", -1, kAnyTime, 0, 0, 0, commandCommand, "server",
           "[COUNT|LIST|INFO name...|DOCS name...]", "Details about the commands", nullptr,
           kCommandSubcommands});
    t.add({"config", -2, 0, 0, 0, 0, nullptr, "server",
           "GET pattern [pattern ...] | SET name value [name value ...]",
           "Read or change the configuration", nullptr, kConfigSubcommands});
    t.add({"info", -1, kCmdLoading | kCmdStale, 0, 0, 0, infoCommand, "server", "[section ...]",
           "Server information and statistics (field:value lines)"});
    t.add({"time", 1, kCmdFast | kCmdLoading | kCmdStale, 0, 0, 0, timeCommand, "server", "",
           "Return the server time (seconds, microseconds)"});
    t.add({"slowlog", -2, 0, 0, 0, 0, nullptr, "server", "GET [count] | LEN | RESET | HELP",
           "Inspect or reset the slow command log", nullptr, kSlowlogSubcommands});
}

}  // namespace mini_redis
