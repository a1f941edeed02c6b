// The server: wires the listener, connections, load heap, workers and completion queue onto
// one event loop, and runs the shutdown sequence.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "batch.h"
#include "client_directory.h"
#include "command_executor.h"
#include "command_table.h"
#include "completion_queue.h"
#include "config.h"
#include "connection.h"
#include "event_loop.h"
#include "expire_cycle.h"
#include "listener.h"
#include "load_heap.h"
#include "server_stats.h"
#include "service_notifier.h"
#include "shared_config.h"
#include "store.h"
#include "worker.h"

namespace mini_redis {

// Constructed, started and run on the main thread, which becomes the reactor thread: every
// method below runs there. Workers reach the server only through their queues, the store,
// the shared config and the stats counters.
class Server : public ClientDirectory {
  public:
    // `overrides` are the command-line settings, re-applied over the file on every reload.
    explicit Server(Config config, std::vector<std::pair<std::string, std::string>> overrides = {});
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds the port and starts the workers. Returns an error text on failure.
    std::string start();
    // Serves until a shutdown signal has been handled. Returns the process exit code.
    int run();

    // ClientDirectory, for CLIENT LIST / KILL (run on this thread).
    std::string describeClients(const ClientFilter& filter, uint64_t self_id,
                                std::string_view self_cmd) override;
    size_t killClients(const ClientFilter& filter, uint64_t self_id) override;

  private:
    Connection* find(uint64_t id);
    // Runs one kCmdReactor request (the batch holds just it) right here, in order.
    void runOnReactor(Connection& conn, Batch& batch);
    // Enforces the output buffer limits; false if the client was disconnected.
    bool checkOutputLimits(Connection& conn);
    void clientsCron();
    void onAccept();
    void onConnectionEvent(uint64_t id, uint32_t events);
    void readFrom(Connection& conn);
    void scheduleRead(Connection& conn);
    void processInput(Connection& conn);
    // The client must still AUTH (a password is set and it has not given it).
    bool mustAuth(const Connection& conn) const;
    // Unparsed input beyond which reading stops while the client waits for its replies.
    size_t inputPauseBytes(const Connection& conn) const;
    void dispatch(Connection& conn, std::unique_ptr<Batch> batch);
    void flushOutbox();
    void onCompletions();
    // Writes pending output and decides what the connection does next. False if it closed.
    bool flushConnection(Connection& conn);
    void closeConnection(Connection& conn, const char* reason);
    // Watches EPOLLOUT for the connection only while its output is blocked.
    void watchWritable(Connection& conn, bool on);

    void onSignal(int signo);
    void reload();
    void beginShutdown(const char* why);
    void maybeFinishShutdown();
    void finishShutdown(const char* why);
    void sampleStats();
    // Takes a fresh snapshot if CONFIG SET or a reload changed the config (one atomic load).
    void refreshConfig();
    void startWatchdog();
    std::string statusLine() const;

    std::unique_ptr<Batch> takeBatch();
    void recycle(std::unique_ptr<Batch> batch);

    const std::vector<std::pair<std::string, std::string>> overrides_;
    ServiceNotifier notifier_;
    SharedConfig config_;
    std::shared_ptr<const Config> cfg_;  // the reactor's snapshot; see refreshConfig()
    uint64_t cfg_version_ = 0;
    const CommandTable table_;
    ServerStats stats_;
    Store store_;
    CommandExecutor executor_;
    ExpireCycle expire_cycle_;
    CompletionQueue completions_;
    std::vector<std::unique_ptr<Worker>> workers_;
    LoadHeap heap_;
    EventLoop loop_;
    Listener listener_;
    std::unordered_map<uint64_t, std::unique_ptr<Connection>> conns_;
    uint64_t next_conn_id_ = 1;
    std::vector<std::unique_ptr<Batch>> batch_pool_;
    std::vector<std::unique_ptr<Batch>> drained_;
    std::vector<uint64_t> touched_;
    // Batches picked for each worker during this loop round, handed over before the loop
    // waits (one enqueue and at most one wake-up per worker per round).
    std::vector<std::vector<std::unique_ptr<Batch>>> outbox_;
    bool shutting_down_ = false;
    bool shutdown_finished_ = false;
    std::chrono::steady_clock::time_point shutdown_started_;
    // instantaneous_ops_per_sec: total commands sampled every 100 ms, over the last second.
    std::vector<uint64_t> ops_samples_;
    size_t ops_sample_pos_ = 0;
};

}  // namespace mini_redis
