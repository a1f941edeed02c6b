// Wall-clock milliseconds for key expiry, replaceable in tests.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace mini_redis {

// Any thread. The store reads the time once per command (a lock scope), so every key a
// command touches is judged against the same instant, as Redis does.
//
// Not virtual: a test clock is a Clock whose reading comes from a counter it owns. So the
// server's clock read is a plain call (no virtual dispatch on the hot path), and UBSan's
// vptr check, which probes memory with a pipe and misfires when the process is out of file
// descriptors, has nothing to check.
class Clock {
  public:
    Clock() = default;
    Clock(const Clock&) = delete;
    Clock& operator=(const Clock&) = delete;

    int64_t nowMs() const {
        if (manual_ != nullptr) return manual_->load(std::memory_order_relaxed);
        using namespace std::chrono;
        return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    }
    // The process's clock: real time.
    static const Clock& system() {
        static const Clock clock;
        return clock;
    }

  protected:
    explicit Clock(const std::atomic<int64_t>* manual) : manual_(manual) {}

  private:
    const std::atomic<int64_t>* manual_ = nullptr;  // set only by ManualClock
};

// A clock that only moves when told to: for unit tests of expiry. Any thread.
class ManualClock : public Clock {
  public:
    explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : Clock(&now_), now_(start_ms) {}
    void set(int64_t ms) { now_.store(ms, std::memory_order_relaxed); }
    void advance(int64_t ms) { now_.fetch_add(ms, std::memory_order_relaxed); }

  private:
    std::atomic<int64_t> now_;
};

}  // namespace mini_redis
