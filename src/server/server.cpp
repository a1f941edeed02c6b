// Reactor-side request flow: accept -> read -> frame -> batch -> least-loaded worker ->
// completion -> write, plus signals and shutdown.
#include "server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cstdio>

#include "build_config.h"
#include "errors.h"
#include "frame_parser.h"
#include "log.h"
#include "reply.h"

namespace mini_redis {

namespace {

bool isLoopback(const std::string& address) {
    in_addr v4{};
    if (inet_pton(AF_INET, address.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
    return false;
}

void setKeepalive(int fd, int64_t seconds) {
    if (seconds <= 0) return;
    int one = 1;
    int idle = static_cast<int>(seconds);
    int interval = std::max(1, idle / 3);
    int count = 3;
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

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
// Empty IO buffers above this size are freed by the cron; all of them once idle this long.
constexpr size_t kKeepBufferBytes = 1024 * 1024;
constexpr auto kIdleShrinkAfter = std::chrono::seconds(2);
constexpr int kListenBacklog = 511;
constexpr uint32_t kReadEvents = EPOLLIN | EPOLLRDHUP;
// Spare batches kept for reuse, and the most memory one may keep (so the pool stays small).
constexpr size_t kBatchPoolMax = 256;
constexpr size_t kPooledBatchBytes = 64 * 1024;

}  // namespace

Server::Server(Config config, std::vector<std::pair<std::string, std::string>> overrides)
    : overrides_(std::move(overrides)),
      config_(config),
      cfg_(config_.get()),
      table_(CommandTable::build()),
      stats_(static_cast<size_t>(config.effectiveWorkers())),
      store_(static_cast<size_t>(config.databases)),
      executor_(table_, store_, config_, stats_),
      expire_cycle_(store_, config_),
      heap_(static_cast<size_t>(config.effectiveWorkers())),
      ops_samples_(10, 0) {
    stats_.config_file = config.config_file;
}

Server::~Server() {
    expire_cycle_.stop();
    for (auto& w : workers_) w->stop();
}

std::string Server::start() {
    std::string err = listener_.open(cfg_->bind, static_cast<int>(cfg_->port), kListenBacklog);
    if (!err.empty()) return err;
    stats_.tcp_port = listener_.port();
    for (size_t i = 0; i < stats_.workers.size(); ++i) {
        workers_.push_back(std::make_unique<Worker>(i, executor_, completions_, stats_.workers[i]));
        workers_.back()->start();
    }
    outbox_.resize(workers_.size());
    expire_cycle_.start();
    loop_.setBeforeWait([this] { flushOutbox(); });
    loop_.add(listener_.fd(), EPOLLIN, [this](uint32_t) { onAccept(); });
    loop_.add(completions_.fd(), EPOLLIN, [this](uint32_t) { onCompletions(); });
    loop_.watchSignals({SIGINT, SIGTERM, SIGHUP}, [this](int signo) { onSignal(signo); });
    loop_.runEvery(std::chrono::milliseconds(100), [this] { sampleStats(); });
    loop_.runEvery(std::chrono::milliseconds(1000), [this] { clientsCron(); });
    if (cfg_->requirepass.empty() && !isLoopback(cfg_->bind)) {
        LOG_WARNING(
            "listening on %s with no requirepass: anyone who can reach this address "
            "can read and change every key; set requirepass or bind to 127.0.0.1",
            cfg_->bind.c_str());
    }
    startWatchdog();
    notifier_.ready(statusLine());
    LOG_INFO("mini-redis %s ready: listening on %s:%d, %zu workers, pid %d, config %s",
             MINI_REDIS_VERSION, cfg_->bind.c_str(), listener_.port(), workers_.size(), getpid(),
             cfg_->config_file.empty() ? "(built-in defaults)" : cfg_->config_file.c_str());
    return {};
}

int Server::run() {
    loop_.run();
    // Workers finish whatever is queued, then exit; their completions are dropped here,
    // explicitly, since every client is already closed.
    expire_cycle_.stop();
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
    refreshConfig();
    listener_.acceptAll([this](int fd, std::string peer) {
        if (shutting_down_) {
            ::close(fd);
            return;
        }
        if (conns_.size() >= static_cast<size_t>(cfg_->maxclients)) {
            // Best effort: a fresh socket's send buffer is empty, so this normally fits.
            std::string msg = Reply::errorLine(errors::kMaxClients);
            ssize_t n = ::send(fd, msg.data(), msg.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            (void)n;
            ::close(fd);
            stats_.rejected_connections.fetch_add(1, std::memory_order_relaxed);
            LOG_VERBOSE("rejected %s: maxclients (%lld) reached", peer.c_str(),
                        static_cast<long long>(cfg_->maxclients));
            return;
        }
        uint64_t id = next_conn_id_++;
        setKeepalive(fd, cfg_->tcp_keepalive);
        auto conn = std::make_unique<Connection>(id, fd, peer);
        // Clients that connect while a password is set must AUTH first.
        conn->session().authenticated = cfg_->requirepass.empty();
        LOG_VERBOSE("client %llu connected from %s", static_cast<unsigned long long>(id),
                    peer.c_str());
        conns_.emplace(id, std::move(conn));
        stats_.total_connections.fetch_add(1, std::memory_order_relaxed);
        stats_.connected_clients.store(conns_.size(), std::memory_order_relaxed);
        // Readable only: replies are written at once, and EPOLLOUT is added just while a
        // write is blocked. Watching it always would wake the loop each time ACKs free send
        // buffer space. So epoll_ctl runs only on the (rare) blocked path, never per request.
        loop_.add(fd, kReadEvents, [this, id](uint32_t events) { onConnectionEvent(id, events); });
    });
}

void Server::onConnectionEvent(uint64_t id, uint32_t events) {
    if (Connection* conn = find(id);
        conn && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
        if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) conn->peer_hung_up = true;
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
    bool blocked = conn.in_flight || conn.parked || conn.pendingOutput() >= kOutputPauseBytes;
    if (blocked && conn.inputSize() >= inputPauseBytes(conn)) {
        conn.read_paused = true;
        return;
    }
    size_t n = 0;
    Connection::IoStatus status =
        conn.readSome(mustAuth(conn) ? kUnauthInputPauseBytes : kReadCapPerRound, n);
    stats_.net_input_bytes.fetch_add(n, std::memory_order_relaxed);
    if (status == Connection::IoStatus::Error) {
        closeConnection(conn, "read error");
        return;
    }
    if (status == Connection::IoStatus::Closed) conn.read_closed = true;
    if (n > 0) conn.last_activity = Connection::Clock::now();
    processInput(conn);
    if (status == Connection::IoStatus::Capped) scheduleRead(conn);
    // Replies made on this thread (CLIENT, protocol errors) go out now; so does the close
    // of a client that said goodbye.
    flushConnection(conn);
}

void Server::processInput(Connection& conn) {
    // ORDER RULE (enforced here): a connection has at most one batch in flight. Its next
    // batch is formed only after the previous one's completion has been appended to its
    // output. So requests run in the order sent and replies are written in that order, no
    // matter which worker the load heap picks for each batch.
    if (conn.in_flight || conn.close_after_write || shutting_down_) return;
    if (conn.pendingOutput() >= kOutputPauseBytes) return;  // resumed by flushConnection()
    if (conn.parked) {  // the rest of a batch comes before anything read after it
        dispatch(conn, std::move(conn.parked));
        return;
    }
    if (conn.reactor_next) {  // framed after the batch that just completed: its turn now
        auto held = std::move(conn.reactor_next);
        runOnReactor(conn, *held);
        recycle(std::move(held));
        if (conn.close_after_write) return;
    }
    if (conn.inputSize() == 0 && conn.parser().idle()) return;

    refreshConfig();
    ParserLimits limits;
    limits.inline_max = static_cast<size_t>(cfg_->proto_inline_max_size);
    limits.bulk_max = cfg_->proto_max_bulk_len;
    limits.multibulk_max = cfg_->proto_max_multibulk_len;
    limits.authenticated = !mustAuth(conn);
    // Before AUTH, one request per batch: AUTH must run before the next request is framed,
    // so that request gets the limits of a logged-in client.
    const size_t max_requests = limits.authenticated ? kMaxBatchRequests : 1;

    auto batch = takeBatch();
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
        // Commands that need the reactor's view of clients run here, in their place in the
        // order: everything before them goes out as a batch, and they run alone once it
        // has completed; then parsing goes on.
        const CommandSpec* spec = table_.mayRunOnReactor(batch->args[before])
                                      ? table_.find(batch->args[before])
                                      : nullptr;
        if (spec != nullptr && (spec->flags & kCmdReactor)) {
            if (batch->requests() > 0) {
                conn.reactor_next = takeBatch();
                batch->args.moveTailTo(before, conn.reactor_next->args);
                conn.reactor_next->argc.push_back(static_cast<uint32_t>(argc));
                break;
            }
            batch->argc.push_back(static_cast<uint32_t>(argc));
            runOnReactor(conn, *batch);
            batch->reset();
            if (conn.close_after_write) break;
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
        conn.read_closed = true;  // nothing after a protocol error is read
        std::string text = Reply::errorLine("ERR " + error);  // CR/LF in it become spaces
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

bool Server::mustAuth(const Connection& conn) const {
    return !conn.session().authenticated && !cfg_->requirepass.empty();
}

size_t Server::inputPauseBytes(const Connection& conn) const {
    return mustAuth(conn) ? kUnauthInputPauseBytes : kInputPauseBytes;
}

void Server::dispatch(Connection& conn, std::unique_ptr<Batch> batch) {
    size_t worker = heap_.least();
    int64_t load = static_cast<int64_t>(batch->requests() - batch->executed);
    batch->load = load;
    heap_.add(worker, load);
    stats_.workers[worker].load.store(heap_.load(worker), std::memory_order_relaxed);
    batch->conn_id = conn.id();
    batch->worker = worker;
    batch->session = conn.session();
    batch->tx = std::move(conn.tx);
    conn.in_flight = true;
    outbox_[worker].push_back(std::move(batch));
}

void Server::flushOutbox() {
    for (size_t w = 0; w < outbox_.size(); ++w) workers_[w]->submitAll(outbox_[w]);
}

void Server::onCompletions() {
    drained_.clear();
    completions_.drain(drained_);
    touched_.clear();
    for (auto& batch : drained_) {
        heap_.add(batch->worker, -batch->load);
        stats_.workers[batch->worker].load.store(heap_.load(batch->worker),
                                                 std::memory_order_relaxed);
        Connection* conn = find(batch->conn_id);
        if (conn == nullptr) {  // the client left meanwhile: drop its replies
            recycle(std::move(batch));
            continue;
        }
        assert(conn->in_flight);
        conn->in_flight = false;
        conn->last_activity = Connection::Clock::now();
        conn->session() = std::move(batch->session);
        conn->tx = std::move(batch->tx);
        if (batch->overflow) {
            LOG_NOTICE(
                "client %llu (%s) disconnected: output buffer hard limit reached "
                "(%zu bytes unsent)",
                static_cast<unsigned long long>(conn->id()), conn->peer().c_str(),
                conn->pendingOutput() + batch->reply.size());
            recycle(std::move(batch));
            stats_.output_limit_disconnections.fetch_add(1, std::memory_order_relaxed);
            closeConnection(*conn, "output buffer hard limit reached");
            continue;
        }
        // The replies go out now, straight from the batch (no copy unless the socket is full).
        size_t written = 0;
        if (conn->sendOrQueue(batch->reply, written) == Connection::IoStatus::Error) {
            recycle(std::move(batch));
            closeConnection(*conn, "write error");
            continue;
        }
        stats_.net_output_bytes.fetch_add(written, std::memory_order_relaxed);
        if (batch->unfinished()) {
            batch->reply.clear();
            conn->parked = std::move(batch);
            touched_.push_back(conn->id());
            continue;
        }
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
        if (conn == nullptr || !checkOutputLimits(*conn)) continue;
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
        if (status == Connection::IoStatus::Blocked) {
            watchWritable(conn, true);  // EPOLLOUT resumes us
            return true;
        }
    }
    watchWritable(conn, false);
    // Output fully written.
    if (conn.close_after_write || (conn.read_closed && !conn.in_flight && !conn.parked) ||
        (shutting_down_ && !conn.in_flight)) {
        closeConnection(conn, conn.close_after_write ? "closed after reply" : "peer closed");
        return false;
    }
    if (!conn.in_flight) processInput(conn);  // input held back by output backpressure
    if (conn.read_paused && conn.inputSize() < inputPauseBytes(conn) &&
        conn.pendingOutput() < kOutputPauseBytes) {
        conn.read_paused = false;
        scheduleRead(conn);
    }
    return true;
}

void Server::watchWritable(Connection& conn, bool on) {
    if (conn.watching_writable == on) return;
    conn.watching_writable = on;
    loop_.modify(conn.fd(), on ? kReadEvents | EPOLLOUT : kReadEvents);
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
    notifier_.reloading();
    struct ReadyAgain {  // whatever happens, tell the service manager we are serving again
        Server& s;
        ~ReadyAgain() { s.notifier_.ready(s.statusLine()); }
    } ready_again{*this};
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
    // Command-line flags still win over the file, as they did at start.
    for (const auto& [key, value] : overrides_) {
        if (auto err = fresh.set(key, value)) {
            LOG_WARNING("SIGHUP: reload failed: --%s: %s", key.c_str(), err->c_str());
            return;
        }
    }
    auto running = config_.get();
    auto err = config_.update([&](Config& next) -> std::optional<std::string> {
        for (const auto& [key, value] : fresh.all()) {
            if (running->get(key) == value) continue;
            // A secret's value never reaches the log, at any level: only that it changed.
            const bool secret = Config::isSecret(key);
            if (!Config::isLive(key)) {
                LOG_WARNING("SIGHUP: '%s' changed%s%s; it takes effect only after a restart",
                            key.c_str(), secret ? "" : " to ", secret ? "" : value.c_str());
                continue;
            }
            if (auto e = next.set(key, value)) return e;
            if (secret) {
                LOG_INFO("SIGHUP: %s changed", key.c_str());
            } else {
                LOG_INFO("SIGHUP: %s = %s", key.c_str(), value.c_str());
            }
        }
        return std::nullopt;
    });
    if (err) {
        LOG_WARNING("SIGHUP: reload failed, running config unchanged: %s", err->c_str());
        return;
    }
    refreshConfig();
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
    notifier_.stopping(std::string("shutting down on ") + why);
    size_t in_flight = 0;
    for (const auto& [id, conn] : conns_) in_flight += conn->in_flight ? 1 : 0;
    LOG_INFO(
        "received %s: shutting down (no new connections; %zu clients, %zu batches in "
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
    if (!loop_.isLoopThread() || shutdown_finished_) return;
    shutdown_finished_ = true;
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

void Server::refreshConfig() {
    uint64_t version = config_.version();
    if (version == cfg_version_) return;
    cfg_version_ = version;
    cfg_ = config_.get();
}

void Server::sampleStats() {
    refreshConfig();
    uint64_t used = store_.usedBytes();
    if (used > stats_.used_memory_peak.load(std::memory_order_relaxed)) {
        stats_.used_memory_peak.store(used, std::memory_order_relaxed);
    }
    uint64_t total = stats_.totalCommands();
    // The oldest sample is one second old: the ring holds ten 100 ms samples.
    uint64_t oldest = ops_samples_[ops_sample_pos_];
    ops_samples_[ops_sample_pos_] = total;
    ops_sample_pos_ = (ops_sample_pos_ + 1) % ops_samples_.size();
    stats_.ops_per_sec.store(total - oldest, std::memory_order_relaxed);
}

void Server::runOnReactor(Connection& conn, Batch& batch) {
    batch.conn_id = conn.id();
    batch.session = conn.session();
    batch.tx = std::move(conn.tx);
    executor_.run(batch, stats_.reactor, this);
    // The command may have closed other connections, never this one (it is marked instead).
    conn.session() = std::move(batch.session);
    conn.tx = std::move(batch.tx);
    conn.appendOutput(batch.reply);
    if (batch.close_after) conn.close_after_write = true;
}

bool Server::checkOutputLimits(Connection& conn) {
    const size_t pending = conn.pendingOutput();
    const auto hard = static_cast<size_t>(cfg_->output_hard_limit);
    const auto soft = static_cast<size_t>(cfg_->output_soft_limit);
    const char* reason = nullptr;
    if (hard > 0 && pending > hard) {
        reason = "output buffer hard limit reached";
    } else if (soft > 0 && pending > soft) {
        auto now = Connection::Clock::now();
        if (!conn.over_soft_limit_since) conn.over_soft_limit_since = now;
        if (now - *conn.over_soft_limit_since >= std::chrono::seconds(cfg_->output_soft_seconds)) {
            reason = "output buffer soft limit exceeded for too long";
        }
    } else {
        conn.over_soft_limit_since.reset();
    }
    if (reason == nullptr) return true;
    LOG_NOTICE("client %llu (%s) disconnected: %s (%zu bytes unsent)",
               static_cast<unsigned long long>(conn.id()), conn.peer().c_str(), reason, pending);
    stats_.output_limit_disconnections.fetch_add(1, std::memory_order_relaxed);
    closeConnection(conn, reason);
    return false;
}

void Server::clientsCron() {
    auto now = Connection::Clock::now();
    const auto idle_limit = std::chrono::seconds(cfg_->timeout);
    std::vector<uint64_t> ids;
    ids.reserve(conns_.size());
    for (const auto& [id, conn] : conns_) ids.push_back(id);
    for (uint64_t id : ids) {
        Connection* conn = find(id);
        if (conn == nullptr || !checkOutputLimits(*conn)) continue;
        if (cfg_->timeout > 0 && !conn->in_flight && !conn->parked && conn->pendingOutput() == 0 &&
            now - conn->last_activity > idle_limit) {
            closeConnection(*conn, "idle timeout");
            continue;
        }
        // Memory comes back: empty buffers shrink at once when large, and to nothing once
        // the client has been quiet for a while.
        conn->shrinkBuffers(now - conn->last_activity > kIdleShrinkAfter ? 0 : kKeepBufferBytes);
    }
    notifier_.status(statusLine());
}

void Server::startWatchdog() {
    auto interval = notifier_.watchdogInterval();
    if (interval.count() <= 0) return;
    // Ping at half the interval, from the loop itself: if the loop is stuck, pings stop.
    auto half = std::max(std::chrono::milliseconds(1),
                         std::chrono::duration_cast<std::chrono::milliseconds>(interval / 2));
    notifier_.watchdogPing();
    loop_.runEvery(half, [this] { notifier_.watchdogPing(); });
    LOG_INFO("systemd watchdog: pinging every %lld ms", static_cast<long long>(half.count()));
}

std::string Server::statusLine() const {
    char line[160];
    std::snprintf(line, sizeof line, "serving %zu clients, %llu ops/s, %zu keys", conns_.size(),
                  static_cast<unsigned long long>(stats_.ops_per_sec.load()), store_.size());
    return line;
}

std::string Server::describeClients(const ClientFilter& filter, uint64_t self_id,
                                    std::string_view self_cmd) {
    auto now = Connection::Clock::now();
    std::string local = cfg_->bind + ":" + std::to_string(listener_.port());
    std::string out;
    // Oldest first, as Redis lists them.
    std::vector<Connection*> list;
    for (const auto& [id, conn] : conns_) list.push_back(conn.get());
    std::sort(list.begin(), list.end(),
              [](Connection* a, Connection* b) { return a->id() < b->id(); });
    for (Connection* conn : list) {
        if (filter.id != 0 && conn->id() != filter.id) continue;
        if (!filter.addr.empty() && conn->peer() != filter.addr) continue;
        const ClientSession& s = conn->session();
        auto age = std::chrono::duration_cast<std::chrono::seconds>(now - conn->created).count();
        auto idle =
            std::chrono::duration_cast<std::chrono::seconds>(now - conn->last_activity).count();
        std::string cmd = s.last_command.empty() ? "NULL" : std::string(s.last_command);
        if (conn->id() == self_id) cmd = self_cmd;
        // Built by appending: a name may be up to kMaxClientNameBytes long, and a line
        // truncated by a fixed buffer would lose its newline and run into the next one.
        char head[160];
        std::snprintf(head, sizeof head,
                      "id=%llu addr=", static_cast<unsigned long long>(conn->id()));
        out += head;
        out += conn->peer();
        out += " laddr=";
        out += local;
        out += " fd=" + std::to_string(conn->fd()) + " name=";
        out += s.name;
        char tail[256];
        std::snprintf(tail, sizeof tail,
                      " age=%lld idle=%lld flags=%s db=%d sub=0 psub=0 multi=-1 qbuf=%zu obl=0 "
                      "oll=0 omem=%zu events=r%s cmd=",
                      static_cast<long long>(age), static_cast<long long>(idle),
                      clientListFlags(s).c_str(), s.db, conn->queryBytes(), conn->pendingOutput(),
                      conn->pendingOutput() > 0 ? "w" : "");
        out += tail;
        out += cmd;
        out += " user=default resp=" + std::to_string(s.resp) + " lib-name=" + s.lib_name +
               " lib-ver=" + s.lib_ver + "\n";  // lib-*: Redis 7.2's CLIENT SETINFO
    }
    return out;
}

size_t Server::killClients(const ClientFilter& filter, uint64_t self_id) {
    std::vector<uint64_t> victims;
    for (const auto& [id, conn] : conns_) {
        if (filter.id != 0 && id != filter.id) continue;
        if (!filter.addr.empty() && conn->peer() != filter.addr) continue;
        if (filter.skip_self && id == self_id) continue;
        victims.push_back(id);
    }
    for (uint64_t id : victims) {
        Connection* conn = find(id);
        if (conn == nullptr) continue;
        if (id == self_id) {
            conn->close_after_write = true;  // after this very reply
        } else {
            closeConnection(*conn, "killed by CLIENT KILL");
        }
    }
    return victims.size();
}

std::unique_ptr<Batch> Server::takeBatch() {
    if (batch_pool_.empty()) return std::make_unique<Batch>();
    auto batch = std::move(batch_pool_.back());
    batch_pool_.pop_back();
    return batch;
}

void Server::recycle(std::unique_ptr<Batch> batch) {
    // Keep small batches for reuse; let big ones go so a burst does not pin memory.
    // Capacity, not size: a cleared buffer keeps its capacity, so a pooled batch that once
    // held a large request would pin that memory for good.
    if (batch_pool_.size() >= kBatchPoolMax || batch->args.retainedBytes() > kPooledBatchBytes ||
        batch->reply.capacity() > kPooledBatchBytes ||
        batch->argc.capacity() * sizeof(uint32_t) > kPooledBatchBytes) {
        return;
    }
    batch->reset();
    batch_pool_.push_back(std::move(batch));
}

}  // namespace mini_redis
