// Clients blocked by BLPOP and friends: who waits on which key, in arrival order, until when;
// which of them to try again when a key becomes ready.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "block_request.h"
#include "conn_ref.h"
#include "event_loop.h"
#include "store.h"

namespace mini_redis {

// Reactor thread only. Bookkeeping, no IO: the request pipeline acts on what it answers.
//
// WAKE-UP RULE (no lost wake-up, no thread per client). A blocked client holds no thread: its
// batch waits on the connection (State::Blocked). block() counts the client on each of its
// keys in the store's shards (LockScope::addBlocked) and, under those same shard locks, looks
// whether a key already holds what it waits for. From then on, any write through any scope
// that leaves such a key holding a list or sorted set reports it (LockScope's ready sink; the
// worker posts KeyReady, the reactor calls keyReady()). So a write lands either before the
// look (the client is tried at once) or after the count (a KeyReady comes): never between.
//
// SERVING RULE (first come, first served). Each key keeps its waiters in arrival order, and at
// most one of them is being tried again at a time ("serving"): the first waiter not already
// being tried for another key. Its retry runs on a worker like any batch; when it comes back
// (retryDone()), a KeyReady that arrived meanwhile (the key still holds elements, or was
// written again) serves the key's next waiter, or the same one if it found nothing. A client
// whose retry found nothing keeps its place in every queue.
class BlockedClients {
  public:
    // How a wait ends other than by being served.
    enum class End : uint8_t {
        None,
        Timeout,  // its timeout passed, or CLIENT UNBLOCK [TIMEOUT]: answered with a null
        Error,    // CLIENT UNBLOCK ... ERROR: answered with -UNBLOCKED
    };
    // Ends a wait that is not being tried right now (its timeout passed, CLIENT UNBLOCK); a
    // wait whose retry is out ends when retryDone() reports it.
    using EndHandler = std::function<void(ConnRef, End)>;

    BlockedClients(Store& store, EventLoop& loop);
    ~BlockedClients();
    BlockedClients(const BlockedClients&) = delete;
    BlockedClients& operator=(const BlockedClients&) = delete;

    void setEndHandler(EndHandler fn) { on_end_ = std::move(fn); }

    // Who to try again now (each once); the list is emptied. Every method below may add to it.
    std::vector<ConnRef> takeRetries() { return std::exchange(retry_, {}); }
    bool hasRetries() const { return !retry_.empty(); }

    // `ref` waits for `req` (its batch stopped at request `at`). Whoever should be tried now
    // because a key already holds a value (this client, or one ahead of it) is queued to retry.
    void block(ConnRef ref, uint64_t client_id, const BlockRequest& req, uint32_t at);
    // Ends the wait of `ref` (served, timed out, unblocked, or gone): out of every queue, its
    // counts out of the store, its timer cancelled; the keys it was being served for serve
    // their next waiter if they are ready.
    void unblock(ConnRef ref);
    // CLIENT UNBLOCK: ends the wait through the EndHandler now, or when its retry is back.
    // False if the client is not blocked.
    bool requestEnd(uint64_t client_id, End end);
    bool isBlocked(ConnRef ref) const { return waiters_.count(pack(ref)) != 0; }
    // The request index the client's batch stopped at.
    uint32_t position(ConnRef ref) const;
    // The client with this CLIENT ID, if it is blocked.
    bool findById(uint64_t client_id, ConnRef& out) const;

    // A write left `key` holding a `type` value: the key's first waiter for that type is
    // queued to retry, unless the key is being served (served again when that retry is back).
    void keyReady(const ReadyKey& key);
    // The retry of `ref` came back: `still_blocked` if it found nothing again (it keeps its
    // place), else it was served and leaves every queue; who is next is queued. Returns an
    // end that came while the retry was out (Timeout, Error): the caller ends the wait.
    End retryDone(ConnRef ref, bool still_blocked);

    size_t size() const { return waiters_.size(); }  // INFO blocked_clients
    size_t withTimeout() const { return with_timeout_; }  // INFO clients_in_timeout_table

  private:
    struct Waiter;
    struct Queue {
        std::list<ConnRef> waiters;  // arrival order
        ConnRef serving;             // whose retry is out for this key (invalid: none)
        bool ready = false;          // a KeyReady came while serving, or with everyone busy
        ValueType ready_type = ValueType::List;  // what the key held then
    };
    struct Waiter {
        int db = 0;
        ValueType type = ValueType::List;
        uint64_t client_id = 0;
        uint32_t at = 0;
        std::vector<std::string> keys;                  // the keys, as the command named them
        std::vector<std::string> qkeys;                 // the same as Queue keys (queueKey())
        std::vector<std::list<ConnRef>::iterator> pos;  // its place in each of those queues
        EventLoop::TimerId timer = 0;
        bool in_flight = false;
        End pending = End::None;
    };

    static uint64_t pack(ConnRef r) { return (uint64_t{r.slot} << 32) | r.generation; }
    static std::string queueKey(int db, std::string_view key);
    // Picks the key's next waiter (first not in flight) into `retry`, or marks it ready.
    void serve(Queue& q, ValueType type);
    // After a retry of `ref` is back or `ref` left: its keys' queues serve again if ready.
    void reserve(const std::vector<std::string>& qkeys, ConnRef ref);
    // Counts the waiter on its keys in the store (under their shard locks) and returns which
    // of them already hold a value of its type.
    std::vector<size_t> addCounts(const Waiter& w, std::span<const std::string> keys);
    void removeCounts(const Waiter& w, std::span<const std::string> keys);

    Store& store_;
    EventLoop& loop_;
    EndHandler on_end_;
    std::vector<ConnRef> retry_;
    std::unordered_map<uint64_t, Waiter> waiters_;  // by pack(ConnRef)
    std::unordered_map<std::string, Queue> queues_;  // by queueKey(db, key)
    std::unordered_map<uint64_t, ConnRef> by_id_;    // CLIENT ID -> blocked client
    size_t with_timeout_ = 0;
};

}  // namespace mini_redis
