// Worker thread loop.
#include "worker.h"

#include <pthread.h>

#include <cstdio>

namespace mini_redis {

Worker::Worker(size_t index, const CommandExecutor& executor, CompletionQueue& completions,
               WorkerStats& stats)
    : index_(index), executor_(executor), completions_(completions), stats_(stats) {}

Worker::~Worker() { stop(); }

void Worker::start() {
    thread_ = std::thread([this] { run(); });
    char name[16];
    std::snprintf(name, sizeof name, "worker-%zu", index_);
    pthread_setname_np(thread_.native_handle(), name);
}

void Worker::submit(std::unique_ptr<Batch> batch) {
    stats_.queued.fetch_add(1, std::memory_order_relaxed);
    queue_.enqueue(std::move(batch));
}

void Worker::stop() {
    if (!thread_.joinable()) return;
    queue_.enqueue(nullptr);  // sentinel: everything before it still runs
    thread_.join();
}

void Worker::run() {
    while (true) {
        std::unique_ptr<Batch> batch;
        queue_.wait_dequeue(batch);
        if (!batch) return;
        stats_.queued.fetch_sub(1, std::memory_order_relaxed);
        batch->worker = index_;
        executor_.run(*batch, stats_);
        completions_.push(std::move(batch));
    }
}

}  // namespace mini_redis
