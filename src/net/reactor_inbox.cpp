// Completion queue with a coalesced eventfd signal.
#include "completion_queue.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace mini_redis {

CompletionQueue::CompletionQueue() {
    event_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (event_fd_ < 0) throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
}

CompletionQueue::~CompletionQueue() {
    if (event_fd_ >= 0) ::close(event_fd_);
}

void CompletionQueue::pushAll(std::unique_ptr<Batch>* batches, size_t n) {
    if (n == 0) return;
    queue_.enqueue_bulk(std::make_move_iterator(batches), n);
    signal();
}

void CompletionQueue::signal() {
    if (signalled_.exchange(true, std::memory_order_seq_cst)) return;
    uint64_t one = 1;
    ssize_t n = ::write(event_fd_, &one, sizeof one);
    (void)n;  // EAGAIN means the counter is already non-zero: the reactor will wake anyway
}

size_t CompletionQueue::drain(std::vector<std::unique_ptr<Batch>>& out) {
    // The eventfd's counter is never read back: the fd is watched edge-triggered, and every
    // write(2) to an eventfd wakes its pollers, so each signal makes a new edge even while the
    // counter is non-zero. That saves a read(2) per drain; the 64-bit counter cannot overflow
    // in practice (one increment per signal).
    signalled_.store(false, std::memory_order_seq_cst);
    size_t total = 0;
    std::unique_ptr<Batch> items[64];
    while (true) {
        size_t got = queue_.try_dequeue_bulk(items, 64);
        for (size_t i = 0; i < got; ++i) out.push_back(std::move(items[i]));
        total += got;
        if (got < 64) break;
    }
    return total;
}

}  // namespace mini_redis
