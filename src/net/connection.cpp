// Socket IO for one client, and the legal moves of its state machines.
#include "connection.h"

#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>

namespace mini_redis {

namespace {
constexpr size_t kReadChunk = 16 * 1024;
// Buffers larger than this are freed when they empty.
constexpr size_t kKeepBufferBytes = 1024 * 1024;
}  // namespace

Connection::Connection(ConnRef ref, uint64_t id, int fd, std::string peer)
    : ref_(ref), id_(id), fd_(fd), peer_(std::move(peer)) {
    session_.id = id;
    session_.ref = ref;
    session_.peer = peer_;
}

Connection::~Connection() {
    if (fd_ >= 0) ::close(fd_);
}

bool Connection::allowed(State from, State to) {
    switch (from) {
        case State::Reading:  // dispatch; or QUIT / a protocol error / CLIENT KILL on itself
            return to == State::WaitingForBatch || to == State::Closing;
        case State::WaitingForBatch:  // its batch came back: done, unfinished, blocked, or QUIT
            return to == State::Reading || to == State::Parked || to == State::Blocked ||
                   to == State::Closing;
        case State::Parked:  // the rest of the batch goes out
            return to == State::WaitingForBatch;
        case State::Blocked:  // tried again; or its wait ended (timeout, CLIENT UNBLOCK)
            return to == State::WaitingForBatch || to == State::Parked || to == State::Reading ||
                   to == State::Closing;
        case State::Closing:  // for good
            return to == State::Closing;
    }
    return false;
}

bool Connection::allowed(ReadSide from, ReadSide to) {
    if (from == to) return true;
    switch (from) {
        case ReadSide::Open:
        case ReadSide::Queued:
            return true;
        case ReadSide::Paused:  // resumed through the ready list, or ended by a protocol error
            return to == ReadSide::Queued || to == ReadSide::Ended;
        case ReadSide::Ended:
            return false;
    }
    return false;
}

void Connection::setState(State next) {
    assert(allowed(state_, next));
    state_ = next;
}

void Connection::setReadSide(ReadSide next) {
    assert(allowed(read_side_, next));
    read_side_ = next;
}

Connection::IoStatus Connection::readSome(size_t cap, size_t& bytes_read) {
    bytes_read = 0;
    while (bytes_read < cap) {
        std::span<char> direct = in_.empty() ? parser_.directBuffer() : std::span<char>();
        char* dst = direct.empty() ? in_.prepare(kReadChunk) : direct.data();
        size_t want = direct.empty() ? in_.writable() : std::min(direct.size(), cap - bytes_read);
        ssize_t n = ::read(fd_, dst, want);
        if (n > 0) {
            if (direct.empty()) {
                in_.commit(static_cast<size_t>(n));
            } else {
                parser_.commitDirect(static_cast<size_t>(n));
            }
            bytes_read += static_cast<size_t>(n);
            // A short read means the socket is drained: skip the extra read() that would only
            // say EAGAIN. (If more arrived meanwhile, epoll reports a new edge.)
            if (static_cast<size_t>(n) < want && !peer_hung_up_) return IoStatus::Ok;
            continue;
        }
        if (n == 0) return IoStatus::Closed;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return IoStatus::Ok;
        return IoStatus::Error;
    }
    return IoStatus::Capped;
}

Connection::IoStatus Connection::sendOrQueue(std::string_view bytes, size_t& bytes_written) {
    bytes_written = 0;
    if (!out_.empty()) {
        out_.append(bytes);
        return flush(bytes_written);
    }
    while (!bytes.empty()) {
        ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n > 0) {
            bytes.remove_prefix(static_cast<size_t>(n));
            bytes_written += static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            out_.append(bytes);
            return IoStatus::Blocked;
        }
        return IoStatus::Error;
    }
    return IoStatus::Ok;
}

Connection::IoStatus Connection::flush(size_t& bytes_written) {
    bytes_written = 0;
    while (!out_.empty()) {
        std::string_view pending = out_.readable();
        ssize_t n = ::send(fd_, pending.data(), pending.size(), MSG_NOSIGNAL);
        if (n > 0) {
            out_.consume(static_cast<size_t>(n));
            bytes_written += static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return IoStatus::Blocked;
        return IoStatus::Error;
    }
    // Give back memory after a burst of large requests or replies.
    out_.shrinkIfIdle(kKeepBufferBytes);
    in_.shrinkIfIdle(kKeepBufferBytes);
    return IoStatus::Ok;
}

}  // namespace mini_redis
