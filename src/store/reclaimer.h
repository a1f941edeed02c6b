// Frees big values on a thread of its own, so deleting a collection of millions of elements
// (DEL, UNLINK, an overwrite, FLUSHALL, expiry) never stalls the clients of its shard: Redis's
// lazy free, applied to every deletion of a big value.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "value.h"

namespace mini_redis {

// Any thread may give() and read the counters; the reclaimer's own thread frees. The
// destructor frees everything still queued, then joins the thread.
class Reclaimer {
  public:
    Reclaimer();
    ~Reclaimer();
    Reclaimer(const Reclaimer&) = delete;
    Reclaimer& operator=(const Reclaimer&) = delete;

    // Takes ownership of `c` and frees it soon, on the reclaimer's thread.
    void give(Collection* c);
    // Values given and not yet freed (INFO lazyfree_pending_objects).
    size_t pending() const { return pending_.load(std::memory_order_relaxed); }
    // Values freed since start (INFO lazyfreed_objects).
    uint64_t freed() const { return freed_.load(std::memory_order_relaxed); }
    // Blocks until everything given so far is freed (tests, and the memory figures).
    void drain();

  private:
    void run();

    std::mutex mu_;
    std::condition_variable wake_;  // work arrived, or stop
    std::condition_variable idle_;  // the queue emptied
    std::vector<Collection*> queue_;  // guarded by mu_
    bool stop_ = false;               // guarded by mu_
    std::atomic<size_t> pending_{0};
    std::atomic<uint64_t> freed_{0};
    std::thread thread_;
};

}  // namespace mini_redis
