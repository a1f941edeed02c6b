// Reactor-side request flow: read -> frame -> batch -> least-loaded worker -> BatchDone ->
// write. The ORDER RULE and the PUSH RULE are written where they are kept.
#include "request_pipeline.h"

#include <cassert>
#include <string>
#include <string_view>
#include <variant>

#include "errors.h"
#include "frame_parser.h"
#include "log.h"
#include "reply.h"

namespace mini_redis {

namespace {

using State = Connection::State;
using ReadSide = Connection::ReadSide;

// Bytes read from one connection per loop round before others get their turn.
constexpr size_t kReadCapPerRound = 256 * 1024;
// Requests per batch: bounds a batch's latency and reply size.
constexpr size_t kMaxBatchRequests = 1024;
// Backpressure: stop forming batches for a client with this much unsent output...
constexpr size_t kOutputPauseBytes = 8 * 1024 * 1024;
// ...and stop reading from a client with this much unprocessed input waiting.
constexpr size_t kInputPauseBytes = 4 * 1024 * 1024;
// A client that has not authenticated yet gets far less (its requests run one at a time).
constexpr size_t kUnauthInputPauseBytes = 64 * 1024;

template <class... Fs>
struct Overloaded : Fs... {
    using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace

RequestPipeline::RequestPipeline(EventLoop& loop, ClientRegistry& registry, ReactorConfig& cfg,
                                 const CommandTable& table, const CommandExecutor& executor,
                                 ServerStats& stats, LoadHeap& heap,
                                 const std::vector<std::unique_ptr<Worker>>& workers,
                                 ReactorInbox& inbox)
    : loop_(loop),
      registry_(registry),
      cfg_(cfg),
      table_(table),
      executor_(executor),
      stats_(stats),
      heap_(heap),
      workers_(workers),
      inbox_(inbox),
      pause_(registry.clientPause()) {}

void RequestPipeline::start() {
    outbox_.resize(workers_.size());
    registry_.blocked().setEndHandler(
        [this](ConnRef ref, BlockedClients::End end) { endWait(ref, end); });
    loop_.setBeforeWait([this] {
        flushPushed();
        serveRetries();
        stats_.blocked_clients.store(registry_.blocked().size(), std::memory_order_relaxed);
        stats_.clients_in_timeout_table.store(registry_.blocked().withTimeout(),
                                              std::memory_order_relaxed);
        flushOutbox();
    });
    loop_.add(inbox_.fd(), EPOLLIN, [this](uint32_t) { onInbox(); });
}

void RequestPipeline::onConnectionEvent(ConnRef ref, uint32_t events) {
    if (Connection* conn = registry_.find(ref);
        conn && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
        if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) conn->notePeerHungUp();
        readFrom(*conn);
    }
    if (Connection* conn = registry_.find(ref);
        conn && (events & EPOLLOUT) && conn->pendingOutput() > 0) {
        flushConnection(*conn);
    }
}

void RequestPipeline::scheduleRead(Connection& conn) {
    if (conn.readSide() == ReadSide::Queued || conn.readSide() == ReadSide::Ended) return;
    conn.setReadSide(ReadSide::Queued);
    loop_.defer([this, ref = conn.ref()] {
        Connection* c = registry_.find(ref);
        // Paused or ended meanwhile: whatever resumes it queues it again.
        if (c == nullptr || c->readSide() != ReadSide::Queued) return;
        c->setReadSide(ReadSide::Open);
        readFrom(*c);
    });
}

void RequestPipeline::readFrom(Connection& conn) {
    if (conn.readSide() == ReadSide::Ended || conn.state() == State::Closing || draining_) return;
    // Backpressure: while the connection cannot take new work, leave bytes in the kernel
    // (TCP flow control slows the client) instead of buffering them here.
    bool blocked = conn.hasBatchOut() || conn.state() == State::Blocked ||
                   conn.pendingOutput() >= kOutputPauseBytes ||
                   (pause_.anyHeld() && pause_.isHeld(conn.ref()));
    if (blocked && conn.inputSize() >= inputPauseBytes(conn)) {
        conn.setReadSide(ReadSide::Paused);  // flushConnection() resumes it
        return;
    }
    size_t n = 0;
    Connection::IoStatus status =
        conn.readSome(mustAuth(conn) ? kUnauthInputPauseBytes : kReadCapPerRound, n);
    stats_.net_input_bytes.fetch_add(n, std::memory_order_relaxed);
    if (status == Connection::IoStatus::Error) {
        registry_.close(conn, "read error");
        return;
    }
    if (status == Connection::IoStatus::Closed) conn.setReadSide(ReadSide::Ended);
    if (n > 0) conn.last_activity = Connection::Clock::now();
    processInput(conn);
    if (status == Connection::IoStatus::Capped) scheduleRead(conn);
    // Replies made on this thread (CLIENT, protocol errors) go out now; so does the close
    // of a client that said goodbye.
    flushConnection(conn);
}

void RequestPipeline::processInput(Connection& conn) {
    // ORDER RULE (enforced here, in dispatch() and in onBatchDone()): a connection has at
    // most one batch out (State::WaitingForBatch, or State::Parked while the rest of a batch
    // waits for the client to take its replies so far). Its next batch is formed only after
    // the previous one's replies have all been appended to its output. So requests run in
    // the order sent and replies are written in that order, whichever worker the load heap
    // picks for each batch. A command that runs on this thread (kCmdReactor) keeps its place:
    // what was framed before it goes out as a batch, and it runs once that is back.
    // A Blocked client's batch waits for its key: nothing newer may run before it.
    if (conn.state() == State::WaitingForBatch || conn.state() == State::Blocked ||
        conn.state() == State::Closing || draining_) {
        return;
    }
    if (conn.pendingOutput() >= kOutputPauseBytes) return;  // resumed by flushConnection()
    if (conn.state() == State::Parked) {  // the rest of a batch comes before anything newer
        dispatch(conn, std::move(conn.parked));
        return;
    }
    assert(conn.state() == State::Reading);
    if (conn.reactor_next) {  // framed after the batch that just came back: its turn now
        auto held = std::move(conn.reactor_next);
        if (!runOnReactor(conn, held)) return;  // its replies wait for the sync
        pool_.recycle(std::move(held));
        if (conn.state() == State::Closing) return;
    }
    if (pause_.anyHeld() && pause_.isHeld(conn.ref())) {  // CLIENT PAUSE held its next request
        std::unique_ptr<Batch> held = pause_.release(conn.ref(), table_, conn.tx.get());
        if (!held) return;  // still paused: the timer or CLIENT UNPAUSE resumes it
        if (!runsOnReactor(conn, held->args[0])) {
            dispatch(conn, std::move(held));
            return;
        }
        if (!runOnReactor(conn, held)) return;
        pool_.recycle(std::move(held));
        if (conn.state() == State::Closing) return;
    }
    if (conn.inputSize() == 0 && conn.parser().idle()) return;

    cfg_.refresh();
    ParserLimits limits;
    limits.inline_max = static_cast<size_t>(cfg_->proto_inline_max_size);
    limits.bulk_max = cfg_->proto_max_bulk_len;
    limits.multibulk_max = cfg_->proto_max_multibulk_len;
    limits.authenticated = !mustAuth(conn);
    // Before AUTH, one request per batch: AUTH must run before the next request is framed,
    // so that request gets the limits of a logged-in client.
    const size_t max_requests = limits.authenticated ? kMaxBatchRequests : 1;

    auto batch = pool_.take();
    FrameParser& parser = conn.parser();
    std::string_view input = conn.input();
    size_t consumed = 0;
    std::string error;
    bool need_more = false;
    while (batch->requests() < max_requests) {
        size_t before = batch->args.size();
        ParseResult r = parser.parse(input.substr(consumed), limits, batch->args);
        consumed += r.consumed;
        if (r.status == ParseStatus::NeedMore) {
            need_more = true;
            break;
        }
        if (r.status == ParseStatus::Error) {
            error = std::move(r.error);
            break;
        }
        size_t argc = batch->args.size() - before;
        if (argc == 0) continue;
        // CLIENT PAUSE: a request the pause applies to waits, held on its own; nothing after
        // it is framed until it has run (ClientPause). One branch while nobody paused.
        if (pause_.active() && holdIfPaused(conn, *batch, before, argc)) break;
        // Commands that need the reactor's view of clients run here, in their place in the
        // order: everything before them goes out as a batch, and they run alone once it
        // has come back; then framing goes on. So does the EXEC of a transaction holding one.
        if (runsOnReactor(conn, batch->args[before])) {
            if (batch->requests() > 0) {
                conn.reactor_next = pool_.take();
                batch->args.moveTailTo(before, conn.reactor_next->args);
                conn.reactor_next->argc.push_back(static_cast<uint32_t>(argc));
                break;
            }
            batch->argc.push_back(static_cast<uint32_t>(argc));
            if (!runOnReactor(conn, batch)) {  // its replies wait for the sync: stop here
                batch = pool_.take();
                break;
            }
            batch->reset();
            if (conn.state() == State::Closing) break;
            continue;
        }
        batch->argc.push_back(static_cast<uint32_t>(argc));
    }
    conn.consumeInput(consumed);
    if (need_more && conn.queryBytes() > static_cast<size_t>(cfg_->client_query_buffer_limit)) {
        error = errors::kQueryBufferLimit;
    }
    if (!error.empty()) {
        LOG_VERBOSE("client %llu (%s): %s; closing", static_cast<unsigned long long>(conn.id()),
                    conn.peer().c_str(), error.c_str());
        conn.setReadSide(ReadSide::Ended);  // nothing after a protocol error is read
        std::string text = Reply::errorLine("ERR " + error);  // CR/LF in it become spaces
        if (batch->requests() > 0) {
            conn.pending_error = std::move(text);  // after the replies of what came before
        } else {
            conn.appendOutput(text);
            conn.setState(State::Closing);
        }
    }
    if (batch->requests() > 0) {
        dispatch(conn, std::move(batch));
    } else {
        pool_.recycle(std::move(batch));
    }
}

bool RequestPipeline::mustAuth(const Connection& conn) const {
    return !conn.session().authenticated && !cfg_->requirepass.empty();
}

size_t RequestPipeline::inputPauseBytes(const Connection& conn) const {
    return mustAuth(conn) ? kUnauthInputPauseBytes : kInputPauseBytes;
}

void RequestPipeline::feedMonitors(Batch& batch) {
    if (batch.monitor_lines.empty()) return;
    registry_.feedMonitors(batch.monitor_lines);
    batch.monitor_lines.clear();
}

void RequestPipeline::dispatch(Connection& conn, std::unique_ptr<Batch> batch) {
    size_t worker = heap_.least();
    int64_t load = static_cast<int64_t>(batch->requests() - batch->executed);
    batch->load = load;
    heap_.add(worker, load);
    stats_.workers[worker].load.store(heap_.load(worker), std::memory_order_relaxed);
    batch->conn = conn.ref();
    batch->worker = worker;
    batch->session = conn.session();
    batch->tx = std::move(conn.tx);
    conn.setState(State::WaitingForBatch);  // ORDER RULE: asserts none was out (or parked)
    outbox_[worker].push_back(std::move(batch));
}

void RequestPipeline::flushPushed() {
    // Messages appended this round go out in one write per subscriber; a subscriber past
    // its class's output limits is disconnected here (the publisher's PUBLISH never closes
    // anyone in the middle of its delivery loop). Writing may run more requests, which may
    // publish again: loop until nothing is left.
    for (std::vector<ConnRef> refs = registry_.takePushed(); !refs.empty();
         refs = registry_.takePushed()) {
        for (ConnRef ref : refs) {
            Connection* conn = registry_.find(ref);
            if (conn == nullptr || !registry_.checkOutputLimits(*conn)) continue;
            if (!conn->hasBatchOut()) flushConnection(*conn);  // else held until it is back
        }
    }
}

void RequestPipeline::flushOutbox() {
    for (size_t w = 0; w < outbox_.size(); ++w) workers_[w]->submitAll(outbox_[w]);
}

void RequestPipeline::onInbox() {
    drained_.clear();
    inbox_.drain(drained_);
    touched_.clear();
    for (ReactorMessage& message : drained_) {
        std::visit(Overloaded{
                       [this](BatchDone& done) {
                           if (mustWaitForSync(*done.batch)) {
                               unsynced_.push_back(std::move(done.batch));
                           } else {
                               onBatchDone(std::move(done.batch));
                           }
                       },
                       [](RunOnLoop& task) { task.fn(); },
                       [this](KeyReady& ready) { registry_.blocked().keyReady(ready.key); },
                       [this](Invalidate& i) { registry_.tracking().deliver(i.inv); },
                   },
                   message);
    }
    drained_.clear();
    // One write per client per drain: the next batch is dispatched first, then all replies
    // gathered so far go out together.
    for (ConnRef ref : touched_) {
        Connection* conn = registry_.find(ref);
        if (conn == nullptr || !registry_.checkOutputLimits(*conn)) continue;
        processInput(*conn);
        flushConnection(*conn);
    }
}

void RequestPipeline::onBatchDone(std::unique_ptr<Batch> batch) {
    heap_.add(batch->worker, -batch->load);
    stats_.workers[batch->worker].load.store(heap_.load(batch->worker), std::memory_order_relaxed);
    // The commands ran, whether or not their client is still here. A monitor whose own batch
    // this is holds its lines until the replies below are in (PUSH RULE).
    feedMonitors(*batch);
    Connection* conn = registry_.find(batch->conn);
    if (conn == nullptr) {  // the client left meanwhile: drop its replies
        pool_.recycle(std::move(batch));
        return;
    }
    // ORDER RULE: this is the client's one batch out, and nothing was appended since it left.
    assert(conn->state() == State::WaitingForBatch);
    conn->last_activity = Connection::Clock::now();
    conn->session() = std::move(batch->session);
    conn->tx = std::move(batch->tx);
    if (batch->overflow) {
        LOG_NOTICE(
            "client %llu (%s) disconnected: output buffer hard limit reached "
            "(%zu bytes unsent)",
            static_cast<unsigned long long>(conn->id()), conn->peer().c_str(),
            conn->pendingOutput() + batch->reply.size());
        pool_.recycle(std::move(batch));
        stats_.output_limit_disconnections.fetch_add(1, std::memory_order_relaxed);
        registry_.close(*conn, "output buffer hard limit reached");
        return;
    }
    // The replies go out now, straight from the batch (no copy unless the socket is full).
    size_t written = 0;
    if (conn->sendOrQueue(batch->reply, written) == Connection::IoStatus::Error) {
        pool_.recycle(std::move(batch));
        registry_.close(*conn, "write error");
        return;
    }
    stats_.net_output_bytes.fetch_add(written, std::memory_order_relaxed);
    touched_.push_back(conn->ref());
    if (onBlockingDone(*conn, batch)) return;
    if (batch->unfinished()) {
        batch->reply.clear();
        conn->parked = std::move(batch);
        conn->setState(State::Parked);
        return;
    }
    // PUSH RULE, the second ordering rule, beside the first (pub/sub messages: delivered by
    // ClientRegistry::publish(), released here): a push to a connection never overtakes the replies to requests
    // that connection sent earlier, and replies to requests sent after a SUBSCRIBE come
    // after its confirmation.
    //  - Output is appended on this thread only, and a batch's replies go in whole, pass by
    //    pass in order when Parked; nothing else is appended while a batch is out.
    //  - "Earlier" means taken into a batch before the push reached the reactor. A push for
    //    a client with a batch out waits on the connection and is appended here, after the
    //    batch's last replies and before a pending protocol error; with no batch out it is
    //    appended at once. (Requests still unframed come after it, as in Redis, where a
    //    push goes out the moment PUBLISH runs.)
    //  - A subscribing command runs in its place in the order (on this thread, kCmdReactor,
    //    like CLIENT), so its confirmation is appended before any later request is even
    //    framed: later replies, and the pushes the subscription brings, follow it.
    //  - After QUIT nothing more is sent: held messages die with the connection.
    if (!batch->close_after) registry_.releaseHeldPushes(*conn);
    if (batch->close_after) {
        conn->setState(State::Closing);
    } else if (!conn->pending_error.empty()) {
        conn->appendOutput(conn->pending_error);
        conn->pending_error.clear();
        conn->setState(State::Closing);
    } else {
        conn->setState(State::Reading);
    }
    pool_.recycle(std::move(batch));
}

bool RequestPipeline::flushConnection(Connection& conn) {
    // A loop, not recursion: requests read before the peer's EOF may run on this thread one
    // after another (CLIENT ...), each leaving output to write before the next is framed.
    while (true) {
        if (conn.pendingOutput() > 0) {
            size_t n = 0;
            Connection::IoStatus status = conn.flush(n);
            stats_.net_output_bytes.fetch_add(n, std::memory_order_relaxed);
            if (status == Connection::IoStatus::Error) {
                registry_.close(conn, "write error");
                return false;
            }
            if (status == Connection::IoStatus::Blocked) {
                registry_.watchWritable(conn, true);  // EPOLLOUT resumes us
                return true;
            }
        }
        registry_.watchWritable(conn, false);
        // Output fully written.
        const State state = conn.state();
        if (state == State::Closing || (draining_ && state != State::WaitingForBatch)) {
            registry_.close(conn, state == State::Closing ? "closed after reply" : "peer closed");
            return false;
        }
        if (state == State::WaitingForBatch) break;
        if (state == State::Blocked) {
            // A client that hangs up while blocked is let go at once, as Redis does: its wait
            // could outlive it by any time.
            if (conn.readSide() == ReadSide::Ended) {
                registry_.close(conn, "peer closed while blocked");
                return false;
            }
            break;
        }
        // Input held back by backpressure, or read before the peer's EOF: it runs before a
        // half-closed client is let go (every request it sent gets its reply).
        processInput(conn);
        const State now = conn.state();
        if (now != State::WaitingForBatch && (conn.pendingOutput() > 0 || now == State::Closing)) {
            continue;  // replies made on this thread, or a QUIT: write them first
        }
        if (conn.readSide() == ReadSide::Ended && now == State::Reading &&
            !(pause_.anyHeld() && pause_.isHeld(conn.ref()))) {
            // Nothing left that can run (at most an incomplete request): the peer is gone.
            // (A request CLIENT PAUSE holds still runs, and gets its reply, when it ends.)
            registry_.close(conn, "peer closed");
            return false;
        }
        break;
    }
    if (conn.readSide() == ReadSide::Paused && conn.inputSize() < inputPauseBytes(conn) &&
        conn.pendingOutput() < kOutputPauseBytes) {
        scheduleRead(conn);
    }
    return true;
}

void RequestPipeline::drain() {
    draining_ = true;
    // Idle clients close now; the others once their batch out is back and written.
    for (ConnRef ref : registry_.refs()) {
        if (Connection* conn = registry_.find(ref);
            conn && conn->state() != State::WaitingForBatch) {
            flushConnection(*conn);
        }
    }
}

}  // namespace mini_redis
