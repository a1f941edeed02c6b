// One client socket: its buffers, its IO, and where it stands in the request/reply cycle.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "batch.h"
#include "byte_buffer.h"
#include "client_session.h"
#include "conn_ref.h"
#include "frame_parser.h"

namespace mini_redis {

// Reactor thread only. Workers never see a Connection: they see a Batch naming its ConnRef.
class Connection {
  public:
    enum class IoStatus {
        Ok,       // drained to EAGAIN (read) or wrote everything (write)
        Capped,   // read the per-round cap; more may be waiting (re-queue on the ready list)
        Blocked,  // write hit EAGAIN; EPOLLOUT will tell when to continue
        Closed,   // the peer closed its side (read returned 0)
        Error,    // the socket failed; close it
    };

    // Where the connection stands in the request/reply cycle (the ORDER RULE's state; the
    // legal moves are in allowed(), asserted by setState()). Being subscribed is not a state: a subscribed client still
    // reads and runs requests in these same states; its subscriptions live in the registry's
    // SubscriptionRegistry, their count on its session (ClientSession::subscriptions).
    enum class State : uint8_t {
        Reading,          // no batch out: requests are framed and dispatched as they arrive
        WaitingForBatch,  // its one batch is with a worker: input is kept, not framed
        Parked,           // its batch has requests left: they go out before anything newer
        // Its batch stopped at a blocking command (BLPOP...) that found nothing: the batch
        // waits in `parked` (no thread holds it) for a key (KeyReady), the timeout or CLIENT
        // UNBLOCK; input is kept, not framed; pushes are appended at once (nothing is out).
        Blocked,
        Closing,          // QUIT, a protocol error, CLIENT KILL: close once output is written
    };
    // The read side: a machine of its own, since it moves independently of State (a client may
    // half-close while its batch is out). Legal moves asserted by setReadSide().
    enum class ReadSide : uint8_t {
        Open,    // read on each edge until EAGAIN
        Queued,  // on the loop's ready list: read again there, as no new edge may come
        Paused,  // backpressure: bytes stay in the kernel until the pressure is gone
        Ended,   // EOF or a protocol error: nothing more is read; what was framed still runs
    };

    Connection(ConnRef ref, uint64_t id, int fd, std::string peer);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // How jobs, completions and timers name this connection.
    ConnRef ref() const { return ref_; }
    // CLIENT ID: counts up from 1, never reused.
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

    State state() const { return state_; }
    void setState(State next);
    // A batch is out (with a worker, or parked here for its remaining requests).
    bool hasBatchOut() const { return state_ == State::WaitingForBatch || state_ == State::Parked; }
    ReadSide readSide() const { return read_side_; }
    void setReadSide(ReadSide next);

    // epoll said the peer hung up (EPOLLRDHUP/EPOLLHUP): read on to EOF, past short reads.
    void notePeerHungUp() { peer_hung_up_ = true; }
    // EPOLLOUT is watched only while a write is blocked (the socket buffer was full); this
    // mirrors what the loop was told, so epoll_ctl runs only when it changes.
    bool watchingWritable() const { return watching_writable_; }
    void setWatchingWritable(bool on) { watching_writable_ = on; }

    // State::Parked's batch (its replies so far were large): it goes out again before any
    // new batch, once the output has drained below the backpressure mark. State::Blocked's
    // batch, from its blocking command on.
    std::unique_ptr<Batch> parked;
    // A command that must run on the reactor, framed after requests that were still to be
    // dispatched: it runs, alone, once their batch has completed (before anything else).
    std::unique_ptr<Batch> reactor_next;
    // The connection's MULTI/WATCH state; travels with its in-flight batch (null until used).
    std::unique_ptr<Transaction> tx;
    // A protocol error found after requests that are out: sent after their replies, then the
    // connection closes.
    std::string pending_error;
    // PUSH RULE: pub/sub messages that came while a batch was out wait here, in publish
    // order, and are encoded (in the protocol the batch leaves the client in) and appended
    // right after that batch's last replies (ClientRegistry::releaseHeldPushes).
    struct HeldPush {
        std::string pattern;  // empty: a channel subscription ("message")
        std::string channel;
        std::string message;
        // Or a CLIENT TRACKING invalidation: these keys, or everything (a flush).
        bool invalidation = false;
        bool everything = false;
        std::vector<std::string> keys;
        bool raw = false;  // `message` is ready bytes (MONITOR lines), not a pub/sub message
    };
    std::vector<HeldPush> held_pushes;
    size_t held_push_bytes = 0;  // counted against the output limits with the output
    // On the registry's list of connections pushes were appended to (written once per round).
    bool push_flush_queued = false;

    using Clock = std::chrono::steady_clock;
    const Clock::time_point created = Clock::now();
    Clock::time_point last_activity = created;  // last read or reply, for the idle timeout
    // When the unsent output first went over the soft limit; unset while under it.
    std::optional<Clock::time_point> over_soft_limit_since;

    // The legal moves of each machine (setState() and setReadSide() assert them).
    static bool allowed(State from, State to);
    static bool allowed(ReadSide from, ReadSide to);

  private:

    ConnRef ref_;
    uint64_t id_;
    int fd_;
    std::string peer_;
    ClientSession session_;
    ByteBuffer in_;
    ByteBuffer out_;
    FrameParser parser_;
    State state_ = State::Reading;
    ReadSide read_side_ = ReadSide::Open;
    bool peer_hung_up_ = false;
    bool watching_writable_ = false;
};

}  // namespace mini_redis
