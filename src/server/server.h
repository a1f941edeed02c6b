// The server's lifecycle: builds the parts and wires them onto one event loop, starts them,
// reloads the configuration on SIGHUP, and runs the shutdown sequence.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "append_only_file.h"
#include "client_registry.h"
#include "command_executor.h"
#include "child_process.h"
#include "command_table.h"
#include "config.h"
#include "event_loop.h"
#include "expire_cycle.h"
#include "listener.h"
#include "load_heap.h"
#include "reactor_config.h"
#include "rdb_service.h"
#include "reactor_inbox.h"
#include "request_pipeline.h"
#include "server_stats.h"
#include "service_notifier.h"
#include "shared_config.h"
#include "startup_loader.h"
#include "store.h"
#include "worker.h"

namespace mini_redis {

// Constructed, started and run on the main thread, which becomes the reactor thread: every
// method below runs there. Workers reach the reactor only through the inbox, and the rest of
// the server through the store, the shared config and the stats counters.
class Server : private InvalidationListener {
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

  private:
    void onSignal(int signo);
    void reload();
    void beginShutdown(const char* why);
    void finishShutdown(const char* why);
    // InvalidationListener (any thread): CLIENT TRACKING's news travels to the reactor.
    void invalidated(Invalidation&& inv) override;
    void sampleStats();
    // Publishes every queued keyspace event (a task the notifier's wake-up posts).
    void publishKeyEvents();
    void startWatchdog();
    // Start-up loading is over (posted by the loader's thread): READY=1, or exit non-zero.
    void onLoaded(bool ok, const std::string& error);
    std::string statusLine() const;

    const std::vector<std::pair<std::string, std::string>> overrides_;
    ServiceNotifier notifier_;
    SharedConfig config_;
    ReactorConfig cfg_;
    const CommandTable table_;
    ServerStats stats_;
    Store store_;
    CommandExecutor executor_;
    ExpireCycle expire_cycle_;
    ReactorInbox inbox_;
    std::vector<std::unique_ptr<Worker>> workers_;
    LoadHeap heap_;
    EventLoop loop_;
    Listener listener_;
    ClientRegistry registry_;
    RequestPipeline pipeline_;
    ChildProcess child_;  // BGSAVE's (and the AOF rewrite's) forked child
    RdbService rdb_;
    AppendOnlyFile aof_;  // the append-only file (its log is the store's WriteLog)
    // What finishShutdown saves: nothing, or the writes that landed after the save made when
    // the shutdown began (SHUTDOWN's, or a signal's with save points set).
    enum class FinalSave : uint8_t { None, IfDirty };
    FinalSave final_save_ = FinalSave::None;
    bool shutting_down_ = false;
    bool shutdown_finished_ = false;
    std::chrono::steady_clock::time_point shutdown_started_;
    // instantaneous_ops_per_sec: total commands sampled every 100 ms, over the last second.
    std::vector<uint64_t> ops_samples_;
    size_t ops_sample_pos_ = 0;
    // Loads the AOF or the RDB at start-up on its own thread; joined in run(). Declared last:
    // destroyed (joined) first, while everything it uses still exists.
    StartupLoader loader_;
    int exit_code_ = 0;  // what run() returns: 1 when the dataset could not be loaded
};

}  // namespace mini_redis
