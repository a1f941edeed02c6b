// INFO: every section Redis 7.0 has, with its field names in its order, plus mini-redis's own
// `workers` section.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>
#include <string_view>

namespace mini_redis {

struct CommandContext;
class Store;

// The Redis version mini-redis reports (HELLO, INFO redis_version): clients check it for
// features (HELLO needs >= 6), so it names the Redis whose commands mini-redis follows.
inline constexpr const char* kRedisVersion = "7.0.0";

// What INFO keyspace and INFO stats read from the store. The store's own counters fill it
// (storeFacts() in info_report.cpp is the one place that reads them).
struct StoreFacts {
    struct Db {
        int index = 0;
        uint64_t keys = 0;       // dbN:keys=
        uint64_t expires = 0;    // dbN:expires= (keys with a TTL)
        int64_t avg_ttl_ms = 0;  // dbN:avg_ttl= (estimate, milliseconds)
    };
    std::vector<Db> dbs;                    // the databases that hold keys
    uint64_t keys = 0;                      // in all databases
    uint64_t expired_keys = 0;              // stats: expired_keys
    double expired_stale_perc = 0;          // stats: expired_stale_perc
    uint64_t expired_time_cap_reached = 0;  // stats: expired_time_cap_reached_count
    uint64_t expire_cycle_cpu_ms = 0;       // stats: expire_cycle_cpu_milliseconds
    uint64_t dirty = 0;                     // persistence: rdb_changes_since_last_save
    uint64_t used_bytes = 0;                // memory: used_memory (the store's own count)
    uint64_t lazyfree_pending = 0;          // memory: lazyfree_pending_objects
    uint64_t lazyfreed = 0;                 // memory: lazyfreed_objects
    uint64_t tracked_keys = 0;              // stats: tracking_total_keys (and _items)
};

// Builds INFO's text for one request. Any thread (it runs on a worker); reads counters with
// relaxed loads, so sections are each a consistent-enough snapshot, as in Redis.
class InfoReport {
  public:
    explicit InfoReport(CommandContext& ctx);

    // The text for INFO's arguments (after the name): none or "default", "all", "everything"
    // and section names, case-insensitive, in any combination; unknown names are ignored.
    // Sections come out in Redis's order, separated by a blank line, each line ending CRLF.
    std::string build(std::span<const std::string_view> args);

  private:
    static unsigned selected(std::span<const std::string_view> args);
    void server(std::string& out);
    void clients(std::string& out);
    void memory(std::string& out);
    void persistence(std::string& out);
    void stats(std::string& out);
    void replication(std::string& out);
    void cpu(std::string& out);
    void commandstats(std::string& out);
    void errorstats(std::string& out);
    void latencystats(std::string& out);
    void cluster(std::string& out);
    void keyspace(std::string& out);
    void workers(std::string& out);

    CommandContext& ctx_;
    StoreFacts facts_;
};

}  // namespace mini_redis
