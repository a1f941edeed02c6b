// One client socket: its buffers, its IO, and where it stands in the request/reply cycle.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "batch.h"
#include "byte_buffer.h"
#include "client_session.h"
#include "frame_parser.h"

namespace mini_redis {

// Reactor thread only. Workers never see a Connection: they see a Batch naming its id.
class Connection {
  public:
    enum class IoStatus {
        Ok,       // drained to EAGAIN (read) or wrote everything (write)
        Capped,   // read the per-round cap; more may be waiting (re-queue on the ready list)
        Blocked,  // write hit EAGAIN; EPOLLOUT will tell when to continue
        Closed,   // the peer closed its side (read returned 0)
        Error,    // the socket failed; close it
    };

    Connection(uint64_t id, int fd, std::string peer);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    uint64_t id() const { return id_; }
    int fd() const { return fd_; }
    const std::string& peer() const { return peer_; }

    // Reads until EAGAIN, a short read, EOF, or `cap` bytes this round. Appends to the input,
    // or, while the parser is receiving a large argument and no input is waiting, writes
    // straight into that argument's own block (never copied afterwards).
    // A short read ends the round only until the peer is known to have hung up: epoll
    // reports EPOLLRDHUP with the data that came with it, and no later edge would tell us.
    IoStatus readSome(size_t cap, size_t& bytes_read);
    // Writes pending output until done or EAGAIN.
    IoStatus flush(size_t& bytes_written);

    // Unparsed input, and the parser that keeps its place in a partial request.
    std::string_view input() const { return in_.readable(); }
    void consumeInput(size_t n) { in_.consume(n); }
    size_t inputSize() const { return in_.size(); }
    FrameParser& parser() { return parser_; }
    // Bytes a client's requests hold here: unparsed input and the partial request's
    // arguments (client-query-buffer-limit, CLIENT LIST qbuf).
    size_t queryBytes() const { return in_.size() + parser_.heldBytes(); }
    // Frees empty IO buffers larger than `keep` bytes (after a burst, or when idle).
    void shrinkBuffers(size_t keep) {
        in_.shrinkIfIdle(keep);
        out_.shrinkIfIdle(keep);
    }

    void appendOutput(std::string_view bytes) { out_.append(bytes); }
    // Like appendOutput() then flush(), but when nothing is queued it sends straight from
    // `bytes` and copies only what the socket did not take.
    IoStatus sendOrQueue(std::string_view bytes, size_t& bytes_written);
    size_t pendingOutput() const { return out_.size(); }

    ClientSession& session() { return session_; }
    const ClientSession& session() const { return session_; }

    // The order rule's state: at most one batch in flight per connection.
    bool in_flight = false;
    // The peer half-closed (EOF): finish what was received, flush, then close.
    bool read_closed = false;
    // Reading stopped for backpressure (too much unprocessed input or unsent output); the
    // reactor re-reads when the pressure is gone, since no new edge will come.
    bool read_paused = false;
    // QUIT, a protocol error or shutdown: close once the output is written.
    bool close_after_write = false;
    // epoll said the peer hung up (EPOLLRDHUP/EPOLLHUP): read on to EOF, past short reads.
    bool peer_hung_up = false;
    // EPOLLOUT is watched only while a write is blocked (the socket buffer was full).
    bool watching_writable = false;
    // Set while the connection sits on the loop's ready list, so it is queued once.
    bool on_ready_list = false;
    // A batch with requests left to run (its replies so far were large): it goes out again
    // before any new batch, once the output has drained below the backpressure mark.
    std::unique_ptr<Batch> parked;
    // A command that must run on the reactor, framed after requests that were still to be
    // dispatched: it runs, alone, once their batch has completed (before anything else).
    std::unique_ptr<Batch> reactor_next;
    // The connection's MULTI/WATCH state; travels with its in-flight batch (null until used).
    std::unique_ptr<Transaction> tx;
    // A protocol error found after requests that are in flight: sent after their replies.
    std::string pending_error;

    using Clock = std::chrono::steady_clock;
    const Clock::time_point created = Clock::now();
    Clock::time_point last_activity = created;  // last read or reply, for the idle timeout
    // When the unsent output first went over the soft limit; unset while under it.
    std::optional<Clock::time_point> over_soft_limit_since;

  private:
    uint64_t id_;
    int fd_;
    std::string peer_;
    ClientSession session_;
    ByteBuffer in_;
    ByteBuffer out_;
    FrameParser parser_;
};

}  // namespace mini_redis
