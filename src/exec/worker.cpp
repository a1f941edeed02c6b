// Worker thread loop.
#include "worker.h"

#include <pthread.h>

#include <cstdio>

namespace mini_redis {

Worker::Worker(size_t index, const CommandExecutor& executor, ReactorInbox& inbox,
               WorkerStats& stats)
    : index_(index), executor_(executor), inbox_(inbox), stats_(stats) {}

Worker::~Worker() {
    stop();
}

void Worker::start() {
    thread_ = std::thread([this] { run(); });
    char name[16];
    std::snprintf(name, sizeof name, "worker-%zu", index_);
    pthread_setname_np(thread_.native_handle(), name);
}

void Worker::submitAll(std::vector<std::unique_ptr<Batch>>& batches) {
    if (batches.empty()) return;
    stats_.queued.fetch_add(static_cast<int64_t>(batches.size()), std::memory_order_relaxed);
    queue_.enqueue_bulk(std::make_move_iterator(batches.begin()), batches.size());
    batches.clear();
}

void Worker::stop() {
    if (!thread_.joinable()) return;
    queue_.enqueue(nullptr);  // sentinel: everything before it still runs
    thread_.join();
}

void Worker::run() {
    // Takes whatever is queued in one go and hands the results back in one go: one wake-up
    // of the reactor per round, not per batch.
    constexpr size_t kMaxTake = 64;
    std::unique_ptr<Batch> taken[kMaxTake];
    while (true) {
        size_t n = queue_.wait_dequeue_bulk(taken, kMaxTake);
        stats_.queued.fetch_sub(static_cast<int64_t>(n), std::memory_order_relaxed);
        size_t done = 0;
        bool stopping = false;
        for (size_t i = 0; i < n; ++i) {
            if (!taken[i]) {  // the stop sentinel: everything before it has run
                stopping = true;
                break;
            }
            taken[i]->worker = index_;
            executor_.run(*taken[i], stats_);
            ++done;
        }
        // In the order run: one producer's messages keep their order in the inbox.
        // A batch's KeyReady messages go just before its BatchDone.
        for (size_t i = 0; i < done; ++i) {
            for (ReadyKey& k : taken[i]->ready_keys) {
                done_.emplace_back(std::in_place_type<KeyReady>, std::move(k));
            }
            taken[i]->ready_keys.clear();
            done_.emplace_back(std::in_place_type<BatchDone>, std::move(taken[i]));
        }
        inbox_.postAll(done_.data(), done_.size());
        done_.clear();
        for (size_t i = 0; i < n; ++i) taken[i].reset();
        if (stopping) return;
    }
}

}  // namespace mini_redis
