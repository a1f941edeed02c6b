// Socket IO for one client.
#include "connection.h"

#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

namespace mini_redis {

namespace {
constexpr size_t kReadChunk = 16 * 1024;
// Compact the input buffer once this much consumed space sits at its front.
constexpr size_t kCompactAt = 64 * 1024;
}  // namespace

Connection::Connection(uint64_t id, int fd, std::string peer)
    : id_(id), fd_(fd), peer_(std::move(peer)) {
    session_.id = id;
    session_.peer = peer_;
}

Connection::~Connection() {
    if (fd_ >= 0) ::close(fd_);
}

Connection::IoStatus Connection::readSome(size_t cap, size_t& bytes_read) {
    bytes_read = 0;
    while (bytes_read < cap) {
        size_t old = in_.size();
        size_t want = std::max(kReadChunk, in_.capacity() - old);
        in_.resize(old + want);
        ssize_t n = ::read(fd_, in_.data() + old, want);
        if (n > 0) {
            in_.resize(old + static_cast<size_t>(n));
            bytes_read += static_cast<size_t>(n);
            // A short read means the socket is drained: skip the extra read() that would only
            // say EAGAIN. (If more arrived meanwhile, epoll reports a new edge.)
            if (static_cast<size_t>(n) < want) return IoStatus::Ok;
            continue;
        }
        in_.resize(old);
        if (n == 0) return IoStatus::Closed;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return IoStatus::Ok;
        return IoStatus::Error;
    }
    return IoStatus::Capped;
}

void Connection::consumeInput(size_t n) {
    in_pos_ += n;
    if (in_pos_ == in_.size()) {
        in_.clear();
        in_pos_ = 0;
    } else if (in_pos_ >= kCompactAt) {
        in_.erase(0, in_pos_);
        in_pos_ = 0;
    }
}

void Connection::appendOutput(std::string_view bytes) {
    if (out_pos_ == out_.size()) {
        out_.clear();
        out_pos_ = 0;
    }
    out_.append(bytes);
}

Connection::IoStatus Connection::flush(size_t& bytes_written) {
    bytes_written = 0;
    while (out_pos_ < out_.size()) {
        ssize_t n = ::send(fd_, out_.data() + out_pos_, out_.size() - out_pos_, MSG_NOSIGNAL);
        if (n > 0) {
            out_pos_ += static_cast<size_t>(n);
            bytes_written += static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return IoStatus::Blocked;
        return IoStatus::Error;
    }
    out_.clear();
    out_pos_ = 0;
    // Give back memory after a burst of large replies.
    if (out_.capacity() > 1024 * 1024) out_.shrink_to_fit();
    return IoStatus::Ok;
}

}  // namespace mini_redis
