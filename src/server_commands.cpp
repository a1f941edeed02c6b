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

namespace mini_redis {

namespace {

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    }
    return out;
}

// HELP [command]: one line per command, usage and purpose, generated from the table.
void helpCommand(CommandContext& ctx) {
    std::vector<const CommandSpec*> specs;
    if (ctx.argv.size() >= 2) {
        for (size_t i = 1; i < ctx.argv.size(); ++i) {
            if (const CommandSpec* spec = ctx.table.find(ctx.argv[i])) specs.push_back(spec);
        }
    } else {
        for (const auto& spec : ctx.table.all()) specs.push_back(&spec);
    }
    ctx.reply.arrayHeader(specs.size());
    for (const CommandSpec* spec : specs) {
        std::string line = upper(spec->name);
        if (!spec->usage.empty()) {
            line += ' ';
            line.append(spec->usage);
        }
        line += " -- ";
        line.append(spec->summary);
        ctx.reply.simple(line);
    }
}

void commandInfo(Reply& reply, const CommandSpec& spec) {
    reply.arrayHeader(10);
    reply.bulk(spec.name);
    reply.integer(spec.arity);
    auto flags = CommandTable::flagNames(spec.flags);
    reply.setHeader(flags.size());  // sets in RESP3, as Redis 7.0 sends them
    for (auto f : flags) reply.simple(f);
    reply.integer(spec.first_key);
    reply.integer(spec.last_key);
    reply.integer(spec.key_step);
    reply.setHeader(0);  // ACL categories
    reply.setHeader(0);  // tips
    reply.setHeader(0);  // key specs
    reply.setHeader(0);  // subcommands
}

void commandDocs(Reply& reply, const CommandSpec& spec) {
    reply.bulk(spec.name);
    reply.mapHeader(3);
    reply.bulk("summary");
    reply.bulk(spec.summary);
    reply.bulk("since");
    reply.bulk("1.0.0");
    reply.bulk("group");
    reply.bulk(spec.group);
}

// COMMAND | COMMAND COUNT | COMMAND INFO [name ...] | COMMAND DOCS [name ...] | COMMAND LIST
void commandCommand(CommandContext& ctx) {
    const auto& all = ctx.table.all();
    if (ctx.argv.size() == 1) {
        ctx.reply.arrayHeader(all.size());
        for (const auto& spec : all) commandInfo(ctx.reply, spec);
        return;
    }
    std::string_view sub = ctx.argv[1];
    auto names = ctx.argv.subspan(2);
    if (equalsNoCase(sub, "count") && names.empty()) {
        ctx.reply.integer(static_cast<int64_t>(all.size()));
    } else if (equalsNoCase(sub, "list") && names.empty()) {
        ctx.reply.arrayHeader(all.size());
        for (const auto& spec : all) ctx.reply.bulk(spec.name);
    } else if (equalsNoCase(sub, "info")) {
        if (names.empty()) {
            ctx.reply.arrayHeader(all.size());
            for (const auto& spec : all) commandInfo(ctx.reply, spec);
            return;
        }
        ctx.reply.arrayHeader(names.size());
        for (auto name : names) {
            const CommandSpec* spec = ctx.table.find(name);
            spec ? commandInfo(ctx.reply, *spec) : ctx.reply.nilArray();
        }
    } else if (equalsNoCase(sub, "docs")) {
        std::vector<const CommandSpec*> specs;
        if (names.empty()) {
            for (const auto& spec : all) specs.push_back(&spec);
        } else {
            for (auto name : names) {
                if (const CommandSpec* spec = ctx.table.find(name)) specs.push_back(spec);
            }
        }
        ctx.reply.mapHeader(specs.size());  // name -> docs
        for (const CommandSpec* spec : specs) commandDocs(ctx.reply, *spec);
    } else if (equalsNoCase(sub, "help")) {
        ctx.reply.lines({
            "COMMAND -- Return details about all commands.",
            "COMMAND COUNT -- Return the number of commands.",
            "COMMAND LIST -- Return the names of all commands.",
            "COMMAND INFO [<command-name> ...] -- Details about some commands.",
            "COMMAND DOCS [<command-name> ...] -- Documentary information.",
        });
    } else {
        std::string s(sub);
        ctx.reply.errorf(errors::kUnknownSubcommandFmt, s.c_str(), "COMMAND");
    }
}

// Redis settings that clients and tools ask about, with the values that describe mini-redis.
constexpr std::pair<std::string_view, std::string_view> kFixedSettings[] = {
    {"save", ""},
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
    auto args = ctx.argv.subspan(2);
    if (args.empty() || args.size() % 2 != 0) {
        ctx.reply.errorf(errors::kWrongArityFmt, "config|set");
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
    ctx.reply.ok();
}

void configCommand(CommandContext& ctx) {
    std::string_view sub = ctx.argv[1];
    if (equalsNoCase(sub, "get") && ctx.argv.size() >= 3) {
        configGet(ctx);
    } else if (equalsNoCase(sub, "set")) {
        configSet(ctx);
    } else if (equalsNoCase(sub, "resetstat") && ctx.argv.size() == 2) {
        ctx.reply.ok();
    } else if (equalsNoCase(sub, "help")) {
        ctx.reply.lines({
            "CONFIG GET <pattern> [<pattern> ...] -- Return matching settings.",
            "CONFIG SET <name> <value> [...] -- Change live settings.",
            "CONFIG RESETSTAT -- Accepted for compatibility.",
        });
    } else if (equalsNoCase(sub, "get")) {
        ctx.reply.errorf(errors::kWrongArityFmt, "config|get");
    } else {
        std::string s(sub);
        ctx.reply.errorf(errors::kUnknownSubcommandFmt, s.c_str(), "CONFIG");
    }
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

// SLOWLOG GET [count] | LEN | RESET | HELP
void slowlogCommand(CommandContext& ctx) {
    std::string_view sub = ctx.argv[1];
    size_t argc = ctx.argv.size();
    if (equalsNoCase(sub, "get") && argc <= 3) {
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
    } else if (equalsNoCase(sub, "len") && argc == 2) {
        ctx.reply.integer(static_cast<int64_t>(ctx.slowlog.size()));
    } else if (equalsNoCase(sub, "reset") && argc == 2) {
        ctx.slowlog.reset();
        ctx.reply.ok();
    } else if (equalsNoCase(sub, "help")) {
        ctx.reply.lines({
            "SLOWLOG GET [<count>] -- The newest entries (default 10, -1 for all).",
            "SLOWLOG LEN -- Number of entries.",
            "SLOWLOG RESET -- Clear the log.",
        });
    } else {
        std::string s(sub);
        ctx.reply.errorf(errors::kUnknownSubcommandFmt, s.c_str(), "SLOWLOG");
    }
}

}  // namespace

void registerServerCommands(CommandTable& t) {
    t.add({"help", -1, kCmdFast | kCmdLoading | kCmdStale, 0, 0, 0, helpCommand, "server",
           "[command ...]", "List commands with their arguments and purpose"});
    t.add({"command", -1, kCmdLoading | kCmdStale, 0, 0, 0, commandCommand, "server",
           "[COUNT|LIST|INFO name...|DOCS name...]", "Details about the commands"});
    t.add({"config", -2, kCmdAdmin | kCmdLoading | kCmdStale, 0, 0, 0, configCommand, "server",
           "GET pattern [pattern ...] | SET name value [name value ...]",
           "Read or change the configuration"});
    t.add({"info", -1, kCmdLoading | kCmdStale, 0, 0, 0, infoCommand, "server", "[section ...]",
           "Server information and statistics (field:value lines)"});
    t.add({"time", 1, kCmdFast | kCmdLoading | kCmdStale, 0, 0, 0, timeCommand, "server", "",
           "Return the server time (seconds, microseconds)"});
    t.add({"slowlog", -2, kCmdAdmin | kCmdLoading | kCmdStale, 0, 0, 0, slowlogCommand, "server",
           "GET [count] | LEN | RESET", "Inspect or reset the slow command log"});
}

}  // namespace mini_redis
