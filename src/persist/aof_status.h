// The AOF side of INFO persistence: what the append-only file is doing. Written on the reactor
// thread (AppendOnlyFile), read by any thread (INFO).
#pragma once

#include <atomic>
#include <cstdint>

namespace mini_redis {

class AofLog;

// Any thread may read (relaxed loads); the reactor thread writes.
struct AofStatus {
    std::atomic<bool> enabled{false};              // aof_enabled
    std::atomic<bool> rewrite_in_progress{false};  // aof_rewrite_in_progress
    std::atomic<bool> rewrite_scheduled{false};    // aof_rewrite_scheduled
    std::atomic<int64_t> last_rewrite_secs{-1};    // aof_last_rewrite_time_sec
    std::atomic<int64_t> rewrite_started_unix{-1};
    std::atomic<bool> last_rewrite_ok{true};       // aof_last_bgrewrite_status
    std::atomic<uint64_t> rewrites{0};             // aof_rewrites
    std::atomic<uint64_t> consecutive_failures{0};
    std::atomic<uint64_t> base_size{0};            // aof_base_size
    const AofLog* log = nullptr;  // set once before start: its own facts (thread-safe)
};

}  // namespace mini_redis
