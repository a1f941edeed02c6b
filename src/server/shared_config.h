// The running configuration, swappable as a whole (CONFIG SET, reload) and read as snapshots.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "config.h"

namespace mini_redis {

// Any thread. Readers take a snapshot (a shared_ptr copy under a short lock) and keep it for
// the duration of their work; writers replace the whole Config, never edit it in place.
class SharedConfig {
  public:
    explicit SharedConfig(Config initial)
        : current_(std::make_shared<const Config>(std::move(initial))), version_(nextVersion()) {}

    std::shared_ptr<const Config> get() const {
        std::lock_guard lock(mu_);
        return current_;
    }
    void replace(Config next) {
        auto fresh = std::make_shared<const Config>(std::move(next));
        std::lock_guard lock(mu_);
        current_.swap(fresh);
        version_.store(nextVersion(), std::memory_order_release);
    }
    // Changes on every update, and is unique across all SharedConfig objects in the process,
    // so a reader can cache a snapshot keyed by version alone and check it with one load.
    uint64_t version() const { return version_.load(std::memory_order_acquire); }

    // Read-modify-replace under the lock, so concurrent updates never lose each other.
    // `edit(Config&)` returns an error to abandon the change.
    template <class Edit>
    std::optional<std::string> update(Edit&& edit) {
        std::lock_guard lock(mu_);
        Config next = *current_;
        if (auto err = edit(next)) return err;
        current_ = std::make_shared<const Config>(std::move(next));
        version_.store(nextVersion(), std::memory_order_release);
        return std::nullopt;
    }

  private:
    static uint64_t nextVersion() {
        static std::atomic<uint64_t> counter{1};
        return counter.fetch_add(1, std::memory_order_relaxed);
    }

    mutable std::mutex mu_;
    std::shared_ptr<const Config> current_;  // guarded by mu_
    std::atomic<uint64_t> version_;
};

}  // namespace mini_redis
