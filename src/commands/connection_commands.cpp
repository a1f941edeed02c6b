// The connection family: PING, ECHO, SELECT, QUIT, RESET, MONITOR, HELLO, AUTH (CLIENT is in
// client_commands.cpp).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "client_pause.h"
#include "client_commands.h"
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
}

}  // namespace mini_redis
