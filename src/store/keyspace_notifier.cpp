// The keyspace event queue and the channel names events are published on.
#include "keyspace_notifier.h"

namespace mini_redis {

void KeyspaceNotifier::setFlags(uint32_t flags) {
    using namespace keyspace_events;
    flags_.store(flags, std::memory_order_relaxed);
    const bool channels = (flags & (kKeyspace | kKeyevent)) != 0;
    active_.store(channels ? flags & ~(kKeyspace | kKeyevent) : 0, std::memory_order_relaxed);
}

void KeyspaceNotifier::post(std::vector<KeyEvent>& events) {
    if (events.empty()) return;
    bool was_empty;
    {
        std::lock_guard lock(mu_);
        was_empty = queue_.empty();
        if (was_empty) {
            queue_.swap(events);
        } else {
            for (KeyEvent& e : events) queue_.push_back(std::move(e));
        }
    }
    events.clear();
    if (was_empty && wake_) wake_();
}

void KeyspaceNotifier::drain(std::vector<KeyEvent>& out) {
    std::lock_guard lock(mu_);
    if (out.empty()) {
        out.swap(queue_);
        return;
    }
    for (KeyEvent& e : queue_) out.push_back(std::move(e));
    queue_.clear();
}

void KeyspaceNotifier::messages(
    const KeyEvent& event, uint32_t flags,
    const std::function<void(std::string_view channel, std::string_view message)>& send) {
    using namespace keyspace_events;
    // Built with append: GCC 12 warns falsely (-Wrestrict) on the "literal" + std::string form.
    const std::string db = std::to_string(event.db);
    std::string channel;
    if (flags & kKeyspace) {
        channel.append("__keyspace@").append(db).append("__:").append(event.key);
        send(channel, event.name);
    }
    if (flags & kKeyevent) {
        channel.clear();
        channel.append("__keyevent@").append(db).append("__:").append(event.name);
        send(channel, event.key);
    }
}

}  // namespace mini_redis
