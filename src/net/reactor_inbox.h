// Finished batches from workers to the reactor: a lock-free queue plus one eventfd wake-up.
#pragma once

#include <concurrentqueue/concurrentqueue.h>

#include <atomic>
#include <memory>
#include <vector>

#include "batch.h"

namespace mini_redis {

// pushAll(): any thread. fd()/drain(): reactor thread only.
// Wake-ups are coalesced: only the pushAll that finds `signalled_` false writes the eventfd;
// drain() clears the flag *before* it empties the queue, so a pushAll racing with a drain either
// lands in this drain or sees the flag cleared and signals again. Never a lost wake-up.
// Order: moodycamel keeps each producer's items in order, and each worker is one producer,
// so one worker's completions come out in the order it finished them.
class CompletionQueue {
  public:
    CompletionQueue();
    ~CompletionQueue();
    CompletionQueue(const CompletionQueue&) = delete;
    CompletionQueue& operator=(const CompletionQueue&) = delete;

    int fd() const { return event_fd_; }
    // Moves the first `n` batches of `batches` in, with one signal.
    void pushAll(std::unique_ptr<Batch>* batches, size_t n);
    // Moves every queued batch into `out`; returns how many.
    size_t drain(std::vector<std::unique_ptr<Batch>>& out);

  private:
    void signal();

    moodycamel::ConcurrentQueue<std::unique_ptr<Batch>> queue_;
    std::atomic<bool> signalled_{false};
    int event_fd_ = -1;
};

}  // namespace mini_redis
