// Where the store's writes are recorded as commands, in the order they were applied: the
// append-only file (src/persist/aof_log.h) implements it. The store layer only knows this.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mini_redis {

// The records one LockScope made: RESP multibulk commands, each tagged with its database.
// Owned by the scope's thread; allocates nothing until the first record.
class ScopeLog {
  public:
    ScopeLog() = default;
    ~ScopeLog();
    ScopeLog(const ScopeLog&) = delete;
    ScopeLog& operator=(const ScopeLog&) = delete;
    ScopeLog(ScopeLog&&) noexcept = default;
    ScopeLog& operator=(ScopeLog&&) noexcept = default;

    // Appends one command (argv[0] is the name) for database `db`.
    void add(int db, std::span<const std::string_view> argv);
    bool empty() const { return count_ == 0; }
    size_t count() const { return count_; }
    // The records back to back.
    const std::string& bytes() const { return bytes_; }
    // Where the database changes: (byte offset, db), the first at offset 0.
    struct DbMark {
        size_t offset;
        int db;
    };
    const std::vector<DbMark>& marks() const { return marks_; }
    // A transaction (EXEC): its records replay as one MULTI ... EXEC.
    void setTransaction(bool on) { transaction_ = on; }
    bool transaction() const { return transaction_; }

  private:
    std::string bytes_;  // taken from the thread's spare on first use, given back after
    std::vector<DbMark> marks_;
    size_t count_ = 0;
    bool transaction_ = false;
};

// Any thread. append() is called by a scope as it ends, with every shard it wrote still
// locked: so two writes of one key reach the log in the order the store applied them (the
// LOCK RULE decides the order, the log keeps it).
class WriteLog {
  public:
    virtual ~WriteLog() = default;
    // Whether writes are recorded now (appendonly on). One relaxed load.
    virtual bool active() const = 0;
    // Records a scope's commands; returns the log position just past them (for the
    // appendfsync-always reply hold: the reply may leave once the log is synced to it).
    virtual uint64_t append(const ScopeLog& records) = 0;
    // The log position a reply made now must wait for: under appendfsync always, everything
    // appended so far, since what a read saw may be another client's write not yet on disk;
    // 0 when replies need not wait. Called once per batch.
    virtual uint64_t replyBarrier() const = 0;
    // 0 while the log is written and synced fine; else the errno of the last failure, and
    // write commands are refused (MISCONF) until it succeeds again.
    virtual int writeError() const = 0;
};

}  // namespace mini_redis
