// Blocked clients' queues, timeouts and the store's counts (the WAKE-UP and SERVING RULES are
// in blocked_clients.h).
#include "blocked_clients.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cstring>

#include "lock_scope.h"

namespace mini_redis {

BlockedClients::BlockedClients(Store& store, EventLoop& loop) : store_(store), loop_(loop) {}

BlockedClients::~BlockedClients() {
    for (auto& [id, w] : waiters_) {
        if (w.timer != 0) loop_.cancel(w.timer);
        removeCounts(w, w.keys);
    }
}

std::string BlockedClients::queueKey(int db, std::string_view key) {
    std::string out(sizeof db, '\0');
    std::memcpy(out.data(), &db, sizeof db);
    out.append(key);
    return out;
}

std::vector<size_t> BlockedClients::addCounts(const Waiter& w, std::span<const std::string> keys) {
    std::vector<std::string_view> views(keys.begin(), keys.end());
    LockScope scope(store_);
    scope.lockKeys(views);
    std::vector<size_t> ready;
    for (size_t i = 0; i < views.size(); ++i) {
        scope.addBlocked(w.db, views[i]);
        if (scope.find(w.db, views[i], w.type)) ready.push_back(i);
    }
    return ready;
}

void BlockedClients::removeCounts(const Waiter& w, std::span<const std::string> keys) {
    std::vector<std::string_view> views(keys.begin(), keys.end());
    LockScope scope(store_);
    scope.lockKeys(views);
    for (std::string_view k : views) scope.removeBlocked(w.db, k);
}

void BlockedClients::block(ConnRef ref, uint64_t client_id, const BlockRequest& req, uint32_t at) {
    assert(!isBlocked(ref));
    Waiter& w = waiters_[pack(ref)];
    w.db = req.db;
    w.type = req.type;
    w.client_id = client_id;
    w.at = at;
    w.keys = req.keys;
    for (const std::string& k : req.keys) {
        w.qkeys.push_back(queueKey(req.db, k));
        Queue& q = queues_[w.qkeys.back()];
        w.pos.push_back(q.waiters.insert(q.waiters.end(), ref));
    }
    by_id_[client_id] = ref;
    if (req.deadline_ms != 0) {
        const int64_t left = std::max<int64_t>(0, req.deadline_ms - store_.clock().nowMs());
        // A deadline centuries away (a huge timeout) is forever: no timer.
        if (left < int64_t{1} << 40) {
            w.timer = loop_.runAfter(std::chrono::milliseconds(left), [this, ref] {
                auto it = waiters_.find(pack(ref));
                if (it == waiters_.end()) return;
                it->second.timer = 0;
                --with_timeout_;
                if (it->second.in_flight) {
                    if (it->second.pending == End::None) it->second.pending = End::Timeout;
                    return;
                }
                if (on_end_) on_end_(ref, End::Timeout);
            });
            ++with_timeout_;
        }
    }
    for (size_t i : addCounts(w, w.keys)) {
        Queue& q = queues_[w.qkeys[i]];
        if (q.serving.valid()) {
            q.ready = true;
            q.ready_type = w.type;
        } else {
            serve(q, w.type);
        }
    }
}

uint32_t BlockedClients::position(ConnRef ref) const {
    auto it = waiters_.find(pack(ref));
    assert(it != waiters_.end());
    return it == waiters_.end() ? 0 : it->second.at;
}

bool BlockedClients::findById(uint64_t client_id, ConnRef& out) const {
    auto it = by_id_.find(client_id);
    if (it == by_id_.end()) return false;
    out = it->second;
    return true;
}

void BlockedClients::serve(Queue& q, ValueType type) {
    q.ready = false;
    for (ConnRef r : q.waiters) {
        Waiter& w = waiters_.at(pack(r));
        if (w.type != type) continue;  // BLPOP and BZPOPMIN on one name: the other's turn
        if (w.in_flight) {             // being tried for another key: its turn comes back
            q.ready = true;
            q.ready_type = type;
            continue;
        }
        q.serving = r;
        w.in_flight = true;
        if (std::find(retry_.begin(), retry_.end(), r) == retry_.end()) retry_.push_back(r);
        return;
    }
}

void BlockedClients::keyReady(const ReadyKey& key) {
    auto it = queues_.find(queueKey(key.db, key.key));
    if (it == queues_.end()) return;  // nobody waits any more
    Queue& q = it->second;
    if (q.serving.valid()) {
        q.ready = true;
        q.ready_type = key.type;
        return;
    }
    serve(q, key.type);
}

void BlockedClients::reserve(const std::vector<std::string>& qkeys, ConnRef ref) {
    for (const std::string& qk : qkeys) {
        auto it = queues_.find(qk);
        if (it == queues_.end()) continue;
        Queue& q = it->second;
        if (q.serving == ref) q.serving = {};
        if (q.ready && !q.serving.valid()) serve(q, q.ready_type);
    }
}

BlockedClients::End BlockedClients::retryDone(ConnRef ref, bool still_blocked) {
    auto it = waiters_.find(pack(ref));
    assert(it != waiters_.end());
    if (it == waiters_.end()) return End::None;
    Waiter& w = it->second;
    w.in_flight = false;
    const End pending = w.pending;
    w.pending = End::None;
    if (!still_blocked) {
        unblock(ref);
        return End::None;
    }
    if (pending != End::None) return pending;  // the caller ends it (unblock() serves on)
    reserve(w.qkeys, ref);
    return End::None;
}

bool BlockedClients::requestEnd(uint64_t client_id, End end) {
    auto id = by_id_.find(client_id);
    if (id == by_id_.end()) return false;
    const ConnRef ref = id->second;
    Waiter& w = waiters_.at(pack(ref));
    if (w.in_flight) {
        w.pending = end;  // retryDone() reports it, unless the retry was served
    } else if (on_end_) {
        on_end_(ref, end);
    }
    return true;
}

void BlockedClients::unblock(ConnRef ref) {
    auto it = waiters_.find(pack(ref));
    if (it == waiters_.end()) return;
    Waiter w = std::move(it->second);
    waiters_.erase(it);
    by_id_.erase(w.client_id);
    if (w.timer != 0) {
        loop_.cancel(w.timer);
        --with_timeout_;
    }
    removeCounts(w, w.keys);
    for (size_t i = 0; i < w.qkeys.size(); ++i) {
        auto qit = queues_.find(w.qkeys[i]);
        assert(qit != queues_.end());
        qit->second.waiters.erase(w.pos[i]);
    }
    reserve(w.qkeys, ref);
    for (const std::string& qk : w.qkeys) {
        auto qit = queues_.find(qk);
        if (qit != queues_.end() && qit->second.waiters.empty()) queues_.erase(qit);
    }
}

}  // namespace mini_redis
