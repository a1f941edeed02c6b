// The subscription index behind SUBSCRIBE, PSUBSCRIBE, PUBLISH and PUBSUB.
#include "subscription_registry.h"

#include <algorithm>

#include "glob.h"

namespace mini_redis {

namespace {

// Removes the first `value` from `v`, keeping the order of the rest; false if absent.
template <class T, class U>
bool eraseOne(std::vector<T>& v, const U& value) {
    auto it = std::find(v.begin(), v.end(), value);
    if (it == v.end()) return false;
    v.erase(it);
    return true;
}

}  // namespace

bool SubscriptionRegistry::subscribe(ConnRef conn, std::string_view name, bool pattern) {
    Own& own = own_[conn];
    std::vector<std::string>& mine = pattern ? own.patterns : own.channels;
    if (std::find(mine.begin(), mine.end(), name) != mine.end()) return false;
    mine.emplace_back(name);
    Index& index = space(pattern);
    auto it = index.find(name);
    if (it == index.end()) {
        it = index.emplace(std::string(name), Subscribers{}).first;
        if (pattern) pattern_order_.emplace_back(name);
    }
    it->second.push_back(conn);
    return true;
}

bool SubscriptionRegistry::unsubscribe(ConnRef conn, std::string_view name, bool pattern) {
    auto own = own_.find(conn);
    if (own == own_.end()) return false;
    std::vector<std::string>& mine = pattern ? own->second.patterns : own->second.channels;
    if (!eraseOne(mine, name)) return false;
    Index& index = space(pattern);
    auto it = index.find(name);
    eraseOne(it->second, conn);
    if (it->second.empty()) {
        index.erase(it);
        if (pattern) eraseOne(pattern_order_, name);
    }
    if (own->second.channels.empty() && own->second.patterns.empty()) own_.erase(own);
    return true;
}

std::vector<std::string> SubscriptionRegistry::subscriptionsOf(ConnRef conn, bool pattern) const {
    auto own = own_.find(conn);
    if (own == own_.end()) return {};
    return pattern ? own->second.patterns : own->second.channels;
}

size_t SubscriptionRegistry::channelCountOf(ConnRef conn) const {
    auto own = own_.find(conn);
    return own == own_.end() ? 0 : own->second.channels.size();
}

size_t SubscriptionRegistry::patternCountOf(ConnRef conn) const {
    auto own = own_.find(conn);
    return own == own_.end() ? 0 : own->second.patterns.size();
}

size_t SubscriptionRegistry::countOf(ConnRef conn) const {
    return channelCountOf(conn) + patternCountOf(conn);
}

void SubscriptionRegistry::removeAll(ConnRef conn) {
    for (const std::string& c : subscriptionsOf(conn, false)) unsubscribe(conn, c, false);
    for (const std::string& p : subscriptionsOf(conn, true)) unsubscribe(conn, p, true);
}

size_t SubscriptionRegistry::forEachReceiver(std::string_view channel, const Receiver& to) const {
    size_t n = 0;
    if (auto it = channels_.find(channel); it != channels_.end()) {
        for (ConnRef c : it->second) {
            to(c, {});
            ++n;
        }
    }
    for (const std::string& p : pattern_order_) {
        if (!globMatch(p, channel)) continue;
        for (ConnRef c : patterns_.find(p)->second) {
            to(c, p);
            ++n;
        }
    }
    return n;
}

std::vector<std::string> SubscriptionRegistry::channels(std::string_view pattern) const {
    std::vector<std::string> out;
    for (const auto& [name, subs] : channels_) {
        if (pattern.empty() || globMatch(pattern, name)) out.push_back(name);
    }
    return out;
}

size_t SubscriptionRegistry::subscribersOf(std::string_view channel) const {
    auto it = channels_.find(channel);
    return it == channels_.end() ? 0 : it->second.size();
}

bool SubscriptionRegistry::isSubscribed(ConnRef conn, std::string_view channel) const {
    auto it = channels_.find(channel);
    if (it == channels_.end()) return false;
    for (ConnRef r : it->second) {
        if (r == conn) return true;
    }
    return false;
}

}  // namespace mini_redis
