// AofLog: one buffer filled under the store's locks, one writer thread that empties it.
#include "aof_log.h"

#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "log.h"

namespace mini_redis {

namespace {

using SteadyClock = std::chrono::steady_clock;

// A failed write or sync is tried again after this long (meanwhile writes answer MISCONF).
constexpr auto kRetryDelay = std::chrono::milliseconds(1000);
// appendfsync everysec.
constexpr auto kSyncEvery = std::chrono::milliseconds(1000);
// everysec / no: how long records gather before the writer takes them.
constexpr auto kGather = std::chrono::microseconds(1000);

void appendSelect(std::string& out, int db) {
    const std::string n = std::to_string(db);
    out += "*2\r\n$6\r\nSELECT\r\n$";
    out += std::to_string(n.size());
    out += "\r\n";
    out += n;
    out += "\r\n";
}

}  // namespace

AofLog::~AofLog() {
    stop();
}

uint64_t AofLog::append(const ScopeLog& records) {
    std::lock_guard lock(mu_);
    if (!active_.load(std::memory_order_relaxed)) return 0;
    // After a switchFile() the writer has not finished the old file yet: new records wait.
    std::string& out = next_fd_ >= 0 ? next_buffer_ : buffer_;
    const size_t before = out.size();
    const std::string& bytes = records.bytes();
    const auto& marks = records.marks();
    const bool wrap = records.transaction() && records.count() > 1;
    for (size_t i = 0; i < marks.size(); ++i) {
        if (marks[i].db != last_db_) {
            appendSelect(out, marks[i].db);
            last_db_ = marks[i].db;
        }
        if (i == 0 && wrap) out += "*1\r\n$5\r\nMULTI\r\n";
        const size_t end = i + 1 < marks.size() ? marks[i + 1].offset : bytes.size();
        out.append(bytes, marks[i].offset, end - marks[i].offset);
    }
    if (wrap) out += "*1\r\n$4\r\nEXEC\r\n";
    appended_ += out.size() - before;
    if (writer_idle_) {
        writer_idle_ = false;
        cv_.notify_one();
    }
    return appended_;
}

uint64_t AofLog::appendedSeq() const {
    std::lock_guard lock(mu_);
    return appended_;
}

void AofLog::start(int fd, FsyncPolicy policy, std::function<void()> synced) {
    stop();
    {
        std::lock_guard lock(mu_);
        fd_ = fd;
        buffer_.clear();
        last_db_ = -1;
        stopping_ = false;
        synced_cb_ = std::move(synced);
        synced_.store(appended_, std::memory_order_release);
        written_.store(appended_, std::memory_order_relaxed);
        const off_t size = ::lseek(fd, 0, SEEK_END);
        file_bytes_.store(size > 0 ? static_cast<uint64_t>(size) : 0, std::memory_order_relaxed);
        policy_.store(policy, std::memory_order_relaxed);
        active_.store(true, std::memory_order_relaxed);
    }
    writer_ = std::thread([this] { run(); });
    pthread_setname_np(writer_.native_handle(), "aof-writer");
}

bool AofLog::stop() {
    {
        std::lock_guard lock(mu_);
        active_.store(false, std::memory_order_relaxed);
        stopping_ = true;
        cv_.notify_one();
    }
    if (writer_.joinable()) writer_.join();
    std::lock_guard lock(mu_);
    const bool ok = buffer_.empty() && write_errno_.load() == 0;
    if (fd_ >= 0) ::close(fd_);
    if (next_fd_ >= 0) ::close(next_fd_);
    fd_ = next_fd_ = -1;
    return ok;
}

void AofLog::setPolicy(FsyncPolicy policy) {
    std::lock_guard lock(mu_);
    policy_.store(policy, std::memory_order_relaxed);
    cv_.notify_one();
}

void AofLog::switchFile(int fd) {
    std::lock_guard lock(mu_);
    // Whatever is in buffer_ belongs to the old file: the writer takes it first. Appends from
    // now on land in next_buffer_ until the writer has finished the old file.
    if (next_fd_ >= 0) ::close(next_fd_);  // a second switch before the first was taken
    next_fd_ = fd;
    last_db_ = -1;
    cv_.notify_one();
}

AofLog::Facts AofLog::facts() const {
    Facts f;
    {
        // Appended and not yet in the file: the buffers and what the writer holds.
        std::lock_guard lock(mu_);
        f.buffer_bytes = appended_ - written_.load(std::memory_order_relaxed);
    }
    f.file_bytes = file_bytes_.load(std::memory_order_relaxed);
    f.fsync_pending = fsync_pending_.load(std::memory_order_relaxed);
    return f;
}

size_t AofLog::writeAll(int fd, const std::string& bytes, size_t from) {
    while (from < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + from, bytes.size() - from);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            if (write_errno_.exchange(err) != err) {
                LOG_WARNING("AOF: writing the append-only file failed: %s; write commands "
                             "answer MISCONF until it succeeds again",
                             std::strerror(err));
            }
            return from;
        }
        from += static_cast<size_t>(n);
        file_bytes_.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
    }
    return from;
}

bool AofLog::sync(int fd) {
    fsync_pending_.store(true, std::memory_order_relaxed);
    const int rc = ::fdatasync(fd);
    fsync_pending_.store(false, std::memory_order_relaxed);
    if (rc == 0) return true;
    const int err = errno;
    if (write_errno_.exchange(err) != err) {
        LOG_WARNING("AOF: syncing the append-only file failed: %s; write commands answer "
                     "MISCONF until it succeeds again",
                     std::strerror(err));
    }
    return false;
}

void AofLog::run() {
    // The writer's own state: `chunk` was taken from buffer_ and is written from `done` on.
    std::string chunk;
    size_t done = 0;
    auto last_sync = SteadyClock::now();
    bool failing = false;  // the last write or sync failed: wait kRetryDelay, then try again
    std::unique_lock lock(mu_);
    int fd = fd_;
    while (true) {
        if (failing) {
            if (stopping_) break;  // a failing disk at shutdown: stop() reports what is left
            cv_.wait_for(lock, kRetryDelay);
            failing = false;
            continue;
        }
        if (done == chunk.size()) {
            chunk.clear();
            done = 0;
            if (buffer_.empty() && next_fd_ >= 0) {
                // A switch, and the old file has everything appended before it: sync and
                // close it, then the records appended since go to the new one.
                lock.unlock();
                const bool ok = sync(fd);
                ::close(fd);
                lock.lock();
                if (ok) synced_.store(written_.load(), std::memory_order_release);
                fd = fd_ = next_fd_;
                next_fd_ = -1;
                buffer_.swap(next_buffer_);
                file_bytes_.store(0, std::memory_order_relaxed);
                continue;
            }
            chunk.swap(buffer_);
        }
        const FsyncPolicy policy = policy_.load(std::memory_order_relaxed);
        if (done < chunk.size()) {
            lock.unlock();
            const size_t was = done;
            done = writeAll(fd, chunk, done);
            written_.fetch_add(done - was, std::memory_order_relaxed);
            lock.lock();
            if (done < chunk.size()) {
                failing = true;
                continue;
            }
        }
        const uint64_t written = written_.load(std::memory_order_relaxed);
        const bool unsynced = synced_.load(std::memory_order_relaxed) < written;
        const auto now = SteadyClock::now();
        if (unsynced && (policy == FsyncPolicy::Always || stopping_ ||
                         (policy == FsyncPolicy::EverySec && now - last_sync >= kSyncEvery))) {
            // Group commit: one sync covers every record written so far, whoever made it.
            lock.unlock();
            const bool ok = sync(fd);
            lock.lock();
            if (!ok) {
                failing = true;
                continue;
            }
            last_sync = now;
            synced_.store(written, std::memory_order_release);
            if (policy == FsyncPolicy::Always && synced_cb_) synced_cb_();
        }
        write_errno_.store(0, std::memory_order_relaxed);  // everything due succeeded
        if (!buffer_.empty() || next_fd_ >= 0) continue;
        if (stopping_ && synced_.load() == written_.load()) break;
        // Idle: wake for new records, or when the next everysec sync is due.
        writer_idle_ = true;
        if (synced_.load() < written_.load() && policy == FsyncPolicy::EverySec) {
            cv_.wait_until(lock, last_sync + kSyncEvery);
        } else {
            cv_.wait_for(lock, kSyncEvery);
        }
        writer_idle_ = false;
        // Woken by a record. Unless a reply waits for the sync, let the records of the next
        // moment gather first: one write(2) for many of them, and at most about a thousand
        // wake-ups a second however fast clients write (a kill -9 loses what is in memory
        // then: about a millisecond's worth).
        if (policy != FsyncPolicy::Always && !stopping_ && !buffer_.empty()) {
            lock.unlock();
            std::this_thread::sleep_for(kGather);
            lock.lock();
        }
    }
}

}  // namespace mini_redis
