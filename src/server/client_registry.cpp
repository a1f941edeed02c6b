// The client registry: accept, lookup by ConnRef, close, CLIENT LIST / KILL, the cron.
#include "client_registry.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "errors.h"
#include "log.h"
#include "reply.h"

namespace mini_redis {

namespace {

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

// Readable only: replies are written at once, and EPOLLOUT is added just while a write is
// blocked. Watching it always would wake the loop each time ACKs free send buffer space. So
// epoll_ctl runs only on the (rare) blocked path, never per request.
constexpr uint32_t kReadEvents = EPOLLIN | EPOLLRDHUP;
// Empty IO buffers above this size are freed by the cron; all of them once idle this long.
constexpr size_t kKeepBufferBytes = 1024 * 1024;
constexpr auto kIdleShrinkAfter = std::chrono::seconds(2);

}  // namespace

ClientRegistry::ClientRegistry(EventLoop& loop, ReactorConfig& cfg, ServerStats& stats,
                               EventHandler on_event)
    : loop_(loop), cfg_(cfg), stats_(stats), on_event_(std::move(on_event)) {}

ClientRegistry::~ClientRegistry() = default;

void ClientRegistry::acceptAll(Listener& listener) {
    cfg_.refresh();
    listener.acceptAll([this](int fd, std::string peer) { admit(fd, std::move(peer)); });
}

void ClientRegistry::admit(int fd, std::string peer) {
    if (!admitting_) {
        ::close(fd);
        return;
    }
    if (live_ >= static_cast<size_t>(cfg_->maxclients)) {
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
    uint32_t index;
    if (free_slots_.empty()) {
        index = static_cast<uint32_t>(slots_.size());
        slots_.push_back(Slot{nullptr, 1});
    } else {
        index = free_slots_.back();
        free_slots_.pop_back();
    }
    Slot& slot = slots_[index];
    const ConnRef ref{index, slot.generation};
    const uint64_t id = next_id_++;
    setKeepalive(fd, cfg_->tcp_keepalive);
    slot.conn = std::make_unique<Connection>(ref, id, fd, peer);
    // Clients that connect while a password is set must AUTH first.
    slot.conn->session().authenticated = cfg_->requirepass.empty();
    LOG_VERBOSE("client %llu connected from %s", static_cast<unsigned long long>(id), peer.c_str());
    ++live_;
    stats_.total_connections.fetch_add(1, std::memory_order_relaxed);
    stats_.connected_clients.store(live_, std::memory_order_relaxed);
    loop_.add(fd, kReadEvents, [this, ref](uint32_t events) { on_event_(ref, events); });
}

Connection* ClientRegistry::find(ConnRef ref) {
    if (ref.slot >= slots_.size()) return nullptr;
    Slot& slot = slots_[ref.slot];
    return slot.generation == ref.generation ? slot.conn.get() : nullptr;
}

std::vector<ConnRef> ClientRegistry::refs() const {
    std::vector<ConnRef> out;
    out.reserve(live_);
    for (const Slot& slot : slots_) {
        if (slot.conn) out.push_back(slot.conn->ref());
    }
    return out;
}

void ClientRegistry::close(Connection& conn, const char* reason) {
    const ConnRef ref = conn.ref();
    LOG_VERBOSE("client %llu (%s) closed: %s", static_cast<unsigned long long>(conn.id()),
                conn.peer().c_str(), reason);
    loop_.remove(conn.fd());
    Slot& slot = slots_[ref.slot];
    slot.conn.reset();  // closes the socket; `conn` is gone from here on
    // A new generation: every ConnRef to the old client now finds nothing (0 names nothing).
    if (++slot.generation == 0) slot.generation = 1;
    free_slots_.push_back(ref.slot);
    --live_;
    stats_.connected_clients.store(live_, std::memory_order_relaxed);
    if (!admitting_ && live_ == 0 && on_empty_) on_empty_();
}

size_t ClientRegistry::closeAll() {
    const size_t closed = live_;
    for (const ConnRef ref : refs()) {
        Slot& slot = slots_[ref.slot];
        loop_.remove(slot.conn->fd());
        slot.conn.reset();
        if (++slot.generation == 0) slot.generation = 1;
        free_slots_.push_back(ref.slot);
    }
    live_ = 0;
    stats_.connected_clients.store(0, std::memory_order_relaxed);
    return closed;
}

void ClientRegistry::stopAdmitting(std::function<void()> on_empty) {
    admitting_ = false;
    on_empty_ = std::move(on_empty);
}

void ClientRegistry::watchWritable(Connection& conn, bool on) {
    if (conn.watchingWritable() == on) return;
    conn.setWatchingWritable(on);
    loop_.modify(conn.fd(), on ? kReadEvents | EPOLLOUT : kReadEvents);
}

bool ClientRegistry::checkOutputLimits(Connection& conn) {
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
    close(conn, reason);
    return false;
}

void ClientRegistry::cron() {
    auto now = Connection::Clock::now();
    const auto idle_limit = std::chrono::seconds(cfg_->timeout);
    for (const ConnRef ref : refs()) {
        Connection* conn = find(ref);
        if (conn == nullptr || !checkOutputLimits(*conn)) continue;
        if (cfg_->timeout > 0 && !conn->hasBatchOut() && conn->pendingOutput() == 0 &&
            now - conn->last_activity > idle_limit) {
            close(*conn, "idle timeout");
            continue;
        }
        // Memory comes back: empty buffers shrink at once when large, and to nothing once
        // the client has been quiet for a while.
        conn->shrinkBuffers(now - conn->last_activity > kIdleShrinkAfter ? 0 : kKeepBufferBytes);
    }
}

std::string ClientRegistry::describeClients(const ClientFilter& filter, uint64_t self_id,
                                            std::string_view self_cmd) {
    auto now = Connection::Clock::now();
    std::string local = cfg_->bind + ":" + std::to_string(stats_.tcp_port);
    std::string out;
    // Oldest first, as Redis lists them.
    std::vector<Connection*> list;
    for (const Slot& slot : slots_) {
        if (slot.conn) list.push_back(slot.conn.get());
    }
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

size_t ClientRegistry::killClients(const ClientFilter& filter, uint64_t self_id) {
    std::vector<ConnRef> victims;
    for (const Slot& slot : slots_) {
        const Connection* conn = slot.conn.get();
        if (conn == nullptr) continue;
        if (filter.id != 0 && conn->id() != filter.id) continue;
        if (!filter.addr.empty() && conn->peer() != filter.addr) continue;
        if (filter.skip_self && conn->id() == self_id) continue;
        victims.push_back(conn->ref());
    }
    for (const ConnRef ref : victims) {
        Connection* conn = find(ref);
        if (conn == nullptr) continue;
        if (conn->id() == self_id) {
            conn->setState(Connection::State::Closing);  // after this very reply
        } else {
            close(*conn, "killed by CLIENT KILL");
        }
    }
    return victims.size();
}

}  // namespace mini_redis
