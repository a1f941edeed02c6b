// The active expire cycle: reclaims expired keys nobody reads, in the background.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>

#include "shared_config.h"
#include "store.h"

namespace mini_redis {

// start()/stop(): the owning thread (the reactor's, at start-up and shutdown); the cycle runs
// on its own thread, which stop() joins.
//
// In the spirit of Redis's adaptive cycle: `hz` times a second it walks the shards round-robin;
// on each shard it samples keys with a TTL (20 per database) and deletes the expired ones,
// repeating on that shard while more than a quarter of a sample was expired. A cycle stops
// when its CPU budget (25% of the 1/hz period) is spent and the next one resumes at the
// shard where it stopped. Each step holds one shard's lock only for one sample, so a client
// never waits behind more than one small step.
class ExpireCycle {
  public:
    ExpireCycle(Store& store, SharedConfig& config) : store_(store), config_(config) {}
    ~ExpireCycle() { stop(); }
    ExpireCycle(const ExpireCycle&) = delete;
    ExpireCycle& operator=(const ExpireCycle&) = delete;

    void start();
    void stop();

    // One cycle with this CPU budget; returns the keys it expired. Any thread (tests call it
    // directly with a ManualClock store).
    size_t runOnce(int64_t budget_us);

  private:
    void loop();

    Store& store_;
    SharedConfig& config_;
    size_t next_shard_ = 0;  // where the next cycle starts; cycle thread only
    double stale_estimate_ = 0;
    std::mutex mu_;
    std::condition_variable wake_;
    bool stopping_ = false;  // guarded by mu_
    std::thread thread_;
};

}  // namespace mini_redis
