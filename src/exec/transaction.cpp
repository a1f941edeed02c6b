// MULTI queue and WATCH bookkeeping.
#include "transaction.h"

#include "lock_scope.h"

namespace mini_redis {

Transaction::~Transaction() {
    unwatchAll();
}

void Transaction::queue(std::span<const std::string_view> argv) {
    std::vector<std::string>& req = queued_.emplace_back();
    req.reserve(argv.size());
    for (std::string_view a : argv) req.emplace_back(a);
}

void Transaction::watch(LockScope& scope, int db, std::string_view key) {
    for (const auto& [wdb, wkey] : watched_) {
        if (wdb == db && wkey == key) return;
    }
    if (!flag_) flag_ = std::make_shared<WatchFlag>();
    // A key that has already expired counts as absent from now on: look it up (lazily
    // expiring it) before registering, so its deletion does not fail this transaction.
    scope.find(db, key);
    scope.watch(db, key, flag_);
    watched_.emplace_back(db, std::string(key));
}

void Transaction::unwatchAll(LockScope* scope) {
    if (watched_.empty()) {
        flag_.reset();
        return;
    }
    if (scope != nullptr) {
        for (const auto& [db, key] : watched_) scope->unwatch(db, key, flag_);
    } else {
        std::vector<std::string_view> keys;
        keys.reserve(watched_.size());
        for (const auto& w : watched_) keys.push_back(w.second);
        LockScope own(store_);
        own.lockKeys(keys);
        for (const auto& [db, key] : watched_) own.unwatch(db, key, flag_);
    }
    watched_.clear();
    flag_.reset();
}

void Transaction::reset(LockScope* scope) {
    in_multi_ = false;
    aborted_ = false;
    holds_reactor_ = false;
    holds_write_ = false;
    queued_.clear();
    queued_.shrink_to_fit();
    unwatchAll(scope);
}

}  // namespace mini_redis
