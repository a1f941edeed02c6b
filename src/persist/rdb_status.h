// The RDB side of INFO persistence and of MISCONF: what the last saves did. Written on the
// reactor thread (RdbService), read by any thread (INFO, the write gate).
#pragma once

#include <atomic>
#include <cstdint>

namespace mini_redis {

// Any thread may read (relaxed loads); the reactor thread writes.
struct RdbStatus {
    std::atomic<uint64_t> changes_at_save{0};  // Store::changes() that the last save covered
    std::atomic<int64_t> last_save_unix{0};    // rdb_last_save_time (LASTSAVE)
    std::atomic<bool> bgsave_in_progress{false};
    std::atomic<int64_t> bgsave_started_unix{-1};
    std::atomic<bool> last_bgsave_ok{true};     // rdb_last_bgsave_status
    std::atomic<int64_t> last_bgsave_secs{-1};  // rdb_last_bgsave_time_sec
    std::atomic<uint64_t> saves{0};             // rdb_saves
    std::atomic<uint64_t> last_load_keys{0};    // rdb_last_load_keys_loaded
};

}  // namespace mini_redis
