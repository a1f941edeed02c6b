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

// A pub/sub message as Redis 7.0 sends it: RESP2 an array, RESP3 a push frame;
// ["message", channel, payload] or ["pmessage", pattern, channel, payload].
void encodeMessage(std::string& out, int resp, std::string_view pattern, std::string_view channel,
                   std::string_view message) {
    Reply reply(out, resp);
    if (pattern.empty()) {
        reply.pushHeader(3);
        reply.bulk("message");
    } else {
        reply.pushHeader(4);
        reply.bulk("pmessage");
        reply.bulk(pattern);
    }
    reply.bulk(channel);
    reply.bulk(message);
}

// CLIENT TRACKING's invalidation: a RESP3 push, or for a RESP2 client (a REDIRECT target
// subscribed to __redis__:invalidate) a pub/sub message whose payload is the array of keys;
// null keys (a flush) mean "everything".
void encodeInvalidation(std::string& out, int resp, const std::vector<std::string>& keys,
                        bool everything) {
    Reply reply(out, resp);
    if (resp == 3) {
        reply.pushHeader(2);
        reply.bulk("invalidate");
    } else {
        reply.arrayHeader(3);
        reply.bulk("message");
        reply.bulk(ClientTracking::kInvalidateChannel);
    }
    if (everything) {
        resp == 3 ? reply.nil() : reply.nil();
        return;
    }
    reply.arrayHeader(keys.size());
    for (const std::string& k : keys) reply.bulk(k);
}

}  // namespace

ClientRegistry::ClientRegistry(EventLoop& loop, ReactorConfig& cfg, ServerStats& stats,
                               Store& store, EventHandler on_event)
    : loop_(loop),
      cfg_(cfg),
      stats_(stats),
      on_event_(std::move(on_event)),
      blocked_(store, loop),
      tracking_(*this, store, stats),
      pause_(loop) {}

Connection* ClientRegistry::findById(uint64_t id) {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : find(it->second);
}

void ClientRegistry::pushInvalidation(Connection& conn, std::vector<std::string> keys,
                                      bool everything) {
    if (!conn.push_flush_queued) {
        conn.push_flush_queued = true;
        pushed_.push_back(conn.ref());
    }
    if (conn.hasBatchOut()) {  // PUSH RULE: after the replies of what is out
        size_t bytes = 64;
        for (const std::string& k : keys) bytes += k.size() + 16;
        conn.held_push_bytes += bytes;
        Connection::HeldPush held;
        held.invalidation = true;
        held.everything = everything;
        held.keys = std::move(keys);
        conn.held_pushes.push_back(std::move(held));
        return;
    }
    std::string bytes;
    encodeInvalidation(bytes, conn.session().resp, keys, everything);
    conn.appendOutput(bytes);
}

bool ClientRegistry::unblockClient(uint64_t id, bool with_error) {
    return blocked_.requestEnd(id, with_error ? BlockedClients::End::Error
                                              : BlockedClients::End::Timeout);
}

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
    by_id_[id] = ref;
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
    if (subs_.countOf(ref) > 0) {  // a subscriber leaves nothing behind
        subs_.removeAll(ref);
        subscriptionsChanged();
    }
    blocked_.unblock(ref);  // a blocked client leaves its queues and the store's counts
    tracking_.left(conn.id(), conn.session().tracking);
    by_id_.erase(conn.id());
    if (conn.session().monitor) setMonitor(ref, false);
    if (pause_.anyHeld()) pause_.drop(ref);
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
        subs_.removeAll(ref);
        blocked_.unblock(ref);
        tracking_.left(slot.conn->id(), slot.conn->session().tracking);
        slot.conn.reset();
        if (++slot.generation == 0) slot.generation = 1;
        free_slots_.push_back(ref.slot);
    }
    live_ = 0;
    by_id_.clear();
    monitors_.clear();
    stats_.monitors.store(0, std::memory_order_relaxed);
    stats_.connected_clients.store(0, std::memory_order_relaxed);
    subscriptionsChanged();
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
    // Redis's classes: a subscribed client is judged by the pubsub limits, others by the
    // normal ones. Messages held while a batch is out count as output.
    const size_t pending = conn.pendingOutput() + conn.held_push_bytes;
    const bool pubsub = subs_.countOf(conn.ref()) > 0;
    const auto hard = static_cast<size_t>(pubsub ? cfg_->pubsub_output_hard_limit
                                                 : cfg_->output_hard_limit);
    const auto soft = static_cast<size_t>(pubsub ? cfg_->pubsub_output_soft_limit
                                                 : cfg_->output_soft_limit);
    const int64_t soft_seconds =
        pubsub ? cfg_->pubsub_output_soft_seconds : cfg_->output_soft_seconds;
    const char* reason = nullptr;
    if (hard > 0 && pending > hard) {
        reason = "output buffer hard limit reached";
    } else if (soft > 0 && pending > soft) {
        auto now = Connection::Clock::now();
        if (!conn.over_soft_limit_since) conn.over_soft_limit_since = now;
        if (now - *conn.over_soft_limit_since >= std::chrono::seconds(soft_seconds)) {
            reason = "output buffer soft limit exceeded for too long";
        }
    } else {
        conn.over_soft_limit_since.reset();
    }
    if (reason == nullptr) return true;
    LOG_NOTICE("client %llu (%s) disconnected: %s%s (%zu bytes unsent)",
               static_cast<unsigned long long>(conn.id()), conn.peer().c_str(), reason,
               pubsub ? " (pubsub class)" : "", pending);
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
        // A subscriber waits for messages, not requests: exempt, as in Redis.
        if (cfg_->timeout > 0 && !conn->hasBatchOut() &&
            conn->state() != Connection::State::Blocked && conn->pendingOutput() == 0 &&
            now - conn->last_activity > idle_limit && subs_.countOf(ref) == 0) {
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
                      " age=%lld idle=%lld flags=%s db=%d sub=%zu psub=%zu multi=-1 qbuf=%zu "
                      "obl=0 oll=0 omem=%zu events=r%s cmd=",
                      static_cast<long long>(age), static_cast<long long>(idle),
                      clientListFlags(s, conn->state() == Connection::State::Blocked).c_str(), s.db, subs_.channelCountOf(conn->ref()),
                      subs_.patternCountOf(conn->ref()), conn->queryBytes(), conn->pendingOutput(),
                      conn->pendingOutput() > 0 ? "w" : "");
        out += tail;
        out += cmd;
        out += " user=default redir=" +
               std::to_string(s.tracking.on ? static_cast<int64_t>(s.tracking.redirect) : -1) +
               " resp=" + std::to_string(s.resp) + " lib-name=" + s.lib_name +
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

size_t ClientRegistry::publish(std::string_view channel, std::string_view message) {
    // Encoded once per protocol (and per pattern), appended to every receiver in the order the
    // registry lists them. Everything runs on this thread in the publishers' request order, so
    // one publisher's messages reach each subscriber in publish order.
    std::string channel_bytes[2];
    std::string pattern_bytes[2];
    std::string_view encoded_pattern;
    return subs_.forEachReceiver(channel, [&](ConnRef ref, std::string_view pattern) {
        Connection* conn = find(ref);
        if (conn == nullptr) return;  // close() unsubscribes, so this does not happen
        if (!conn->push_flush_queued) {
            conn->push_flush_queued = true;
            pushed_.push_back(ref);
        }
        if (conn->hasBatchOut()) {  // PUSH RULE: after the replies of what is out
            Connection::HeldPush held;
            held.pattern = pattern;
            held.channel = channel;
            held.message = message;
            conn->held_pushes.push_back(std::move(held));
            conn->held_push_bytes += pattern.size() + channel.size() + message.size() + 48;
            return;
        }
        const int resp = conn->session().resp;
        if (pattern.data() != encoded_pattern.data()) {
            pattern_bytes[0].clear();
            pattern_bytes[1].clear();
            encoded_pattern = pattern;
        }
        std::string& bytes = (pattern.empty() ? channel_bytes : pattern_bytes)[resp == 3];
        if (bytes.empty()) encodeMessage(bytes, resp, pattern, channel, message);
        conn->appendOutput(bytes);
    });
}

void ClientRegistry::setMonitor(ConnRef ref, bool on) {
    auto it = std::find(monitors_.begin(), monitors_.end(), ref);
    if (on && it == monitors_.end()) monitors_.push_back(ref);
    if (!on && it != monitors_.end()) monitors_.erase(it);
    stats_.monitors.store(static_cast<uint32_t>(monitors_.size()), std::memory_order_relaxed);
}

void ClientRegistry::feedMonitors(std::string_view lines) {
    for (const ConnRef ref : monitors_) {
        Connection* conn = find(ref);
        if (conn == nullptr || conn->session().reply_off) continue;  // CLIENT REPLY OFF
        pushBytes(*conn, lines);
    }
}

void ClientRegistry::pushBytes(Connection& conn, std::string_view bytes) {
    if (!conn.push_flush_queued) {
        conn.push_flush_queued = true;
        pushed_.push_back(conn.ref());
    }
    if (conn.hasBatchOut()) {  // PUSH RULE: after the replies of what is out
        Connection::HeldPush held;
        held.message = std::string(bytes);
        held.raw = true;
        conn.held_pushes.push_back(std::move(held));
        conn.held_push_bytes += bytes.size();
    } else {
        conn.appendOutput(bytes);
    }
}

void ClientRegistry::releaseHeldPushes(Connection& conn) {
    if (conn.held_pushes.empty()) return;
    std::string bytes;
    for (const Connection::HeldPush& p : conn.held_pushes) {
        if (p.invalidation) {
            encodeInvalidation(bytes, conn.session().resp, p.keys, p.everything);
        } else if (p.raw) {
            bytes += p.message;
        } else {
            encodeMessage(bytes, conn.session().resp, p.pattern, p.channel, p.message);
        }
    }
    conn.held_pushes.clear();
    conn.held_push_bytes = 0;
    conn.appendOutput(bytes);
}

std::vector<ConnRef> ClientRegistry::takePushed() {
    std::vector<ConnRef> out;
    out.swap(pushed_);
    for (ConnRef ref : out) {
        if (Connection* conn = find(ref)) conn->push_flush_queued = false;
    }
    return out;
}

void ClientRegistry::subscriptionsChanged() {
    stats_.pubsub_channels.store(subs_.channelCount(), std::memory_order_relaxed);
    stats_.pubsub_patterns.store(subs_.patternCount(), std::memory_order_relaxed);
}

}  // namespace mini_redis
