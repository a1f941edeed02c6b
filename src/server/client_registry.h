// The reactor's clients: connections by slot and generation, accept and close, the records
// behind CLIENT LIST / KILL, and the clients cron (output limits, idle timeout, memory).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "blocked_clients.h"
#include "client_directory.h"
#include "client_tracking.h"
#include "client_pause.h"
#include "conn_ref.h"
#include "connection.h"
#include "event_loop.h"
#include "listener.h"
#include "reactor_config.h"
#include "server_stats.h"
#include "subscription_registry.h"

namespace mini_redis {

// Reactor thread only. Owns every Connection; everything else names one by ConnRef and looks
// it up here (a slot index and a generation check), so a reference to a client that has
// left finds nothing.
class ClientRegistry : public ClientDirectory {
  public:
    // Called for each epoll event on a client's socket.
    using EventHandler = std::function<void(ConnRef, uint32_t events)>;

    ClientRegistry(EventLoop& loop, ReactorConfig& cfg, ServerStats& stats, Store& store,
                   EventHandler on_event);
    ~ClientRegistry() override;
    ClientRegistry(const ClientRegistry&) = delete;
    ClientRegistry& operator=(const ClientRegistry&) = delete;

    // Accepts every pending client (maxclients, keepalive) and watches its socket.
    void acceptAll(Listener& listener);
    // Null when the client has closed (its slot may hold another client by now).
    Connection* find(ConnRef ref);
    size_t size() const { return live_; }
    // Every client now; for walks that may close some (look each up again with find()).
    std::vector<ConnRef> refs() const;

    // Unregisters and destroys the connection (closing its socket); a batch still out for it
    // is dropped when it comes back, as find() no longer knows it.
    void close(Connection& conn, const char* reason);
    // Shutdown's last step: closes every client at once; returns how many there were.
    size_t closeAll();
    // Shutdown: no new clients from now on; `on_empty` runs when the last one has closed.
    void stopAdmitting(std::function<void()> on_empty);

    // Watches EPOLLOUT for the connection only while its output is blocked.
    void watchWritable(Connection& conn, bool on);
    // Enforces the output buffer limits; false if the client was disconnected.
    bool checkOutputLimits(Connection& conn);
    // Once a second: output limits, the idle timeout, and IO buffers given back.
    void cron();

    // ClientDirectory, for CLIENT LIST / INFO / KILL (run on this thread, in request order).
    std::string describeClients(const ClientFilter& filter, uint64_t self_id,
                                std::string_view self_cmd) override;
    size_t killClients(const ClientFilter& filter, uint64_t self_id) override;

    // ClientDirectory's pub/sub. publish() appends the message to each receiver with no batch
    // out, and holds it on a receiver with one (PUSH RULE); either way the receiver goes on the
    // pushed list, which the pipeline writes and checks against the limits (takePushed()).
    SubscriptionRegistry& subscriptions() override { return subs_; }
    size_t publish(std::string_view channel, std::string_view message) override;
    void subscriptionsChanged() override;
    // The client with this CLIENT ID; null if it is not connected.
    Connection* findById(uint64_t id);
    bool clientExists(uint64_t id) override { return findById(id) != nullptr; }
    // CLIENT TRACKING: appends one invalidation (the keys, or with `everything` a flush) to the
    // connection under the PUSH RULE, as publish() does; written by the pipeline's flushPushed.
    void pushInvalidation(Connection& conn, std::vector<std::string> keys, bool everything);
    ClientTracking& tracking() { return tracking_; }
    void trackingChanged(uint64_t id, const TrackingState& before,
                         const TrackingState& after) override {
        tracking_.changed(id, before, after);
    }

    // CLIENT UNBLOCK: ends a blocked client's wait (BlockedClients::requestEnd).
    bool unblockClient(uint64_t id, bool with_error) override;
    // Clients blocked by BLPOP and friends; a client that closes leaves them in close().
    BlockedClients& blocked() { return blocked_; }

    // MONITOR (ClientDirectory): the list of monitors; a closed client leaves it in close().
    void setMonitor(ConnRef ref, bool on) override;
    // CLIENT PAUSE (ClientDirectory); the pipeline holds and releases requests through it.
    ClientPause& clientPause() override { return pause_; }
    // Persistence (ClientDirectory): the server hands its RDB service and shutdown hook in.
    void setPersistence(RdbService* rdb, AppendOnlyFile* aof,
                        std::function<void(bool)> request_shutdown) {
        rdb_ = rdb;
        aof_ = aof;
        request_shutdown_ = std::move(request_shutdown);
    }
    RdbService* rdbService() override { return rdb_; }
    AppendOnlyFile* appendOnlyFile() override { return aof_; }
    void requestShutdown(bool final_save) override {
        if (request_shutdown_) request_shutdown_(final_save);
    }
    // Appends MONITOR lines (one batch's, in the order its commands ran) to every monitor, under
    // the PUSH RULE like a pub/sub message: held on a monitor with a batch out; the pushed
    // list's writer enforces the output limits (a monitor is a normal client there).
    void feedMonitors(std::string_view lines);
    // Appends encoded bytes (MONITOR lines, tracking-redir-broken) to one connection under the
    // PUSH RULE, as publish() does.
    void pushBytes(Connection& conn, std::string_view bytes);
    // The messages held while a batch was out, appended now that its replies are in.
    void releaseHeldPushes(Connection& conn);
    // Connections pushed to since the last call (each once); the list is emptied.
    std::vector<ConnRef> takePushed();

  private:
    struct Slot {
        std::unique_ptr<Connection> conn;  // null while free
        uint32_t generation = 0;           // bumped when its connection closes
    };

    void admit(int fd, std::string peer);

    EventLoop& loop_;
    ReactorConfig& cfg_;
    ServerStats& stats_;
    EventHandler on_event_;
    std::vector<Slot> slots_;
    std::vector<uint32_t> free_slots_;
    size_t live_ = 0;
    uint64_t next_id_ = 1;  // CLIENT ID
    bool admitting_ = true;
    std::function<void()> on_empty_;
    SubscriptionRegistry subs_;   // who is subscribed to what; cleaned in close()
    BlockedClients blocked_;      // who waits on which key; cleaned in close()
    ClientTracking tracking_;     // CLIENT TRACKING's clients; told in close()
    std::unordered_map<uint64_t, ConnRef> by_id_;  // CLIENT ID -> connection
    std::vector<ConnRef> pushed_;  // see takePushed()
    std::vector<ConnRef> monitors_;  // MONITOR clients, in the order they started
    ClientPause pause_;              // CLIENT PAUSE and the requests it holds
    RdbService* rdb_ = nullptr;
    AppendOnlyFile* aof_ = nullptr;
    std::function<void(bool)> request_shutdown_;
};

}  // namespace mini_redis
