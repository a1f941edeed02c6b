// SLOWLOG: the most recent commands that took longer than slowlog-log-slower-than.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mini_redis {

struct SlowLogEntry {
    uint64_t id = 0;
    int64_t unix_time = 0;          // seconds, when the command ran
    int64_t duration_us = 0;        // execution time
    std::vector<std::string> args;  // at most 32 arguments of at most 128 bytes, as Redis
    std::string peer;
    std::string client_name;
};

// Any thread: workers add, SLOWLOG reads and resets. Guarded by one mutex, taken only for
// commands that were already slow, and by the SLOWLOG command itself.
class SlowLog {
  public:
    void add(std::span<const std::string_view> argv, int64_t duration_us, const std::string& peer,
             const std::string& client_name, size_t max_len);
    // The newest `count` entries, newest first (all when count < 0).
    std::vector<SlowLogEntry> newest(int64_t count) const;
    size_t size() const;
    void reset();

  private:
    mutable std::mutex mu_;
    std::deque<SlowLogEntry> entries_;  // guarded by mu_; newest at the front
    uint64_t next_id_ = 0;              // guarded by mu_
};

}  // namespace mini_redis
