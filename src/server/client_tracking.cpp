// Where CLIENT TRACKING's invalidations go (client_tracking.h).
#include "client_tracking.h"

#include "client_registry.h"
#include "reply.h"

namespace mini_redis {

ClientTracking::ClientTracking(ClientRegistry& registry, Store& store, ServerStats& stats)
    : registry_(registry), store_(store), stats_(stats) {}

void ClientTracking::changed(uint64_t id, const TrackingState& before, const TrackingState& after) {
    if (before.on) {
        all_.erase(id);
        bcast_.erase(id);
    }
    if (after.on) {
        all_[id] = true;
        if (after.bcast) bcast_[id] = after.prefixes;
    }
    tracking_ = all_.size();
    stats_.tracking_clients.store(tracking_, std::memory_order_relaxed);
    stats_.tracking_prefixes.store(
        [&] {
            size_t n = 0;
            for (const auto& [cid, prefixes] : bcast_) n += prefixes.empty() ? 1 : prefixes.size();
            return n;
        }(),
        std::memory_order_relaxed);
    store_.setBroadcastClients(bcast_.size());
}

void ClientTracking::send(uint64_t id, std::vector<std::string> keys, bool everything) {
    Connection* client = registry_.findById(id);
    if (client == nullptr || !client->session().tracking.on) return;
    const TrackingState& t = client->session().tracking;
    Connection* target = client;
    if (t.redirect != 0) {
        target = registry_.findById(t.redirect);
        if (target == nullptr) {
            // The redirect target left: a RESP3 client is told so, each time, as Redis does
            // (CLIENT TRACKINGINFO then shows broken_redirect).
            if (client->session().resp == 3) {
                std::string bytes;
                Reply reply(bytes, 3);
                reply.pushHeader(2);
                reply.bulk("tracking-redir-broken");
                reply.integer(static_cast<int64_t>(t.redirect));
                registry_.pushBytes(*client, bytes);
            }
            return;
        }
    }
    if (target->session().resp != 3 &&
        !registry_.subscriptions().isSubscribed(target->ref(), kInvalidateChannel)) {
        return;  // a RESP2 client has nowhere to receive it
    }
    registry_.pushInvalidation(*target, std::move(keys), everything);
}

void ClientTracking::deliver(const Invalidation& inv) {
    if (all_.empty()) return;  // tracking turned off since: the entries are just dropped
    if (inv.flushed) {
        for (const auto& [id, on] : all_) send(id, {}, true);
    }
    for (const auto& [key, readers] : inv.keys) {
        for (uint64_t id : readers) {
            if (bcast_.count(id) != 0) continue;  // BCAST is told by prefix, below
            if (id == inv.by_client) {
                Connection* c = registry_.findById(id);
                if (c != nullptr && c->session().tracking.noloop) continue;
            }
            send(id, {key}, false);
        }
    }
    if (inv.written.empty()) return;
    for (const auto& [id, prefixes] : bcast_) {
        if (id == inv.by_client) {
            Connection* c = registry_.findById(id);
            if (c != nullptr && c->session().tracking.noloop) continue;
        }
        // One message per prefix, as Redis sends them.
        for (const std::string& p : prefixes) {
            std::vector<std::string> keys;
            for (const std::string& k : inv.written) {
                if (k.starts_with(p)) keys.push_back(k);
            }
            if (!keys.empty()) send(id, std::move(keys), false);
        }
    }
}

}  // namespace mini_redis
