// CLIENT TRACKING on the reactor: who tracks, who broadcasts which prefixes, and where each
// invalidation goes (the client itself in RESP3, or its REDIRECT target).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "client_session.h"
#include "server_stats.h"
#include "store.h"

namespace mini_redis {

class ClientRegistry;

// Reactor thread only. The tracking table itself (key -> readers) lives in the store's shards
// so that a read and a later write of the same key meet under the key's lock (LockScope::track
// and the change hook); what a scope's writes invalidated reaches here as one Invalidation
// message, before the writer's reply. Messages go out under the PUSH RULE: a reader whose
// read reply is still out gets the invalidation after that reply, as in Redis.
class ClientTracking {
  public:
    // The pub/sub channel a RESP2 REDIRECT target subscribes to.
    static constexpr std::string_view kInvalidateChannel = "__redis__:invalidate";

    ClientTracking(ClientRegistry& registry, Store& store, ServerStats& stats);
    ClientTracking(const ClientTracking&) = delete;
    ClientTracking& operator=(const ClientTracking&) = delete;

    // CLIENT TRACKING ON/OFF, RESET: keeps the count and the broadcasting clients.
    void changed(uint64_t id, const TrackingState& before, const TrackingState& after);
    // A client closed with these settings.
    void left(uint64_t id, const TrackingState& state) { changed(id, state, TrackingState{}); }
    // Sends what one scope's writes invalidated.
    void deliver(const Invalidation& inv);

  private:
    // One invalidation for tracking client `id` (keys, or everything), to its REDIRECT target
    // or itself; nothing if it is gone, stopped tracking, or cannot receive (RESP2 without a
    // subscribed REDIRECT target).
    void send(uint64_t id, std::vector<std::string> keys, bool everything);

    ClientRegistry& registry_;
    Store& store_;
    ServerStats& stats_;
    size_t tracking_ = 0;                                         // INFO tracking_clients
    std::unordered_map<uint64_t, std::vector<std::string>> bcast_;  // id -> prefixes
    std::unordered_map<uint64_t, bool> all_;                        // every tracking client
};

}  // namespace mini_redis
