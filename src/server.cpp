// Reactor-side request flow: accept -> read -> frame -> batch -> least-loaded worker ->
// completion -> write, plus signals and shutdown.
#include "server.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cassert>

#include "build_config.h"
#include "errors.h"
#include "frame_parser.h"
#include "log.h"

namespace mini_redis {

namespace {

// Bytes read from one connection per loop round before others get their turn.
constexpr size_t kReadCapPerRound = 256 * 1024;
// Requests per batch: bounds a batch's latency and reply size.
constexpr size_t kMaxBatchRequests = 1024;
// Backpressure: stop forming batches for a client with this much unsent output...
constexpr size_t kOutputPauseBytes = 8 * 1024 * 1024;
// ...and stop reading from a client with this much unprocessed input waiting.
constexpr size_t kInputPauseBytes = 4 * 1024 * 1024;
constexpr int kListenBacklog = 511;
constexpr size_t kBatchPoolMax = 1024;

}  // namespace

Server::Server(Config config)
    : config_(config),
      cfg_(config_.get()),
      table_(CommandTable::build()),
      stats_(static_cast<size_t>(config.effectiveWorkers())),
      executor_(table_, store_, config_, stats_),
      heap_(static_cast<size_t>(config.effectiveWorkers())),
      ops_samples_(10, 0) {
    stats_.config_file = config.config_file;
}

Server::~Server() {
    for (auto& w : workers_) w->stop();
}

std::string Server::start() {
    std::string err = listener_.open(cfg_->bind, static_cast<int>(cfg_->port), kListenBacklog);
    if (!err.empty()) return err;
    stats_.tcp_port = listener_.port();
    for (size_t i = 0; i < stats_.workers.size(); ++i) {
        workers_.push_back(
            std::make_unique<Worker>(i, executor_, completions_, stats_.workers[i]));
        workers_.back()->start();
    }
    loop_.add(listener_.fd(), EPOLLIN, [this](uint32_t) { onAccept(); });
    loop_.add(completions_.fd(), EPOLLIN, [this](uint32_t) { onCompletions(); });
    loop_.watchSignals({SIGINT, SIGTERM, SIGHUP}, [this](int signo) { onSignal(signo); });
    loop_.runEvery(std::chrono::milliseconds(100), [this] { sampleStats(); });
    LOG_INFO("mini-redis %s ready: listening on %s:%d, %zu workers, pid %d, config %s",
             MINI_REDIS_VERSION, cfg_->bind.c_str(), listener_.port(), workers_.size(), getpid(),
             cfg_->config_file.empty() ? "(built-in defaults)" : cfg_->config_file.c_str());
    return {};
}

int Server::run() {
    loop_.run();
    // Workers finish whatever is queued, then exit; their completions are dropped here,
    // explicitly, since every client is already closed.
    for (auto& w : workers_) w->stop();
    drained_.clear();
    completions_.drain(drained_);
    drained_.clear();
    LOG_INFO("all %zu workers joined; bye", workers_.size());
    return 0;
}

Connection* Server::find(uint64_t id) {
    auto it = conns_.find(id);
    return it == conns_.end() ? nullptr : it->second.get();
}

void Server::onAccept() {
    listener_.acceptAll([this](int fd, std::string peer) {
        if (shutting_down_) {
            ::close(fd);
            return;
        }
        if (conns_.size() >= static_cast<size_t>(cfg_->maxclients)) {
            // Best effort: a fresh socket's send buffer is empty, so this normally fits.
            std::string msg = std::string("-") + errors::kMaxClients + "\r\n";
            ssize_t n = ::send(fd, msg.data(), msg.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            (void)n;
            ::close(fd);
            stats_.rejected_connections.fetch_add(1, std::memory_order_relaxed);
            LOG_VERBOSE("rejected %s: maxclients (%lld) reached", peer.c_str(),
                        static_cast<long long>(cfg_->maxclients));
            return;
        }
        uint64_t id = next_conn_id_++;
        auto conn = std::make_unique<Connection>(id, fd, peer);
        LOG_VERBOSE("client %llu connected from %s", static_cast<unsigned long long>(id),
                    peer.c_str());
        conns_.emplace(id, std::move(conn));
        stats_.total_connections.fetch_add(1, std::memory_order_relaxed);
        stats_.connected_clients.store(conns_.size(), std::memory_order_relaxed);
        // Registered once for both directions; never modified again (no epoll_ctl per request).
        loop_.add(fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP,
                  [this, id](uint32_t events) { onConnectionEvent(id, events); });
    });
}

void Server::onConnectionEvent(uint64_t id, uint32_t events) {
    if (Connection* conn = find(id); conn && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
        readFrom(*conn);
    }
    if (Connection* conn = find(id); conn && (events & EPOLLOUT) && conn->pendingOutput() > 0) {
        flushConnection(*conn);
    }
}

void Server::scheduleRead(Connection& conn) {
    if (conn.on_ready_list) return;
    conn.on_ready_list = true;
    loop_.defer([this, id = conn.id()] {
        if (Connection* c = find(id)) {
            c->on_ready_list = false;
            readFrom(*c);
        }
    });
}

void Server::readFrom(Connection& conn) {
    if (conn.read_closed || conn.close_after_write || shutting_down_) return;
    // Backpressure: while the connection cannot take new work, leave bytes in the kernel
    // (TCP flow control slows the client) instead of buffering them here.
    bool blocked = conn.in_flight || conn.pendingOutput() >= kOutputPauseBytes;
    if (blocked && conn.inputSize() >= kInputPauseBytes) {
        conn.read_paused = true;
        return;
    }
    size_t n = 0;
    Connection::IoStatus status = conn.readSome(kReadCapPerRound, n);
    stats_.net_input_bytes.fetch_add(n, std::memory_order_relaxed);
    if (status == Connection::IoStatus::Error) {
        closeConnection(conn, "read error");
        return;
    }
    if (status == Connection::IoStatus::Closed) conn.read_closed = true;
    processInput(conn);
    if (status == Connection::IoStatus::Capped) scheduleRead(conn);
    if (conn.read_closed && !conn.in_flight) flushConnection(conn);
}

void Server::processInput(Connection& conn) {
    // ORDER RULE (enforced here): a connection has at most one batch in flight. Its next
    // batch is formed only after the previous one's completion has been appended to its
    // output. So requests run in the order sent and replies are written in that order, no
    // matter which worker the load heap picks for each batch.
    if (conn.in_flight || conn.close_after_write || shutting_down_) return;
    if (conn.pendingOutput() >= kOutputPauseBytes) return;  // resumed by flushConnection()
    if (conn.inputSize() == 0) return;

    ParserLimits limits;
    limits.inline_max = static_cast<size_t>(cfg_->proto_inline_max_size);
    limits.bulk_max = cfg_->proto_max_bulk_len;
    limits.multibulk_max = cfg_->proto_max_multibulk_len;

    auto batch = takeBatch();
    std::string_view input = conn.input();
    size_t consumed = 0;
    std::string error;
    while (batch->requests() < kMaxBatchRequests) {
        size_t before = batch->args.size();
        ParseResult r = parseFrame(input.substr(consumed), limits, batch->args);
        if (r.status == ParseStatus::NeedMore) break;
        if (r.status == ParseStatus::Error) {
            error = std::move(r.error);
            break;
        }
        consumed += r.consumed;
        size_t argc = batch->args.size() - before;
        if (argc > 0) batch->argc.push_back(static_cast<uint32_t>(argc));
    }
    conn.consumeInput(consumed);
    if (error.empty() && batch->requests() == 0 &&
        conn.inputSize() > static_cast<size_t>(cfg_->client_query_buffer_limit)) {
        error = "Protocol error: client query buffer limit reached";
    }
    if (!error.empty()) {
        LOG_VERBOSE("client %llu (%s): %s; closing", static_cast<unsigned long long>(conn.id()),
                    conn.peer().c_str(), error.c_str());
        conn.read_closed = true;  // nothing after a protocol error is read
        std::string text = "-ERR " + error + "\r\n";
        if (batch->requests() > 0) {
            conn.pending_error = std::move(text);  // after the replies of what came before
        } else {
            conn.appendOutput(text);
            conn.close_after_write = true;
        }
    }
    if (batch->requests() > 0) {
        dispatch(conn, std::move(batch));
    } else {
        recycle(std::move(batch));
    }
}

void Server::dispatch(Connection& conn, std::unique_ptr<Batch> batch) {
    size_t worker = heap_.least();
    int64_t load = static_cast<int64_t>(batch->requests());
    heap_.add(worker, load);
    stats_.workers[worker].load.store(heap_.load(worker), std::memory_order_relaxed);
    batch->conn_id = conn.id();
    batch->worker = worker;
    batch->session = conn.session();
    conn.in_flight = true;
    workers_[worker]->submit(std::move(batch));
}

void Server::onCompletions() {
    drained_.clear();
    completions_.drain(drained_);
    touched_.clear();
    for (auto& batch : drained_) {
        heap_.add(batch->worker, -static_cast<int64_t>(batch->requests()));
        stats_.workers[batch->worker].load.store(heap_.load(batch->worker),
                                                 std::memory_order_relaxed);
        Connection* conn = find(batch->conn_id);
        if (conn == nullptr) {  // the client left meanwhile: drop its replies
            recycle(std::move(batch));
            continue;
        }
        assert(conn->in_flight);
        conn->in_flight = false;
        conn->session() = std::move(batch->session);
        conn->appendOutput(batch->reply);
        if (batch->close_after) {
            conn->close_after_write = true;
        } else if (!conn->pending_error.empty()) {
            conn->appendOutput(conn->pending_error);
            conn->pending_error.clear();
            conn->close_after_write = true;
        }
        recycle(std::move(batch));
        touched_.push_back(conn->id());
    }
    drained_.clear();
    // One write per client per drain: the next batch is dispatched first, then all replies
    // gathered so far go out together.
    for (uint64_t id : touched_) {
        Connection* conn = find(id);
        if (conn == nullptr) continue;
        processInput(*conn);
        flushConnection(*conn);
    }
    if (shutting_down_) maybeFinishShutdown();
}

bool Server::flushConnection(Connection& conn) {
    if (conn.pendingOutput() > 0) {
        size_t n = 0;
        Connection::IoStatus status = conn.flush(n);
        stats_.net_output_bytes.fetch_add(n, std::memory_order_relaxed);
        if (status == Connection::IoStatus::Error) {
            closeConnection(conn, "write error");
            return false;
        }
        if (status == Connection::IoStatus::Blocked) return true;  // EPOLLOUT resumes us
    }
    // Output fully written.
    if (conn.close_after_write || (conn.read_closed && !conn.in_flight) ||
        (shutting_down_ && !conn.in_flight)) {
        closeConnection(conn, conn.close_after_write ? "closed after reply" : "peer closed");
        return false;
    }
    if (!conn.in_flight) processInput(conn);  // input held back by output backpressure
    if (conn.read_paused && conn.inputSize() < kInputPauseBytes &&
        conn.pendingOutput() < kOutputPauseBytes) {
        conn.read_paused = false;
        scheduleRead(conn);
    }
    return true;
}

void Server::closeConnection(Connection& conn, const char* reason) {
    uint64_t id = conn.id();
    LOG_VERBOSE("client %llu (%s) closed: %s", static_cast<unsigned long long>(id),
                conn.peer().c_str(), reason);
    loop_.remove(conn.fd());
    conns_.erase(id);  // closes the socket; a batch in flight is dropped when it completes
    stats_.connected_clients.store(conns_.size(), std::memory_order_relaxed);
    if (shutting_down_) maybeFinishShutdown();
}

void Server::onSignal(int signo) {
    if (signo == SIGHUP) {
        reload();
        return;
    }
    beginShutdown(signo == SIGINT ? "SIGINT" : "SIGTERM");
}

void Server::reload() {
    const std::string path = cfg_->config_file;
    if (path.empty()) {
        LOG_WARNING("SIGHUP: no config file to reload (started without --config)");
        return;
    }
    Config fresh;
    if (auto err = Config::loadFile(path, fresh)) {
        LOG_WARNING("SIGHUP: reload failed, running config unchanged: %s", err->c_str());
        return;
    }
    auto running = config_.get();
    auto err = config_.update([&](Config& next) -> std::optional<std::string> {
        for (const auto& [key, value] : fresh.all()) {
            if (running->get(key) == value) continue;
            if (!Config::isLive(key)) {
                LOG_WARNING("SIGHUP: '%s' changed to %s; it takes effect only after a restart",
                            key.c_str(), value.c_str());
                continue;
            }
            if (auto e = next.set(key, value)) return e;
            LOG_INFO("SIGHUP: %s = %s", key.c_str(), value.c_str());
        }
        return std::nullopt;
    });
    if (err) {
        LOG_WARNING("SIGHUP: reload failed, running config unchanged: %s", err->c_str());
        return;
    }
    cfg_ = config_.get();
    Log::setLevel(cfg_->loglevel);
    LOG_INFO("SIGHUP: configuration reloaded from %s", path.c_str());
}

void Server::beginShutdown(const char* why) {
    if (shutting_down_) {
        finishShutdown("second signal: not waiting any longer");
        return;
    }
    shutting_down_ = true;
    shutdown_started_ = std::chrono::steady_clock::now();
    size_t in_flight = 0;
    for (const auto& [id, conn] : conns_) in_flight += conn->in_flight ? 1 : 0;
    LOG_INFO("received %s: shutting down (no new connections; %zu clients, %zu batches in "
             "flight; grace %llds)",
             why, conns_.size(), in_flight, static_cast<long long>(cfg_->shutdown_timeout));
    loop_.remove(listener_.fd());
    listener_.close();
    // Idle clients close now; the others once their in-flight replies are written.
    std::vector<uint64_t> ids;
    for (const auto& [id, conn] : conns_) ids.push_back(id);
    for (uint64_t id : ids) {
        if (Connection* conn = find(id); conn && !conn->in_flight) flushConnection(*conn);
    }
    loop_.runAfter(std::chrono::seconds(cfg_->shutdown_timeout),
                   [this] { finishShutdown("grace period over"); });
    maybeFinishShutdown();
}

void Server::maybeFinishShutdown() {
    if (conns_.empty()) finishShutdown("all replies delivered");
}

void Server::finishShutdown(const char* why) {
    if (!loop_.isLoopThread()) return;
    size_t dropped = conns_.size();
    for (auto& [id, conn] : conns_) loop_.remove(conn->fd());
    conns_.clear();
    stats_.connected_clients.store(0, std::memory_order_relaxed);
    auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - shutdown_started_);
    LOG_INFO("shutdown: %s after %lld ms (%zu clients closed unfinished); stopping workers", why,
             static_cast<long long>(waited.count()), dropped);
    loop_.stop();
}

void Server::sampleStats() {
    cfg_ = config_.get();
    uint64_t total = stats_.totalCommands();
    // The oldest sample is one second old: the ring holds ten 100 ms samples.
    uint64_t oldest = ops_samples_[ops_sample_pos_];
    ops_samples_[ops_sample_pos_] = total;
    ops_sample_pos_ = (ops_sample_pos_ + 1) % ops_samples_.size();
    stats_.ops_per_sec.store(total - oldest, std::memory_order_relaxed);
}

std::unique_ptr<Batch> Server::takeBatch() {
    if (batch_pool_.empty()) return std::make_unique<Batch>();
    auto batch = std::move(batch_pool_.back());
    batch_pool_.pop_back();
    return batch;
}

void Server::recycle(std::unique_ptr<Batch> batch) {
    // Keep small batches for reuse; let big ones go so a burst does not pin memory.
    if (batch_pool_.size() >= kBatchPoolMax || batch->args.byteSize() > 1024 * 1024 ||
        batch->reply.capacity() > 1024 * 1024) {
        return;
    }
    batch->reset();
    batch_pool_.push_back(std::move(batch));
}

}  // namespace mini_redis
