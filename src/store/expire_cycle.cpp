// The active expire cycle's thread and its time-bounded pass over the shards.
#include "expire_cycle.h"

#include <pthread.h>
#include <time.h>

#include <chrono>

namespace mini_redis {

namespace {
constexpr size_t kSamplesPerStep = 20;
constexpr int kBudgetPercent = 25;

int64_t threadCpuUs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}
}  // namespace

void ExpireCycle::start() {
    thread_ = std::thread([this] {
        pthread_setname_np(pthread_self(), "expire-cycle");
        loop();
    });
}

void ExpireCycle::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void ExpireCycle::loop() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
        const int64_t hz = std::max<int64_t>(config_.get()->hz, 1);
        const auto period = std::chrono::microseconds(1000000 / hz);
        wake_.wait_for(lock, period, [this] { return stopping_; });
        if (stopping_) break;
        lock.unlock();
        runOnce(1000000 / hz * kBudgetPercent / 100);
        lock.lock();
    }
}

size_t ExpireCycle::runOnce(int64_t budget_us) {
    // CLIENT PAUSE, or the AOF being loaded: nothing expires meanwhile.
    if (store_.expiryPaused() || store_.loading()) return 0;
    const int64_t started = threadCpuUs();
    const size_t shards = store_.shardCount();
    size_t expired = 0, sampled = 0;
    size_t visited = 0;
    while (visited < shards) {
        const size_t shard = next_shard_;
        Store::ExpireStep step;
        do {
            step = store_.expireStep(shard, kSamplesPerStep);
            sampled += step.sampled;
            expired += step.expired;
            // Keep at this shard while more than a quarter of its sample had expired.
        } while (step.sampled > 0 && step.expired * 4 > step.sampled &&
                 threadCpuUs() - started < budget_us);
        next_shard_ = (next_shard_ + 1) % shards;
        ++visited;
        if (threadCpuUs() - started >= budget_us) {
            store_.expireStats().time_cap_reached.fetch_add(1, std::memory_order_relaxed);
            break;
        }
    }
    ExpireStats& stats = store_.expireStats();
    stats.cycle_cpu_us.fetch_add(static_cast<uint64_t>(threadCpuUs() - started),
                                 std::memory_order_relaxed);
    stats.cycles.fetch_add(1, std::memory_order_relaxed);
    if (sampled > 0) {
        // Redis's expired_stale_perc: a running estimate of the share of TTL keys already stale.
        const double current = static_cast<double>(expired) / static_cast<double>(sampled);
        stale_estimate_ = current * 0.05 + stale_estimate_ * 0.95;
        stats.stale_perc_x100.store(static_cast<uint64_t>(stale_estimate_ * 10000),
                                    std::memory_order_relaxed);
    }
    return expired;
}

}  // namespace mini_redis
