// One worker thread: takes batches from its own lock-free queue, runs them, and hands each back
// to the reactor as a BatchDone message.
#pragma once

#include <concurrentqueue/blockingconcurrentqueue.h>

#include <memory>
#include <thread>

#ifndef MINI_REDIS_WORKER_SPINS
#define MINI_REDIS_WORKER_SPINS 200
#endif
#include <vector>

#include "batch.h"
#include "command_executor.h"
#include "reactor_inbox.h"
#include "server_stats.h"

namespace mini_redis {

// submitAll()/stop(): reactor (or owning) thread only; run(): the worker's own thread.
// A worker never touches a connection: a batch names its connection by ConnRef, and the worker
// only posts messages (reactor_message.h) to the reactor's inbox.
// Order: the reactor is the queue's only producer and this thread its only consumer, so
// batches run in the order submitted.
class Worker {
  public:
    Worker(size_t index, const CommandExecutor& executor, ReactorInbox& inbox, WorkerStats& stats);
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    void start();
    // Hands over every batch in `batches` with one enqueue and one wake-up; empties it.
    void submitAll(std::vector<std::unique_ptr<Batch>>& batches);
    // Finishes every batch already submitted, then joins the thread.
    void stop();

  private:
    void run();

    size_t index_;
    const CommandExecutor& executor_;
    ReactorInbox& inbox_;
    std::vector<ReactorMessage> done_;  // this round's BatchDone messages, posted in one go
    WorkerStats& stats_;
    // How long an idle worker spins before it sleeps on the futex. moodycamel's default
    // (10,000 spins) keeps an idle worker on a core that the reactor or, on small machines,
    // the clients need: scripts/bench on 2 cores measured 200 at 0.9-1.3x the default's
    // pipelined throughput (-DMINI_REDIS_WORKER_SPINS=N to try others).
    struct QueueTraits : moodycamel::ConcurrentQueueDefaultTraits {
        static const int MAX_SEMA_SPINS = MINI_REDIS_WORKER_SPINS;
    };
    moodycamel::BlockingConcurrentQueue<std::unique_ptr<Batch>, QueueTraits> queue_;
    std::thread thread_;
};

}  // namespace mini_redis
