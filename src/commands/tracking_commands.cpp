// Client-side caching's commands: the connection's TrackingState (client_session.h) is set
// here; the reactor's ClientTracking learns of it (ClientDirectory::trackingChanged), and
// workers remember the keys a tracking client reads (CommandExecutor::trackKeys).
#include "tracking_commands.h"

#include <string>
#include <vector>

#include "command_args.h"
#include "errors.h"

namespace mini_redis {

namespace {

// A new prefix that is a prefix of another (or the other way round) is refused, as Redis does.
// The first of `others` (from `from` on) that `p` overlaps, or null.
const std::string* overlapOf(const std::string& p, const std::vector<std::string>& others,
                             size_t from = 0) {
    for (size_t i = from; i < others.size(); ++i) {
        if (others[i].starts_with(p) || p.starts_with(others[i])) return &others[i];
    }
    return nullptr;
}

}  // namespace

// CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP]
void clientTracking(CommandContext& ctx) {
    const auto& argv = ctx.argv;
    TrackingState next = ctx.session.tracking;
    bool bcast = false, optin = false, optout = false, noloop = false;
    uint64_t redirect = 0;
    std::vector<std::string> prefixes;
    for (size_t i = 3; i < argv.size(); ++i) {
        const bool more = i + 1 < argv.size();
        if (equalsNoCase(argv[i], "redirect") && more) {
            int64_t id = 0;
            if (!parseInteger(argv[++i], id)) {
                ctx.reply.error(errors::kNotInteger);
                return;
            }
            if (id <= 0 || !ctx.clients->clientExists(static_cast<uint64_t>(id))) {
                ctx.reply.error(errors::kTrackingNoRedirect);
                return;
            }
            redirect = static_cast<uint64_t>(id);
        } else if (equalsNoCase(argv[i], "bcast")) {
            bcast = true;
        } else if (equalsNoCase(argv[i], "optin")) {
            optin = true;
        } else if (equalsNoCase(argv[i], "optout")) {
            optout = true;
        } else if (equalsNoCase(argv[i], "noloop")) {
            noloop = true;
        } else if (equalsNoCase(argv[i], "prefix") && more) {
            prefixes.emplace_back(argv[++i]);
        } else {
            ctx.reply.error(errors::kSyntax);
            return;
        }
    }
    if (equalsNoCase(argv[2], "off")) {
        next = TrackingState{};
    } else if (equalsNoCase(argv[2], "on")) {
        const TrackingState& now = ctx.session.tracking;
        if (!bcast && !prefixes.empty()) {
            ctx.reply.error(errors::kTrackingPrefixNeedsBcast);
            return;
        }
        if (now.on && now.bcast != bcast) {
            ctx.reply.error(errors::kTrackingBcastSwitch);
            return;
        }
        if (optin && optout) {
            ctx.reply.error(errors::kTrackingOptBoth);
            return;
        }
        if ((optin && now.optout) || (optout && now.optin)) {
            ctx.reply.error(errors::kTrackingOptSwitch);
            return;
        }
        if (bcast && (optin || optout)) {
            ctx.reply.error(errors::kTrackingOptBcast);
            return;
        }
        if (bcast) {
            if (prefixes.empty()) prefixes.emplace_back();  // every key
            for (size_t i = 0; i < prefixes.size(); ++i) {
                const char* which = "an existing";
                const std::string* with = overlapOf(prefixes[i], now.prefixes);
                if (with == nullptr) {
                    which = "another provided";
                    with = overlapOf(prefixes[i], prefixes, i + 1);
                }
                if (with != nullptr) {
                    ctx.reply.errorf(errors::kTrackingPrefixOverlapFmt, prefixes[i].c_str(),
                                     which, with->c_str());
                    return;
                }
            }
        }
        next.on = true;
        next.bcast = bcast;
        next.optin = next.optin || optin;
        next.optout = next.optout || optout;
        next.noloop = next.noloop || noloop;
        next.redirect = redirect;
        for (std::string& p : prefixes) next.prefixes.push_back(std::move(p));
    } else {
        ctx.reply.error(errors::kSyntax);
        return;
    }
    ctx.clients->trackingChanged(ctx.session.id, ctx.session.tracking, next);
    ctx.session.tracking = std::move(next);
    ctx.reply.ok();
}

// CLIENT CACHING YES|NO: whether the next command's keys are tracked (OPTIN / OPTOUT).
void clientCaching(CommandContext& ctx) {
    TrackingState& t = ctx.session.tracking;
    const bool yes = equalsNoCase(ctx.argv[2], "yes");
    if (!yes && !equalsNoCase(ctx.argv[2], "no")) {
        ctx.reply.error(errors::kSyntax);
        return;
    }
    if (!t.on || !(t.optin || t.optout)) {
        ctx.reply.error(errors::kCachingNotOptMode);
        return;
    }
    if (yes && !t.optin) {
        ctx.reply.error(errors::kCachingYesNotOptin);
        return;
    }
    if (!yes && !t.optout) {
        ctx.reply.error(errors::kCachingNoNotOptout);
        return;
    }
    t.caching = yes ? 1 : 0;
    ctx.reply.ok();
}

// CLIENT GETREDIR: -1 when not tracking, 0 without REDIRECT, else the target's id.
void clientGetredir(CommandContext& ctx) {
    const TrackingState& t = ctx.session.tracking;
    ctx.reply.integer(t.on ? static_cast<int64_t>(t.redirect) : -1);
}

// CLIENT TRACKINGINFO: flags, redirect and prefixes, in Redis's shape.
void clientTrackinginfo(CommandContext& ctx) {
    const TrackingState& t = ctx.session.tracking;
    std::vector<const char*> flags;
    if (!t.on) {
        flags.push_back("off");
    } else {
        flags.push_back("on");
        if (t.bcast) flags.push_back("bcast");
        if (t.optin) flags.push_back("optin");
        if (t.optout) flags.push_back("optout");
        if (t.caching == 1) flags.push_back("caching-yes");
        if (t.caching == 0) flags.push_back("caching-no");
        if (t.noloop) flags.push_back("noloop");
        if (t.redirect != 0 && !ctx.clients->clientExists(t.redirect)) {
            flags.push_back("broken_redirect");
        }
    }
    ctx.reply.mapHeader(3);
    ctx.reply.bulk("flags");
    ctx.reply.setHeader(flags.size());
    for (const char* f : flags) ctx.reply.bulk(f);
    ctx.reply.bulk("redirect");
    ctx.reply.integer(t.on ? static_cast<int64_t>(t.redirect) : -1);
    ctx.reply.bulk("prefixes");
    ctx.reply.arrayHeader(t.prefixes.size());
    for (const std::string& p : t.prefixes) ctx.reply.bulk(p);
}

}  // namespace mini_redis
