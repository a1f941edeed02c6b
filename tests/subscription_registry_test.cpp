// Unit tests for SubscriptionRegistry: subscribe/unsubscribe counts, repeats, receivers of a
// message in order (channel subscribers, then patterns), PUBSUB's views, and that a closing
// connection leaves nothing behind.
#include "subscription_registry.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

using namespace mini_redis;

namespace {

const ConnRef kA{0, 1};
const ConnRef kB{1, 1};
const ConnRef kC{2, 1};
const ConnRef kAReused{0, 2};  // slot 0 after A closed: another client

// Every receiver of a message on `channel`, as (slot, pattern).
std::vector<std::pair<uint32_t, std::string>> receivers(const SubscriptionRegistry& r,
                                                        std::string_view channel, size_t* n) {
    std::vector<std::pair<uint32_t, std::string>> out;
    *n = r.forEachReceiver(channel, [&](ConnRef c, std::string_view p) {
        out.emplace_back(c.slot, std::string(p));
    });
    return out;
}

}  // namespace

TEST_CASE("subscribe counts channels and patterns per connection; repeats are no-ops") {
    SubscriptionRegistry r;
    CHECK(r.subscribe(kA, "news", false));
    CHECK(r.subscribe(kA, "sport", false));
    CHECK_FALSE(r.subscribe(kA, "news", false));
    CHECK(r.subscribe(kA, "news", true));  // a pattern of the same text is another thing
    CHECK(r.countOf(kA) == 3);
    CHECK(r.channelCountOf(kA) == 2);
    CHECK(r.patternCountOf(kA) == 1);
    CHECK(r.countOf(kB) == 0);
    CHECK(r.channelCount() == 2);
    CHECK(r.patternCount() == 1);
    CHECK(r.subscriptionsOf(kA, false) == std::vector<std::string>{"news", "sport"});
}

TEST_CASE("unsubscribe removes only what was there; empty channels disappear") {
    SubscriptionRegistry r;
    r.subscribe(kA, "x", false);
    r.subscribe(kB, "x", false);
    CHECK_FALSE(r.unsubscribe(kA, "y", false));
    CHECK_FALSE(r.unsubscribe(kA, "x", true));
    CHECK(r.unsubscribe(kA, "x", false));
    CHECK_FALSE(r.unsubscribe(kA, "x", false));
    CHECK(r.subscribersOf("x") == 1);
    CHECK(r.unsubscribe(kB, "x", false));
    CHECK(r.subscribersOf("x") == 0);
    CHECK(r.channelCount() == 0);
    CHECK(r.channels("").empty());
    CHECK(r.countOf(kA) == 0);
}

TEST_CASE("a message reaches channel subscribers in order, then matching patterns") {
    SubscriptionRegistry r;
    r.subscribe(kB, "news.tech", false);
    r.subscribe(kA, "news.tech", false);
    r.subscribe(kC, "news.*", true);
    r.subscribe(kA, "n?ws.*", true);
    r.subscribe(kB, "sport.*", true);
    size_t n = 0;
    auto got = receivers(r, "news.tech", &n);
    CHECK(n == 4);  // A counts twice: once by channel, once by pattern
    using R = std::pair<uint32_t, std::string>;
    CHECK(got == std::vector<R>{{1, ""}, {0, ""}, {2, "news.*"}, {0, "n?ws.*"}});
    CHECK(receivers(r, "weather", &n).empty());
    CHECK(n == 0);
    // Patterns are case-sensitive, as Redis matches them.
    receivers(r, "NEWS.tech", &n);
    CHECK(n == 0);
}

TEST_CASE("PUBSUB views: CHANNELS by pattern, NUMSUB without patterns, NUMPAT distinct") {
    SubscriptionRegistry r;
    r.subscribe(kA, "a1", false);
    r.subscribe(kB, "a1", false);
    r.subscribe(kB, "b1", false);
    r.subscribe(kA, "a*", true);
    r.subscribe(kB, "a*", true);
    auto all = r.channels("");
    std::sort(all.begin(), all.end());
    CHECK(all == std::vector<std::string>{"a1", "b1"});
    CHECK(r.channels("a*") == std::vector<std::string>{"a1"});
    CHECK(r.subscribersOf("a1") == 2);
    CHECK(r.subscribersOf("a2") == 0);
    CHECK(r.patternCount() == 1);
}

TEST_CASE("removeAll leaves nothing behind, and a reused slot starts empty") {
    SubscriptionRegistry r;
    for (int i = 0; i < 100; ++i) {
        r.subscribe(kA, "c" + std::to_string(i), false);
        r.subscribe(kA, "p" + std::to_string(i) + "*", true);
    }
    r.subscribe(kB, "c1", false);
    r.removeAll(kA);
    CHECK(r.countOf(kA) == 0);
    CHECK(r.countOf(kAReused) == 0);
    CHECK(r.channelCount() == 1);
    CHECK(r.patternCount() == 0);
    size_t n = 0;
    auto got = receivers(r, "c1", &n);
    CHECK(n == 1);
    CHECK(got.front().first == kB.slot);
    // The next client in slot 0 is another ConnRef: it has nothing and gets nothing.
    r.subscribe(kAReused, "c2", false);
    CHECK(r.countOf(kAReused) == 1);
    CHECK(r.countOf(kA) == 0);
}

TEST_CASE("unsubscribing a pattern keeps the order of the other patterns") {
    SubscriptionRegistry r;
    r.subscribe(kA, "x*", true);
    r.subscribe(kB, "*", true);
    r.subscribe(kC, "?", true);
    r.unsubscribe(kA, "x*", true);
    r.subscribe(kA, "x*", true);  // now last
    size_t n = 0;
    auto got = receivers(r, "x", &n);
    using R = std::pair<uint32_t, std::string>;
    CHECK(got == std::vector<R>{{1, "*"}, {2, "?"}, {0, "x*"}});
}
