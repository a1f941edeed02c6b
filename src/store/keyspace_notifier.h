// Keyspace notifications: the events writes make, queued in key order for the reactor.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "keyspace_event_flags.h"

namespace mini_redis {

// One event: `name` is a string literal ("set", "lpush", "expired", ...).
struct KeyEvent {
    uint32_t cls;  // its class bit (keyspace_events::kString, ...)
    const char* name;
    int db;
    std::string key;
};

// Any thread (each method says otherwise where it must).
//
// Events are made under the shard lock of the key they name (a LockScope collects a command's
// events and posts them, the expire cycle posts what one step expired) and post() appends them
// to one queue under one mutex while the poster still holds that shard lock. ORDER: since
// every write to a key holds the key's shard lock, a key's events enter the queue in the order
// its writes were applied, whichever worker (or the expire cycle) made them; and the queue is
// one FIFO, drained and published by the reactor alone, so subscribers see them in that order.
// Events of different keys come out in the order their posts took the mutex (a command's or an
// EXEC's events stay together, in the order the command made them). The reactor inbox could
// not promise this: it keeps order only per posting thread.
//
// Lock rule: mu_ is taken inside shard locks and never the other way round; the wake callback
// is called with no lock of ours held.
class KeyspaceNotifier {
  public:
    // The classes wanted now: 0 unless K or E is set too (then no event is worth making).
    // One relaxed load: the only cost of an event point while notifications are off.
    uint32_t active() const { return active_.load(std::memory_order_relaxed); }
    uint32_t flags() const { return flags_.load(std::memory_order_relaxed); }
    void setFlags(uint32_t flags);

    // Set once before any post (the server: a task that runs drain-and-publish on the reactor).
    void setWake(std::function<void()> wake) { wake_ = std::move(wake); }

    // Moves `events` to the end of the queue and empties it; calls the wake callback when the
    // queue was empty (one wake-up per drain: later posts find it non-empty and add to it).
    void post(std::vector<KeyEvent>& events);
    // Takes everything queued (reactor thread, from the wake task).
    void drain(std::vector<KeyEvent>& out);

    // The channel/message pairs `event` makes under `flags`, in Redis's order (keyspace channel
    // first, then keyevent), passed to `send`.
    static void messages(
        const KeyEvent& event, uint32_t flags,
        const std::function<void(std::string_view channel, std::string_view message)>& send);

  private:
    std::atomic<uint32_t> flags_{0};
    std::atomic<uint32_t> active_{0};
    std::function<void()> wake_;
    std::mutex mu_;
    std::vector<KeyEvent> queue_;  // guarded by mu_
};

}  // namespace mini_redis
