// Start-up loading: the AOF when appendonly is on, else the RDB (dir/dbfilename), loaded on a
// thread of its own while the server already listens and answers -LOADING.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "command_executor.h"
#include "command_table.h"
#include "config.h"
#include "server_stats.h"
#include "store.h"

namespace mini_redis {

// start()/join(): the owning (reactor) thread; the load itself runs on the loader's thread,
// which alone writes the store meanwhile (every client command but the "loading" ones gets
// -LOADING while progress.active is set).
class StartupLoader {
  public:
    // Called on the loader's thread once loading is over (the caller posts it to its loop).
    // `error` is one line naming the file and offset when !ok.
    using Done = std::function<void(bool ok, const std::string& error)>;

    StartupLoader(const CommandTable& table, const CommandExecutor& executor, Store& store,
                  LoadingStats& progress);
    ~StartupLoader();
    StartupLoader(const StartupLoader&) = delete;
    StartupLoader& operator=(const StartupLoader&) = delete;

    // Whether start-up has anything to load: an AOF directory (or an old single AOF) when
    // appendonly is on, else an RDB file this build can read. A few stat() calls.
    static bool needed(const Config& config);
    // Where the RDB file is (dir/dbfilename).
    static std::string rdbPath(const Config& config);

    // Marks loading as begun (progress.active, the store's loading mode) and starts the
    // thread; `done` runs on it at the end (loading is still marked: see finish()).
    void start(const Config& config, Done done);
    // The owner's step once `done` said ok and it is ready for clients (the append-only file
    // open, so no write escapes it): loading is marked over, clients are let in.
    void finish();
    // Asks a load in progress to stop early (shutdown), then waits for the thread.
    void cancelAndJoin();

    // The load itself, on the calling thread: true, or false with one line in `*error`.
    bool run(const Config& config, std::string* error);

  private:
    const CommandTable& table_;
    const CommandExecutor& executor_;
    Store& store_;
    LoadingStats& progress_;
    std::atomic<bool> cancel_{false};
    std::thread thread_;
};

}  // namespace mini_redis
