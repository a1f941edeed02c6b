// The append-only log's writing side: scopes append their records (write_log.h) to one
// buffer, and a writer thread writes it to the current file and syncs it by `appendfsync`.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "write_log.h"

namespace mini_redis {

// Redis's appendfsync: when the file is synced to disk.
enum class FsyncPolicy {
    Always,    // before any reply to a write leaves (group commit: one fdatasync per round)
    EverySec,  // once a second, on the writer thread: a crash loses about 1-2 s at most
    No,        // when the OS decides
};

// Any thread appends (append(), from a LockScope as it ends, its shards locked); the writer
// thread (its own, started by start()) writes and syncs; the lifecycle (start, switchFile,
// stop, setPolicy) is called by the reactor thread. LOG RULE: records enter the buffer in the
// order append() is called, and the file receives the buffer in that order; since a scope
// appends before it unlocks its shards, two writes of one key are in the file in the order the
// store applied them. The position ("seq") of a byte is how many bytes were appended before it
// since start, over every file.
class AofLog final : public WriteLog {
  public:
    AofLog() = default;
    ~AofLog() override;
    AofLog(const AofLog&) = delete;
    AofLog& operator=(const AofLog&) = delete;

    bool active() const override { return active_.load(std::memory_order_relaxed); }
    uint64_t append(const ScopeLog& records) override;
    uint64_t replyBarrier() const override {
        return policy() == FsyncPolicy::Always ? appendedSeq() : 0;
    }

    // Starts recording into `fd` (open for append, at its end; the log owns it from now) and
    // the writer thread. `synced` is called on the writer thread after each sync that moved
    // syncedSeq() forward (the server posts a message to the reactor).
    void start(int fd, FsyncPolicy policy, std::function<void()> synced);
    // Writes and syncs everything appended, closes the file and stops the thread. Appends
    // after it are dropped (active() is false). Returns false if the data could not be
    // written (the log says why).
    bool stop();
    void setPolicy(FsyncPolicy policy);
    FsyncPolicy policy() const { return policy_.load(std::memory_order_relaxed); }

    // For a rewrite: every record appended from now on goes to `fd`; what was appended before
    // still goes to the old file, which is written out, synced and closed by the writer
    // thread before the first byte goes to `fd`. The caller holds every shard lock, so the
    // switch falls between two scopes. The next record starts with a SELECT.
    void switchFile(int fd);

    // Everything up to this position is on disk (fdatasync returned).
    uint64_t syncedSeq() const { return synced_.load(std::memory_order_acquire); }
    uint64_t appendedSeq() const;
    // 0 while writing and syncing succeed; else the errno of the last failure (MISCONF).
    int writeError() const override { return write_errno_.load(std::memory_order_relaxed); }
    // For INFO persistence.
    struct Facts {
        uint64_t buffer_bytes = 0;   // appended, not yet written to the file
        uint64_t file_bytes = 0;     // written to the current file
        uint64_t delayed_fsync = 0;  // always 0: the writer thread never skips a due sync
        bool fsync_pending = false;
    };
    Facts facts() const;
    // Bytes of the current file at the last switch (the base of the growth rule).
    uint64_t fileBytes() const { return file_bytes_.load(std::memory_order_relaxed); }

  private:
    void run();
    // Writes `bytes` to fd_ (whole, retrying short writes). On failure returns how much was
    // written and sets write_errno_.
    size_t writeAll(int fd, const std::string& bytes, size_t from);
    bool sync(int fd);

    std::atomic<bool> active_{false};
    std::atomic<FsyncPolicy> policy_{FsyncPolicy::EverySec};
    std::function<void()> synced_cb_;

    mutable std::mutex mu_;  // guards everything below up to the atomics
    std::condition_variable cv_;
    std::string buffer_;         // appended, not yet taken by the writer
    uint64_t appended_ = 0;      // seq just past buffer_
    int last_db_ = -1;           // the database the last record was for (-1: SELECT next)
    int fd_ = -1;                // the file the writer writes buffer_ to
    int next_fd_ = -1;           // switchFile(): the file for what is appended after
    std::string next_buffer_;    // appended after the switch, before the writer took it
    bool stopping_ = false;
    bool writer_idle_ = false;   // waiting on cv_: an append must notify

    std::atomic<uint64_t> synced_{0};
    std::atomic<uint64_t> written_{0};
    std::atomic<uint64_t> file_bytes_{0};
    std::atomic<int> write_errno_{0};
    std::atomic<bool> fsync_pending_{false};
    std::thread writer_;
};

}  // namespace mini_redis
