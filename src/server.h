// The server: wires the listener, connections, load heap, workers and completion queue onto
// one event loop, and runs the shutdown sequence.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "batch.h"
#include "command_executor.h"
#include "command_table.h"
#include "completion_queue.h"
#include "config.h"
#include "connection.h"
#include "event_loop.h"
#include "listener.h"
#include "load_heap.h"
#include "server_stats.h"
#include "shared_config.h"
#include "store.h"
#include "worker.h"

namespace mini_redis {

// Constructed, started and run on the main thread, which becomes the reactor thread: every
// method below runs there. Workers reach the server only through their queues, the store,
// the shared config and the stats counters.
class Server {
public:
    explicit Server(Config config);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds the port and starts the workers. Returns an error text on failure.
    std::string start();
    // Serves until a shutdown signal has been handled. Returns the process exit code.
    int run();

private:
    Connection* find(uint64_t id);
    void onAccept();
    void onConnectionEvent(uint64_t id, uint32_t events);
    void readFrom(Connection& conn);
    void scheduleRead(Connection& conn);
    void processInput(Connection& conn);
    void dispatch(Connection& conn, std::unique_ptr<Batch> batch);
    void onCompletions();
    // Writes pending output and decides what the connection does next. False if it closed.
    bool flushConnection(Connection& conn);
    void closeConnection(Connection& conn, const char* reason);

    void onSignal(int signo);
    void reload();
    void beginShutdown(const char* why);
    void maybeFinishShutdown();
    void finishShutdown(const char* why);
    void sampleStats();

    std::unique_ptr<Batch> takeBatch();
    void recycle(std::unique_ptr<Batch> batch);

    SharedConfig config_;
    std::shared_ptr<const Config> cfg_;  // the reactor's snapshot, refreshed by sampleStats()
    const CommandTable table_;
    ServerStats stats_;
    Store store_;
    CommandExecutor executor_;
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
    bool shutting_down_ = false;
    std::chrono::steady_clock::time_point shutdown_started_;
    // instantaneous_ops_per_sec: total commands sampled every 100 ms, over the last second.
    std::vector<uint64_t> ops_samples_;
    size_t ops_sample_pos_ = 0;
};

}  // namespace mini_redis
