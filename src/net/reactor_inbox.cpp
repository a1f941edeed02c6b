// The reactor's inbox: a lock-free queue with a coalesced eventfd signal.
#include "reactor_inbox.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <stdexcept>
#include <string>

namespace mini_redis {

ReactorInbox::ReactorInbox() {
    event_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (event_fd_ < 0) throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
}

ReactorInbox::~ReactorInbox() {
    if (event_fd_ >= 0) ::close(event_fd_);
}

void ReactorInbox::post(ReactorMessage message) {
    queue_.enqueue(std::move(message));
    signal();
}

void ReactorInbox::postAll(ReactorMessage* messages, size_t n) {
    if (n == 0) return;
    queue_.enqueue_bulk(std::make_move_iterator(messages), n);
    signal();
}

void ReactorInbox::signal() {
    if (signalled_.exchange(true, std::memory_order_seq_cst)) return;
    uint64_t one = 1;
    ssize_t n = ::write(event_fd_, &one, sizeof one);
    (void)n;  // EAGAIN means the counter is already non-zero: the reactor will wake anyway
}

size_t ReactorInbox::drain(std::vector<ReactorMessage>& out) {
    // The eventfd's counter is never read back: the fd is watched edge-triggered, and every
    // write(2) to an eventfd wakes its pollers, so each signal makes a new edge even while the
    // counter is non-zero. That saves a read(2) per drain; the 64-bit counter cannot overflow
    // in practice (one increment per signal).
    signalled_.store(false, std::memory_order_seq_cst);
    constexpr size_t kChunk = 64;
    size_t total = 0;
    while (true) {
        size_t before = out.size();
        out.resize(before + kChunk);
        size_t got =
            queue_.try_dequeue_bulk(out.begin() + static_cast<std::ptrdiff_t>(before), kChunk);
        out.resize(before + got);
        total += got;
        if (got < kChunk) break;
    }
    return total;
}

}  // namespace mini_redis
