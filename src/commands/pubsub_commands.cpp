// The pub/sub family: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, PUBSUB.
// Every one runs on the reactor (kCmdReactor), which owns the subscription registry and the
// connections: a subscription takes effect in its place in the client's request order, and a
// message is appended to its receivers under the PUSH RULE (ClientRegistry::publish).
#include <string>

#include "command_args.h"
#include "command_context.h"
#include "errors.h"

namespace mini_redis {

namespace {

// The confirmation of one (un)subscription: ["subscribe", name, count], a push frame in RESP3;
// `name` null for UNSUBSCRIBE / PUNSUBSCRIBE of a client with nothing to drop.
void confirm(CommandContext& ctx, std::string_view kind, const std::string_view* name) {
    ctx.reply.pushHeader(3);
    ctx.reply.bulk(kind);
    name ? ctx.reply.bulk(*name) : ctx.reply.nil();
    ctx.reply.integer(static_cast<int64_t>(ctx.clients->subscriptions().countOf(ctx.session.ref)));
}

void noteCount(CommandContext& ctx) {
    ctx.session.subscriptions = ctx.clients->subscriptions().countOf(ctx.session.ref);
    ctx.clients->subscriptionsChanged();
}

// SUBSCRIBE / PSUBSCRIBE name [name ...]: one confirmation per name, repeats included.
void subscribeGeneric(CommandContext& ctx, bool pattern) {
    SubscriptionRegistry& subs = ctx.clients->subscriptions();
    for (size_t i = 1; i < ctx.argv.size(); ++i) {
        subs.subscribe(ctx.session.ref, ctx.argv[i], pattern);
        confirm(ctx, pattern ? "psubscribe" : "subscribe", &ctx.argv[i]);
    }
    noteCount(ctx);
}

// UNSUBSCRIBE / PUNSUBSCRIBE [name ...]: the names given (subscribed or not), or every one the
// client has, in the order it subscribed; with none at all, one confirmation with a null name.
void unsubscribeGeneric(CommandContext& ctx, bool pattern) {
    SubscriptionRegistry& subs = ctx.clients->subscriptions();
    const std::string_view kind = pattern ? "punsubscribe" : "unsubscribe";
    if (ctx.argv.size() > 1) {
        for (size_t i = 1; i < ctx.argv.size(); ++i) {
            subs.unsubscribe(ctx.session.ref, ctx.argv[i], pattern);
            confirm(ctx, kind, &ctx.argv[i]);
        }
    } else {
        const std::vector<std::string> mine = subs.subscriptionsOf(ctx.session.ref, pattern);
        for (const std::string& name : mine) {
            subs.unsubscribe(ctx.session.ref, name, pattern);
            const std::string_view view = name;
            confirm(ctx, kind, &view);
        }
        if (mine.empty()) confirm(ctx, kind, nullptr);
    }
    noteCount(ctx);
}

void subscribeCommand(CommandContext& ctx) {
    subscribeGeneric(ctx, false);
}

void psubscribeCommand(CommandContext& ctx) {
    subscribeGeneric(ctx, true);
}

void unsubscribeCommand(CommandContext& ctx) {
    unsubscribeGeneric(ctx, false);
}

void punsubscribeCommand(CommandContext& ctx) {
    unsubscribeGeneric(ctx, true);
}

// PUBLISH channel message: the number of receivers (a client subscribed to the channel and
// to a matching pattern counts twice, as in Redis). A subscribed publisher (RESP3) gets its
// own message before this reply, as in Redis.
void publishCommand(CommandContext& ctx) {
    ctx.reply.integer(static_cast<int64_t>(ctx.clients->publish(ctx.argv[1], ctx.argv[2])));
}

// PUBSUB CHANNELS / SHARDCHANNELS take at most one pattern; more is Redis's subcommand error.
bool atMostOnePattern(CommandContext& ctx) {
    if (ctx.argv.size() <= 3) return true;
    std::string sub(ctx.argv[1].substr(0, 128));
    ctx.reply.errorf(errors::kSubcommandSyntaxFmt, sub.c_str(), "PUBSUB");
    return false;
}

void pubsubChannels(CommandContext& ctx) {
    if (!atMostOnePattern(ctx)) return;
    const std::string_view pattern = ctx.argv.size() == 3 ? ctx.argv[2] : std::string_view();
    const std::vector<std::string> names = ctx.clients->subscriptions().channels(pattern);
    ctx.reply.arrayHeader(names.size());
    for (const std::string& name : names) ctx.reply.bulk(name);
}

void pubsubNumsub(CommandContext& ctx) {
    const SubscriptionRegistry& subs = ctx.clients->subscriptions();
    ctx.reply.arrayHeader((ctx.argv.size() - 2) * 2);
    for (size_t i = 2; i < ctx.argv.size(); ++i) {
        ctx.reply.bulk(ctx.argv[i]);
        ctx.reply.integer(static_cast<int64_t>(subs.subscribersOf(ctx.argv[i])));
    }
}

void pubsubNumpat(CommandContext& ctx) {
    ctx.reply.integer(static_cast<int64_t>(ctx.clients->subscriptions().patternCount()));
}

// Shard channels (SSUBSCRIBE, Redis 7.0's cluster pub/sub) do not exist here: none, and no
// subscribers, as a Redis with none answers.
void pubsubShardchannels(CommandContext& ctx) {
    if (!atMostOnePattern(ctx)) return;
    ctx.reply.arrayHeader(0);
}

void pubsubShardnumsub(CommandContext& ctx) {
    ctx.reply.arrayHeader((ctx.argv.size() - 2) * 2);
    for (size_t i = 2; i < ctx.argv.size(); ++i) {
        ctx.reply.bulk(ctx.argv[i]);
        ctx.reply.integer(0);
    }
}

void pubsubHelp(CommandContext& ctx) {
    // Redis 7.0's text, line for line.
    ctx.reply.lines({
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: "
        "'*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
    });
}

// Redis 7.0's arities and flags; kCmdReactor routes them to the reactor, which alone may touch
// the registry and the connections.
constexpr uint32_t kPubSub = kCmdPubSub | kCmdReactor | kCmdLoading | kCmdStale;

const CommandSpec kPubsubSubcommands[] = {
    {"pubsub|channels", -2, kPubSub, 0, 0, 0, pubsubChannels, "pubsub", "[pattern]",
     "Active channels (with at least one subscriber) matching the pattern"},
    {"pubsub|numsub", -2, kPubSub, 0, 0, 0, pubsubNumsub, "pubsub", "[channel ...]",
     "Subscribers of each channel (pattern subscriptions not counted)"},
    {"pubsub|numpat", 2, kPubSub, 0, 0, 0, pubsubNumpat, "pubsub", "",
     "Number of patterns subscribed to"},
    {"pubsub|shardchannels", -2, kPubSub, 0, 0, 0, pubsubShardchannels, "pubsub", "[pattern]",
     "Active shard channels (there are none: no SSUBSCRIBE)"},
    {"pubsub|shardnumsub", -2, kPubSub, 0, 0, 0, pubsubShardnumsub, "pubsub",
     "[shardchannel ...]", "Subscribers of each shard channel (always 0)"},
    {"pubsub|help", 2, kPubSub, 0, 0, 0, pubsubHelp, "pubsub", "",
     "Show helpful text about the different subcommands"},
};

}  // namespace

void registerPubSubCommands(CommandTable& t) {
    t.add({"subscribe", -2, kPubSub, 0, 0, 0, subscribeCommand, "pubsub", "channel [channel ...]",
           "Listen for messages published to the given channels"});
    t.add({"unsubscribe", -1, kPubSub, 0, 0, 0, unsubscribeCommand, "pubsub",
           "[channel [channel ...]]", "Stop listening for messages posted to the given channels"});
    t.add({"psubscribe", -2, kPubSub, 0, 0, 0, psubscribeCommand, "pubsub",
           "pattern [pattern ...]", "Listen for messages published to channels matching patterns"});
    t.add({"punsubscribe", -1, kPubSub, 0, 0, 0, punsubscribeCommand, "pubsub",
           "[pattern [pattern ...]]", "Stop listening for messages posted to matching channels"});
    t.add({"publish", 3, kPubSub | kCmdFast, 0, 0, 0, publishCommand, "pubsub", "channel message",
           "Post a message to a channel"});
    t.add({"pubsub", -2, kPubSub, 0, 0, 0, nullptr, "pubsub",
           "CHANNELS [pattern]|NUMSUB [channel ...]|NUMPAT|SHARDCHANNELS|SHARDNUMSUB|HELP",
           "Inspect the pub/sub state", nullptr, kPubsubSubcommands});
}

}  // namespace mini_redis
