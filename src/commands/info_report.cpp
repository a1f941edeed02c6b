// INFO's sections, field by field as Redis 7.0 prints them. Fields for features mini-redis
// does not have (persistence, replication, scripting, ...) keep Redis's names with the values
// a Redis without them would show, so exporters and tools read them unchanged.
#include "info_report.h"

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "allocator.h"
#include "aof_log.h"
#include "build_config.h"
#include "command_args.h"
#include "command_context.h"
#include "info_sections.h"
#include "process_facts.h"

namespace mini_redis {

using namespace info;

namespace {

// Reads the store's counters for INFO. STORE V2: wire the fields below to the new store's
// methods (dbSize(0), dbExpires(0), dbAvgTtl(0), expiredKeys(), expiredStalePerc(),
// expiredTimeCapReachedCount(), expireCycleCpuMilliseconds(), dirty()); until keys expire and
// changes are counted, those read 0.
StoreFacts storeFacts(const Store& store) {
    StoreFacts f;
    f.keys = store.size();
    f.used_bytes = store.usedBytes();
    for (int db = 0; db < store.databases(); ++db) {
        const size_t keys = store.dbSize(db);
        if (keys == 0) continue;  // Redis lists only databases that hold keys
        f.dbs.push_back({db, keys, store.dbExpires(db), store.dbAvgTtl(db)});
    }
    const ExpireStats& es = store.expireStats();
    f.expired_keys = store.expiredKeys();
    f.tracked_keys = store.trackedKeys();
    f.expired_stale_perc = static_cast<double>(es.stale_perc_x100.load()) / 100.0;
    f.expired_time_cap_reached = es.time_cap_reached.load();
    f.expire_cycle_cpu_ms = es.cycle_cpu_us.load() / 1000;
    f.dirty = store.changes();
    f.lazyfree_pending = store.reclaimer().pending();
    f.lazyfreed = store.reclaimer().freed();
    return f;
}

// One bit per section, in output order.
constexpr unsigned kServer = 1u << 0, kClients = 1u << 1, kMemory = 1u << 2, kPersistence = 1u << 3,
                   kStats = 1u << 4, kReplication = 1u << 5, kCpu = 1u << 6, kModules = 1u << 7,
                   kCommandstats = 1u << 8, kErrorstats = 1u << 9, kLatencystats = 1u << 10,
                   kCluster = 1u << 11, kKeyspace = 1u << 12,
                   kWorkers = 1u << 13;  // workers: mini-redis's own

constexpr std::pair<std::string_view, unsigned> kSectionNames[] = {
    {"server", 1u << 0},      {"clients", 1u << 1},       {"memory", 1u << 2},
    {"persistence", 1u << 3}, {"stats", 1u << 4},         {"replication", 1u << 5},
    {"cpu", 1u << 6},         {"modules", 1u << 7},       {"commandstats", 1u << 8},
    {"errorstats", 1u << 9},  {"latencystats", 1u << 10}, {"cluster", 1u << 11},
    {"keyspace", 1u << 12},   {"workers", 1u << 13},
};

// INFO and INFO default: Redis's default sections (no commandstats, latencystats), plus ours.
constexpr unsigned kDefaultSections = (1u << 14) - 1 - (1u << 8) - (1u << 10);
constexpr unsigned kAllSections = (1u << 14) - 1;

}  // namespace

InfoReport::InfoReport(CommandContext& ctx) : ctx_(ctx), facts_(storeFacts(ctx.store)) {}

unsigned InfoReport::selected(std::span<const std::string_view> args) {
    if (args.empty()) return kDefaultSections;
    unsigned bits = 0;
    for (std::string_view a : args) {
        if (equalsNoCase(a, "default")) {
            bits |= kDefaultSections;
        } else if (equalsNoCase(a, "all") || equalsNoCase(a, "everything")) {
            bits |= kAllSections;  // no modules: "everything" adds nothing to "all"
        } else {
            for (const auto& [name, bit] : kSectionNames) {
                if (equalsNoCase(a, name)) bits |= bit;
            }
        }
    }
    return bits;
}

std::string InfoReport::build(std::span<const std::string_view> args) {
    const unsigned bits = selected(args);
    std::string out;
    auto section = [&](unsigned bit, const char* title, void (InfoReport::*fill)(std::string&)) {
        if (!(bits & bit)) return;
        if (!out.empty()) out += "\r\n";  // a blank line between sections, none after the last
        out += "# ";
        out += title;
        out += "\r\n";
        if (fill != nullptr) (this->*fill)(out);
    };
    section(kServer, "Server", &InfoReport::server);
    section(kClients, "Clients", &InfoReport::clients);
    section(kMemory, "Memory", &InfoReport::memory);
    section(kPersistence, "Persistence", &InfoReport::persistence);
    section(kStats, "Stats", &InfoReport::stats);
    section(kReplication, "Replication", &InfoReport::replication);
    section(kCpu, "CPU", &InfoReport::cpu);
    section(kModules, "Modules", nullptr);
    section(kCommandstats, "Commandstats", &InfoReport::commandstats);
    section(kErrorstats, "Errorstats", &InfoReport::errorstats);
    section(kLatencystats, "Latencystats", &InfoReport::latencystats);
    section(kCluster, "Cluster", &InfoReport::cluster);
    section(kKeyspace, "Keyspace", &InfoReport::keyspace);
    section(kWorkers, "Workers", &InfoReport::workers);
    return out;
}

void InfoReport::server(std::string& out) {
    const ServerStats& st = ctx_.stats;
    const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::steady_clock::now() - st.started)
                            .count();
    const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    utsname u{};
    uname(&u);
    char exe[4096];
    ssize_t exe_len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    field(out, "redis_version", kRedisVersion);
    field(out, "redis_git_sha1", "00000000");
    field(out, "redis_git_dirty", "0");
    field(out, "redis_build_id", "0");
    field(out, "redis_mode", "standalone");
    field(out, "os", std::string(u.sysname) + " " + u.release + " " + u.machine);
    field(out, "arch_bits", static_cast<uint64_t>(sizeof(void*) * 8));
    field(out, "monotonic_clock", "POSIX clock_gettime");
    field(out, "multiplexing_api", "epoll");
    field(out, "atomicvar_api", "c11-builtin");
    field(out, "gcc_version",
          std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
              std::to_string(__GNUC_PATCHLEVEL__));
    field(out, "process_id", static_cast<uint64_t>(getpid()));
    field(out, "process_supervised", std::getenv("NOTIFY_SOCKET") ? "systemd" : "no");
    field(out, "run_id", process::runId());
    field(out, "tcp_port", static_cast<uint64_t>(st.tcp_port));
    fieldInt(out, "server_time_usec", now_us);
    field(out, "uptime_in_seconds", static_cast<uint64_t>(uptime));
    field(out, "uptime_in_days", static_cast<uint64_t>(uptime / 86400));
    field(out, "hz", "10");  // the reactor's 100 ms cron
    field(out, "configured_hz", "10");
    field(out, "lru_clock", static_cast<uint64_t>((now_us / 1000000) & ((1 << 24) - 1)));
    field(out, "executable",
          exe_len > 0 ? std::string_view(exe, static_cast<size_t>(exe_len)) : std::string_view());
    field(out, "config_file", st.config_file);
    field(out, "io_threads_active", "0");
    // mini-redis's own
    field(out, "mini_redis_version", MINI_REDIS_VERSION);
    field(out, "worker_threads", static_cast<uint64_t>(st.workers.size()));
}

void InfoReport::clients(std::string& out) {
    field(out, "connected_clients", ctx_.stats.connected_clients.load());
    field(out, "cluster_connections", "0");
    field(out, "maxclients", static_cast<uint64_t>(ctx_.config.maxclients));
    field(out, "client_recent_max_input_buffer", "0");   // not tracked
    field(out, "client_recent_max_output_buffer", "0");  // not tracked
    field(out, "blocked_clients", ctx_.stats.blocked_clients.load());
    field(out, "tracking_clients", ctx_.stats.tracking_clients.load());
    field(out, "clients_in_timeout_table", ctx_.stats.clients_in_timeout_table.load());
}

void InfoReport::memory(std::string& out) {
    const ServerStats& st = ctx_.stats;
    const uint64_t used = facts_.used_bytes;
    const uint64_t rss = process::rssBytes();
    const uint64_t peak = std::max<uint64_t>(st.used_memory_peak.load(), used);
    const uint64_t system = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) *
                            static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
    const auto maxmemory = uint64_t{0};
    field(out, "used_memory", used);
    field(out, "used_memory_human", process::human(used));
    field(out, "used_memory_rss", rss);
    field(out, "used_memory_rss_human", process::human(rss));
    field(out, "used_memory_peak", peak);
    field(out, "used_memory_peak_human", process::human(peak));
    fieldFixed(out, "used_memory_peak_perc",
               peak == 0 ? 0.0 : 100.0 * static_cast<double>(used) / static_cast<double>(peak), 2,
               "%");
    // used_memory counts the store alone, so there is no overhead or start-up share in it.
    field(out, "used_memory_overhead", "0");
    field(out, "used_memory_startup", "0");
    field(out, "used_memory_dataset", used);
    fieldFixed(out, "used_memory_dataset_perc", used == 0 ? 0.0 : 100.0, 2, "%");
    // The allocator's own statistics are not read (Redis with libc malloc has none either).
    field(out, "allocator_allocated", "0");
    field(out, "allocator_active", "0");
    field(out, "allocator_resident", "0");
    field(out, "total_system_memory", system);
    field(out, "total_system_memory_human", process::human(system));
    // No scripting, no functions.
    for (const char* name : {"used_memory_lua", "used_memory_vm_eval"}) field(out, name, "0");
    field(out, "used_memory_lua_human", "0B");
    for (const char* name :
         {"used_memory_scripts_eval", "number_of_cached_scripts", "number_of_functions",
          "number_of_libraries", "used_memory_vm_functions", "used_memory_vm_total"}) {
        field(out, name, "0");
    }
    field(out, "used_memory_vm_total_human", "0B");
    field(out, "used_memory_functions", "0");
    field(out, "used_memory_scripts", "0");
    field(out, "used_memory_scripts_human", "0B");
    field(out, "maxmemory", maxmemory);
    field(out, "maxmemory_human", process::human(maxmemory));
    field(out, "maxmemory_policy", "noeviction");
    fieldFixed(out, "allocator_frag_ratio", 0.0);
    field(out, "allocator_frag_bytes", "0");
    fieldFixed(out, "allocator_rss_ratio", 0.0);
    field(out, "allocator_rss_bytes", "0");
    fieldFixed(out, "rss_overhead_ratio", 0.0);
    field(out, "rss_overhead_bytes", "0");
    // Redis's formula, RSS over used_memory, so above 1 means memory the allocator holds
    // beyond what the store uses. Our used_memory counts the store alone (Redis's counts
    // every allocation), so a nearly empty server reads high, as Redis does at start-up;
    // with nothing stored the ratio is undefined and reads 0.00.
    fieldFixed(out, "mem_fragmentation_ratio",
               used == 0 ? 0.0 : static_cast<double>(rss) / static_cast<double>(used));
    fieldInt(out, "mem_fragmentation_bytes",
             static_cast<int64_t>(rss) - static_cast<int64_t>(used));
    for (const char* name :
         {"mem_not_counted_for_evict", "mem_replication_backlog", "mem_total_replication_buffers",
          "mem_clients_slaves", "mem_clients_normal", "mem_cluster_links", "mem_aof_buffer"}) {
        field(out, name, "0");
    }
    field(out, "mem_allocator", allocator::name());
    field(out, "active_defrag_running", "0");
    fieldInt(out, "lazyfree_pending_objects", static_cast<int64_t>(facts_.lazyfree_pending));
    fieldInt(out, "lazyfreed_objects", static_cast<int64_t>(facts_.lazyfreed));
}

void InfoReport::persistence(std::string& out) {
    // The RDB fields from RdbStatus (persist/rdb_status.h), the AOF's from AofStatus
    // (persist/aof_status.h) and its log, loading from LoadingStats.
    const RdbStatus& rdb = ctx_.stats.rdb;
    const AofStatus& aof = ctx_.stats.aof;
    const auto relaxed = std::memory_order_relaxed;
    const int64_t now_unix = static_cast<int64_t>(std::time(nullptr));
    const int64_t bgsave_started = rdb.bgsave_started_unix.load(relaxed);
    const LoadingStats& loading = ctx_.stats.loading;
    const bool is_loading = loading.active.load(relaxed);
    field(out, "loading", is_loading ? "1" : "0");
    for (const char* name :
         {"async_loading", "current_cow_peak", "current_cow_size", "current_cow_size_age"}) {
        field(out, name, "0");
    }
    field(out, "current_fork_perc", "0.00");
    field(out, "current_save_keys_processed", "0");
    field(out, "current_save_keys_total", "0");
    fieldInt(out, "rdb_changes_since_last_save",
             static_cast<int64_t>(facts_.dirty - rdb.changes_at_save.load(relaxed)));
    field(out, "rdb_bgsave_in_progress", rdb.bgsave_in_progress.load(relaxed) ? "1" : "0");
    fieldInt(out, "rdb_last_save_time", rdb.last_save_unix.load(relaxed));
    field(out, "rdb_last_bgsave_status", rdb.last_bgsave_ok.load(relaxed) ? "ok" : "err");
    fieldInt(out, "rdb_last_bgsave_time_sec", rdb.last_bgsave_secs.load(relaxed));
    fieldInt(out, "rdb_current_bgsave_time_sec",
             bgsave_started < 0 ? -1 : now_unix - bgsave_started);
    fieldInt(out, "rdb_saves", static_cast<int64_t>(rdb.saves.load(relaxed)));
    field(out, "rdb_last_cow_size", "0");
    field(out, "rdb_last_load_keys_expired", "0");
    fieldInt(out, "rdb_last_load_keys_loaded", static_cast<int64_t>(rdb.last_load_keys.load(relaxed)));
    const bool aof_on = aof.enabled.load(relaxed);
    const int64_t rewrite_started = aof.rewrite_started_unix.load(relaxed);
    field(out, "aof_enabled", aof_on ? "1" : "0");
    field(out, "aof_rewrite_in_progress", aof.rewrite_in_progress.load(relaxed) ? "1" : "0");
    field(out, "aof_rewrite_scheduled", aof.rewrite_scheduled.load(relaxed) ? "1" : "0");
    fieldInt(out, "aof_last_rewrite_time_sec", aof.last_rewrite_secs.load(relaxed));
    fieldInt(out, "aof_current_rewrite_time_sec",
             rewrite_started < 0 ? -1 : now_unix - rewrite_started);
    field(out, "aof_last_bgrewrite_status", aof.last_rewrite_ok.load(relaxed) ? "ok" : "err");
    fieldInt(out, "aof_rewrites", static_cast<int64_t>(aof.rewrites.load(relaxed)));
    fieldInt(out, "aof_rewrites_consecutive_failures",
             static_cast<int64_t>(aof.consecutive_failures.load(relaxed)));
    const bool write_ok = aof.log == nullptr || aof.log->writeError() == 0;
    field(out, "aof_last_write_status", write_ok ? "ok" : "err");
    field(out, "aof_last_cow_size", "0");
    field(out, "module_fork_in_progress", "0");
    field(out, "module_fork_last_cow_size", "0");
    if (aof_on && aof.log != nullptr) {  // as Redis: only while the AOF is on
        const AofLog::Facts f = aof.log->facts();
        const uint64_t base = aof.base_size.load(relaxed);
        fieldInt(out, "aof_current_size", static_cast<int64_t>(base + f.file_bytes));
        fieldInt(out, "aof_base_size", static_cast<int64_t>(base));
        field(out, "aof_pending_rewrite", aof.rewrite_scheduled.load(relaxed) ? "1" : "0");
        fieldInt(out, "aof_buffer_length", static_cast<int64_t>(f.buffer_bytes));
        field(out, "aof_pending_bio_fsync", f.fsync_pending ? "1" : "0");
        field(out, "aof_delayed_fsync", "0");
    }
    if (is_loading) {  // as Redis: only while loading, at the end of the section
        const int64_t start = loading.start_time.load(std::memory_order_relaxed);
        const uint64_t total = loading.total_bytes.load(std::memory_order_relaxed);
        const uint64_t done = loading.loaded_bytes.load(std::memory_order_relaxed);
        const int64_t now_unix = std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
        const int64_t elapsed = std::max<int64_t>(now_unix - start, 0);
        // Redis's estimate: the time so far, scaled by what is left over what is done.
        const int64_t eta =
            done == 0 ? 1
                      : static_cast<int64_t>(static_cast<double>(elapsed) *
                                             static_cast<double>(total > done ? total - done : 0) /
                                             static_cast<double>(done));
        fieldInt(out, "loading_start_time", start);
        field(out, "loading_total_bytes", total);
        field(out, "loading_rdb_used_mem", "0");
        field(out, "loading_loaded_bytes", done);
        fieldFixed(out, "loading_loaded_perc", loading.percent());
        fieldInt(out, "loading_eta_seconds", eta);
    }
}

void InfoReport::stats(std::string& out) {
    const ServerStats& st = ctx_.stats;
    uint64_t hits = 0, misses = 0, errors = 0;
    forEachWriter(st, [&](const WorkerStats& w) {
        hits += w.keyspace_hits.load(std::memory_order_relaxed);
        misses += w.keyspace_misses.load(std::memory_order_relaxed);
        errors += w.errors.total();
    });
    field(out, "total_connections_received", st.total_connections.load());
    field(out, "total_commands_processed", st.totalCommands());
    field(out, "instantaneous_ops_per_sec", st.ops_per_sec.load());
    field(out, "total_net_input_bytes", st.net_input_bytes.load());
    field(out, "total_net_output_bytes", st.net_output_bytes.load());
    field(out, "total_net_repl_input_bytes", "0");
    field(out, "total_net_repl_output_bytes", "0");
    // Not sampled (the reactor samples ops/s only).
    for (const char* name : {"instantaneous_input_kbps", "instantaneous_output_kbps",
                             "instantaneous_input_repl_kbps", "instantaneous_output_repl_kbps"}) {
        field(out, name, "0.00");
    }
    field(out, "rejected_connections", st.rejected_connections.load());
    for (const char* name : {"sync_full", "sync_partial_ok", "sync_partial_err"}) {
        field(out, name, "0");
    }
    field(out, "expired_keys", facts_.expired_keys);
    fieldFixed(out, "expired_stale_perc", facts_.expired_stale_perc);
    field(out, "expired_time_cap_reached_count", facts_.expired_time_cap_reached);
    field(out, "expire_cycle_cpu_milliseconds", facts_.expire_cycle_cpu_ms);
    for (const char* name : {"evicted_keys", "evicted_clients", "total_eviction_exceeded_time",
                             "current_eviction_exceeded_time"}) {
        field(out, name, "0");
    }
    field(out, "keyspace_hits", hits);
    field(out, "keyspace_misses", misses);
    field(out, "pubsub_channels", st.pubsub_channels.load());
    field(out, "pubsub_patterns", st.pubsub_patterns.load());
    for (const char* name :
         {"pubsubshard_channels", "latest_fork_usec",
          "total_forks", "migrate_cached_sockets", "slave_expires_tracked_keys",
          "active_defrag_hits", "active_defrag_misses", "active_defrag_key_hits",
          "active_defrag_key_misses", "total_active_defrag_time", "current_active_defrag_time"}) {
        field(out, name, "0");
    }
    field(out, "tracking_total_keys", facts_.tracked_keys);
    field(out, "tracking_total_items", facts_.tracked_keys);  // readers are not counted apart
    field(out, "tracking_total_prefixes", ctx_.stats.tracking_prefixes.load());
    field(out, "unexpected_error_replies", "0");
    field(out, "total_error_replies", errors);
    field(out, "dump_payload_sanitizations", "0");
    // Reads and writes are not counted per call; no IO threads, no reply-buffer resizing.
    for (const char* name :
         {"total_reads_processed", "total_writes_processed", "io_threaded_reads_processed",
          "io_threaded_writes_processed", "reply_buffer_shrinks", "reply_buffer_expands"}) {
        field(out, name, "0");
    }
    // Redis 7.2's name; mini-redis counts it already.
    field(out, "client_output_buffer_limit_disconnections", st.output_limit_disconnections.load());
}

void InfoReport::replication(std::string& out) {
    field(out, "role", "master");
    field(out, "connected_slaves", "0");
    field(out, "master_failover_state", "no-failover");
    field(out, "master_replid", process::replId());
    field(out, "master_replid2", std::string(40, '0'));
    field(out, "master_repl_offset", "0");
    field(out, "second_repl_offset", "-1");
    field(out, "repl_backlog_active", "0");
    field(out, "repl_backlog_size", "1048576");
    field(out, "repl_backlog_first_byte_offset", "0");
    field(out, "repl_backlog_histlen", "0");
}

void InfoReport::cpu(std::string& out) {
    rusage self{}, children{};
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    field(out, "used_cpu_sys", process::cpuSeconds(self.ru_stime));
    field(out, "used_cpu_user", process::cpuSeconds(self.ru_utime));
    field(out, "used_cpu_sys_children", process::cpuSeconds(children.ru_stime));
    field(out, "used_cpu_user_children", process::cpuSeconds(children.ru_utime));
    timeval main_user{}, main_sys{};
    process::mainThreadCpu(main_user, main_sys);
    field(out, "used_cpu_sys_main_thread", process::cpuSeconds(main_sys));
    field(out, "used_cpu_user_main_thread", process::cpuSeconds(main_user));
}

void InfoReport::cluster(std::string& out) {
    field(out, "cluster_enabled", "0");
}

void InfoReport::keyspace(std::string& out) {
    for (const StoreFacts::Db& db : facts_.dbs) {
        field(out, "db" + std::to_string(db.index),
              "keys=" + std::to_string(db.keys) + ",expires=" + std::to_string(db.expires) +
                  ",avg_ttl=" + std::to_string(db.avg_ttl_ms));
    }
}

void InfoReport::workers(std::string& out) {
    const ServerStats& st = ctx_.stats;
    for (size_t i = 0; i < st.workers.size(); ++i) {
        const auto& w = st.workers[i];
        char line[256];
        std::snprintf(line, sizeof line,
                      "worker%zu:queue_depth=%lld,batches=%llu,commands=%llu,load=%lld\r\n", i,
                      static_cast<long long>(w.queued.load()),
                      static_cast<unsigned long long>(w.batches.load()),
                      static_cast<unsigned long long>(w.commands.load()),
                      static_cast<long long>(w.load.load()));
        out += line;
    }
}

}  // namespace mini_redis
