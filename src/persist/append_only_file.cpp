// AppendOnlyFile: the AOF directory, the log that appends to it, and its rewrite.
#include "append_only_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "log.h"
#include "rdb_writer.h"

namespace mini_redis {

namespace {

int64_t steadyMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

uint64_t fileSize(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

int64_t unixNow() {
    return static_cast<int64_t>(std::time(nullptr));
}

}  // namespace

AppendOnlyFile::AppendOnlyFile(Store& store, ChildProcess& child, AofStatus& status)
    : store_(store), child_(child), status_(status) {
    status_.log = &log_;
}

void AppendOnlyFile::publish() {
    const auto relaxed = std::memory_order_relaxed;
    status_.enabled.store(enabled_, relaxed);
    status_.rewrite_in_progress.store(rewriting(), relaxed);
    status_.rewrite_scheduled.store(scheduled_, relaxed);
    status_.consecutive_failures.store(consecutive_failures_, relaxed);
    status_.base_size.store(base_size_, relaxed);
}

AppendOnlyFile::~AppendOnlyFile() {
    close();
}

FsyncPolicy AppendOnlyFile::policyOf(const Config& config) const {
    if (config.appendfsync == "always") return FsyncPolicy::Always;
    if (config.appendfsync == "no") return FsyncPolicy::No;
    return FsyncPolicy::EverySec;
}

std::string AppendOnlyFile::open(const Config& config) {
    policy_ = policyOf(config);
    dir_path_ = config.dir + "/" + config.appenddirname;
    dir_ = std::make_unique<AofDirectory>(dir_path_, config.appendfilename);
    if (!config.appendonly) return {};
    std::string error;
    if (!dir_->load(&error) || !dir_->ensureDir(&error)) return error;
    if (!startLogging(&error)) return error;
    enabled_ = true;
    publish();
    base_size_ = dir_->manifest().base ? fileSize(dir_->filePath(dir_->manifest().base->name)) : 0;
    // No base yet (a new directory, or data loaded from an RDB): a rewrite makes one, as
    // Redis does, so the directory holds the whole dataset from now on.
    if (!dir_->manifest().base) {
        std::string why = rewrite();
        if (!why.empty()) {
            LOG_WARNING("AOF: could not start the rewrite that makes the first base: %s",
                        why.c_str());
        }
    }
    LOG_NOTICE("AOF: recording writes in %s (appendfsync %s)", dir_path_.c_str(),
               config.appendfsync.c_str());
    return {};
}

bool AppendOnlyFile::startLogging(std::string* error) {
    // Before any client writes (start-up): the last incr file, or a new one named by a
    // persisted manifest before anything is written to it.
    const int fd = dir_->openForAppend(error);
    if (fd < 0) return false;
    log_.start(fd, policy_, synced_cb_);
    return true;
}

std::string AppendOnlyFile::apply(const Config& config) {
    const FsyncPolicy policy = policyOf(config);
    if (policy != policy_) {
        policy_ = policy;
        log_.setPolicy(policy);
        if (synced_cb_) synced_cb_();  // replies held for "always" are re-judged
    }
    if (!dir_ || config.appendonly == enabled_) return {};  // not open yet, or no change
    if (!config.appendonly) {
        // Off: a rewrite in flight is abandoned, everything recorded is synced.
        if (rewriting()) child_.kill();
        scheduled_ = false;
        enabled_ = false;
        publish();
        if (!log_.stop()) LOG_WARNING("AOF: turned off with records that could not be written");
        if (synced_cb_) synced_cb_();
        LOG_NOTICE("AOF: turned off");
        return {};
    }
    // On: the directory as configured at start (its name cannot change while running). The
    // data so far is in no file: the rewrite writes it as the new base, and recording starts
    // at its fork (every write before it is in the snapshot). While a BGSAVE runs, the
    // rewrite waits for it, as in Redis.
    if (steadyMs() < apply_retry_ms_) return {};
    std::string error;
    if (!dir_->load(&error) || !dir_->ensureDir(&error)) {
        apply_retry_ms_ = steadyMs() + 5000;
        LOG_WARNING("AOF: cannot turn on: %s", error.c_str());
        return error;
    }
    enabled_ = true;
    scheduled_ = true;
    publish();
    if (!child_.running()) {
        std::string why = rewrite();
        if (!why.empty()) {
            LOG_WARNING("AOF: the first rewrite could not start: %s (tried again)", why.c_str());
        }
    }
    LOG_NOTICE("AOF: turned on (appendfsync %s)", config.appendfsync.c_str());
    return {};
}

std::string AppendOnlyFile::rewrite(LockScope* held) {
    if (!enabled_) return "the append-only file is off";
    if (child_.running()) {
        if (rewriting()) return "Background append only file rewriting already in progress";
        scheduled_ = true;  // after the BGSAVE, as Redis schedules it
        publish();
        return {};
    }
    scheduled_ = false;
    std::string error;
    const int64_t started = steadyMs();
    const std::string temp =
        dir_->filePath("temp-rewriteaof-bg-" + std::to_string(::getpid()) + ".aof");
    // REWRITE RULE, step 1: under every shard lock, the new incr (named in the manifest
    // first), the switch, the fork (ChildProcess forks inside the same scope).
    std::optional<LockScope> own;
    LockScope* scope = held;
    if (scope == nullptr || !scope->holdsAll()) {
        own.emplace(store_);
        own->lockAll();
        scope = &*own;
    }
    const int fd = dir_->openNewIncr(&error);
    if (fd < 0) {
        ++consecutive_failures_;
        fail_backoff_from_ms_ = steadyMs();
        scheduled_ = !log_.active();  // turning on: tried again until it works
        status_.last_rewrite_ok.store(false, std::memory_order_relaxed);
        publish();
        return error;
    }
    if (log_.active()) {
        log_.switchFile(fd);
    } else {
        log_.start(fd, policy_, synced_cb_);  // CONFIG SET appendonly yes: recording starts here
    }
    Store& store = store_;
    auto work = [&store, temp]() -> int {
        // REWRITE RULE, step 2 (in the child: no locks, no logging).
        const int out = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (out < 0) return 1;
        std::string err;
        const bool ok = writeRdb(out, store, RdbOptions{}, &err) && ::fsync(out) == 0;
        return (::close(out) == 0 && ok) ? 0 : 1;
    };
    error = child_.start(
        ChildProcess::Purpose::Aof, work,
        [this, temp, started](bool ok, int) { rewriteDone(ok, temp, started); }, scope);
    if (!error.empty()) {
        // The new incr stays in the manifest: the directory still loads the same data.
        ++consecutive_failures_;
        fail_backoff_from_ms_ = steadyMs();
        status_.last_rewrite_ok.store(false, std::memory_order_relaxed);
        publish();
        return error;
    }
    status_.rewrite_started_unix.store(unixNow(), std::memory_order_relaxed);
    publish();
    LOG_NOTICE("AOF: background rewrite started by pid %d", static_cast<int>(child_.pid()));
    return {};
}

void AppendOnlyFile::rewriteDone(bool ok, const std::string& temp_path, int64_t started_ms) {
    const int64_t took_ms = steadyMs() - started_ms;
    status_.last_rewrite_secs.store(took_ms / 1000, std::memory_order_relaxed);
    status_.rewrite_started_unix.store(-1, std::memory_order_relaxed);
    std::string error;
    // REWRITE RULE, step 3.
    if (ok && (!enabled_ || !dir_->installRewrite(temp_path, true, &error))) ok = false;
    if (ok) {
        status_.rewrites.fetch_add(1, std::memory_order_relaxed);
        consecutive_failures_ = 0;
        status_.last_rewrite_ok.store(true, std::memory_order_relaxed);
        base_size_ = dir_->manifest().base ? fileSize(dir_->filePath(dir_->manifest().base->name))
                                           : 0;
        publish();
        LOG_NOTICE("AOF: background rewrite finished in %lld ms (base %llu bytes)",
                   static_cast<long long>(took_ms), static_cast<unsigned long long>(base_size_));
        return;
    }
    ::unlink(temp_path.c_str());
    ++consecutive_failures_;
    fail_backoff_from_ms_ = steadyMs();
    status_.last_rewrite_ok.store(false, std::memory_order_relaxed);
    publish();
    LOG_WARNING("AOF: background rewrite failed%s%s", error.empty() ? "" : ": ", error.c_str());
}

void AppendOnlyFile::cron(const Config& config) {
    publish();  // a child that ended (BGSAVE's too) changes what INFO says
    if (!enabled_ || child_.running()) return;
    const bool backing_off = consecutive_failures_ > 0 && steadyMs() - fail_backoff_from_ms_ < 5000;
    if (scheduled_ && !backing_off) {
        rewrite();
        return;
    }
    // Redis's growth rule: the files grew by the percentage over the size the last rewrite
    // left, and are at least the minimum size. After a failure, a minute between tries.
    if (config.auto_aof_rewrite_percentage <= 0) return;
    const uint64_t current = base_size_ + log_.fileBytes();
    if (current < static_cast<uint64_t>(config.auto_aof_rewrite_min_size)) return;
    const uint64_t base = base_size_ == 0 ? 1 : base_size_;
    const uint64_t growth = (current - base_size_) * 100 / base;
    if (growth < static_cast<uint64_t>(config.auto_aof_rewrite_percentage)) return;
    if (consecutive_failures_ > 0 && steadyMs() - fail_backoff_from_ms_ < 60000) return;
    LOG_NOTICE("AOF: starting an automatic rewrite (%llu%% growth)",
               static_cast<unsigned long long>(growth));
    rewrite();
}

bool AppendOnlyFile::close() {
    if (rewriting()) child_.kill();
    enabled_ = false;
    publish();
    if (!log_.active()) return true;
    return log_.stop();
}

}  // namespace mini_redis
