// The reactor's view of connected clients, offered to the commands that need it
// (CLIENT LIST / INFO / KILL) and pub/sub. Those commands run on the reactor thread, in
// request order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "client_session.h"
#include "subscription_registry.h"

namespace mini_redis {

class ClientPause;
class RdbService;
class AppendOnlyFile;

// Which clients CLIENT KILL / CLIENT LIST select; empty fields match everything.
struct ClientFilter {
    uint64_t id = 0;         // 0 = any
    std::string addr;        // "ip:port"
    bool skip_self = false;  // CLIENT KILL's SKIPME (default yes in the filter form)
};

// Reactor thread only: implemented by ClientRegistry, handed to commands flagged kCmdReactor.
class ClientDirectory {
  public:
    virtual ~ClientDirectory() = default;
    // CLIENT LIST lines ("id=... addr=... \n" each) for the clients that match. The caller's
    // own line shows `self_cmd` (the command running now, e.g. "client|list") as its cmd=.
    virtual std::string describeClients(const ClientFilter& filter, uint64_t self_id,
                                        std::string_view self_cmd) = 0;
    // Closes matching clients (self after its reply is written); returns how many.
    virtual size_t killClients(const ClientFilter& filter, uint64_t self_id) = 0;

    // Pub/sub: the subscription index (the (P)(UN)SUBSCRIBE and PUBSUB commands change and
    // read it here; it lives on this thread), and delivery of one message to every receiver
    // under the PUSH RULE (request_pipeline.cpp). Returns the number of receivers.
    virtual SubscriptionRegistry& subscriptions() = 0;
    virtual size_t publish(std::string_view channel, std::string_view message) = 0;
    // After the commands change subscriptions: INFO's pubsub_channels / pubsub_patterns.
    virtual void subscriptionsChanged() = 0;

    // CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends the wait of a client blocked by BLPOP and
    // friends, answered as a timeout or with -UNBLOCKED. False if it is not blocked.
    virtual bool unblockClient(uint64_t id, bool with_error) = 0;

    // CLIENT TRACKING: whether a client with this id is connected (REDIRECT), and a client's
    // tracking settings changed (ON, OFF, RESET).
    virtual bool clientExists(uint64_t id) = 0;
    virtual void trackingChanged(uint64_t id, const TrackingState& before,
                                 const TrackingState& after) = 0;
    // MONITOR: `ref` starts (on) or stops (off: RESET) receiving every command's line.
    virtual void setMonitor(ConnRef ref, bool on) = 0;
    // CLIENT PAUSE / UNPAUSE.
    virtual ClientPause& clientPause() = 0;

    // Persistence (SAVE, BGSAVE, SHUTDOWN): the server's RDB snapshots; null without a server
    // (unit tests).
    virtual RdbService* rdbService() { return nullptr; }
    // BGREWRITEAOF: the server's append-only file; null without a server (unit tests).
    virtual AppendOnlyFile* appendOnlyFile() { return nullptr; }
    // SHUTDOWN: asks the server to shut down once this command is done; `final_save` says
    // whether it saves again at the end (writes that landed after the command's own save).
    virtual void requestShutdown(bool final_save) { (void)final_save; }
};

}  // namespace mini_redis
