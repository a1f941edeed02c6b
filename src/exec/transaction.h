// A connection's MULTI queue and WATCHed keys.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store.h"

namespace mini_redis {

class LockScope;

// Owned by its connection and handed over with the connection's in-flight batch (moved, never
// copied), so exactly one thread touches it at a time, like the session. It exists only once a
// client has used MULTI or WATCH: a plain connection carries a null pointer.
class Transaction {
  public:
    explicit Transaction(Store& store) : store_(store) {}
    ~Transaction();  // unwatches every key (locks their shards)
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    bool inMulti() const { return in_multi_; }
    bool aborted() const { return aborted_; }
    void begin() { in_multi_ = true; }
    // A queueing error (unknown command, wrong arity): EXEC will answer EXECABORT.
    void abort() { aborted_ = true; }
    // Keeps a copy of a request for EXEC.
    void queue(std::span<const std::string_view> argv);
    const std::vector<std::vector<std::string>>& queued() const { return queued_; }
    // What the queue holds, noted as commands are queued: a command that runs on the reactor
    // (its EXEC then runs there too: RequestPipeline), a write (CLIENT PAUSE WRITE holds the
    // EXEC of such a transaction).
    void noteQueued(bool reactor, bool write) {
        holds_reactor_ = holds_reactor_ || reactor;
        holds_write_ = holds_write_ || write;
    }
    bool holdsReactorCommand() const { return holds_reactor_; }
    bool holdsWrite() const { return holds_write_; }

    // WATCH inside `scope` (which holds the key's shard).
    void watch(LockScope& scope, int db, std::string_view key);
    // Whether any watched key changed since it was watched.
    bool dirty() const { return flag_ && flag_->dirty.load(std::memory_order_relaxed); }
    const std::vector<std::pair<int, std::string>>& watched() const { return watched_; }
    // Drops every watch; `scope`, when given, already holds their shards (EXEC's scope).
    void unwatchAll(LockScope* scope = nullptr);
    // Back to no MULTI (EXEC, DISCARD): the queue is cleared and every key unwatched.
    void reset(LockScope* scope = nullptr);

  private:
    Store& store_;
    bool in_multi_ = false;
    bool aborted_ = false;
    bool holds_reactor_ = false;
    bool holds_write_ = false;
    std::vector<std::vector<std::string>> queued_;
    std::shared_ptr<WatchFlag> flag_;  // shared with the shards' watch lists
    std::vector<std::pair<int, std::string>> watched_;
};

}  // namespace mini_redis
