// Who is subscribed to what: channels and patterns to the connections (by ConnRef) that
// subscribed, and each connection's own subscriptions. No sockets, no RESP: a plain index the
// reactor keeps (PUBLISH asks it for the receivers, CLIENT LIST and INFO for counts).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "conn_ref.h"

namespace mini_redis {

// Reactor thread only (the pub/sub commands run there, kCmdReactor; the close path too).
// Order: a channel's subscribers, and the patterns, are kept in subscription order, so one
// PUBLISH reaches them in that order (Redis: channel subscribers first, then patterns); a
// connection's own channels are listed (UNSUBSCRIBE with no argument) in the order it
// subscribed to them.
class SubscriptionRegistry {
  public:
    // One receiver of a message: `pattern` is empty for a channel subscription.
    using Receiver = std::function<void(ConnRef, std::string_view pattern)>;

    // Adds the subscription; false if the connection already had it. (`pattern` selects
    // the pattern space: PSUBSCRIBE; a channel and a pattern of the same text are distinct.)
    bool subscribe(ConnRef conn, std::string_view name, bool pattern);
    // Removes it; false if the connection did not have it.
    bool unsubscribe(ConnRef conn, std::string_view name, bool pattern);
    // The connection's channels (or patterns), in the order it subscribed.
    std::vector<std::string> subscriptionsOf(ConnRef conn, bool pattern) const;
    // Channels plus patterns of one connection (the count in every (un)subscribe reply).
    size_t countOf(ConnRef conn) const;
    size_t channelCountOf(ConnRef conn) const;
    size_t patternCountOf(ConnRef conn) const;
    // Whether the connection is subscribed to this channel (not counting patterns).
    bool isSubscribed(ConnRef conn, std::string_view channel) const;
    // Forgets everything about the connection (it is closing).
    void removeAll(ConnRef conn);

    // Calls `to` for each receiver of a message on `channel`: the channel's subscribers in
    // subscription order, then for each pattern that matches (in the order patterns were
    // first subscribed) its subscribers; returns how many calls were made (PUBLISH's reply).
    size_t forEachReceiver(std::string_view channel, const Receiver& to) const;

    // PUBSUB CHANNELS [pattern]: channels with at least one subscriber that match (every one
    // when `pattern` is empty), in no promised order.
    std::vector<std::string> channels(std::string_view pattern) const;
    // PUBSUB NUMSUB: subscribers of one channel (patterns not counted).
    size_t subscribersOf(std::string_view channel) const;
    // INFO pubsub_channels / PUBSUB NUMPAT (Redis 7.0 counts distinct patterns).
    size_t channelCount() const { return channels_.size(); }
    size_t patternCount() const { return patterns_.size(); }

  private:
    struct NameHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    struct RefHash {
        size_t operator()(ConnRef r) const {
            return std::hash<uint64_t>{}((uint64_t{r.slot} << 32) | r.generation);
        }
    };
    using Subscribers = std::vector<ConnRef>;  // subscription order
    // A connection's side: what it subscribed to, in order (small per client; a linear find
    // here costs no more than the subscriber-list removal Redis does as well).
    struct Own {
        std::vector<std::string> channels;
        std::vector<std::string> patterns;
    };
    using Index = std::unordered_map<std::string, Subscribers, NameHash, std::equal_to<>>;

    Index& space(bool pattern) { return pattern ? patterns_ : channels_; }

    Index channels_;
    Index patterns_;
    std::vector<std::string> pattern_order_;  // patterns_'s keys, first-subscribed first
    std::unordered_map<ConnRef, Own, RefHash> own_;
};

}  // namespace mini_redis
