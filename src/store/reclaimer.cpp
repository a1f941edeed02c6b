// The lazy-free thread: a mutex-guarded queue (values arrive rarely: only big ones come here).
#include "reclaimer.h"

namespace mini_redis {

Reclaimer::Reclaimer() : thread_([this] { run(); }) {}

Reclaimer::~Reclaimer() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void Reclaimer::give(Collection* c) {
    pending_.fetch_add(1, std::memory_order_relaxed);
    {
        std::lock_guard<std::mutex> lock(mu_);
        queue_.push_back(c);
    }
    wake_.notify_one();
}

void Reclaimer::drain() {
    std::unique_lock<std::mutex> lock(mu_);
    idle_.wait(lock, [this] { return pending_.load(std::memory_order_relaxed) == 0; });
}

void Reclaimer::run() {
    std::vector<Collection*> batch;
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
        wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
        if (queue_.empty() && stop_) return;
        batch.swap(queue_);
        lock.unlock();
        for (Collection* c : batch) {
            delete c;
            freed_.fetch_add(1, std::memory_order_relaxed);
            pending_.fetch_sub(1, std::memory_order_relaxed);
        }
        batch.clear();
        lock.lock();
        if (queue_.empty()) idle_.notify_all();
    }
}

}  // namespace mini_redis
