// Counters behind INFO. Each field has one writer (named beside it); readers use relaxed loads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "command_stats.h"
#include "aof_status.h"
#include "rdb_status.h"

namespace mini_redis {

// One per worker, cache-line aligned so workers never share a line.
struct alignas(64) WorkerStats {
    std::atomic<uint64_t> batches{0};          // writer: the worker
    std::atomic<uint64_t> commands{0};         // writer: the worker
    std::atomic<uint64_t> keyspace_hits{0};    // writer: the worker
    std::atomic<uint64_t> keyspace_misses{0};  // writer: the worker
    std::atomic<int64_t> queued{0};  // batches waiting; writer: reactor (+) and worker (-)
    std::atomic<int64_t> load{0};    // the load heap's key; writer: reactor
    CommandStats per_command;        // INFO commandstats/latencystats; writer: the worker
    ErrorCounters errors;            // INFO errorstats; writer: the worker
};

// Start-up loading (the AOF or the RDB): -LOADING, INFO persistence's loading_* fields, the
// service manager's STATUS. Writer: the loader thread (`active` is also set by the reactor
// before the loader starts); readers: anyone.
struct LoadingStats {
    std::atomic<bool> active{false};
    std::atomic<int64_t> start_time{0};  // unix seconds
    std::atomic<uint64_t> total_bytes{0};
    std::atomic<uint64_t> loaded_bytes{0};

    // Percent done, as Redis prints loading_loaded_perc.
    double percent() const {
        uint64_t total = total_bytes.load(std::memory_order_relaxed);
        if (total == 0) return 0.0;
        return 100.0 * static_cast<double>(loaded_bytes.load(std::memory_order_relaxed)) /
               static_cast<double>(total);
    }
};

// Any thread may read; the writer of each field is named beside it.
struct ServerStats {
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();  // const
    int tcp_port = 0;                                      // const after start
    std::string config_file;                               // const after start
    std::atomic<uint64_t> connected_clients{0};            // writer: reactor
    std::atomic<uint64_t> total_connections{0};            // writer: reactor
    std::atomic<uint64_t> rejected_connections{0};         // writer: reactor
    std::atomic<uint64_t> net_input_bytes{0};              // writer: reactor
    std::atomic<uint64_t> net_output_bytes{0};             // writer: reactor
    std::atomic<uint64_t> ops_per_sec{0};                  // writer: reactor (sampler)
    std::atomic<uint64_t> used_memory_peak{0};             // writer: reactor (sampler)
    std::atomic<uint64_t> output_limit_disconnections{0};  // writer: reactor
    std::atomic<uint64_t> pubsub_channels{0};              // writer: reactor (INFO stats)
    std::atomic<uint64_t> pubsub_patterns{0};              // writer: reactor
    std::atomic<uint64_t> blocked_clients{0};              // writer: reactor
    std::atomic<uint64_t> clients_in_timeout_table{0};     // writer: reactor
    std::atomic<uint64_t> tracking_clients{0};             // writer: reactor
    std::atomic<uint64_t> tracking_prefixes{0};            // writer: reactor
    // Clients in MONITOR mode; workers build MONITOR lines only while it is nonzero (one
    // relaxed load per command when nobody monitors). Writer: reactor (ClientRegistry).
    std::atomic<uint32_t> monitors{0};
    std::vector<WorkerStats> workers;                      // sized once before start
    WorkerStats reactor;  // commands run on the reactor thread (CLIENT); writer: reactor
    RdbStatus rdb;        // INFO persistence's rdb_* fields and MISCONF; writer: reactor
    // Start-up loading (see LoadingStats).
    LoadingStats loading;
    AofStatus aof;  // INFO persistence's aof_* fields; writer: reactor

    explicit ServerStats(size_t worker_count) : workers(worker_count) {}

    uint64_t totalCommands() const {
        uint64_t n = 0;
        for (const auto& w : workers) n += w.commands.load(std::memory_order_relaxed);
        return n + reactor.commands.load(std::memory_order_relaxed);
    }
};

}  // namespace mini_redis
