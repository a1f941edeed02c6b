// RdbService: Redis 7.0's rdbSave / rdbSaveBackground / serverCron save points, over our store.
#include "rdb_service.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

#include "lock_scope.h"
#include "log.h"
#include "rdb_loader.h"
#include "rdb_writer.h"

namespace mini_redis {

namespace {

constexpr int64_t kBgsaveRetrySeconds = 5;  // Redis's CONFIG_BGSAVE_RETRY_DELAY

int64_t unixNow() {
    return static_cast<int64_t>(std::time(nullptr));
}

RdbOptions optionsOf(const Config& c) {
    return RdbOptions{c.rdbcompression, c.rdbchecksum};
}

}  // namespace

void RdbService::startupStatus() {
    // As Redis: the last save time starts at start-up, and nothing is unsaved yet.
    status_.last_save_unix.store(unixNow(), std::memory_order_relaxed);
    status_.changes_at_save.store(store_.changes(), std::memory_order_relaxed);
}

void RdbService::loadedStatus() {
    // What start-up loaded (the RDB file or the AOF) counts as saved.
    status_.changes_at_save.store(store_.changes(), std::memory_order_relaxed);
    status_.last_load_keys.store(store_.size(), std::memory_order_relaxed);
}

bool RdbService::writeFile(Store& store, const std::string& dir, const std::string& target,
                           const RdbOptions& opts, std::string* error) {
    const std::string tmp = dir + "/temp-" + std::to_string(::getpid()) + ".rdb";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (error) *error = "Failed opening the temp RDB file " + tmp + ": " + std::strerror(errno);
        return false;
    }
    bool ok = writeRdb(fd, store, opts, error);
    if (ok && ::fsync(fd) != 0) {
        if (error) *error = std::string("fsync: ") + std::strerror(errno);
        ok = false;
    }
    if (::close(fd) != 0 && ok) {
        if (error) *error = std::string("close: ") + std::strerror(errno);
        ok = false;
    }
    if (ok && ::rename(tmp.c_str(), target.c_str()) != 0) {
        if (error) *error = "rename to " + target + ": " + std::strerror(errno);
        ok = false;
    }
    if (!ok) {
        ::unlink(tmp.c_str());
        return false;
    }
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return true;
}

std::string RdbService::save(const Config& config) {
    if (child_.running() && child_.purpose() == ChildProcess::Purpose::Rdb) {
        return "ERR Background save already in progress";
    }
    std::string error;
    bool ok;
    uint64_t changes;
    {
        LockScope scope(store_);
        scope.lockAll();
        changes = store_.changes();
        ok = writeFile(store_, config.dir, path(config), optionsOf(config), &error);
    }
    if (!ok) {
        LOG_WARNING("Error saving DB on disk: %s", error.c_str());
        return "ERR";
    }
    status_.changes_at_save.store(changes, std::memory_order_relaxed);
    status_.last_save_unix.store(unixNow(), std::memory_order_relaxed);
    status_.last_bgsave_ok.store(true, std::memory_order_relaxed);
    status_.saves.fetch_add(1, std::memory_order_relaxed);
    LOG_INFO("DB saved on disk");
    return {};
}

RdbService::BgsaveResult RdbService::bgsave(const Config& config, bool schedule, std::string* error,
                                            bool in_exec) {
    if (child_.running() && child_.purpose() == ChildProcess::Purpose::Rdb) {
        return BgsaveResult::InProgress;
    }
    if (child_.running() || in_exec) {
        if (!schedule && !in_exec) return BgsaveResult::OtherChild;
        scheduled_ = true;
        return BgsaveResult::Scheduled;
    }
    last_try_unix_ = unixNow();
    const uint64_t changes = store_.changes();
    const int64_t started = unixNow();
    Store& store = store_;
    const std::string dir = config.dir, target = path(config);
    const RdbOptions opts = optionsOf(config);
    std::string err = child_.start(
        ChildProcess::Purpose::Rdb,
        [&store, &dir, &target, opts] {
            std::string e;
            if (writeFile(store, dir, target, opts, &e)) return 0;
            // No logger here (THE CHILD'S RULE): one plain write to stderr.
            std::string line = "mini-redis BGSAVE child: " + e + "\n";
            ssize_t n = ::write(2, line.data(), line.size());
            (void)n;
            return 1;
        },
        [this, changes, started](bool ok, int status) {
            bgsaveDone(ok, status, changes, started);
        });
    if (!err.empty()) {
        status_.last_bgsave_ok.store(false, std::memory_order_relaxed);
        LOG_WARNING("Can't save in background: %s", err.c_str());
        if (error) *error = err;
        return BgsaveResult::Failed;
    }
    scheduled_ = false;
    status_.bgsave_in_progress.store(true, std::memory_order_relaxed);
    status_.bgsave_started_unix.store(started, std::memory_order_relaxed);
    LOG_INFO("Background saving started by pid %d", static_cast<int>(child_.pid()));
    return BgsaveResult::Started;
}

void RdbService::bgsaveDone(bool ok, int status, uint64_t changes_at_fork, int64_t started) {
    status_.bgsave_in_progress.store(false, std::memory_order_relaxed);
    status_.bgsave_started_unix.store(-1, std::memory_order_relaxed);
    status_.last_bgsave_secs.store(unixNow() - started, std::memory_order_relaxed);
    status_.last_bgsave_ok.store(ok, std::memory_order_relaxed);
    if (ok) {
        status_.changes_at_save.store(changes_at_fork, std::memory_order_relaxed);
        status_.last_save_unix.store(unixNow(), std::memory_order_relaxed);
        status_.saves.fetch_add(1, std::memory_order_relaxed);
        LOG_INFO("Background saving terminated with success");
    } else if (WIFSIGNALED(status)) {
        LOG_WARNING("Background saving terminated by signal %d", WTERMSIG(status));
    } else {
        LOG_WARNING("Background saving error");
    }
}

void RdbService::cron(const Config& config) {
    // While the dataset loads, the store holds part of it: a save now would put that part
    // over the file it is being loaded from.
    if (child_.running() || store_.loading()) return;
    if (scheduled_) {
        bgsave(config, true, nullptr);
        return;
    }
    const uint64_t changes = dirty();
    const int64_t now = unixNow();
    const int64_t since_save = now - status_.last_save_unix.load(std::memory_order_relaxed);
    const bool may_try = status_.last_bgsave_ok.load(std::memory_order_relaxed) ||
                         now - last_try_unix_ > kBgsaveRetrySeconds;
    for (const auto& [seconds, min_changes] : config.save) {
        if (changes >= static_cast<uint64_t>(min_changes) && since_save > seconds && may_try) {
            LOG_INFO("%lld changes in %lld seconds. Saving...", static_cast<long long>(min_changes),
                     static_cast<long long>(seconds));
            bgsave(config, false, nullptr);
            return;
        }
    }
}

void RdbService::abortBgsave(const Config& config) {
    if (!child_.running() || child_.purpose() != ChildProcess::Purpose::Rdb) return;
    LOG_WARNING("There is a child saving an .rdb. Killing it!");
    const pid_t pid = child_.pid();
    child_.kill();
    ::unlink((config.dir + "/temp-" + std::to_string(pid) + ".rdb").c_str());
    status_.bgsave_in_progress.store(false, std::memory_order_relaxed);
    status_.bgsave_started_unix.store(-1, std::memory_order_relaxed);
}

std::string RdbService::saveForShutdown(const Config& config) {
    abortBgsave(config);
    if (store_.loading()) {
        // As Redis: never while loading, whatever was asked (SAVE, save points, a signal).
        LOG_NOTICE("Not saving the final RDB snapshot: the dataset is still loading, so the "
                   "files on disk are left as they are.");
        return {};
    }
    LOG_INFO("Saving the final RDB snapshot before exiting.");
    return save(config);
}

uint64_t RdbService::dirty() const {
    return store_.changes() - status_.changes_at_save.load(std::memory_order_relaxed);
}

}  // namespace mini_redis
