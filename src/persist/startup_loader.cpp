// Start-up loading: which file, the loader thread, and the timing line Redis logs.
#include "startup_loader.h"

#include <pthread.h>
#include <sys/stat.h>

#include <chrono>

#include "aof_directory.h"
#include "aof_loader.h"
#include "log.h"
#include "rdb_loader.h"
#include "value_codec.h"

namespace mini_redis {

namespace {

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

std::string aofDir(const Config& c) {
    return c.dir + "/" + c.appenddirname;
}

int64_t unixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

StartupLoader::StartupLoader(const CommandTable& table, const CommandExecutor& executor,
                             Store& store, LoadingStats& progress)
    : table_(table), executor_(executor), store_(store), progress_(progress) {}

StartupLoader::~StartupLoader() {
    cancelAndJoin();
}

std::string StartupLoader::rdbPath(const Config& config) {
    return config.dir + "/" + config.dbfilename;
}

bool StartupLoader::needed(const Config& config) {
    if (config.appendonly) {
        AofDirectory dir(aofDir(config), config.appendfilename);
        return exists(dir.manifestPath()) || exists(config.dir + "/" + config.appendfilename);
    }
    return exists(rdbPath(config));
}

bool StartupLoader::run(const Config& config, std::string* error) {
    const auto started = std::chrono::steady_clock::now();
    auto seconds = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    };
    if (config.appendonly) {
        AofDirectory dir(aofDir(config), config.appendfilename);
        AofLoader loader(table_, executor_, store_, progress_);
        loader.setCancel(&cancel_);
        loader.setLimits(CollectionLimits::fromConfig(config));
        AofLoadResult r =
            loader.load(dir, config.dir + "/" + config.appendfilename, config.aof_load_truncated);
        if (!r.ok) {
            *error = r.error;
            return false;
        }
        if (r.found) {
            LOG_INFO("DB loaded from append only file: %.3f seconds (%llu commands, %zu keys)",
                     seconds(), static_cast<unsigned long long>(r.commands), store_.size());
        }
        return true;
    }
    const std::string path = rdbPath(config);
    progress_.total_bytes.store(0, std::memory_order_relaxed);
    auto progress = [this](uint64_t done, uint64_t total) {
        progress_.total_bytes.store(total, std::memory_order_relaxed);
        progress_.loaded_bytes.store(done, std::memory_order_relaxed);
        return !cancel_.load(std::memory_order_relaxed);  // shutting down: stop here
    };
    RdbLoadResult r = loadRdbFile(path, store_, progress, CollectionLimits::fromConfig(config));
    if (!r.ok) {
        *error = "cannot load the RDB file " + path + ": " + r.error;
        return false;
    }
    LOG_INFO("DB loaded from disk: %.3f seconds (%zu keys)", seconds(), store_.size());
    return true;
}

void StartupLoader::start(const Config& config, Done done) {
    progress_.start_time.store(unixNow(), std::memory_order_relaxed);
    progress_.loaded_bytes.store(0, std::memory_order_relaxed);
    progress_.total_bytes.store(0, std::memory_order_relaxed);
    store_.setLoading(true);
    progress_.active.store(true, std::memory_order_release);
    thread_ = std::thread([this, config, done = std::move(done)] {
        std::string error;
        bool ok = run(config, &error);
        if (!ok && cancel_.load(std::memory_order_relaxed)) {
            LOG_NOTICE("loading stopped before the end: the server is shutting down");
        }
        done(ok, error);  // loading stays marked until the owner calls finish()
    });
    pthread_setname_np(thread_.native_handle(), "loader");
}

void StartupLoader::finish() {
    // Expiry resumes before clients are let in: a key that expired meanwhile is never served.
    store_.setLoading(false);
    progress_.active.store(false, std::memory_order_release);
}

void StartupLoader::cancelAndJoin() {
    cancel_.store(true, std::memory_order_relaxed);
    if (thread_.joinable()) thread_.join();
}

}  // namespace mini_redis
