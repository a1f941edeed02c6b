// The connection family: PING, ECHO, SELECT, QUIT, HELLO, AUTH, CLIENT.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "client_pause.h"
#include "client_session.h"
#include "command_args.h"
#include "command_context.h"
#include "errors.h"
#include "tracking_commands.h"
#include "info_report.h"

namespace mini_redis {

namespace {

// Constant-time comparison: the time taken does not depend on where the inputs differ.
bool secretEquals(std::string_view a, std::string_view b) {
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    size_t n = std::max(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
        unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
        unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
        diff |= static_cast<unsigned char>(x ^ y);
    }
    return diff == 0;
}

// Checks credentials for AUTH and HELLO ... AUTH. On failure the error reply is written and
// false returned. The only user is "default", as in Redis without ACLs.
bool authenticate(CommandContext& ctx, std::string_view user, std::string_view password) {
    const std::string& expected = ctx.config.requirepass;
    if (expected.empty()) {
        if (user == "default") {  // Redis accepts any password for a nopass default user
            ctx.session.authenticated = true;
            return true;
        }
        ctx.reply.error(errors::kWrongPass);
        return false;
    }
    bool ok = secretEquals(password, expected);
    ok = (user == "default") & ok;
    if (!ok) {
        ctx.reply.error(errors::kWrongPass);
        return false;
    }
    ctx.session.authenticated = true;
    return true;
}

// Why a client name is refused, or nullptr when it is fine. One rule for CLIENT SETNAME and
// HELLO ... SETNAME: Redis's (printable ASCII, no spaces), plus a length bound of ours.
const char* clientNameError(std::string_view name) {
    if (name.size() > kMaxClientNameBytes) return errors::kClientNameTooLong;
    for (char c : name) {
        if (c < '!' || c > '~') return errors::kBadClientName;
    }
    return nullptr;
}

void pingCommand(CommandContext& ctx) {
    if (ctx.argv.size() > 2) {
        ctx.reply.errorf(errors::kWrongArityFmt, "ping");
    } else if (ctx.session.subscriptions > 0 && ctx.session.resp == 2) {
        // In RESP2 pub/sub mode, as Redis: ["pong", message or ""].
        ctx.reply.arrayHeader(2);
        ctx.reply.bulk("pong");
        ctx.reply.bulk(ctx.argv.size() == 2 ? ctx.argv[1] : std::string_view());
    } else if (ctx.argv.size() == 2) {
        ctx.reply.bulk(ctx.argv[1]);
    } else {
        ctx.reply.simple("PONG");
    }
}

// RESET (Redis 7.0): the connection back to how it started, for what exists here: MULTI
// discarded and keys unwatched, every subscription dropped (no confirmations), database 0,
// RESP2, no name, and authenticated only if no password is set. As in 7.0 the CLIENT
// NO-EVICT flag (and our NO-TOUCH) stay. Runs on the reactor (kCmdReactor), which owns the
// subscriptions.
void resetCommand(CommandContext& ctx) {
    if (ctx.tx) ctx.tx->reset();
    SubscriptionRegistry& subs = ctx.clients->subscriptions();
    if (subs.countOf(ctx.session.ref) > 0) {
        subs.removeAll(ctx.session.ref);
        ctx.clients->subscriptionsChanged();
    }
    ctx.session.subscriptions = 0;
    if (ctx.session.tracking.on) {  // tracking off, as Redis's RESET does
        ctx.clients->trackingChanged(ctx.session.id, ctx.session.tracking, TrackingState{});
    }
    ctx.session.tracking = TrackingState{};
    ctx.session.db = 0;
    ctx.session.resp = 2;
    ctx.reply.setProtocol(2);
    ctx.session.name.clear();
    ctx.session.authenticated = ctx.config.requirepass.empty();
    if (ctx.session.monitor) {
        ctx.session.monitor = false;
        ctx.clients->setMonitor(ctx.session.ref, false);
    }
    ctx.session.reply_off = false;        // CLIENT REPLY OFF ends; a SKIP already in force
    ctx.session.reply_skip_next = false;  // still drops this very reply, as in 7.0
    // Hook for the features to come: RESET also ends client tracking and a blocked wait.
    ctx.reply.simple("RESET");
}

// MONITOR: from now on the client gets a line for every command any client runs
// (ClientRegistry::feedMonitors; the lines are built where commands run, CommandExecutor).
// A second MONITOR is ignored without a reply, as in Redis; one queued in MULTI is refused.
void monitorCommand(CommandContext& ctx) {
    if (ctx.tx && ctx.tx->inMulti()) {
        ctx.reply.error(errors::kMonitorInMulti);
        return;
    }
    if (ctx.session.monitor) return;
    ctx.session.monitor = true;
    ctx.clients->setMonitor(ctx.session.ref, true);
    ctx.reply.ok();
}

void echoCommand(CommandContext& ctx) {
    ctx.reply.bulk(ctx.argv[1]);
}

void selectCommand(CommandContext& ctx) {
    int64_t index = 0;
    if (!parseInteger(ctx.argv[1], index)) {
        ctx.reply.error(errors::kNotInteger);
    } else if (index < 0 || index >= ctx.store.databases()) {
        ctx.reply.error(errors::kDbIndexOutOfRange);
    } else {
        ctx.session.db = static_cast<int>(index);
        ctx.reply.ok();
    }
}

void quitCommand(CommandContext& ctx) {
    ctx.reply.ok();
    ctx.close_after = true;
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
// In Redis's order: the version, then every option is parsed and checked (a bad name is
// refused even before AUTH is tried), then the credentials, then the client must be
// authenticated, and only then are the protocol and the name set. So a client that is not
// authenticated changes nothing. The reply is already in the new protocol.
void helloCommand(CommandContext& ctx) {
    bool has_auth = false;
    std::string_view user, password;
    bool has_name = false;
    std::string_view name;
    int64_t version = 0;
    if (ctx.argv.size() >= 2) {
        if (!parseInteger(ctx.argv[1], version)) {
            ctx.reply.error(errors::kProtoNotInteger);
            return;
        }
        if (version != 2 && version != 3) {
            ctx.reply.error(errors::kNoProto);
            return;
        }
        for (size_t i = 2; i < ctx.argv.size(); ++i) {
            bool more = i + 1 < ctx.argv.size();
            if (equalsNoCase(ctx.argv[i], "auth") && i + 2 < ctx.argv.size()) {
                has_auth = true;
                user = ctx.argv[i + 1];
                password = ctx.argv[i + 2];
                i += 2;
            } else if (equalsNoCase(ctx.argv[i], "setname") && more) {
                name = ctx.argv[++i];
                if (const char* err = clientNameError(name)) {
                    ctx.reply.error(err);
                    return;
                }
                has_name = true;
            } else {
                std::string opt(ctx.argv[i].substr(0, 128));
                ctx.reply.errorf(errors::kHelloSyntaxFmt, opt.c_str());
                return;
            }
        }
    }
    if (has_auth && !authenticate(ctx, user, password)) return;
    if (!ctx.session.authenticated && !ctx.config.requirepass.empty()) {
        ctx.reply.error(errors::kHelloNoAuth);
        return;
    }
    if (version != 0) {
        ctx.session.resp = static_cast<int>(version);
        ctx.reply.setProtocol(ctx.session.resp);
    }
    if (has_name) ctx.session.name = std::string(name);
    ctx.reply.mapHeader(7);
    ctx.reply.bulk("server");
    ctx.reply.bulk("redis");
    ctx.reply.bulk("version");
    ctx.reply.bulk(kRedisVersion);
    ctx.reply.bulk("proto");
    ctx.reply.integer(ctx.session.resp);
    ctx.reply.bulk("id");
    ctx.reply.integer(static_cast<int64_t>(ctx.session.id));
    ctx.reply.bulk("mode");
    ctx.reply.bulk("standalone");
    ctx.reply.bulk("role");
    ctx.reply.bulk("master");
    ctx.reply.bulk("modules");
    ctx.reply.arrayHeader(0);
}

// AUTH [username] password
void authCommand(CommandContext& ctx) {
    if (ctx.argv.size() > 3) {
        ctx.reply.error(errors::kSyntax);
        return;
    }
    if (ctx.argv.size() == 2 && ctx.config.requirepass.empty()) {
        ctx.reply.error(errors::kAuthNotConfigured);
        return;
    }
    std::string_view user = ctx.argv.size() == 3 ? ctx.argv[1] : std::string_view("default");
    if (authenticate(ctx, user, ctx.argv.back())) ctx.reply.ok();
}

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

void registerConnectionCommands(CommandTable& t) {
    constexpr uint32_t kConn = kCmdConnection | kCmdFast | kCmdLoading | kCmdStale;
    // Not "loading" in Redis 7.0: PING answers -LOADING while the dataset loads.
    t.add({"ping", -1, kConn & ~kCmdLoading, 0, 0, 0, pingCommand, "connection", "[message]",
           "Ping the server (PONG, or the message back)"});
    t.add(
        {"echo", 2, kConn, 0, 0, 0, echoCommand, "connection", "message", "Echo the given string"});
    t.add({"select", 2, kConn, 0, 0, 0, selectCommand, "connection", "index",
           "Change the selected database for the current connection"});
    t.add({"quit", -1, kConn | kCmdNoAuth | kCmdNoQueue, 0, 0, 0, quitCommand, "connection", "",
           "Close the connection after replying OK"});
    t.add({"reset", 1, kConn | kCmdNoAuth | kCmdNoQueue | kCmdReactor, 0, 0, 0, resetCommand,
           "connection", "", "Reset the connection (MULTI, subscriptions, db, protocol, name)"});
    t.add({"monitor", 1, kCmdAdmin | kCmdReactor | kCmdLoading | kCmdStale, 0, 0, 0, monitorCommand,
           "server", "", "Listen for every command the server runs"});
    t.add({"hello", -1, kConn | kCmdNoAuth, 0, 0, 0, helloCommand, "connection",
           "[protover [AUTH username password] [SETNAME clientname]]",
           "Handshake: choose RESP2 or RESP3, authenticate, name; server facts"});
    t.add({"auth", -2, kConn | kCmdNoAuth, 0, 0, 0, authCommand, "connection",
           "[username] password", "Authenticate the connection (requirepass)"});
    t.add({"client", -2, kCmdConnection | kCmdReactor, 0, 0, 0, nullptr, "connection",
           "ID|INFO|LIST|KILL ...|GETNAME|SETNAME name|SETINFO ...|REPLY|PAUSE|UNPAUSE|"
           "NO-EVICT|NO-TOUCH|HELP",
           "Inspect, name or kill connections", nullptr, kClientSubcommands});
}

}  // namespace mini_redis
