// Wall-clock milliseconds for key expiry, replaceable in tests.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace mini_redis {

// Any thread. The store reads the time once per command (a lock scope), so every key a
// command touches is judged against the same instant, as Redis does.
class Clock {
  public:
    virtual ~Clock() = default;
    virtual int64_t nowMs() const {
        using namespace std::chrono;
        return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    }
    // The process's clock: real time.
    static const Clock& system() {
        static const Clock clock;
        return clock;
    }
};

// A clock that only moves when told to: for unit tests of expiry. Any thread.
class ManualClock : public Clock {
  public:
    explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}
    int64_t nowMs() const override { return now_.load(std::memory_order_relaxed); }
    void set(int64_t ms) { now_.store(ms, std::memory_order_relaxed); }
    void advance(int64_t ms) { now_.fetch_add(ms, std::memory_order_relaxed); }

  private:
    std::atomic<int64_t> now_;
};

}  // namespace mini_redis
