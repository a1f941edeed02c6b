// Messages to the reactor thread: a lock-free queue plus one coalesced eventfd wake-up.
#pragma once

#include <concurrentqueue/concurrentqueue.h>

#include <atomic>
#include <vector>

#include "reactor_message.h"

namespace mini_redis {

// post()/postAll(): any thread. fd()/drain(): reactor thread only.
// Wake-ups are coalesced: only the post that finds `signalled_` false writes the eventfd;
// drain() clears the flag *before* it empties the queue, so a post racing with a drain either
// lands in this drain or sees the flag cleared and signals again. Never a lost wake-up.
// Order: moodycamel keeps each producer thread's items in order (one implicit producer per
// thread), so one worker's messages come out in the order it posted them; messages from
// different threads interleave in no promised order.
class ReactorInbox {
  public:
    ReactorInbox();
    ~ReactorInbox();
    ReactorInbox(const ReactorInbox&) = delete;
    ReactorInbox& operator=(const ReactorInbox&) = delete;

    int fd() const { return event_fd_; }
    void post(ReactorMessage message);
    // Moves the first `n` messages of `messages` in, with one enqueue and one signal.
    void postAll(ReactorMessage* messages, size_t n);
    // Moves every queued message into `out`, appending; returns how many.
    size_t drain(std::vector<ReactorMessage>& out);

  private:
    void signal();

    moodycamel::ConcurrentQueue<ReactorMessage> queue_;
    std::atomic<bool> signalled_{false};
    int event_fd_ = -1;
};

}  // namespace mini_redis
