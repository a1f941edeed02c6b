// The CLIENT family: CLIENT ID, INFO, LIST, KILL, GETNAME, SETNAME, SETINFO, REPLY, PAUSE,
// UNPAUSE, NO-EVICT, NO-TOUCH, UNBLOCK, TRACKING, CACHING, GETREDIR, TRACKINGINFO, HELP. Every
// one runs on the reactor (kCmdReactor), where the clients are.
#include "client_commands.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "client_pause.h"
#include "client_session.h"
#include "command_args.h"
#include "command_context.h"
#include "errors.h"
#include "info_report.h"
#include "tracking_commands.h"

namespace mini_redis {

// Why a client name is refused, or nullptr when it is fine. One rule for CLIENT SETNAME and
// HELLO ... SETNAME: Redis's (printable ASCII, no spaces), plus a length bound of ours.
const char* clientNameError(std::string_view name) {
    if (name.size() > kMaxClientNameBytes) return errors::kClientNameTooLong;
    for (char c : name) {
        if (c < '!' || c > '~') return errors::kBadClientName;
    }
    return nullptr;
}

namespace {

// Parses CLIENT KILL's and CLIENT LIST's filters; false (with the error written) on bad input.
bool parseFilter(CommandContext& ctx, std::span<const std::string_view> args, ClientFilter& f) {
    for (size_t i = 0; i < args.size(); i += 2) {
        if (i + 1 >= args.size()) {
            ctx.reply.error(errors::kSyntax);
            return false;
        }
        std::string_view key = args[i], value = args[i + 1];
        if (equalsNoCase(key, "id")) {
            int64_t id = 0;
            if (!parseInteger(value, id) || id <= 0) {
                ctx.reply.error("ERR client-id should be greater than 0");
                return false;
            }
            f.id = static_cast<uint64_t>(id);
        } else if (equalsNoCase(key, "addr")) {
            f.addr = std::string(value);
        } else if (equalsNoCase(key, "skipme")) {
            if (equalsNoCase(value, "yes")) {
                f.skip_self = true;
            } else if (equalsNoCase(value, "no")) {
                f.skip_self = false;
            } else {
                ctx.reply.error(errors::kSyntax);
                return false;
            }
        } else if (equalsNoCase(key, "type") && equalsNoCase(value, "normal")) {
            // every client is a normal client
        } else {
            ctx.reply.error(errors::kSyntax);
            return false;
        }
    }
    return true;
}

void clientKill(CommandContext& ctx) {
    auto args = ctx.argv.subspan(2);
    ClientFilter filter;
    if (args.size() == 1) {
        // Old form: CLIENT KILL addr:port -> +OK or an error; may kill the caller itself.
        filter.addr = std::string(args[0]);
        size_t killed = ctx.clients->killClients(filter, ctx.session.id);
        killed ? ctx.reply.ok() : ctx.reply.error("ERR No such client");
        return;
    }
    filter.skip_self = true;
    if (!parseFilter(ctx, args, filter)) return;
    ctx.reply.integer(static_cast<int64_t>(ctx.clients->killClients(filter, ctx.session.id)));
}

// CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2): shown in CLIENT LIST / INFO. An empty
// value clears it. Same character rule as a client name, and the same length bound.
void clientSetinfo(CommandContext& ctx) {
    std::string attr(ctx.argv[2].substr(0, 128));
    std::string* dest = equalsNoCase(attr, "lib-name")  ? &ctx.session.lib_name
                        : equalsNoCase(attr, "lib-ver") ? &ctx.session.lib_ver
                                                        : nullptr;
    if (dest == nullptr) {
        ctx.reply.errorf(errors::kSetinfoUnknownFmt, attr.c_str());
        return;
    }
    std::string_view value = ctx.argv[3];
    if (const char* err = clientNameError(value)) {
        ctx.reply.errorf(err == errors::kClientNameTooLong ? errors::kSetinfoTooLongFmt
                                                           : errors::kSetinfoBadValueFmt,
                         attr.c_str());
        return;
    }
    *dest = std::string(value);
    ctx.reply.ok();
}

// The CLIENT subcommands run on the reactor (kCmdReactor), which alone knows every connection.

void clientId(CommandContext& ctx) {
    ctx.reply.integer(static_cast<int64_t>(ctx.session.id));
}

void clientGetname(CommandContext& ctx) {
    ctx.session.name.empty() ? ctx.reply.nil() : ctx.reply.bulk(ctx.session.name);
}

void clientSetname(CommandContext& ctx) {
    if (const char* err = clientNameError(ctx.argv[2])) {
        ctx.reply.error(err);
        return;
    }
    ctx.session.name = std::string(ctx.argv[2]);
    ctx.reply.ok();
}

// CLIENT NO-EVICT|NO-TOUCH ON|OFF: kept and shown in CLIENT LIST; nothing is evicted and no
// LRU is kept, so they change nothing else.
void clientSessionFlag(CommandContext& ctx, bool& flag) {
    if (equalsNoCase(ctx.argv[2], "on")) {
        flag = true;
    } else if (equalsNoCase(ctx.argv[2], "off")) {
        flag = false;
    } else {
        ctx.reply.error(errors::kSyntax);
        return;
    }
    ctx.reply.ok();
}

// CLIENT REPLY ON|OFF|SKIP: only ON replies (+OK); the executor drops the replies
// (CommandExecutor::run).
void clientReply(CommandContext& ctx) {
    if (equalsNoCase(ctx.argv[2], "on")) {
        ctx.session.reply_off = false;
        ctx.session.reply_skip_next = false;
        ctx.reply.ok();
    } else if (equalsNoCase(ctx.argv[2], "off")) {
        ctx.session.reply_off = true;
    } else if (equalsNoCase(ctx.argv[2], "skip")) {
        if (!ctx.session.reply_off) ctx.session.reply_skip_next = true;
    } else {
        ctx.reply.error(errors::kSyntax);
    }
}

// CLIENT PAUSE timeout [WRITE|ALL] (milliseconds; ALL by default). Checked in Redis's order:
// the argument count, the mode, then the timeout.
void clientPause(CommandContext& ctx) {
    if (ctx.argv.size() > 4) {
        std::string sub(ctx.argv[1].substr(0, ctx.argv[1].find('\0')).substr(0, 128));
        ctx.reply.errorf(errors::kSubcommandSyntaxFmt, sub.c_str(), "CLIENT");
        return;
    }
    ClientPause::Mode mode = ClientPause::Mode::All;
    if (ctx.argv.size() == 4) {
        if (equalsNoCase(ctx.argv[3], "write")) {
            mode = ClientPause::Mode::Write;
        } else if (!equalsNoCase(ctx.argv[3], "all")) {
            ctx.reply.error(errors::kPauseMode);
            return;
        }
    }
    int64_t ms = 0;
    if (!parseInteger(ctx.argv[2], ms)) {
        ctx.reply.error(errors::kPauseTimeoutNotInteger);
        return;
    }
    if (ms < 0) {
        ctx.reply.error(errors::kPauseTimeoutNegative);
        return;
    }
    // Redis adds the timeout to the clock and refuses what overflows; a year is plenty.
    constexpr int64_t kMaxPauseMs = int64_t{365} * 24 * 3600 * 1000;
    ctx.clients->clientPause().pause(std::chrono::milliseconds(std::min(ms, kMaxPauseMs)), mode);
    ctx.reply.ok();
}

void clientUnpause(CommandContext& ctx) {
    ctx.clients->clientPause().unpause();
    ctx.reply.ok();
}

void clientNoEvict(CommandContext& ctx) {
    clientSessionFlag(ctx, ctx.session.no_evict);
}

void clientNoTouch(CommandContext& ctx) {
    clientSessionFlag(ctx, ctx.session.no_touch);
}

void clientInfo(CommandContext& ctx) {
    ClientFilter self;
    self.id = ctx.session.id;
    ctx.reply.verbatim("txt", ctx.clients->describeClients(self, ctx.session.id, ctx.spec.name));
}

// CLIENT LIST [TYPE normal] [ID id ...] and the other filters of parseFilter.
void clientList(CommandContext& ctx) {
    ClientFilter filter;
    auto args = ctx.argv.subspan(2);
    if (args.size() >= 2 && equalsNoCase(args[0], "id")) {
        // CLIENT LIST ID id [id ...]
        std::string out;
        for (auto v : args.subspan(1)) {
            int64_t id = 0;
            if (!parseInteger(v, id) || id <= 0) {
                ctx.reply.error("ERR Invalid client ID");
                return;
            }
            ClientFilter one;
            one.id = static_cast<uint64_t>(id);
            out += ctx.clients->describeClients(one, ctx.session.id, ctx.spec.name);
        }
        ctx.reply.verbatim("txt", out);
        return;
    }
    if (!parseFilter(ctx, args, filter)) return;
    ctx.reply.verbatim("txt", ctx.clients->describeClients(filter, ctx.session.id, ctx.spec.name));
}

// CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 if the client was blocked (BLPOP and friends) and now
// is not, else 0.
void clientUnblock(CommandContext& ctx) {
    if (ctx.argv.size() > 4) {
        ctx.reply.errorf(errors::kSubcommandSyntaxFmt, "unblock", "CLIENT");
        return;
    }
    int64_t id = 0;
    if (!parseInteger(ctx.argv[2], id)) {
        ctx.reply.error(errors::kNotInteger);
        return;
    }
    bool with_error = false;
    if (ctx.argv.size() == 4) {
        if (equalsNoCase(ctx.argv[3], "error")) {
            with_error = true;
        } else if (!equalsNoCase(ctx.argv[3], "timeout")) {
            ctx.reply.error(errors::kUnblockReason);
            return;
        }
    }
    const bool done = id > 0 && ctx.clients->unblockClient(static_cast<uint64_t>(id), with_error);
    ctx.reply.integer(done ? 1 : 0);
}

void clientHelp(CommandContext& ctx) {
    ctx.reply.lines({
        "CLIENT ID -- Return the ID of the current connection.",
        "CLIENT INFO -- Information about the current connection.",
        "CLIENT LIST [TYPE normal] [ID id ...] -- List connections.",
        "CLIENT KILL <ip:port> -- Kill the connection at that address.",
        "CLIENT KILL <ID id|ADDR ip:port|SKIPME yes/no> ... -- Kill matching.",
        "CLIENT GETNAME -- Return the name of the current connection.",
        "CLIENT SETNAME <name> -- Assign a name to the current connection.",
        "CLIENT SETINFO <LIB-NAME|LIB-VER> <value> -- Name the client library (CLIENT LIST).",
        "CLIENT REPLY <ON|OFF|SKIP> -- Turn replies on or off, or skip the next one.",
        "CLIENT PAUSE <timeout> [WRITE|ALL] -- Hold clients' (write) commands for <timeout> ms.",
        "CLIENT UNPAUSE -- End a CLIENT PAUSE.",
        "CLIENT NO-EVICT <ON|OFF> -- Accepted for compatibility (nothing is evicted).",
        "CLIENT NO-TOUCH <ON|OFF> -- Accepted for compatibility (no LRU is kept).",
        "CLIENT UNBLOCK <id> [TIMEOUT|ERROR] -- End a client's BLPOP-like wait.",
        "CLIENT TRACKING <ON|OFF> [REDIRECT id] [BCAST] [PREFIX p] [OPTIN] [OPTOUT] [NOLOOP]",
        "    -- Client-side caching: invalidation messages for keys read (or prefixes).",
        "CLIENT CACHING <YES|NO> -- Track (OPTIN) or not (OPTOUT) the next command's keys.",
        "CLIENT GETREDIR -- The client ID invalidations are redirected to (-1: tracking off).",
        "CLIENT TRACKINGINFO -- This connection's tracking flags, redirect and prefixes.",
    });
}

// Arities and flags as Redis gives them (7.0; SETINFO and NO-TOUCH as 7.2). Every one runs on
// the reactor, as its container does.
constexpr uint32_t kClient = kCmdConnection | kCmdReactor | kCmdLoading | kCmdStale;

const CommandSpec kClientSubcommands[] = {
    {"client|id", 2, kClient, 0, 0, 0, clientId, "connection", "",
     "The ID of the current connection"},
    {"client|info", 2, kClient, 0, 0, 0, clientInfo, "connection", "",
     "Information about the current connection"},
    {"client|list", -2, kClient | kCmdAdmin, 0, 0, 0, clientList, "connection",
     "[TYPE normal] [ID id ...]", "List connections"},
    {"client|kill", -3, kClient | kCmdAdmin, 0, 0, 0, clientKill, "connection",
     "ip:port | [ID id] [ADDR ip:port] [SKIPME yes/no] ...", "Close matching connections"},
    {"client|getname", 2, kClient, 0, 0, 0, clientGetname, "connection", "",
     "The name of the current connection"},
    {"client|setname", 3, kClient, 0, 0, 0, clientSetname, "connection", "name",
     "Name the current connection"},
    {"client|setinfo", 4, kClient, 0, 0, 0, clientSetinfo, "connection", "LIB-NAME|LIB-VER value",
     "Name the client library (shown in CLIENT LIST)"},
    {"client|reply", 3, kClient, 0, 0, 0, clientReply, "connection", "ON|OFF|SKIP",
     "Turn the replies to this connection on or off, or skip the next one"},
    {"client|pause", -3, kClient | kCmdAdmin, 0, 0, 0, clientPause, "connection",
     "timeout [WRITE|ALL]", "Hold clients' commands (or only writes) for a while"},
    {"client|unpause", 2, kClient | kCmdAdmin, 0, 0, 0, clientUnpause, "connection", "",
     "End a CLIENT PAUSE"},
    {"client|no-evict", 3, kClient | kCmdAdmin, 0, 0, 0, clientNoEvict, "connection", "ON|OFF",
     "Accepted for compatibility (nothing is evicted)"},
    {"client|no-touch", 3, kClient, 0, 0, 0, clientNoTouch, "connection", "ON|OFF",
     "Accepted for compatibility (no LRU is kept)"},
    {"client|unblock", -3, kClient | kCmdAdmin, 0, 0, 0, clientUnblock, "connection",
     "client-id [TIMEOUT|ERROR]", "Unblock a client blocked by a blocking command"},
    {"client|tracking", -3, kClient, 0, 0, 0, clientTracking, "connection",
     "ON|OFF [REDIRECT client-id] [PREFIX prefix ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]",
     "Enable or disable server assisted client side caching support"},
    {"client|caching", 3, kClient, 0, 0, 0, clientCaching, "connection", "YES|NO",
     "Instruct the server about tracking or not keys in the next request"},
    {"client|getredir", 2, kClient, 0, 0, 0, clientGetredir, "connection", "",
     "Get tracking notifications redirection client ID if any"},
    {"client|trackinginfo", 2, kClient, 0, 0, 0, clientTrackinginfo, "connection", "",
     "Return information about server assisted client side caching for the current connection"},
    {"client|help", 2, kClient, 0, 0, 0, clientHelp, "connection", "",
     "Show helpful text about the different subcommands"},
};

}  // namespace

void registerClientCommands(CommandTable& t) {
    t.add({"client", -2, kCmdConnection | kCmdReactor, 0, 0, 0, nullptr, "connection",
           "ID|INFO|LIST|KILL ...|GETNAME|SETNAME name|SETINFO ...|REPLY|PAUSE|UNPAUSE|"
           "NO-EVICT|NO-TOUCH|HELP",
           "Inspect, name or kill connections", nullptr, kClientSubcommands});
}

}  // namespace mini_redis
